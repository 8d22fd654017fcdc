"""The ``planc`` command line.

Command logic runs in this process (``run_planc``: planc.cli.main with captured
streams); the few tests about the real entry point run the installed script
(``run_installed``): its exit status, ``--version``, ``python -m planc``, the
one-line internal error, a closed pipe, and a run without the editable-install hooks.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import sysconfig

import pytest
from conftest import ROOT, planc_command, run_installed, run_planc
from support.golden import emitted

import planc.commands.check as check_command
from planc import __version__

SWEET = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"
INTERNAL_ERROR = ("planc: internal error; this is a bug in planc, please report it with the "
                  "input that caused it (set PLANC_DEBUG=1 to see the traceback)\n")

# ------------------------------------------------------------- the real entry point --


def test_version_and_help_of_the_installed_script():
    proc = run_installed("--version")
    assert proc.returncode == 0 and proc.stdout_text == f"planc {__version__}\n"
    proc = run_installed("--help")
    assert proc.returncode == 0 and "compile" in proc.stdout_text
    assert "Exit codes: 0 ok, 1 diagnostics, 2 usage" in proc.stdout_text


def test_the_installed_script_exits_with_the_commands_status(tmp_path):
    bad = tmp_path / "bad.workout"
    bad.write_text("- oops\n", encoding="utf-8")
    assert run_installed("check", str(SWEET)).returncode == 0
    proc = run_installed("check", str(bad))
    assert proc.returncode == 1 and f"{bad}:1:1: error[no-steps]" in proc.stderr_text
    assert run_installed("check", "--frobnicate").returncode == 2


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "planc", "--version"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout == f"planc {__version__}\n"


def test_an_internal_error_is_one_line_and_status_70(tmp_path):
    """A bug (here: check made to divide by zero before planc starts, by a sitecustomize
    on PYTHONPATH) reaches the user as one line, never a traceback."""
    (tmp_path / "sitecustomize.py").write_text(
        "import planc.commands.check as c\nc.run = lambda args: 1 / 0\n", encoding="utf-8")
    proc = run_installed("check", str(SWEET), env={"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 70
    assert proc.stderr_text == INTERNAL_ERROR and proc.stdout == b""


def test_a_closed_pipe_ends_quietly(tmp_path):
    """``planc compile ... | head -c 10``: the reader goes away after 10 bytes of 400 kB."""
    big = tmp_path / "big.workout"
    big.write_text("- 1m 50% Spin easy and keep the cadence up\n" * 9000, encoding="utf-8")
    proc = subprocess.Popen([*planc_command(), "compile", str(big), "--to", "icu"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10) == b"- 1m 50% S"
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0
    assert err == b""


def test_planc_runs_without_the_editable_install_hooks(tmp_path):
    """A wheel install has no editable finder (which happens to import importlib.util):
    run planc with nothing but the checkout and the dependencies on sys.path."""
    code = ("import sys; sys.path[:0] = sys.argv[1:3]; sys.argv = ['planc', *sys.argv[3:]];"
            "from planc.cli import main; sys.exit(main())")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code, str(ROOT), sysconfig.get_paths()["purelib"],
         "compile", str(SWEET), "--to", "mrc,zwo", "-o", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (out / "sweet-spot-3x15.mrc").read_bytes().startswith(b"[COURSE HEADER]")


@pytest.mark.parametrize("columns", ["80", "57", "120", "30", "45", "66", "73"])
def test_the_quick_top_level_help_is_argparses(monkeypatch, columns):
    """``planc --help`` is laid out without argparse; it must read exactly as argparse's."""
    from planc.cli import build_parser, top_help

    monkeypatch.setenv("COLUMNS", columns)
    assert top_help() == build_parser(None).format_help()


def test_the_quick_answers_exit_codes_are_exitcodes():
    from planc import cli
    from planc.commands import ExitCode

    assert (cli._OK, cli._USAGE) == (ExitCode.OK, ExitCode.USAGE)


@pytest.mark.parametrize("args", [["--version"], ["--help"], []])
def test_version_and_help_import_no_parser(args):
    """The start-up floor: answering these imports neither argparse nor any command, and
    not even re or enum."""
    heavy = {"argparse", "shutil", "pathlib", "lark", "planc.commands", "re", "enum"}
    probe = ("import sys\nsys.path.insert(0, sys.argv.pop(1))\nfrom planc.cli import main\n"
             "main(sys.argv[1:])\nprint(sorted(sys.modules), file=sys.stderr)")
    # -S: without the editable install's import hook, which imports pathlib itself
    proc = subprocess.run([sys.executable, "-S", "-c", probe, str(ROOT), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    imported = set(eval(proc.stderr.splitlines()[-1]))
    assert not heavy & imported


# ------------------------------------------------------------------ command logic --


def test_an_internal_error_in_process_is_the_same_line_and_debug_shows_it(monkeypatch):
    monkeypatch.setattr(check_command, "run", lambda args: 1 / 0)
    proc = run_planc("check", str(SWEET))
    assert (proc.returncode, proc.stderr_text) == (70, INTERNAL_ERROR)
    with pytest.raises(ZeroDivisionError):
        run_planc("check", str(SWEET), env={"PLANC_DEBUG": "1"})


@pytest.mark.parametrize("command", ["check", "compile", "stats"])
def test_every_subcommand_has_help(command):
    proc = run_planc(command, "--help")
    assert proc.returncode == 0
    assert proc.stdout_text.startswith(f"usage: planc {command}")


def test_no_command_is_usage_error_with_the_help_on_stderr():
    proc = run_planc()
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr_text.startswith("usage: planc") and "Exit codes" in proc.stderr_text


def test_unknown_flag_is_usage_error():
    proc = run_planc("check", "--frobnicate", str(SWEET))
    assert proc.returncode == 2 and "unrecognized arguments: --frobnicate" in proc.stderr_text


def test_check_ok_and_warnings_go_to_stderr():
    proc = run_planc("check", str(SWEET))
    assert proc.returncode == 0 and proc.stdout_text == ""
    assert proc.stderr_text == "ok: 1 file checked\n"  # checking does not lower: no warnings


def test_check_reports_errors_with_position_caret_and_hint(tmp_path):
    bad = tmp_path / "bad.workout"
    bad.write_text("- 10m 50%\n- Hard 5km 4.30/km Pace\n- 5m 5:00/km\n", encoding="utf-8")
    proc = run_planc("check", str(bad), "--sport", "Run")
    assert proc.returncode == 1
    err = proc.stderr_text
    assert f"{bad}:2:12: error[bad-pace]:" in err
    assert "  2 | - Hard 5km 4.30/km Pace" in err and "    |            ^^^^^^^^^^^^\n" in err
    assert "hint: write minutes:seconds and a unit, e.g. '4:30/km Pace'" in err
    assert f"{bad}:3:6: error[pace-without-keyword]:" in err
    assert "2 errors" in err
    assert "Traceback" not in err


def test_check_strict_turns_warnings_into_errors(tmp_path):
    f = tmp_path / "w.workout"
    f.write_text("- 10m 92-88%\n", encoding="utf-8")
    loose = run_planc("check", str(f))
    assert loose.returncode == 0 and "warning[" in loose.stderr_text
    strict = run_planc("check", "--strict", str(f))
    assert strict.returncode == 1 and "warning[" not in strict.stderr_text
    assert strict.stderr_text.count("error[") == loose.stderr_text.count("warning[")


def test_check_stdin():
    proc = run_planc("check", "-", input="- 10m 50%\n- 10m 5:00/km\n")
    assert proc.returncode == 1 and "<stdin>:2:7: error[pace-without-keyword]" in proc.stderr_text
    proc = run_planc("check", "-", input="- 10m 50%\n- oops\n")
    assert proc.returncode == 0 and "<stdin>:2:1: warning[dropped-by-icu]" in proc.stderr_text


def test_missing_file_is_usage_error_without_traceback():
    proc = run_planc("check", "no/such/file.workout")
    assert proc.returncode == 2
    assert "no/such/file.workout" in proc.stderr_text and "Traceback" not in proc.stderr_text


def test_binary_garbage_is_a_clean_error(tmp_path):
    f = tmp_path / "junk.workout"
    f.write_bytes(bytes(range(256)) * 4)
    proc = run_planc("check", str(f))
    assert proc.returncode == 1 and "not UTF-8" in proc.stderr_text  # a positioned error
    assert "Traceback" not in proc.stderr_text


def test_check_directory():
    quiet = run_planc("check", "-q", str(ROOT / "plans" / "workouts"))
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b""), quiet.stderr_text
    proc = run_planc("check", str(ROOT / "plans" / "workouts"))
    count = len(list((ROOT / "plans" / "workouts").glob("*.workout")))
    assert proc.returncode == 0 and proc.stderr_text == f"ok: {count} files checked\n"


def test_compile_icu_to_stdout_matches_golden():
    proc = run_planc("compile", str(SWEET), "--to", "icu")
    assert proc.returncode == 0
    assert proc.stdout == (emitted("icu") / "sweet-spot-3x15.txt").read_bytes()
    assert "cue-dropped" in proc.stderr_text  # the cue cannot go to intervals.icu: said so


def test_compile_strict_fails_on_lowering(tmp_path):
    proc = run_planc("compile", str(SWEET), "--strict")
    assert proc.returncode == 1 and proc.stdout_text == ""
    assert ":16:1: error[cue-dropped]" in proc.stderr_text and "1 error" in proc.stderr_text


def test_compile_to_file_is_atomic_and_idempotent(tmp_path):
    out = tmp_path / "out.txt"
    assert run_planc("compile", str(SWEET), "-o", str(out)).returncode == 0
    assert out.read_bytes() == (emitted("icu") / "sweet-spot-3x15.txt").read_bytes()
    first = out.stat().st_mtime_ns
    assert run_planc("compile", str(SWEET), "-o", str(out)).returncode == 0
    assert out.stat().st_mtime_ns == first
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp files left


def test_compile_unknown_format_is_usage_error():
    proc = run_planc("compile", str(SWEET), "--to", "zwoo")
    assert proc.returncode == 2 and "unknown format 'zwoo'" in proc.stderr_text


def test_compile_sport_override(tmp_path):
    proc = run_planc("compile", "-", "--sport", "Swim", input="- 400m 70% Pace\n")
    assert proc.returncode == 0
    assert proc.stdout_text == "- 6h40m 70% Pace\n"  # 400 minutes, as intervals.icu reads it
    assert "<stdin>:1:3: warning[minutes-or-metres]" in proc.stderr_text


def test_stats_json():
    proc = run_planc("stats", "--json", str(SWEET))
    assert proc.returncode == 0
    data = json.loads(proc.stdout_text)
    (w,) = data["workouts"]
    assert {"name", "sport", "duration_s", "distance_m", "load", "intensity"} <= set(w)
    assert w["name"] == "Sweet spot 3x15" and w["sport"] == "Ride"
    assert w["duration_s"] == 85 * 60
    assert 85 < w["load"] < 100


def test_stats_table_for_a_directory():
    proc = run_planc("stats", str(ROOT / "plans" / "workouts"))
    assert proc.returncode == 0
    assert "Sweet spot 3x15" in proc.stdout_text and "total" in proc.stdout_text


def test_an_output_path_below_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    proc = run_planc("compile", str(SWEET), "--to", "icu,icu", "-o", str(target / "sub"))
    assert proc.returncode == 2
    assert f"planc compile: error: cannot write {target / 'sub'}" in proc.stderr_text
    assert "Not a directory" in proc.stderr_text and "Traceback" not in proc.stderr_text
    assert target.read_text() == "x"


def test_resources_are_found_where_a_wheel_installs_them(tmp_path, monkeypatch):
    import planc.resources as resources

    site = tmp_path / "site-packages"  # no pyproject.toml: not a checkout
    (site / "templates").mkdir(parents=True)  # some other distribution's folder
    monkeypatch.setattr(resources, "_CHECKOUT", site)
    monkeypatch.setattr(resources.sys, "prefix", str(tmp_path))
    for name in ("grammars", "templates"):
        (tmp_path / "share" / "planc" / name).mkdir(parents=True)
        assert resources.resource_dir(name) == tmp_path / "share" / "planc" / name
    assert resources.resource_dir("other") == site / "other"


def test_sport_flag_takes_any_case_and_refuses_unknown_sports():
    proc = run_planc("check", str(SWEET), "--sport", "virtualride")
    assert proc.returncode == 0, proc.stderr_text
    proc = run_planc("check", str(SWEET), "--sport", "Rde")
    assert proc.returncode == 2 and "unknown sport 'Rde'; did you mean Ride?" in proc.stderr_text


def test_check_reports_the_readable_files_when_one_is_missing(tmp_path):
    bad = tmp_path / "zero.workout"
    bad.write_text("- 0s 50%\n", encoding="utf-8")
    proc = run_planc("check", str(bad), str(tmp_path / "missing.workout"))
    assert proc.returncode == 2  # an unreadable file is a usage error, and it wins
    assert "missing.workout: No such file" in proc.stderr_text
    assert "warning[dropped-by-icu]" in proc.stderr_text


@pytest.mark.parametrize("command", ["build", "render", "publish"])
def test_plan_commands_given_a_workout_say_so(command):
    proc = run_planc(command, str(SWEET), "--dry-run" if command == "publish" else "-q"
                     if command == "build" else "--week=1")
    assert proc.returncode == 2
    assert "is a workout, not a plan; compile it with 'planc compile'" in proc.stderr_text


def test_compile_into_an_existing_file_is_a_usage_error(tmp_path):
    target = tmp_path / "not-a-dir"
    target.write_text("keep me", encoding="utf-8")
    proc = run_planc("compile", str(SWEET), "--to", "zwo,mrc", "-o", str(target))
    assert proc.returncode == 2 and "is a file, not a directory" in proc.stderr_text
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_backwards_week_range_says_so():
    proc = run_planc("stats", str(ROOT / "plans" / "half-marathon-12w.yaml"), "--week", "3-1")
    assert proc.returncode == 2 and "runs backwards; write 1-3" in proc.stderr_text


def test_a_virtual_ride_uses_indoor_ftp_like_a_plan_build(tmp_path):
    workout = tmp_path / "vr.workout"
    workout.write_text("---\nsport: VirtualRide\n---\n- 10m 100%\n", encoding="utf-8")
    athlete = ROOT / "plans" / "athletes" / "cyclist.yaml"  # ftp 265, indoor_ftp 255
    proc = run_planc("compile", str(workout), "--to", "erg", "--athlete", str(athlete))
    assert proc.returncode == 0, proc.stderr_text
    assert "0.000000\t255\r\n" in proc.stdout_text
    ride = workout.with_name("ride.workout")
    ride.write_text("- 10m 100%\n", encoding="utf-8")
    proc = run_planc("compile", str(ride), "--to", "erg", "--athlete", str(athlete))
    assert proc.returncode == 0 and "0.000000\t265\r\n" in proc.stdout_text


@pytest.mark.parametrize("command", ["check", "stats"])
def test_a_missing_plan_file_is_a_usage_error(tmp_path, command):
    proc = run_planc(command, str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "nope.yaml: no such file" in proc.stderr_text


def _process_state() -> tuple:
    loggers = [logging.getLogger(), *(v for v in logging.Logger.manager.loggerDict.values()
                                      if isinstance(v, logging.Logger))]
    logs = {lg.name: (list(lg.handlers), lg.level, lg.propagate) for lg in loggers}
    return os.getcwd(), dict(os.environ), sys.stdin, sys.stdout, sys.stderr, logs


def test_in_process_runs_leave_the_process_as_they_found_it(tmp_path):
    """The in-process runner restores the working directory, environment, streams and
    logging (athlete pull routes the client's log to its stderr), so one command's run
    cannot change what the next test sees."""
    before = _process_state()
    proc = run_planc("athlete", "pull", cwd=tmp_path, input="", env={
        "INTERVALS_ICU_API_KEY": "k" * 20, "INTERVALS_ICU_BASE_URL": "http://127.0.0.1:9",
        "PLANC_RETRY_BACKOFF": "0.01"})
    assert proc.returncode == 3, proc.stderr_text  # nothing listens on port 9
    after = _process_state()
    assert after[:5] == before[:5]
    assert {k: v for k, v in after[5].items() if k in before[5]} == before[5]
    assert all(v == ([], logging.NOTSET, True) for k, v in after[5].items()
               if k not in before[5])


def test_several_workouts_to_standard_output_are_refused(tmp_path):
    """One after another on standard output, two workouts would read back as one (the
    second's steps joined to the first) or as broken XML: -o DIR is asked for."""
    for name, body in (("a", "- 10m 50%\n"), ("b", "- 20m 60%\n")):
        (tmp_path / f"{name}.workout").write_text(body, encoding="utf-8")
    for fmt in ("icu", "zwo"):
        proc = run_planc("compile", str(tmp_path), "--to", fmt)
        assert proc.returncode == 2 and proc.stdout == b""
        assert "2 workouts need -o DIR: standard output takes one" in proc.stderr_text
    one = run_planc("compile", str(tmp_path / "a.workout"), "--to", "icu")
    assert one.returncode == 0 and one.stdout_text == "- 10m 50%\n"
    assert run_planc("compile", str(tmp_path), "--to", "icu", "-o",
                     str(tmp_path / "out")).returncode == 0

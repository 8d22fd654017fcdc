"""The installed ``planc`` command, run in a subprocess as a user would."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_planc

SWEET = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"


def test_version_and_help():
    proc = run_planc("--version")
    assert proc.returncode == 0 and proc.stdout_text.startswith("planc ")
    proc = run_planc("--help")
    assert proc.returncode == 0 and "compile" in proc.stdout_text and "Exit codes" in (
        proc.stdout_text)


@pytest.mark.parametrize("command", ["check", "compile", "stats"])
def test_every_subcommand_has_help(command):
    proc = run_planc(command, "--help")
    assert proc.returncode == 0
    assert proc.stdout_text.startswith(f"usage: planc {command}")


def test_no_command_is_usage_error():
    proc = run_planc()
    assert proc.returncode == 2


def test_unknown_flag_is_usage_error():
    proc = run_planc("check", "--frobnicate", str(SWEET))
    assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr_text


def test_check_ok_and_warnings_go_to_stderr():
    proc = run_planc("check", str(SWEET))
    assert proc.returncode == 0 and proc.stdout_text == ""
    assert "cue" not in proc.stderr_text  # checking does not lower, so no lowering warnings


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
    assert run_planc("check", str(f)).returncode == 0
    assert run_planc("check", "--strict", str(f)).returncode == 1


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
    proc = run_planc("check", "-q", str(ROOT / "plans" / "workouts"))
    assert proc.returncode == 0, proc.stderr_text


def test_compile_icu_to_stdout_matches_golden():
    proc = run_planc("compile", str(SWEET), "--to", "icu")
    assert proc.returncode == 0
    golden = ROOT / "tests" / "golden" / "workouts" / "sweet-spot-3x15.txt"
    assert proc.stdout_text == golden.read_text(encoding="utf-8")
    assert "cue-dropped" in proc.stderr_text  # the cue cannot go to intervals.icu: said so


def test_compile_strict_fails_on_lowering(tmp_path):
    proc = run_planc("compile", str(SWEET), "--strict")
    assert proc.returncode == 1 and proc.stdout_text == ""


def test_compile_to_file_is_atomic_and_idempotent(tmp_path):
    out = tmp_path / "out.txt"
    assert run_planc("compile", str(SWEET), "-o", str(out)).returncode == 0
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
    assert "minutes-or-metres" in proc.stderr_text


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


def test_python_dash_m_works():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "planc", "--version"], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.startswith("planc ")


def test_internal_errors_print_one_line(tmp_path):
    # an unwritable output directory is a clean usage error, not a traceback
    target = tmp_path / "file"
    target.write_text("x")
    proc = run_planc("compile", str(SWEET), "--to", "icu,icu", "-o", str(target / "sub"))
    assert "Traceback" not in proc.stderr_text
    assert proc.returncode in (0, 2)


def test_planc_runs_without_the_editable_install_hooks(tmp_path):
    """A wheel install has no editable finder (which happens to import importlib.util):
    run planc with nothing but the checkout and the dependencies on sys.path."""
    import subprocess
    import sys
    import sysconfig

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
    assert "0.000000\t265\r\n" in proc.stdout_text


@pytest.mark.parametrize("command", ["check", "stats"])
def test_a_missing_plan_file_is_a_usage_error(tmp_path, command):
    proc = run_planc(command, str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "nope.yaml: no such file" in proc.stderr_text

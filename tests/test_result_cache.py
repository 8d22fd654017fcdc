"""The result cache (planc.output.results): check and compile of a text planc has seen
print what they printed, byte for byte, without parsing; any change to what decides the
output runs the command again; a broken cache is no cache."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import CliResult, run_in_process

import planc
from planc import cli
from planc.output import results

WORKOUT = "Warmup\n- 10m 55%\n\nMain set 3x\n- 4m 105%\n- 2m 50%\n"
WARNED = "Main\n- 5m 400%\n- 3x\n"  # a warning and an error: exit 1
ATHLETE = "ride: {ftp: 250}\n"
MAIN = cli.main
PLAN = """\
id: cache-test
name: Cache test
start: 2027-01-04
weeks: 2
athlete: athlete.yaml
include: [lib.yaml]
calendar:
  - tue: ride
"""
LIBRARY = "workouts:\n  ride:\n    sport: Ride\n    body: |\n      - 10m 75%\n      - 5m 200%\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "ride.workout").write_text(WORKOUT, encoding="utf-8")
    (work / "bad.workout").write_text(WARNED, encoding="utf-8")
    (work / "athlete.yaml").write_text(ATHLETE, encoding="utf-8")
    (work / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    (work / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (work / "missing-athlete.yaml").write_text(PLAN.replace("athlete.yaml", "nobody.yaml"),
                                               encoding="utf-8")
    monkeypatch.setenv("PLANC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PLANC_NO_CACHE", raising=False)
    return work


class Ran:
    """How many times a command really ran (the rest were cache hits)."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = cli._run

        def counting(argv):
            self.count += 1
            return real(argv)

        monkeypatch.setattr(cli, "_run", counting)


@pytest.fixture
def ran(monkeypatch) -> Ran:
    return Ran(monkeypatch)


def planc_cached(folder: Path, monkeypatch, *args: str, env=None) -> CliResult:
    """planc.cli.main(args) in this process, with the result cache on (as for the real
    command line; a call with argv leaves it off)."""
    with monkeypatch.context() as m:
        m.setattr(cli, "main", functools.partial(MAIN, cache=True))
        return run_in_process(*args, cwd=folder, env=env)


def entries(folder: Path) -> list[Path]:
    found = folder.parent / "cache" / "results"
    return sorted(found.iterdir()) if found.is_dir() else []


CASES = [
    ("check", "ride.workout"),
    ("check", "bad.workout"),
    ("check", "-q", "ride.workout", "bad.workout"),
    ("check", "--json", "bad.workout"),
    ("compile", "ride.workout", "--to", "icu"),
    ("compile", "ride.workout", "--to", "zwo", "--ftp", "260", "-o", "out"),
    ("compile", "ride.workout", "--to", "icu", "--athlete", "athlete.yaml"),
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_a_hit_prints_the_same_bytes_and_exit_code_without_running(folder, monkeypatch,
                                                                    ran, args):
    first = planc_cached(folder, monkeypatch, *args)
    assert ran.count == 1 and len(entries(folder)) == 1
    again = planc_cached(folder, monkeypatch, *args)
    assert ran.count == 1, "the second run was not answered from the cache"
    assert again == first
    uncached = run_in_process(*args, cwd=folder)  # the cache off: the same
    assert uncached == first


def _edit_workout(folder: Path, monkeypatch) -> None:
    (folder / "ride.workout").write_text(WORKOUT + "- 5m 45%\n", encoding="utf-8")


def _edit_athlete(folder: Path, monkeypatch) -> None:
    (folder / "athlete.yaml").write_text("ride: {ftp: 300}\n", encoding="utf-8")


def _no_colour(folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def _columns(folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")


def _epoch(folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _version(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(planc, "__version__", planc.__version__ + ".post1")


def _module_edited(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(results, "fingerprint", lambda: "another planc")


def _library_upgraded(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(results, "_libraries", lambda: ["lxml-99.0.dist-info"])


def _python_path(folder: Path, monkeypatch) -> None:  # PYTHONPATH: a sitecustomize may patch
    monkeypatch.setattr(sys, "path", [str(folder), *sys.path])


def _athlete_deleted(folder: Path, monkeypatch) -> None:
    (folder / "athlete.yaml").unlink()


CHANGES = [_edit_workout, _edit_athlete, _no_colour, _columns, _epoch, _version,
           _module_edited, _library_upgraded, _python_path, _athlete_deleted]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_any_change_to_what_decides_the_output_runs_again(folder, monkeypatch, ran, change):
    args = ("compile", "ride.workout", "--to", "icu", "--athlete", "athlete.yaml")
    planc_cached(folder, monkeypatch, *args)
    change(folder, monkeypatch)
    after = planc_cached(folder, monkeypatch, *args)
    assert ran.count == 2
    assert after == run_in_process(*args, cwd=folder)


def test_other_flags_and_another_folder_are_other_runs(folder, monkeypatch, ran):
    planc_cached(folder, monkeypatch, "check", "ride.workout")
    planc_cached(folder, monkeypatch, "check", "-q", "ride.workout")
    other = folder.parent / "other"
    other.mkdir()
    (other / "ride.workout").write_text(WORKOUT, encoding="utf-8")
    planc_cached(other, monkeypatch, "check", "ride.workout")
    assert ran.count == 3


@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'{"format": 1}', b"\xff\xfe",
                                     b'{"format":1,"key":"x","inputs":[],"outputs":[],'
                                     b'"chunks":[[3,"x"]],"code":0}',
                                     b'{"format":2,"key":"x","inputs":[[5,"x"]],"outputs":[],'
                                     b'"listed":[],"chunks":[],"code":0}',
                                     b'{"format":2,"key":"x","inputs":[],"outputs":[[1]],'
                                     b'"listed":[[7,[]]],"chunks":[],"code":0}'])
def test_a_corrupt_entry_is_ignored(folder, monkeypatch, ran, garbage):
    first = planc_cached(folder, monkeypatch, "check", "bad.workout")
    [entry] = entries(folder)
    entry.write_bytes(garbage)
    assert planc_cached(folder, monkeypatch, "check", "bad.workout") == first
    assert ran.count == 2


@pytest.mark.parametrize("field", ["key", "inputs"])
def test_an_entry_whose_key_does_not_cover_the_files_is_ignored(folder, monkeypatch, ran,
                                                                field):
    planc_cached(folder, monkeypatch, "check", "ride.workout")
    [entry] = entries(folder)
    data = json.loads(entry.read_bytes())
    data[field] = "0" * 64 if field == "key" else []  # the key no longer fits the files
    entry.write_text(json.dumps(data))
    planc_cached(folder, monkeypatch, "check", "ride.workout")
    assert ran.count == 2


@pytest.mark.parametrize("switch", ["flag", "env"])
def test_no_cache_turns_it_off(folder, monkeypatch, ran, switch):
    args = ("check", "--no-cache", "ride.workout") if switch == "flag" else ("check", "ride.workout")
    env = {"PLANC_NO_CACHE": "1"} if switch == "env" else None
    for _ in range(2):
        assert planc_cached(folder, monkeypatch, *args, env=env).returncode == 0
    assert ran.count == 2 and entries(folder) == []


@pytest.mark.parametrize("args", [("check", "-"), ("compile", "-"),
                                  ("check", "missing.workout"),
                                  ("compile", "ride.workout", "--athlete", "nope.yaml"),
                                  ("compile", "ride.workout", "-o", "one.txt"),
                                  ("check", "missing-athlete.yaml")],
                         ids=" ".join)
def test_runs_the_cache_cannot_vouch_for_are_not_stored(folder, monkeypatch, args):
    planc_cached(folder, monkeypatch, *args)
    assert entries(folder) == []


def test_compile_into_a_folder_again_rewrites_nothing_and_a_changed_output_is_rewritten(
        folder, monkeypatch, ran):
    args = ("compile", "ride.workout", "--to", "zwo,icu", "-o", "out")
    first = planc_cached(folder, monkeypatch, *args)
    zwo = folder / "out" / "ride.zwo"
    written = zwo.read_bytes()
    mtime = zwo.stat().st_mtime_ns
    assert planc_cached(folder, monkeypatch, *args) == first and ran.count == 1
    assert zwo.stat().st_mtime_ns == mtime
    zwo.write_bytes(b"edited")
    planc_cached(folder, monkeypatch, *args, "--force")  # another command line: runs
    assert ran.count == 2 and zwo.read_bytes() == written
    (folder / "out" / "ride.txt").unlink()
    planc_cached(folder, monkeypatch, *args)
    assert ran.count == 3 and (folder / "out" / "ride.txt").is_file()


def test_the_cache_is_bounded_oldest_first(folder, monkeypatch):
    monkeypatch.setattr(results, "MAX_ENTRIES", 2)
    for flags in ([], ["-q"], ["-v"]):
        planc_cached(folder, monkeypatch, "check", *flags, "ride.workout")
        found = entries(folder)
        for i, path in enumerate(found):  # distinct, ordered mtimes whatever the clock
            os.utime(path, ns=(10**18 + i, 10**18 + i))
    assert len(entries(folder)) == 2


def test_a_link_in_place_of_the_results_folder_is_not_written_through(folder, monkeypatch,
                                                                      tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "results").symlink_to(elsewhere)
    assert planc_cached(folder, monkeypatch, "check", "ride.workout").returncode == 0
    assert list(elsewhere.iterdir()) == []


def test_the_cache_folder_follows_planc_cache_dir_then_xdg_then_home():
    assert results.cache_root({"PLANC_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == "/c"
    assert results.cache_root({"XDG_CACHE_HOME": "/x"}) == os.path.join("/x", "planc")
    assert results.cache_root({}).endswith(os.path.join(".cache", "planc"))


def test_a_hit_imports_neither_the_parser_nor_the_writers(folder):
    env = {**os.environ, "PLANC_CACHE_DIR": str(folder.parent / "cache")}
    env.pop("PLANC_NO_CACHE", None)
    probe = ("import sys\nfrom planc.cli import main\nstatus = main(sys.argv[1:], cache=True)\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('lark', 'lxml', 'ruamel', 'jinja2', 'argparse') or m.startswith(("
             "'planc.emit', 'planc.lower', 'planc.syntax', 'planc.diagnostics', 'planc.ast')))\n"
             "print(status, heavy, file=sys.stderr)\n")
    (folder / "missing-athlete.yaml").unlink()  # an error in a plan: never kept
    for args in (["check", "bad.workout"], ["compile", "ride.workout", "--to", "zwo", "-o", "o"],
                 ["check", "-q", "."]):
        runs = [subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                               text=True, cwd=folder, env=env, timeout=60) for _ in range(2)]
        first, again = (run.stderr.strip().splitlines() for run in runs)
        assert first[-1] != again[-1] and again[-1].endswith(" []"), runs[1].stderr
        assert runs[0].stdout == runs[1].stdout and first[:-1] == again[:-1]


def test_a_plan_that_had_no_error_is_replayed_until_it_or_a_file_it_reads_changes(
        folder, monkeypatch, ran):
    first = planc_cached(folder, monkeypatch, "check", "plan.yaml")
    assert first.returncode == 0
    assert planc_cached(folder, monkeypatch, "check", "plan.yaml") == first and ran.count == 1
    (folder / "lib.yaml").write_text(LIBRARY.replace("- 5m 200%", "- 3x"), encoding="utf-8")
    edited = planc_cached(folder, monkeypatch, "check", "plan.yaml")
    assert edited.returncode == 1 and ran.count == 2
    assert edited == run_in_process("check", "plan.yaml", cwd=folder)
    (folder / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    (folder / "athlete.yaml").write_text("ride: {ftp: 9999999}\n", encoding="utf-8")
    assert planc_cached(folder, monkeypatch, "check", "plan.yaml").returncode == 1
    assert ran.count == 4  # with the uncached run above


def test_a_plan_whose_athlete_file_is_missing_is_not_kept_so_creating_it_counts(
        folder, monkeypatch, ran):
    assert planc_cached(folder, monkeypatch, "check", "missing-athlete.yaml").returncode == 1
    (folder / "nobody.yaml").write_text(ATHLETE, encoding="utf-8")
    assert planc_cached(folder, monkeypatch, "check", "missing-athlete.yaml").returncode == 0
    assert ran.count == 2


def _add_file(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "new.workout").write_text(WORKOUT, encoding="utf-8")


def _remove_file(folder: Path) -> None:
    (folder / "bad.workout").unlink()


def _manifest(folder: Path) -> None:  # a folder planc wrote is refused
    (folder / "manifest.json").write_text('{"plan": "x"}', encoding="utf-8")


def _git_ignored(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / ".gitignore").write_text("bad.workout\n", encoding="utf-8")


@pytest.mark.parametrize("change", [_add_file, _remove_file, _manifest, _git_ignored],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_folder_argument_is_listed_again_before_a_hit(folder, monkeypatch, ran, change):
    (folder / "missing-athlete.yaml").unlink()  # an error in a plan: never kept
    args = ("check", "-q", ".")
    first = planc_cached(folder, monkeypatch, *args)
    assert planc_cached(folder, monkeypatch, *args) == first and ran.count == 1
    change(folder)
    after = planc_cached(folder, monkeypatch, *args)
    assert ran.count == 2 and after == run_in_process(*args, cwd=folder)


def test_ctrl_c_while_a_folder_is_listed_again_is_one_line_and_130(folder, monkeypatch):
    from planc.commands import ExitCode

    assert cli._INTERRUPTED == ExitCode.INTERRUPTED
    (folder / "missing-athlete.yaml").unlink()
    planc_cached(folder, monkeypatch, "check", "-q", ".")

    def interrupted(folder: str) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_listing", interrupted)
    done = planc_cached(folder, monkeypatch, "check", "-q", ".")
    assert (done.returncode, done.stderr) == (130, b"planc: interrupted\n")


def test_the_results_folder_is_the_users_alone(folder, monkeypatch):
    planc_cached(folder, monkeypatch, "check", "ride.workout")
    assert (folder.parent / "cache" / "results").stat().st_mode & 0o077 == 0

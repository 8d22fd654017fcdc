"""The build cache (issue 14, point 4): correct first, then fast.

A rebuild whose inputs, command line and outputs are unchanged parses, lowers and
emits nothing and prints what the first build printed; any change to any input
(the plan, an included library, the athlete file, ``--athlete``, planc itself, the
command line, ``SOURCE_DATE_EPOCH``, the working folder) is noticed; an edit
re-emits exactly the sessions it changes; a tampered or deleted output is
rewritten.  The oracle throughout is a fresh build of the same inputs into an
empty folder: whatever the cache did, the tree must be byte for byte the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planc
import planc.plan.build
import planc.plan.load
from planc.cli import main
from planc.inputs import digest
from planc.output import cache
from planc.output.folder import Folder

PLAN = """\
id: cache-test
name: Cache test
start: 2027-01-04
weeks: 3
athlete: athlete.yaml
include: [lib.yaml]
calendar:
  - tue: {workout: ride, reps: 3}
    thu: run
    sat: {workout: ride, reps: "= 2 + week"}
"""

LIBRARY = """\
workouts:
  ride:
    sport: Ride
    name: "Ride {reps}x3m"
    params: {reps: 3}
    body: |
      - 10m ramp 50-75%
      Main set {reps}x
      - 3m 105%
      - 2m 55%
  run:
    sport: Run
    body: |
      - 20m 75% Pace
      - 10m Z2 HR
"""

ATHLETE = 'ride: {ftp: 250}\nrun: {threshold_pace: "4:30/km", lthr: 170}\n'
RIDES = {"2027-01-05", "2027-01-09", "2027-01-12", "2027-01-16", "2027-01-19", "2027-01-23"}
RUNS = {"2027-01-07", "2027-01-14", "2027-01-21"}
BUILD = ["build", "plan.yaml", "-o", "out", "--formats", "all"]


class Spy:
    """Counts what a run did: plans read, and (format, session date) emitted."""

    def __init__(self) -> None:
        self.reads = 0
        self.emitted: list[tuple[str, str]] = []

    def dates(self) -> set[str]:
        return {date for _, date in self.emitted}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "athlete.yaml").write_text(ATHLETE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    found = Spy()
    real_read, real_emit = planc.plan.load.read_plan, planc.plan.build.emit

    def read_plan(*args, **kwargs):
        found.reads += 1
        return real_read(*args, **kwargs)

    def emit(fmt, workout, athlete, options):
        found.emitted.append((fmt, options.date))
        return real_emit(fmt, workout, athlete, options)

    monkeypatch.setattr(planc.plan.load, "read_plan", read_plan)
    monkeypatch.setattr(planc.plan.build, "emit", emit)
    return found


def planc_run(*args: str) -> tuple[int, str]:
    """``planc ARGS`` in this process: exit status and standard error."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(args))
    return status, err.getvalue()


def outputs(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*"))
            if p.is_file() and ".planc-cache" not in p.relative_to(directory).parts}


def stats(directory: Path) -> dict[str, int]:
    return {rel: (directory / rel).stat().st_mtime_ns for rel in outputs(directory)}


def fresh_build(args: list[str] = BUILD) -> dict[str, bytes]:
    """What the same command builds into an empty folder: the oracle."""
    clean = [*args]
    clean[clean.index("-o") + 1] = "fresh"
    status, err = planc_run(*clean)
    assert status == 0, err
    tree = outputs(Path("fresh"))
    subprocess.run(["rm", "-rf", "fresh"], check=True)
    return tree


@contextlib.contextmanager
def counted(spy: Spy) -> Iterator[Spy]:
    spy.reads, spy.emitted = 0, []
    yield spy


# ------------------------------------------------------------ no change --


def test_a_no_change_rebuild_reads_no_plan_emits_nothing_and_prints_the_same(folder, spy):
    status, first = planc_run(*BUILD)
    assert status == 0 and "40 written" in first and "warning[missing-blank-line]" in first
    before = stats(folder / "out")
    with counted(spy):
        status, again = planc_run(*BUILD)
    assert status == 0 and spy.reads == 0 and spy.emitted == []
    assert again == first.replace("40 written, 0 unchanged", "0 written, 40 unchanged")
    assert stats(folder / "out") == before


def test_a_no_change_rebuild_imports_neither_the_parser_nor_the_writers(folder):
    assert planc_run(*BUILD)[0] == 0
    probe = ("import sys\nfrom planc.cli import main\nstatus = main(sys.argv[1:])\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('lark', 'lxml', 'ruamel', 'jinja2') or m.startswith(('planc.plan', "
             "'planc.emit', 'planc.lower', 'planc.syntax', 'planc.diagnostics')))\n"
             "print(status, heavy)\n")
    proc = subprocess.run([sys.executable, "-c", probe, *BUILD], capture_output=True,
                          text=True, cwd=folder, timeout=60)
    assert proc.stdout.strip() == "0 []", proc.stderr


@pytest.mark.parametrize("command", ["build", "render"])
def test_without_o_the_default_folder_is_found_from_the_plan_id(folder, spy, command):
    assert planc_run(command, "plan.yaml")[0] == 0
    with counted(spy):
        assert planc_run(command, "plan.yaml")[0] == 0
    assert spy.reads == 0


# -------------------------------------------------- every input counts --


def _edit_plan_comment(folder: Path) -> None:
    (folder / "plan.yaml").write_text(PLAN + "# a comment\n", encoding="utf-8")


def _edit_library(folder: Path) -> None:
    (folder / "lib.yaml").write_text(LIBRARY.replace("- 20m 75% Pace", "- 25m 75% Pace"))


def _edit_athlete(folder: Path) -> None:
    (folder / "athlete.yaml").write_text(ATHLETE.replace("250", "260"))


def _version(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(planc, "__version__", planc.__version__ + ".post1")


def _planc_source(folder: Path, monkeypatch) -> None:
    """An edited development copy: one of planc's modules has a new mtime."""
    copy = folder / "pkg"
    subprocess.run(["cp", "-r", str(ROOT / "planc"), str(copy)], check=True)
    monkeypatch.setattr(planc, "__file__", str(copy / "__init__.py"))
    before = cache.fingerprint()
    os.utime(copy / "emit" / "zwo.py", ns=(1, 1))
    assert cache.fingerprint() != before


def _source_date_epoch(folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.mark.parametrize(("change", "emitted"), [
    (_edit_plan_comment, set()),  # the plan is read again; no session changed
    (_edit_library, RUNS),  # exactly the sessions of the edited workout
    (_edit_athlete, RIDES),  # a new FTP: the rides, not the runs
])
def test_an_edited_input_is_read_again_and_re_emits_exactly_what_it_changes(
        folder, spy, change, emitted):
    assert planc_run(*BUILD)[0] == 0
    change(folder)
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0, err
    assert spy.reads == 1 and spy.dates() == emitted
    assert outputs(folder / "out") == fresh_build()


def test_a_kept_session_without_warnings_is_not_emitted_again(folder, spy):
    """Regression: a kept session's stored warnings are an empty list, which once read
    as "not kept" and re-emitted every session without warnings."""
    args = [*BUILD[:-1], "icu"]  # intervals.icu text: no approximation, no warning
    status, err = planc_run(*args)
    assert status == 0 and "approximations the formats force" not in err, err
    _edit_plan_comment(folder)
    with counted(spy):
        assert planc_run(*args)[0] == 0
    assert spy.reads == 1 and spy.emitted == []


@pytest.mark.parametrize("change", [_version, _planc_source])
def test_a_new_planc_rebuilds_every_session(folder, spy, monkeypatch, change):
    assert planc_run(*BUILD)[0] == 0
    change(folder, monkeypatch)
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert spy.reads == 1 and spy.dates() == RIDES | RUNS


def test_source_date_epoch_is_part_of_the_key(folder, spy, monkeypatch):
    assert planc_run(*BUILD)[0] == 0
    _source_date_epoch(folder, monkeypatch)
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert spy.reads == 1


def test_an_athlete_file_given_on_the_command_line_counts(folder, spy):
    (folder / "other.yaml").write_text(ATHLETE)
    args = [*BUILD, "--athlete", "other.yaml"]
    assert planc_run(*args)[0] == 0
    (folder / "other.yaml").write_text(ATHLETE.replace("4:30/km", "4:20/km"))
    with counted(spy):
        assert planc_run(*args)[0] == 0
    assert spy.reads == 1 and spy.dates() == RUNS
    assert outputs(folder / "out") == fresh_build(args)


@pytest.mark.parametrize("extra", [["--strict"], ["--ftp", "300"], ["--week", "2"],
                                   ["--formats", "icu"], ["-q"]])
def test_a_different_command_line_is_never_answered_from_the_cache(folder, spy, extra):
    assert planc_run(*BUILD)[0] == 0
    args = [*BUILD, *extra]
    with counted(spy):
        status, _err = planc_run(*args)
    assert spy.reads == 1
    if status == 0:  # what this command line builds is in the folder (a partial build's
        built = outputs(folder / "out")  # manifest also keeps the other weeks)
        assert all(built[rel] == data for rel, data in fresh_build(args).items()
                   if rel != "manifest.json")


def test_another_working_folder_is_another_key(folder, spy, monkeypatch):
    assert planc_run(*BUILD)[0] == 0
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder / "sub")
    with counted(spy):
        planc_run("build", "../plan.yaml", "-o", "../out", "--formats", "all")
    assert spy.reads == 1


# ------------------------------------------------- the outputs count too --


def test_a_tampered_output_of_the_same_size_is_rewritten(folder, spy):
    assert planc_run(*BUILD)[0] == 0
    target = folder / "out" / "week-01-2027-01-04" / "2027-01-05-1-ride-3x3m.zwo"
    good = target.read_bytes()
    target.write_bytes(good.replace(b"planc", b"PLANC"))
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0 and "1 written" in err
    assert spy.dates() == {"2027-01-05"} and target.read_bytes() == good


@pytest.mark.parametrize("victim", ["week-02-2027-01-11/2027-01-14-1-run.fit", "manifest.json"])
def test_a_deleted_output_is_rewritten(folder, spy, victim):
    assert planc_run(*BUILD)[0] == 0
    good = (folder / "out" / victim).read_bytes()
    (folder / "out" / victim).unlink()
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0 and "1 written" in err, err
    assert (folder / "out" / victim).read_bytes() == good
    assert spy.dates() == ({"2027-01-14"} if victim.endswith(".fit") else set())


def test_a_checkout_that_changes_every_mtime_rewrites_nothing(folder, spy):
    assert planc_run(*BUILD)[0] == 0
    for rel in outputs(folder / "out"):
        os.utime(folder / "out" / rel, ns=(5_000_000_000, 5_000_000_000))
    for _ in range(2):
        with counted(spy):
            status, err = planc_run(*BUILD)
        assert status == 0 and "0 written, 40 unchanged" in err
        assert spy.reads == 0  # the outputs' bytes are compared with their digests instead
    assert set(stats(folder / "out").values()) == {5_000_000_000}


def test_a_checkout_that_also_changes_an_output_rebuilds_it(folder, spy):
    assert planc_run(*BUILD)[0] == 0
    target = folder / "out" / "week-01-2027-01-04" / "2027-01-07-1-run.zwo"
    good = target.read_bytes()
    for rel in outputs(folder / "out"):
        os.utime(folder / "out" / rel, ns=(5_000_000_000, 5_000_000_000))
    target.write_bytes(good.replace(b"<name>", b"<NAME>"))
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0 and "1 written" in err, err
    assert spy.dates() == {"2027-01-07"} and target.read_bytes() == good


@pytest.mark.parametrize("name", ["build.json", "build.data.json", "build.txt"])
@pytest.mark.parametrize("damage", ["garbage", "delete", "empty json"])
def test_a_damaged_cache_is_ignored(folder, spy, name, damage):
    assert planc_run(*BUILD)[0] == 0
    path = folder / "out" / ".planc-cache" / name
    if damage == "delete":
        path.unlink()
    else:
        path.write_text("{}" if damage == "empty json" else "\x00garbage{")
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0, err
    assert spy.reads == (0 if name == "build.data.json" else 1)
    assert outputs(folder / "out") == fresh_build()


def test_an_output_changed_within_the_state_s_clock_tick_is_not_trusted(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    with Folder(str(tmp_path), create=False) as folder:
        st = folder.regular("a.txt")
        recorded = cache.output_stat(st, digest(b"a"))
        assert cache.unchanged(folder, "a.txt", recorded, st.st_mtime_ns + 1)
        assert cache.unchanged(folder, "a.txt", recorded, st.st_mtime_ns)  # bytes compared
        assert not cache.unchanged(folder, "a.txt", [recorded[0] + 1, *recorded[1:]],
                                   st.st_mtime_ns + 1)
        # changed within the tick: same size, same mtime, other bytes
        (tmp_path / "a.txt").write_text("b")
        os.utime(tmp_path / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
        assert not cache.unchanged(folder, "a.txt", recorded, st.st_mtime_ns)
        # (older than the state: trusted without reading, the documented limit)
        assert cache.unchanged(folder, "a.txt", recorded, st.st_mtime_ns + 1)


def test_a_killed_build_leaves_no_state_that_a_rebuild_would_trust(folder, spy):
    assert planc_run(*BUILD)[0] == 0
    _edit_library(folder)
    # killed at its first rename in the output folder (which renames relative to the
    # folder's descriptor); planc's own cache folder, where the parser's tables may be
    # stored on the way, is not the build's
    killer = textwrap.dedent("""\
        import os, signal, sys
        from planc.cli import main
        real = os.replace
        def replace(src, dst, *a, **k):
            if k.get("dst_dir_fd") is not None:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst, *a, **k)
        os.replace = replace
        main(sys.argv[1:])
        """)
    proc = subprocess.run([sys.executable, "-c", killer, *BUILD], cwd=folder, timeout=60)
    assert proc.returncode < 0
    (folder / "lib.yaml").write_text(LIBRARY)  # back to what the cache state was built from
    assert not (folder / "out" / ".planc-cache" / "build.json").exists()
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert spy.reads == 1 and outputs(folder / "out") == fresh_build()


# -------------------------------------------- any sequence of edits --

EDITS = {
    "plan: reps": lambda f: _replace(f / "plan.yaml", "reps: 3}", "reps: 4}"),
    "plan: reps back": lambda f: _replace(f / "plan.yaml", "reps: 4}", "reps: 3}"),
    "plan: week 3 gone": lambda f: _replace(f / "plan.yaml", "weeks: 3", "weeks: 2"),
    "plan: week 3 back": lambda f: _replace(f / "plan.yaml", "weeks: 2", "weeks: 3"),
    "library: run": lambda f: _replace(f / "lib.yaml", "- 20m 75% Pace", "- 21m 75% Pace"),
    "library: ride": lambda f: _replace(f / "lib.yaml", "- 3m 105%", "- 3m 106%"),
    "athlete: ftp": lambda f: _replace(f / "athlete.yaml", "250", "251"),
    "athlete: lthr": lambda f: _replace(f / "athlete.yaml", "170", "171"),
    "output: tamper": lambda f: _tamper(f / "out"),
    "output: delete": lambda f: _delete_one(f / "out"),
    "cache: drop": lambda f: _replace(f / "out" / ".planc-cache" / "build.json", "", ""),
}


def _replace(path: Path, old: str, new: str) -> None:
    if path.exists():
        path.write_text(path.read_text().replace(old, new))


def _tamper(out: Path) -> None:
    files = sorted(outputs(out)) if out.exists() else []
    if files:
        (out / files[len(files) // 2]).write_bytes(b"edited by hand")


def _delete_one(out: Path) -> None:
    files = sorted(outputs(out)) if out.exists() else []
    if files:
        (out / files[0]).unlink()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5),
       st.sampled_from([[], ["--week", "2"], ["-q"]]))
def test_after_any_edits_a_rebuild_equals_a_fresh_build(folder, edits, extra):
    """Whatever happened to the inputs and outputs since the last build, the next build
    leaves the tree a fresh build makes (the other weeks too, after a partial one)."""
    subprocess.run(["rm", "-rf", "out"], check=True)
    for name, text in (("plan.yaml", PLAN), ("lib.yaml", LIBRARY), ("athlete.yaml", ATHLETE)):
        (folder / name).write_text(text)
    assert planc_run(*BUILD)[0] == 0
    for edit in edits:
        EDITS[edit](folder)
        status, err = planc_run(*BUILD, *extra)
        assert status == 0, err
    status, err = planc_run(*BUILD)
    assert status == 0, err
    assert outputs(folder / "out") == fresh_build()
    manifest = json.loads((folder / "out" / "manifest.json").read_text())
    assert sorted(f for r in manifest["sessions"] for f in r["files"].values()) == sorted(
        rel for rel in outputs(folder / "out") if rel != "manifest.json")


# ------------------------------------------------------------------ render --

RENDER = ["render", "plan.yaml", "-o", "site"]


def test_a_no_change_render_reads_nothing_and_a_tampered_page_is_rewritten(folder, spy):
    status, first = planc_run(*RENDER)
    assert status == 0, first
    before = stats(folder / "site")
    with counted(spy):
        status, again = planc_run(*RENDER)
    assert status == 0 and spy.reads == 0 and stats(folder / "site") == before
    written = int(first.rsplit(": ", 1)[1].split(" written")[0])
    assert again == first.replace(f"{written} written, 0 unchanged",
                                  f"0 written, {written} unchanged")
    page = folder / "site" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good[:-10])
    with counted(spy):
        status, err = planc_run(*RENDER)
    assert status == 0 and spy.reads == 1 and "1 written" in err and page.read_bytes() == good

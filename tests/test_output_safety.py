"""Hostile output folders (issue 11, items 8, 11, 12 and the notes after them): planc writes
only regular files it owns inside the output folder, never through or over a symbolic
link, never over a file it did not write (unless --force), cleans its own temporary
files after a killed run, and refuses a second writer with a lock a killed run does not
leave stuck.  Each reproducer runs the real command line and expects a positioned
diagnostic, exit 1, and nothing written where it must not be.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, run_planc
from support.plan_helpers import plan_text, write

from planc.output.folder import TEMP_RE, Busy, Folder, FolderProblem

SWEET = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"
WEEK1 = "week-01-2027-01-04"
ROOMY = 20  # seconds: a subprocess on a busy machine; the bound that matters is "no hang"


def planc(*args: str, cwd: Path | None = None):
    """``planc ARGS``; a build writes the formats the test plan can have without an FTP."""
    if args[0] == "build" and "--formats" not in args:
        args = (*args, "--formats", "icu,zwo,mrc")
    return run_planc(*args, cwd=cwd)


def files_under(folder: Path) -> list[str]:
    """Files and links under ``folder``, but planc's own cache folder (its lock)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if (p.is_file() or p.is_symlink())
                  and ".planc-cache" not in p.relative_to(folder).parts)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """A 4-week plan with a sweet-spot session every Tuesday (one week-01 file per format)."""
    return write(tmp_path, plan_text("- tue: sweetspot\n"))


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# ------------------------------------------------- item 8: a link at a file name --


def test_compile_into_a_folder_refuses_a_file_that_is_a_link(tmp_path: Path, elsewhere: Path):
    out = tmp_path / "zwift"
    out.mkdir()
    (out / "sweet-spot-3x15.zwo").symlink_to(elsewhere / "target.zwo")
    proc = planc("compile", str(SWEET), "--to", "zwo", "-o", str(out))
    assert proc.returncode == 1, proc.stderr_text
    assert f"{out / 'sweet-spot-3x15.zwo'}: error[output-link]: " in proc.stderr_text
    assert "Traceback" not in proc.stderr_text and "internal error" not in proc.stderr_text
    assert (out / "sweet-spot-3x15.zwo").is_symlink()  # the link is not replaced
    assert list(elsewhere.iterdir()) == []  # and nothing is written through it
    forced = planc("compile", str(SWEET), "--to", "zwo", "-o", str(out), "--force")
    assert forced.returncode == 1 and "error[output-link]" in forced.stderr_text


def test_compile_to_a_named_file_refuses_a_link_there(tmp_path: Path, elsewhere: Path):
    link = tmp_path / "ride.zwo"
    link.symlink_to(elsewhere / "target.zwo")
    proc = planc("compile", str(SWEET), "--to", "zwo", "-o", str(link))
    assert proc.returncode == 1 and "error[output-link]" in proc.stderr_text
    assert link.is_symlink() and list(elsewhere.iterdir()) == []


# ------------------------------------------- item 11: a week folder that is a link --


@pytest.mark.parametrize("command", ["build", "render"])
def test_a_week_folder_that_is_a_link_is_refused(command: str, plan: Path, tmp_path: Path,
                                                 elsewhere: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / WEEK1).symlink_to(elsewhere)
    proc = planc(command, str(plan), "-o", str(out))
    assert proc.returncode == 1, proc.stderr_text
    assert f"{out / WEEK1}: error[output-link]: " in proc.stderr_text
    assert "hint: remove the link" in proc.stderr_text
    assert list(elsewhere.iterdir()) == []  # 25 and 35 files landed here before
    assert files_under(out) == [WEEK1]  # nothing written, not even the other weeks


def test_a_week_folder_made_a_link_after_a_build_is_refused_and_never_cleaned_through(
        plan: Path, tmp_path: Path, elsewhere: Path):
    out = tmp_path / "out"
    assert planc("build", str(plan), "-o", str(out)).returncode == 0
    for f in (out / WEEK1).iterdir():  # the same names, elsewhere: a stale-file sweep or a
        (elsewhere / f.name).write_text("not planc's")  # rewrite must not reach them
        f.unlink()
    (out / WEEK1).rmdir()
    (out / WEEK1).symlink_to(elsewhere)
    proc = planc("build", str(plan), "-o", str(out))
    assert proc.returncode == 1 and "error[output-link]" in proc.stderr_text
    assert {f.read_text() for f in elsewhere.iterdir()} == {"not planc's"}


def test_a_file_where_a_week_folder_goes_is_refused(plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / WEEK1).write_text("mine")
    proc = planc("build", str(plan), "-o", str(out))
    assert proc.returncode == 1 and f"{out / WEEK1}: error[output-not-file]" in proc.stderr_text
    assert (out / WEEK1).read_text() == "mine"


def test_the_output_folder_itself_may_be_a_link_the_user_chose(plan: Path, tmp_path: Path,
                                                              elsewhere: Path):
    (tmp_path / "out").symlink_to(elsewhere)
    proc = planc("build", str(plan), "-o", str(tmp_path / "out"), "--formats", "icu")
    assert proc.returncode == 0, proc.stderr_text
    assert (elsewhere / "manifest.json").is_file()


def test_folder_refuses_every_link_on_the_way_without_following_it(tmp_path: Path,
                                                                   elsewhere: Path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "b").symlink_to(elsewhere)
    (root / "file").write_text("x")
    with Folder(str(root), create=False) as folder:
        for rel, what in [("a/b/c.txt", "link"), ("a/b", "link"), ("file/c.txt", "not-folder")]:
            with pytest.raises(FolderProblem) as caught:
                folder.write(rel, b"data") if rel.endswith(".txt") else folder.regular(rel)
            assert caught.value.what == what
    assert list(elsewhere.iterdir()) == []


# ------------------------------------- item 12: a file planc did not write --


def test_build_never_overwrites_a_hand_written_file_at_an_output_name(plan: Path,
                                                                      tmp_path: Path):
    out = tmp_path / "out"
    (out / WEEK1).mkdir(parents=True)
    mine = out / WEEK1 / "2027-01-05-1-sweet-spot-3x10m.txt"
    mine.write_text("my notes")
    proc = planc("build", str(plan), "-o", str(out))
    assert proc.returncode == 1, proc.stderr_text
    assert (f"{mine}: error[output-not-planc]: {mine} exists and was not written by planc "
            "(manifest.json does not list it); it may hold your edits") in proc.stderr_text
    assert "hint: move it away, or pass --force to replace it" in proc.stderr_text
    assert mine.read_text() == "my notes" and files_under(out) == [
        f"{WEEK1}/2027-01-05-1-sweet-spot-3x10m.txt"]  # nothing else written either
    forced = planc("build", str(plan), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr_text
    assert mine.read_text().startswith("Warmup")


def test_a_file_that_already_holds_planc_s_bytes_is_taken_over(plan: Path, tmp_path: Path):
    first = tmp_path / "first"
    assert planc("build", str(plan), "-o", str(first), "--formats", "icu").returncode == 0
    out = tmp_path / "out"
    (out / WEEK1).mkdir(parents=True)
    name = f"{WEEK1}/2027-01-05-1-sweet-spot-3x10m.txt"
    (out / name).write_bytes((first / name).read_bytes())  # e.g. a copy of a built folder
    proc = planc("build", str(plan), "-o", str(out), "--formats", "icu")
    assert proc.returncode == 0, proc.stderr_text


def test_build_never_overwrites_a_manifest_it_cannot_read(plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("my own manifest, not json")
    proc = planc("build", str(plan), "-o", str(out))
    assert proc.returncode == 1 and "error[manifest-unreadable]" in proc.stderr_text
    assert (out / "manifest.json").read_text() == "my own manifest, not json"
    forced = planc("build", str(plan), "-o", str(out), "--force")
    assert forced.returncode == 0 and "warning[manifest-unreadable]" in forced.stderr_text


@pytest.mark.parametrize("name", ["index.html", "style.css"])
def test_render_never_overwrites_a_user_s_page(name: str, plan: Path, tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / name).write_text("my own")
    proc = planc("render", str(plan), "-o", str(site))
    assert proc.returncode == 1 and f"{site / name}: error[output-not-planc]" in proc.stderr_text
    assert (site / name).read_text() == "my own"
    assert planc("render", str(plan), "-o", str(site), "--force").returncode == 0
    assert (site / name).read_text() != "my own"


def test_compile_never_overwrites_a_same_named_user_file(tmp_path: Path):
    out = tmp_path / "zwift"
    out.mkdir()
    (out / "sweet-spot-3x15.zwo").write_text("the coach's own")
    proc = planc("compile", str(SWEET), "--to", "zwo,mrc", "-o", str(out))
    assert proc.returncode == 1 and "error[output-not-planc]" in proc.stderr_text
    assert "planc has no record of writing it here" in proc.stderr_text
    assert (out / "sweet-spot-3x15.zwo").read_text() == "the coach's own"
    assert not (out / "sweet-spot-3x15.mrc").exists()  # the whole set is refused
    assert planc("compile", str(SWEET), "--to", "zwo", "-o", str(out), "--force").returncode == 0
    assert "<workout_file>" in (out / "sweet-spot-3x15.zwo").read_text()


def test_compile_replaces_its_own_file_after_the_workout_changes_but_not_an_edited_one(
        tmp_path: Path):
    workout = tmp_path / "ride.workout"
    workout.write_text("- 10m 50%\n")
    out = tmp_path / "zwift"
    assert planc("compile", str(workout), "--to", "zwo", "-o", str(out)).returncode == 0
    workout.write_text("- 20m 60%\n")  # planc's own file, unchanged since: replaced
    assert planc("compile", str(workout), "--to", "zwo", "-o", str(out)).returncode == 0
    assert 'Duration="1200"' in (out / "ride.zwo").read_text()
    (out / "ride.zwo").write_text((out / "ride.zwo").read_text() + "<!-- my tweak -->")
    workout.write_text("- 30m 60%\n")
    proc = planc("compile", str(workout), "--to", "zwo", "-o", str(out))
    assert proc.returncode == 1 and "error[output-not-planc]" in proc.stderr_text
    assert "my tweak" in (out / "ride.zwo").read_text()


# ----------------------------------------------- temporary files of a killed run --

KILLED_BUILD = textwrap.dedent("""\
    import os, signal, sys
    from planc.cli import main

    real = os.replace

    def die(*args, **kwargs):  # kill -9 between writing a file and renaming it into place
        if kwargs.get("dst_dir_fd") is None:  # planc's cache folder, not the output's
            return real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    os.replace = die
    main(sys.argv[1:])
    """)


def test_a_build_removes_the_temporary_files_a_killed_build_left(plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ["build", str(plan), "-o", str(out), "--formats", "icu"]
    assert run_planc(*args).returncode == 0
    plan.write_text(plan.read_text().replace("reps: 3", "reps: 4"))  # something to write
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, *args],
                            capture_output=True, timeout=ROOMY)
    assert killed.returncode == -signal.SIGKILL
    left = [p for p in (out / WEEK1).iterdir() if TEMP_RE.match(p.name)]
    assert len(left) == 1 and left[0].name.startswith(".2027-01-05-1-sweet-spot-4x10m.txt.")
    root_temp = out / ".manifest.json.abcd1234.tmp"  # the manifest's, killed the same way
    root_temp.write_text("{")
    users = out / WEEK1 / ".notes.md.abcd1234.tmp"  # the pattern, but not a name of planc's
    users.write_text("mine")
    proc = run_planc(*args)  # the same command line: the killed run left no cache state
    assert proc.returncode == 0, proc.stderr_text
    assert "2 temporary files of an interrupted run cleaned" in proc.stderr_text
    assert not left[0].exists() and not root_temp.exists() and users.exists()


# ------------------------------------------------------------------------- lock --


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(
        plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert planc("build", str(plan), "-o", str(out), "--formats", "icu").returncode == 0
    lock = out / ".planc-cache" / "lock"
    with open(lock, "r+") as held:  # what a running build holds
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        proc = planc("build", str(plan), "-o", str(out))  # another command line: no cache
        assert proc.returncode == 1, proc.stderr_text
        assert (f"{lock}: error[output-busy]: another planc (process 4242) is writing to "
                f"{out}") in proc.stderr_text
    assert planc("build", str(plan), "-o", str(out)).returncode == 0


def test_a_killed_build_leaves_no_lock_behind(plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom planc.output.folder import Folder\n"
         "f = Folder(sys.argv[1], create=True)\nf.lock('.planc-cache/lock')\n"
         "print('locked', flush=True)\ntime.sleep(60)\n", str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with Folder(str(out), create=False) as folder, pytest.raises(Busy) as busy:
            folder.lock(".planc-cache/lock")
        assert busy.value.holder == str(holder.pid)
    finally:
        holder.kill()  # kill -9
        holder.wait(timeout=ROOMY)
    proc = planc("build", str(plan), "-o", str(out), "--formats", "icu")
    assert proc.returncode == 0, proc.stderr_text


def test_the_cache_folder_keeps_itself_out_of_git(plan: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert planc("build", str(plan), "-o", str(out), "--formats", "icu").returncode == 0
    assert (out / ".planc-cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(out)], check=True, timeout=ROOMY)
    status = subprocess.run(["git", "-C", str(out), "status", "--porcelain", "-uall"],
                            capture_output=True, text=True, check=True, timeout=ROOMY)
    assert ".planc-cache" not in status.stdout and "manifest.json" in status.stdout


def test_nothing_is_left_open_or_locked_after_a_library_build(plan: Path, tmp_path: Path):
    from planc.plan.build import build_plan
    from planc.plan.load import load_plan
    from planc.plan.weeks import Selection

    out = tmp_path / "out"
    build_plan(load_plan(plan), out, ["icu"], Selection())  # what a first build loads stays
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for _ in range(3):  # a second build in the same process would find its own lock
        build_plan(load_plan(plan), out, ["icu"], Selection())
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) <= before  # (other tests' files may close)


# ------------------------------------------------------------ coach mode --

SQUAD_PLAN = """\
id: squad-safety
name: Squad safety
start: 2027-01-04
weeks: 1
roster: squad.yaml
workouts:
  easy:
    sport: Ride
    body: |
      - 30m 60%
calendar:
  - tue: easy
"""

ROSTER = """\
athletes:
  anna: {id: i101, athlete: {ride: {ftp: 200}}}
  ben: {id: i102, athlete: {ride: {ftp: 250}}}
"""


@pytest.fixture
def squad(tmp_path: Path) -> Path:
    (tmp_path / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(SQUAD_PLAN, encoding="utf-8")
    return tmp_path


def test_render_for_a_squad_never_overwrites_a_user_s_page_and_force_replaces_it(squad: Path):
    site = squad / "site"
    (site / "ben").mkdir(parents=True)
    (site / "index.html").write_text("my squad page")
    (site / "ben" / "style.css").write_text("my style")
    proc = planc("render", "plan.yaml", "--for", "all", "-o", "site", cwd=squad)
    assert proc.returncode == 1 and "error[output-not-planc]" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    assert (site / "index.html").read_text() == "my squad page"
    assert (site / "ben" / "style.css").read_text() == "my style"
    forced = planc("render", "plan.yaml", "--for", "all", "-o", "site", "--force", cwd=squad)
    assert forced.returncode == 0, forced.stderr_text
    assert (site / "index.html").read_text() != "my squad page"
    assert (site / "ben" / "style.css").read_text() != "my style"
    again = planc("render", "plan.yaml", "--for", "all", "-o", "site", cwd=squad)
    assert again.returncode == 0 and " 0 written" in again.stderr_text, again.stderr_text


def test_build_for_a_squad_refuses_an_athlete_folder_it_cannot_read(squad: Path):
    (squad / "out" / "ben").mkdir(parents=True)
    (squad / "out" / "ben" / "manifest.json").write_text("{not json")
    proc = planc("build", "plan.yaml", "--for", "all", "-o", "out", cwd=squad)
    assert proc.returncode == 1 and "error[manifest-unreadable]" in proc.stderr_text
    assert (squad / "out" / "ben" / "manifest.json").read_text() == "{not json"
    assert (squad / "out" / "anna" / "manifest.json").is_file()  # anna's own folder is fine
    forced = planc("build", "plan.yaml", "--for", "all", "-o", "out", "--force", cwd=squad)
    assert forced.returncode == 0, forced.stderr_text

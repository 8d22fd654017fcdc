"""The build cache in coach mode (``build --for``, issue 14 point 4): a no-change rebuild
of the squad parses, lowers and emits nothing and prints what the first build printed;
an edit re-emits only the sessions it changes, athlete by athlete; any change to any
input (the plan, a library, the roster, an athlete's thresholds file, the athletes
chosen) is noticed; a tampered or deleted output is rewritten.  The oracle: a fresh
squad build of the same inputs into an empty folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import test_build_cache as cached
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build_cache import ATHLETE, LIBRARY, PLAN, _edit_library, counted, outputs, planc_run

folder, spy = cached.folder, cached.spy  # the fixtures of the build cache's tests

ROSTER = """\
athletes:
  anna: {id: i101, athlete: anna.yaml}
  ben:
    id: i102
    athlete: {ride: {ftp: 300}, run: {threshold_pace: "4:10/km", lthr: 175}}
    start: 2027-03-01
"""
ANNA_RIDES = {"2027-01-05", "2027-01-09", "2027-01-12", "2027-01-16", "2027-01-19",
              "2027-01-23"}
BEN_RIDES = {"2027-03-02", "2027-03-06", "2027-03-09", "2027-03-13", "2027-03-16",
             "2027-03-20"}
BEN_RUNS = {"2027-03-04", "2027-03-11", "2027-03-18"}
SQUAD = ["build", "plan.yaml", "--roster", "squad.yaml", "--for", "all", "-o", "out",
         "--formats", "all"]
STATE = Path("out") / ".planc-cache" / "build-squad.json"


@pytest.fixture
def squad(folder: Path) -> Path:
    (folder / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    (folder / "anna.yaml").write_text(ATHLETE, encoding="utf-8")
    return folder


def fresh(args: list[str] = SQUAD) -> dict[str, bytes]:
    """What the squad command builds into an empty folder: the oracle."""
    return cached.fresh_build(args)


mtimes = cached.stats  # each output's mtime


def test_a_no_change_squad_rebuild_reads_no_plan_emits_nothing_and_prints_the_same(
        squad, spy):
    status, first = planc_run(*SQUAD)
    assert status == 0 and "for anna" not in first and "warning[missing-blank-line]" in first
    assert first.count("built 9 sessions in 3 weeks") == 2 and "0 unchanged" in first
    before = mtimes(squad / "out")
    with counted(spy):
        status, again = planc_run(*SQUAD)
    assert status == 0 and spy.reads == 0 and spy.emitted == []
    assert again == first.replace(" written, 0 unchanged", " unchanged").replace(
        "built 9 sessions in 3 weeks to out/anna: 40 unchanged",
        "built 9 sessions in 3 weeks to out/anna: 0 written, 40 unchanged").replace(
        "built 9 sessions in 3 weeks to out/ben: 40 unchanged",
        "built 9 sessions in 3 weeks to out/ben: 0 written, 40 unchanged")
    assert mtimes(squad / "out") == before


def test_an_edit_re_emits_only_the_sessions_it_changes_athlete_by_athlete(squad, spy):
    assert planc_run(*SQUAD)[0] == 0
    (squad / "squad.yaml").write_text(ROSTER.replace("ftp: 300", "ftp: 310"))
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.reads >= 1 and spy.dates() == BEN_RIDES
    assert outputs(squad / "out") == fresh()
    _edit_library(squad)  # the runs of both athletes
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.dates() == BEN_RUNS | {"2027-01-07", "2027-01-14", "2027-01-21"}
    assert outputs(squad / "out") == fresh()


def test_an_athlete_s_thresholds_file_counts(squad, spy):
    assert planc_run(*SQUAD)[0] == 0
    (squad / "anna.yaml").write_text(ATHLETE.replace("250", "260"))
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.dates() == ANNA_RIDES
    assert outputs(squad / "out") == fresh()


@pytest.mark.parametrize("victim", ["anna/week-01-2027-01-04/2027-01-05-1-ride-3x3m.zwo",
                                    "ben/manifest.json"])
@pytest.mark.parametrize("how", ["tamper", "delete"])
def test_a_tampered_or_deleted_output_of_one_athlete_is_rewritten(squad, spy, victim, how):
    assert planc_run(*SQUAD)[0] == 0
    target = squad / "out" / victim
    good = target.read_bytes()
    if how == "delete":
        target.unlink()
    else:
        target.write_bytes(good.replace(b"planc", b"PLANC").replace(b'"name": "', b'"name": "X'))
    with counted(spy):
        status, err = planc_run(*SQUAD)
    assert status == 0 and "1 written" in err, err
    assert target.read_bytes() == good
    assert spy.dates() == ({"2027-01-05"} if victim.endswith(".zwo") else set())


def test_a_deleted_athlete_folder_is_built_again(squad, spy):
    assert planc_run(*SQUAD)[0] == 0
    subprocess.run(["rm", "-rf", str(squad / "out" / "ben")], check=True)
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.dates() == BEN_RIDES | BEN_RUNS
    assert outputs(squad / "out") == fresh()


def test_a_checkout_of_the_squad_s_outputs_rewrites_nothing(squad, spy):
    assert planc_run(*SQUAD)[0] == 0
    for rel in outputs(squad / "out"):
        os.utime(squad / "out" / rel, ns=(5_000_000_000, 5_000_000_000))
    with counted(spy):
        status, err = planc_run(*SQUAD)
    assert status == 0 and spy.reads == 0 and " 0 written, 40 unchanged" in err
    assert set(mtimes(squad / "out").values()) == {5_000_000_000}


@pytest.mark.parametrize("other", [
    ["--for", "anna"], ["--for", "ben"], ["--for=all"], ["-q"], ["--week", "2"]])
def test_another_squad_command_line_is_never_answered_from_the_cache(squad, spy, other):
    assert planc_run(*SQUAD)[0] == 0
    args = [*SQUAD[:4], *SQUAD[6:], *other] if other[0].startswith("--for") else \
        [*SQUAD, *other]
    with counted(spy):
        assert planc_run(*args)[0] == 0
    assert spy.reads >= 1


def test_a_plain_build_and_a_squad_build_of_one_folder_never_answer_for_each_other(
        squad, spy):
    plain = ["build", "plan.yaml", "-o", "out", "--formats", "all"]
    assert planc_run(*SQUAD)[0] == 0
    with counted(spy):
        assert planc_run(*plain)[0] == 0
    assert spy.reads == 1
    with counted(spy):  # the plain build's write set left the squad's folders alone ...
        assert planc_run(*SQUAD)[0] == 0
    assert spy.emitted == [] and spy.reads >= 1  # ... but removed the squad's state
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.reads == 0


def test_a_squad_build_that_fails_leaves_no_state(squad, spy):
    assert planc_run(*SQUAD)[0] == 0
    (squad / "out" / "ben" / "week-01-2027-03-01").mkdir(exist_ok=True)
    intruder = squad / "out" / "ben" / "week-01-2027-03-01" / "2027-03-02-1-ride-3x3m.erg"
    intruder.unlink()
    intruder.mkdir()  # a folder where planc writes a file: refused
    (squad / "anna.yaml").write_text(ATHLETE.replace("250", "260"))
    status, err = planc_run(*SQUAD)
    assert status == 1 and "output-not-file" in err
    assert not (squad / STATE).exists()
    intruder.rmdir()
    with counted(spy):
        assert planc_run(*SQUAD)[0] == 0
    assert spy.reads >= 1 and outputs(squad / "out") == fresh()


EDITS = {
    "plan: reps": lambda f: cached._replace(f / "plan.yaml", "reps: 3}", "reps: 4}"),
    "plan: reps back": lambda f: cached._replace(f / "plan.yaml", "reps: 4}", "reps: 3}"),
    "library: run": lambda f: cached._replace(f / "lib.yaml", "- 20m 75% Pace",
                                              "- 21m 75% Pace"),
    "roster: ben's ftp": lambda f: cached._replace(f / "squad.yaml", "300", "301"),
    "roster: ben's start": lambda f: cached._replace(f / "squad.yaml", "03-01", "03-08"),
    "roster: no ben": lambda f: cached._replace(f / "squad.yaml", "  ben:", "  bob:"),
    "anna's file": lambda f: cached._replace(f / "anna.yaml", "250", "251"),
    "output: tamper": lambda f: _tamper(f / "out"),
    "output: delete": lambda f: cached._delete_one(f / "out"),
    "cache: drop": lambda f: cached._replace(f / STATE, "", ""),
}


def _tamper(out: Path) -> None:
    """Edit one compiled file by hand (an edited manifest is refused: another test)."""
    files = sorted(r for r in outputs(out) if not r.endswith("manifest.json")) \
        if out.exists() else []
    if files:
        (out / files[len(files) // 2]).write_bytes(b"edited by hand")


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4),
       st.sampled_from([[], ["--week", "2"], ["--for", "anna"]]))
def test_after_any_edits_a_squad_rebuild_equals_a_fresh_one(squad, edits, extra):
    subprocess.run(["rm", "-rf", "out"], check=True)
    for name, text in (("plan.yaml", PLAN), ("lib.yaml", LIBRARY), ("anna.yaml", ATHLETE),
                       ("squad.yaml", ROSTER)):
        (squad / name).write_text(text)
    assert planc_run(*SQUAD)[0] == 0
    for edit in edits:
        EDITS[edit](squad)
        args = [*SQUAD[:4], *SQUAD[6:], *extra] if extra[:1] == ["--for"] else [*SQUAD, *extra]
        status, err = planc_run(*args)
        assert status == 0, err
    status, err = planc_run(*SQUAD)
    assert status == 0, err
    built, expected = outputs(squad / "out"), fresh()
    # a renamed athlete's old folder is the earlier build's, which planc never removes
    assert {k: v for k, v in built.items() if not k.startswith("ben/") or "ben/" in
            "".join(expected)} == expected


def test_a_squad_build_is_refused_while_another_planc_holds_the_squad_folder(squad):
    """The squad folder's lock is held for the whole squad build (its state lists every
    athlete's files): a second squad build, or a plain one, into it is refused, and
    writes nothing in any athlete's folder."""
    import fcntl

    lock = Path("out") / ".planc-cache" / "lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        status, err = planc_run(*SQUAD)
        assert status == 1, err
        assert "error[output-busy]: another planc (process 4242) is writing to out" in err
        assert sorted(os.listdir("out")) == [".planc-cache"]
    status, err = planc_run(*SQUAD)
    assert status == 0, err
    assert outputs(Path("out")) == fresh()

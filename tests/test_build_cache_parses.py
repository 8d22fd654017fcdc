"""The build's parse records (issue 14 point 4): a rebuild after an edit parses only the
workout texts the last build did not see; the others' diagnostics are reported from
the records, exactly as a parse reports them, and their sessions are emitted from a
parse made then only if a file must be written.  Records of another planc (version,
sources, libraries) or of a shape planc does not write are not used.  The oracle: a
fresh build of the same inputs into an empty folder."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import test_build_cache as cached
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build_cache import (
    ATHLETE,
    BUILD,
    EDITS,
    LIBRARY,
    PLAN,
    _edit_library,
    _edit_plan_comment,
    _planc_source,
    _version,
    counted,
    fresh_build,
    outputs,
    planc_run,
)

import planc.plan.instantiate
from planc.output import results

folder, spy = cached.folder, cached.spy  # the fixtures of the build cache's tests
DATA = Path("out") / ".planc-cache" / "build.data.json"


class Parses:
    """The texts a run parsed (every call of the parser from a plan's sessions)."""

    def __init__(self) -> None:
        self.texts: list[str] = []


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Parses:
    found = Parses()
    real = planc.plan.instantiate.read_workout

    def read_workout(text, **kwargs):
        found.texts.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(planc.plan.instantiate, "read_workout", read_workout)
    return found


def _parsed(parses: Parses, *args: str) -> tuple[list[str], str]:
    """The texts ``planc ARGS`` parsed, and what it printed."""
    parses.texts = []
    status, err = planc_run(*args)
    assert status == 0, err
    return list(parses.texts), err


def _diagnostic_lines(err: str) -> list[str]:
    """What a run printed but its closing line (which names the folder and the counts)."""
    return [line for line in err.splitlines() if not line.startswith("built ")]


def test_an_edit_parses_only_the_texts_the_last_build_did_not_see(folder, spy, parses):
    first, _ = _parsed(parses, *BUILD)
    _edit_library(folder)  # the run's body changes; the rides' do not
    again, _ = _parsed(parses, *BUILD)
    assert len(again) == 1 and "25m 75% Pace" in again[0]
    assert len(set(first)) == len(first) > 1
    assert outputs(folder / "out") == fresh_build()


def test_an_edit_that_changes_no_text_parses_nothing_and_warns_the_same(folder, spy, parses):
    _, first = _parsed(parses, *BUILD)
    assert "warning[missing-blank-line]" in first  # a parse warning, kept in the records
    _edit_plan_comment(folder)
    with counted(spy):
        again, err = _parsed(parses, *BUILD)
    assert again == [] and spy.reads == 1 and spy.emitted == []
    assert _diagnostic_lines(err) == _diagnostic_lines(first)


def test_a_session_emitted_again_is_emitted_from_its_parsed_text(folder, spy, parses):
    """A kept session's file deleted: its workout (a placeholder while the plan was
    read) is parsed then, and the file is the one a fresh build writes."""
    _parsed(parses, *BUILD)
    victim = sorted(p for p in outputs(folder / "out") if p.endswith(".fit"))[0]
    (folder / "out" / victim).unlink()
    _edit_plan_comment(folder)
    with counted(spy):
        again, _ = _parsed(parses, *BUILD)
    assert len(again) == 1 and spy.dates() == {victim.split("/")[1][:10]}
    assert outputs(folder / "out") == fresh_build()


def _libraries(folder: Path, monkeypatch) -> None:
    real = results._libraries()
    monkeypatch.setattr(results, "_libraries", lambda: [*real, "lark-99.0.dist-info"])


@pytest.mark.parametrize("change", [_version, _planc_source, _libraries])
def test_another_planc_or_lark_parses_every_text_again(folder, spy, parses, monkeypatch,
                                                       change):
    first, _ = _parsed(parses, *BUILD)
    change(folder, monkeypatch)
    _edit_plan_comment(folder)  # (else the no-change path answers: it is tested apart)
    again, _ = _parsed(parses, *BUILD)
    assert sorted(again) == sorted(first)


@pytest.mark.parametrize("damage", [
    lambda data: data.update(parsed_with="not this planc"),
    lambda data: data.update(parsed=[1, 2]),
    lambda data: data["parsed"].update((k, ["Ride", [["bad"]]]) for k in data["parsed"]),
    lambda data: data["parsed"].update((k, 7) for k in data["parsed"]),
])
def test_damaged_parse_records_are_parsed_again(folder, spy, parses, damage):
    first, _ = _parsed(parses, *BUILD)
    raw = json.loads(DATA.read_text())
    damage(raw["data"])
    DATA.write_text(json.dumps(raw))
    _edit_plan_comment(folder)
    again, _ = _parsed(parses, *BUILD)
    assert sorted(again) == sorted(first)
    assert outputs(folder / "out") == fresh_build()


def test_a_squad_build_parses_its_texts_as_before(folder, spy, parses):
    """--for reads each athlete's plan apart, without records: nothing changes there."""
    (folder / "squad.yaml").write_text("athletes:\n  anna: {id: i101, athlete: athlete.yaml}\n")
    args = ["build", "plan.yaml", "--roster", "squad.yaml", "--for", "all", "-o", "out"]
    first, _ = _parsed(parses, *args)
    _edit_plan_comment(folder)
    again, _ = _parsed(parses, *args)
    assert sorted(again) == sorted(first)


PARSE_EDITS = {k: v for k, v in EDITS.items() if k.startswith(("plan", "library"))}


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(PARSE_EDITS)), min_size=1, max_size=4))
def test_after_any_edits_a_rebuild_warns_and_writes_as_a_fresh_build(folder, edits):
    """Whatever texts the records hold, a rebuild prints the diagnostics and leaves the
    files a fresh build does (which parses every text)."""
    subprocess.run(["rm", "-rf", "out"], check=True)
    for name, text in (("plan.yaml", PLAN), ("lib.yaml", LIBRARY), ("athlete.yaml", ATHLETE)):
        (folder / name).write_text(text)
    assert planc_run(*BUILD)[0] == 0
    for edit in edits:
        PARSE_EDITS[edit](folder)
        plan = folder / "plan.yaml"
        plan.write_text(plan.read_text() + "#\n")  # never a no-change run
        status, err = planc_run(*BUILD)
        assert status == 0, err
        fresh_args = [a if a != "out" else "fresh" for a in BUILD]
        status, fresh = planc_run(*fresh_args)
        assert status == 0, fresh
        assert outputs(folder / "out") == outputs(folder / "fresh")
        subprocess.run(["rm", "-rf", "fresh"], check=True)
        assert _diagnostic_lines(err) == _diagnostic_lines(fresh)

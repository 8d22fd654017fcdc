"""The build's parse records (issue 14 point 4): a rebuild after an edit composes only the
YAML files that changed and parses only the workout texts the last build did not see; the others' diagnostics are reported from
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
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
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
import planc.plan.load
from planc.output import results
from planc.plan import yamlsrc

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


# ------------------------------------------------------------ YAML trees --


class Composed:
    """The files a run composed with ruamel (the rest came from the stored trees)."""

    def __init__(self) -> None:
        self.paths: list[str] = []


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> Composed:
    found = Composed()
    real = yamlsrc._parse_yaml

    def parse(text, path):
        found.paths.append(Path(path).name)
        return real(text, path)

    monkeypatch.setattr(yamlsrc, "_parse_yaml", parse)
    planc.plan.load._parsed.cache_clear()
    yamlsrc._MEMO.clear()
    yield found
    planc.plan.load._parsed.cache_clear()
    yamlsrc._MEMO.clear()


def _composed(composed: Composed, *args: str) -> list[str]:
    composed.paths = []
    planc.plan.load._parsed.cache_clear()
    yamlsrc._MEMO.clear()
    status, err = planc_run(*args)
    assert status == 0, err
    return sorted(composed.paths)


def test_an_edit_composes_only_the_yaml_files_that_changed(folder, spy, composed):
    """The plan and its libraries (the athlete file is read apart, and composed each time:
    it is a few lines)."""
    assert _composed(composed, *BUILD) == ["athlete.yaml", "lib.yaml", "plan.yaml"]
    _edit_plan_comment(folder)
    assert _composed(composed, *BUILD) == ["athlete.yaml", "plan.yaml"]
    _edit_library(folder)
    assert _composed(composed, *BUILD) == ["athlete.yaml", "lib.yaml"]
    assert outputs(folder / "out") == fresh_build()


def test_damaged_stored_trees_are_composed_again(folder, spy, composed):
    _composed(composed, *BUILD)
    raw = json.loads(DATA.read_text())
    raw["data"]["trees"] = {k: ["s", 1] for k in raw["data"]["trees"]}
    DATA.write_text(json.dumps(raw))
    _edit_plan_comment(folder)
    assert _composed(composed, *BUILD) == ["athlete.yaml", "lib.yaml", "plan.yaml"]
    assert outputs(folder / "out") == fresh_build()


YAML_FILES = sorted(str(p) for p in (ROOT / "plans").rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: Path(p).name)
def test_a_stored_tree_is_the_tree_composed(path):
    text = Path(path).read_text(encoding="utf-8")
    tree, diags = yamlsrc.parse_yaml(text, path)
    assert tree is not None and not diags
    stored = json.loads(json.dumps(yamlsrc.tree_to_data(tree)))
    assert yamlsrc.tree_from_data(stored, path) == tree


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                    st.floats(allow_nan=False))
yaml_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(st.text("abc", min_size=1, max_size=3),
                                                     inner, max_size=4)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(yaml_values)
def test_any_composed_tree_comes_back_from_json_the_same(value):
    text = json.dumps({"v": value})  # JSON is YAML: flow mappings, lists, quoted text
    tree, diags = yamlsrc.parse_yaml(text, "x.yaml")
    assume(tree is not None and not diags)
    stored = planc.plan.load._storable(tree)
    if stored is None:  # a lone surrogate: not stored (composed again next time)
        assert "\\ud" in text
        return
    assert yamlsrc.tree_from_data(json.loads(json.dumps(stored)), "x.yaml") == tree


def test_a_workout_text_with_a_lone_surrogate_builds_and_rebuilds(folder, spy):
    """A quoted body's "\\ud800" escape makes text UTF-8 cannot hold: its records are
    not kept (it is parsed again), and nothing fails."""
    lib = folder / "lib.yaml"
    lib.write_text(LIBRARY.replace("    body: |\n      - 20m 75% Pace\n      - 10m Z2 HR\n",
                                   '    body: "- 20m 75% Pace \\ud800\\n- 10m Z2 HR\\n"\n'))
    first = planc_run(*BUILD)
    _edit_plan_comment(folder)
    again = planc_run(*BUILD)
    assert again[0] == first[0]
    assert _diagnostic_lines(again[1]) == _diagnostic_lines(first[1])


# ------------------------------------------------- warnings moved once per place --


@pytest.mark.parametrize("name", ["cycling-base-build-8w.yaml", "half-marathon-12w.yaml"])
def test_sessions_of_one_place_move_every_warning_alike(name):
    """planc.plan.build moves a format's warning once per (filled text, regions, place in
    the file), not once per session: sessions that share that key must move any
    diagnostic on their text to the same place."""
    from planc.diagnostics import warning
    from planc.plan.build import _place
    from planc.plan.load import read_plan

    plan = read_plan(ROOT / "plans" / name, need_plan=True).plan
    groups: dict = {}
    for s in plan.sessions:
        if s.text is not None:
            groups.setdefault(_place(s), []).append(s)
    assert any(len(g) > 1 for g in groups.values())
    for sessions in groups.values():
        text = sessions[0].text
        probes = [warning("x", "probe", yamlsrc.Span(line + 1, col + 1, line + 1, col + 2))
                  for line, row in enumerate(text.split("\n")) for col in range(len(row) + 1)]
        first = [sessions[0].locate(d) for d in probes]
        for other in sessions[1:]:
            assert [other.locate(d) for d in probes] == first

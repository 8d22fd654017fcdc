"""The build cache per session (issue 14, point 4): an edit re-emits *and re-measures*
only the sessions whose key changed; a kept session's manifest row comes from the
cache, byte for byte what a fresh build writes."""

from __future__ import annotations

import json

import pytest
import test_build_cache as cached
from test_build_cache import (
    BUILD,
    RUNS,
    _edit_library,
    _edit_plan_comment,
    counted,
    fresh_build,
    outputs,
    planc_run,
)

import planc.plan.build

folder, spy = cached.folder, cached.spy  # the fixtures of the build cache's tests


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The dates of the sessions whose workout was measured for the manifest."""
    found: list[str] = []
    real = planc.plan.build.MetricsCache.get

    def get(self, s):
        found.append(s.date.isoformat())
        return real(self, s)

    monkeypatch.setattr(planc.plan.build.MetricsCache, "get", get)
    return found


def test_an_edit_measures_only_the_sessions_it_changes(folder, spy, measured):
    assert planc_run(*BUILD)[0] == 0
    assert set(measured) >= RUNS
    _edit_library(folder)
    measured.clear()
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert set(measured) == RUNS == spy.dates()
    assert outputs(folder / "out") == fresh_build()


def test_a_plan_edit_that_changes_no_session_measures_nothing(folder, spy, measured):
    assert planc_run(*BUILD)[0] == 0
    _edit_plan_comment(folder)
    measured.clear()
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert measured == [] and spy.emitted == []
    assert outputs(folder / "out") == fresh_build()


@pytest.mark.parametrize("damage", [None, "text", [1, 2, 3], [1, 2, 3, "4"], {"a": 1}])
def test_stored_measures_that_planc_could_not_have_written_are_measured_again(
        folder, spy, measured, damage):
    assert planc_run(*BUILD)[0] == 0
    data = folder / "out" / ".planc-cache" / "build.data.json"
    record = json.loads(data.read_text())
    victim = sorted(record["data"]["sessions"])[0]
    record["data"]["sessions"][victim]["measures"] = damage
    data.write_text(json.dumps(record))
    _edit_plan_comment(folder)
    measured.clear()
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert measured == [victim.partition("/")[0]] == sorted(spy.dates())
    assert outputs(folder / "out") == fresh_build()

"""The build cache per session (issue 14, point 4): an edit re-emits *and re-measures*
only the sessions whose key changed; a kept session's manifest row comes from the
cache, byte for byte what a fresh build writes."""

from __future__ import annotations

import json
import os
import time

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
from planc.output import cache
from planc.output.folder import Folder

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


# ------------------------------------------------- after a checkout --


@pytest.fixture
def output_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The outputs whose bytes a run read (planc's own cache files left out)."""
    found: list[str] = []
    real = Folder.read

    def read(self, rel, limit):
        if not rel.startswith(".planc-cache/"):
            found.append(rel)
        return real(self, rel, limit)

    monkeypatch.setattr(Folder, "read", read)
    return found


def _checkout(out, ns: int | None = 5_000_000_000) -> None:
    """New mtimes, same bytes (``ns=None``: now, as a checkout gives)."""
    ns = time.time_ns() if ns is None else ns
    for rel in outputs(out):
        os.utime(out / rel, ns=(ns, ns))


def test_after_a_checkout_only_the_first_no_change_run_reads_the_outputs(
        folder, spy, output_reads):
    assert planc_run(*BUILD)[0] == 0
    _checkout(folder / "out")
    output_reads.clear()
    with counted(spy):
        assert planc_run(*BUILD)[0] == 0
    assert spy.reads == 0 and len(output_reads) == 40
    output_reads.clear()
    with counted(spy):
        status, err = planc_run(*BUILD)
    assert status == 0 and spy.reads == 0 and "0 written, 40 unchanged" in err
    assert output_reads == []  # the state now holds the new mtimes
    target = folder / "out" / "week-01-2027-01-04" / "2027-01-07-1-run.zwo"
    good = target.read_bytes()
    target.write_bytes(good.replace(b"<name>", b"<NAME>"))  # a new mtime: noticed
    with counted(spy):
        assert "1 written" in planc_run(*BUILD)[1]
    assert target.read_bytes() == good


def test_mtimes_of_the_last_seconds_are_not_recorded(folder, spy, output_reads):
    """A file changed again within the clock tick of the mtime seen would keep it: such
    mtimes are compared by bytes again until they are old enough."""
    assert planc_run(*BUILD)[0] == 0
    _checkout(folder / "out", ns=None)
    for _ in range(2):
        output_reads.clear()
        with counted(spy):
            assert planc_run(*BUILD)[0] == 0
        assert spy.reads == 0 and len(output_reads) == 40


def test_a_state_is_not_refreshed_while_another_planc_writes_the_folder(
        folder, spy, output_reads):
    assert planc_run(*BUILD)[0] == 0
    _checkout(folder / "out")
    with Folder(str(folder / "out"), create=False) as other:
        lock = other.lock(cache.LOCK)
        try:
            for _ in range(2):
                output_reads.clear()
                with counted(spy):
                    assert planc_run(*BUILD)[0] == 0
                assert spy.reads == 0 and len(output_reads) == 40
        finally:
            os.close(lock)


# -------------------------------------------- warnings, stored once --


def _data(folder) -> dict:
    return json.loads((folder / "out" / ".planc-cache" / "build.data.json").read_text())


def test_each_distinct_warning_is_stored_once(folder):
    assert planc_run(*BUILD)[0] == 0
    data = _data(folder)["data"]
    table, sessions = data["warnings"], data["sessions"]
    assert len({json.dumps(r) for r in table}) == len(table) > 0
    used = [i for r in sessions.values() for i in r["diagnostics"]]
    assert len(used) > len(table) and set(used) == set(range(len(table)))


@pytest.mark.parametrize("damage", ["index", "table", "row"])
def test_a_damaged_warning_table_re_emits_the_sessions_that_use_it(
        folder, spy, measured, damage):
    status, first = planc_run(*BUILD)
    assert status == 0
    path = folder / "out" / ".planc-cache" / "build.data.json"
    record = json.loads(path.read_text())
    sessions = record["data"]["sessions"]
    victim = next(sid for sid, r in sorted(sessions.items()) if r["diagnostics"])
    if damage == "index":
        sessions[victim]["diagnostics"] = [len(record["data"]["warnings"])]
    elif damage == "table":
        record["data"]["warnings"] = "garbage"
    else:
        record["data"]["warnings"][sessions[victim]["diagnostics"][0]] = ["error", 3]
    path.write_text(json.dumps(record))
    _edit_plan_comment(folder)
    with counted(spy):
        status, again = planc_run(*BUILD)
    assert status == 0 and victim.partition("/")[0] in spy.dates()
    if damage == "index":
        assert spy.dates() == {victim.partition("/")[0]}
    def warnings(text: str) -> list[str]:  # what was printed but the closing line
        return [line for line in text.splitlines() if not line.startswith("built ")]

    assert warnings(again) == warnings(first)
    assert outputs(folder / "out") == fresh_build()


def test_a_kept_file_changed_while_the_build_runs_is_not_vouched_for(folder, spy, monkeypatch):
    """Regression: the state recorded a kept file's size and mtime as stat found them
    when it was stored, with the digest of the bytes checked earlier: a file changed in
    between (same size) was then trusted by the next no-change run."""
    assert planc_run(*BUILD)[0] == 0
    kept = folder / "out" / "week-01-2027-01-04" / "2027-01-05-1-ride-3x3m.zwo"
    good = kept.read_bytes()
    real_emit = planc.plan.build.emit

    def emit(fmt, workout, athlete, options):  # the edited run's first emit
        if kept.read_bytes() == good:
            kept.write_bytes(good.replace(b"planc", b"PLANC"))
        return real_emit(fmt, workout, athlete, options)

    _edit_library(folder)  # the runs change; the rides (and this file) are kept
    monkeypatch.setattr(planc.plan.build, "emit", emit)
    assert planc_run(*BUILD)[0] == 0
    monkeypatch.setattr(planc.plan.build, "emit", real_emit)
    assert kept.read_bytes() != good
    status, err = planc_run(*BUILD)
    assert status == 0 and "1 written" in err, err
    assert kept.read_bytes() == good

"""planc build: golden outputs of the example plans, idempotent rebuilds, stale files.

Regenerate the goldens after an intended change with ``pytest --regen
tests/test_plan_build.py`` and review the diff.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_planc
from support.golden import check_golden_tree
from support.plan_helpers import plan_text, write

from planc.output.tree import OutputRefused
from planc.plan.build import build_plan
from planc.plan.load import load_plan
from planc.plan.weeks import Selection, select

GOLDEN = ROOT / "tests" / "golden" / "plans"
PLANS = ["cycling-base-build-8w", "half-marathon-12w"]


def outputs(directory: Path) -> list[Path]:
    """The files under ``directory`` but planc's cache folder (which is not output)."""
    return [p for p in sorted(directory.rglob("*"))
            if p.is_file() and ".planc-cache" not in p.relative_to(directory).parts]


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in outputs(directory)}


def snapshot(directory: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(directory).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in outputs(directory)}


def visible(directory: Path) -> list[str]:
    """The names in ``directory`` but hidden ones (planc's cache folder)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", PLANS)
def test_golden_build(tmp_path, name):
    plan = load_plan(ROOT / "plans" / f"{name}.yaml")
    out = tmp_path / name
    result = build_plan(plan, out, ["icu"], Selection())
    assert not [d for d in result.diagnostics if d.is_error]
    check_golden_tree(GOLDEN / name, out)


def test_golden_manifest_shape():
    manifest = json.loads((GOLDEN / "half-marathon-12w" / "manifest.json").read_text())
    assert manifest["plan"] == {"id": "half-marathon-12w", "name": "Half marathon in 12 weeks",
                                "start": "2027-01-04", "end": "2027-03-28", "weeks": 12}
    race = manifest["sessions"][-1]
    assert race | {"description": None} == {
        "date": "2027-03-28", "time": "09:00", "slot": 1, "week": 12, "sport": "Run",
        "name": "City Half Marathon", "kind": "RACE_A", "indoor": False, "files": {},
        "external_id": "planc:half-marathon-12w:2027-03-28:city-half-marathon", "duration_s": None,
        "distance_m": 21100, "load": None, "intensity": None, "description": None}
    text = (GOLDEN / "half-marathon-12w" / "manifest.json").read_text()
    assert text.endswith("}\n") and text.startswith('{\n  "manifest_version": 1,')


def test_rebuild_with_no_change_touches_nothing(tmp_path):
    plan = load_plan(ROOT / "plans" / "cycling-base-build-8w.yaml")
    out = tmp_path / "out"
    first = build_plan(plan, out, ["icu"], Selection())
    assert first.files.written and not first.files.unchanged
    before = snapshot(out)
    again = build_plan(load_plan(ROOT / "plans" / "cycling-base-build-8w.yaml"), out, ["icu"],
                       Selection())
    assert again.files.written == [] and again.files.removed == []
    assert snapshot(out) == before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_stale_files_listed_in_the_manifest_are_removed_and_nothing_else(tmp_path):
    path = write(tmp_path, plan_text("- tue: sweetspot\n  sat: endurance\n"))
    out = tmp_path / "out"
    build_plan(load_plan(path), out, ["icu"], Selection())
    mine = out / "week-01-2027-01-04" / "notes.md"
    mine.write_text("the coach's own file\n")
    write(tmp_path, plan_text("- tue: sweetspot\n"))  # Saturdays dropped
    result = build_plan(load_plan(path), out, ["icu"], Selection())
    assert sorted(p.name for p in result.files.removed) == [
        "2027-01-09-1-endurance.txt", "2027-01-16-1-endurance.txt",
        "2027-01-23-1-endurance.txt", "2027-01-30-1-endurance.txt"]
    assert mine.read_text() == "the coach's own file\n"
    names = sorted(tree(out))
    assert "week-01-2027-01-04/notes.md" in names
    assert not any("endurance" in n for n in names)


def test_partial_build_keeps_other_weeks_in_the_manifest(tmp_path):
    path = write(tmp_path, plan_text("- tue: sweetspot\n"))
    out = tmp_path / "out"
    build_plan(load_plan(path), out, ["icu"], Selection())
    full = (out / "manifest.json").read_bytes()
    plan = load_plan(path)
    result = build_plan(plan, out, ["icu"], select(plan, ["2"]))
    assert result.sessions == 1 and result.files.removed == []
    assert (out / "manifest.json").read_bytes() == full


def test_shrinking_the_plan_removes_emptied_week_folders(tmp_path):
    path = write(tmp_path, plan_text("- tue: sweetspot\n"))
    out = tmp_path / "out"
    build_plan(load_plan(path), out, ["icu"], Selection())
    write(tmp_path, plan_text("- tue: sweetspot\n").replace("weeks: 4", "weeks: 2"))
    build_plan(load_plan(path), out, ["icu"], Selection())
    assert visible(out) == ["manifest.json", "week-01-2027-01-04", "week-02-2027-01-11"]


def test_manifest_of_another_plan_is_never_used_to_delete(tmp_path):
    path = write(tmp_path, plan_text("- tue: sweetspot\n"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    (out / "manifest.json").write_text(json.dumps(
        {"plan": {"id": "other"}, "sessions": [{"date": "2027-01-05", "files": {"icu": "keep.txt"}}]}))
    with pytest.raises(OutputRefused) as refused:
        build_plan(load_plan(path), out, ["icu"], Selection())
    assert [d.code for d in refused.value.diagnostics] == ["manifest-other-plan"]
    assert visible(out) == ["keep.txt", "manifest.json"]  # nothing written
    result = build_plan(load_plan(path), out, ["icu"], Selection(), force=True)
    assert (out / "keep.txt").exists() and result.files.removed == []
    assert [d.code for d in result.diagnostics] == ["manifest-other-plan"]



def test_an_unreadable_manifest_refuses_and_force_replaces_it_removing_nothing(tmp_path):
    path = write(tmp_path, plan_text("- tue: sweetspot\n"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    (out / "manifest.json").write_text("{not json")
    with pytest.raises(OutputRefused):
        build_plan(load_plan(path), out, ["icu"], Selection())
    assert (out / "manifest.json").read_text() == "{not json"
    result = build_plan(load_plan(path), out, ["icu"], Selection(), force=True)
    assert [d.code for d in result.diagnostics] == ["manifest-unreadable"]
    assert result.files.removed == [] and (out / "keep.txt").exists()
    assert json.loads((out / "manifest.json").read_text())["plan"]["id"] == "test-plan"


# ----------------------------------------------------------------------- CLI --


def test_cli_build_default_output_dir_and_second_run(tmp_path):
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    proc = run_planc("build", "plans/cycling-base-build-8w.yaml", "--formats", "icu",
                     cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    out = tmp_path / "out" / "cycling-base-build-8w"
    assert tree(out) == tree(GOLDEN / "cycling-base-build-8w")
    assert "written, 0 unchanged, 0 removed" in proc.stderr_text
    before = snapshot(out)
    proc = run_planc("build", "plans/cycling-base-build-8w.yaml", "--formats", "icu",
                     cwd=tmp_path)
    assert proc.returncode == 0
    assert " 0 written" in proc.stderr_text
    assert snapshot(out) == before


def test_cli_build_week_selection(tmp_path):
    proc = run_planc("build", str(ROOT / "plans" / "half-marathon-12w.yaml"), "-o",
                     str(tmp_path), "--week", "2027-W12", "--formats", "icu")
    assert proc.returncode == 0, proc.stderr_text
    assert visible(tmp_path) == ["manifest.json", "week-12-2027-03-22"]
    proc = run_planc("build", str(ROOT / "plans" / "half-marathon-12w.yaml"), "-o",
                     str(tmp_path), "--from", "2027-03-01", "--to", "2027-03-07")
    assert proc.returncode == 0, proc.stderr_text
    assert (tmp_path / "week-09-2027-03-01").is_dir()


def test_cli_build_reports_plan_errors_with_source_lines(tmp_path):
    path = write(tmp_path, plan_text("- tue: {workout: sweetspt}\n"))
    proc = run_planc("build", str(path), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert f"{path}:26:18: error[unknown-workout]" in proc.stderr_text
    assert "  26 | - tue: {workout: sweetspt}" in proc.stderr_text
    assert "hint: did you mean 'sweetspot'?" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--week", "13"], ["--week", "2027-W53"], ["--formats", "pdf"],
                                  ["--from", "2027-13-01"]])
def test_cli_build_usage_errors(tmp_path, args):
    proc = run_planc("build", str(ROOT / "plans" / "half-marathon-12w.yaml"), "-o",
                     str(tmp_path), *args)
    assert proc.returncode == 2, proc.stderr_text
    assert "Traceback" not in proc.stderr_text


def test_cli_check_and_stats_accept_the_example_plans():
    for name in PLANS:
        proc = run_planc("check", f"plans/{name}.yaml")
        assert proc.returncode == 0, proc.stderr_text
    proc = run_planc("stats", "plans/half-marathon-12w.yaml", "--week", "12")
    assert proc.returncode == 0, proc.stderr_text
    assert "RACE_A: 2027-03-28 City Half Marathon" in proc.stdout_text
    proc = run_planc("stats", "plans/cycling-base-build-8w.yaml", "--json", "--ctl", "60")
    report = json.loads(proc.stdout_text)
    assert report["start_ctl"] == 60 and len(report["weeks"]) == 8


def test_device_files_carry_the_sessions_description_and_tags(tmp_path):
    from lxml import etree

    text = """\
id: dressed
name: Dressed
start: 2027-01-04
weeks: 1
workouts:
  easy:
    sport: Ride
    description: Library words.
    tags: [base]
    body: |
      - 30m 60%
calendar:
  - mon: easy
    tue: {workout: easy, description: Session words.}
    wed: {sport: Ride, name: Inline, description: Inline words, tags: [x, y], body: "- 10m 60%"}
"""
    plan = load_plan(write(tmp_path, text))
    out = tmp_path / "out"
    result = build_plan(plan, out, ["zwo", "mrc"], select(plan))
    assert not [d for d in result.diagnostics if d.is_error]
    zwos = sorted(out.rglob("*.zwo"))
    seen = []
    for path in zwos:
        root = etree.fromstring(path.read_bytes())
        seen.append((root.findtext("description"), [t.get("name") for t in root.iter("tag")]))
        mrc = path.with_suffix(".mrc").read_text(encoding="ascii")
        assert f"DESCRIPTION = {seen[-1][0]}" in mrc
    assert seen == [("Library words.", ["base"]), ("Session words.", ["base"]),
                    ("Inline words", ["x", "y"])]


@pytest.mark.parametrize("command", ["build", "stats", "render"])
def test_a_library_is_not_a_plan_and_says_so(tmp_path, command):
    library = ROOT / "plans" / "library" / "cycling.yaml"
    args = [command, str(library)] + (["-o", str(tmp_path / "out")] if command != "stats"
                                      else [])
    proc = run_planc(*args)
    assert proc.returncode == 1
    assert "cycling.yaml:1:1: error[not-a-plan]: this is a workout library" in proc.stderr_text
    assert not (tmp_path / "out").exists()
    assert run_planc("check", str(library)).returncode == 0  # a library checks fine

"""The examples in README.md are real: they pass `planc check` as printed."""

from __future__ import annotations

import re
import shutil

from conftest import ROOT, run_planc

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(heading: str, fence: str) -> str:
    start = README.index(fence, README.index(heading)) + len(fence) + 1
    return README[start:README.index("```", start)]


def test_the_plan_example_checks(tmp_path):
    for folder in ("library", "athletes"):
        shutil.copytree(ROOT / "plans" / folder, tmp_path / folder)
    plan = tmp_path / "plan.yaml"
    plan.write_text(_block_after("## Plan files", "```yaml"), encoding="utf-8")
    proc = run_planc("check", str(plan))
    assert proc.returncode == 0, proc.stderr_text


def test_the_workout_example_checks(tmp_path):
    text = _block_after("## The workout language", "```")
    assert text.startswith("---\nname:")
    workout = tmp_path / "example.workout"
    workout.write_text(text, encoding="utf-8")
    proc = run_planc("check", str(workout))
    assert proc.returncode == 0, proc.stderr_text
    assert "error" not in proc.stderr_text


def test_the_quick_start_commands_are_the_ci_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- ci: run -->" in README and "<!-- ci: test -->" in README
    assert re.search(r"readme_command run", ci) and re.search(r"readme_command test", ci)

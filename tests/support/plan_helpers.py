"""Helpers for the plan tests: write a plan into a temp dir, load it, find diagnostics."""

from __future__ import annotations

import textwrap
from pathlib import Path

from planc.diagnostics import Diagnostic
from planc.plan.load import PlanResult, read_plan

HEADER = """\
id: test-plan
name: Test plan
start: 2027-01-04
weeks: 4
"""

LIBRARY = """\
workouts:
  sweetspot:
    sport: VirtualRide
    name: "Sweet spot {reps}x{work}"
    params: {reps: 3, work: 10m}
    body: |
      Warmup
      - 10m ramp 50-75%

      Main set {reps}x
      - {work} 88-93%
      - 5m 55%

      Cooldown
      - 10m ramp 65-45%
  endurance:
    sport: Ride
    params: {duration: 1h30m}
    body: |
      - Endurance {duration} 65-75%
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def plan_text(calendar: str, *, header: str = HEADER, library: str = LIBRARY) -> str:
    """A plan: header + library + ``calendar:`` followed by ``calendar`` (dedented)."""
    return header + library + "calendar:\n" + textwrap.dedent(calendar)


def load(tmp_path: Path, text: str, name: str = "plan.yaml") -> PlanResult:
    return read_plan(write(tmp_path, text, name))


def errors(result: PlanResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.is_error]


def one(result: PlanResult, code: str) -> Diagnostic:
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {[(d.code, d.message) for d in result.diagnostics]}"
    return found[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return (Path(d.path).name, d.span.line, d.span.column)


def line_col(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col

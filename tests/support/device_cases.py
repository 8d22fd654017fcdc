"""The device files the reader tests check: every example workout and every workout of the
two example plans, each in every device format that can express its sport.

A case is one workout with the athlete and the options it is compiled with: the
examples with the tests' fixed athlete (support.readers.ATHLETE), plan sessions
with their plan's athlete, indoors when the session is, dated like ``planc build``
dates them.  A workout that several sessions share (same object, same indoor
flag) is one case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from planc.ast import Workout
from planc.athlete import Athlete
from planc.emit import emit
from planc.lower.formats import EmitOptions, formats_for
from support.readers import ATHLETE, EXAMPLES, ROOT, example

DEVICE_FORMATS = ("fit", "zwo", "mrc", "erg")
PLANS = (ROOT / "plans" / "cycling-base-build-8w.yaml", ROOT / "plans" / "half-marathon-12w.yaml")


@dataclass(frozen=True)
class Case:
    name: str
    workout: Workout
    athlete: Athlete
    indoor: bool = False
    date: str | None = None

    def options(self, **changes) -> EmitOptions:
        return EmitOptions(indoor=self.indoor, date=self.date, **changes)

    def compile(self, fmt: str, **changes) -> tuple[bytes, list]:
        return emit(fmt, self.workout, self.athlete, self.options(**changes))

    @property
    def formats(self) -> list[str]:
        return formats_for(self.workout.sport, list(DEVICE_FORMATS))


def example_cases() -> list[Case]:
    return [Case(p.relative_to(ROOT).as_posix(), example(p), ATHLETE) for p in EXAMPLES]


@cache
def plan_cases(path: Path) -> tuple[Case, ...]:
    from planc.plan.build import file_stem
    from planc.plan.load import read_plan
    from planc.plan.model import Kind

    result = read_plan(path)
    assert result.plan is not None, result.diagnostics
    plan = result.plan
    seen: set[tuple[int, bool]] = set()
    out = []
    for s in plan.sessions:
        if s.kind is not Kind.WORKOUT or s.workout is None:
            continue
        if (key := (id(s.workout), s.indoor)) in seen:
            continue
        seen.add(key)
        out.append(Case(f"{plan.id}/{file_stem(s)}", s.workout, plan.athlete or ATHLETE,
                        s.indoor, s.date.isoformat()))
    return tuple(out)


def all_cases() -> list[Case]:
    return example_cases() + [c for p in PLANS for c in plan_cases(p)]


def file_cases() -> list[tuple[Case, str]]:
    """(case, format) for every device file the cases give."""
    return [(c, fmt) for c in all_cases() for fmt in c.formats]

"""The second-by-second target profile of a workout: what a trainer or watch asks for.

Two workouts that ask the athlete for the same thing at the same second have
the same profile, however differently they are written (a repeat or its
unrolled steps, 75 % or 187.5 W at FTP 250, a zone or its band).  That makes
the profile the measure of a faithful import: ``import(emit(w))`` must have
``w``'s profile, within a second and half a percent (tests/test_import_*.py).

Each second is ``(domain, value)``: the domain is the step's first target of
power, pace, heart rate (the order planc.resolve.metrics uses) and the value its
fraction of FTP, threshold speed or LTHR, resolved with one athlete through
planc.resolve.targets; a range counts at its middle, a ramp at each second's middle;
a step without a target (or with one the athlete cannot resolve) is
``(None, None)``.  Distance steps last ``metres / speed``: the speed of their
pace target, else a nominal speed for the sport (:data:`NOMINAL_SPEED`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planc.ast import Duration, Step, Workout, unrolled_steps
from planc.athlete import Athlete, SportThresholds
from planc.resolve.targets import (
    MissingThreshold,
    hr_fraction_lthr,
    pace_fraction,
    pace_speed,
    power_fraction,
)
from planc.units import sport_family

Sample = tuple[str | None, float | None]

NOMINAL_SPEED = {"ride": 8.0, "run": 3.0, "swim": 1.0, "other": 3.0}
"""m/s for a distance step with no pace target (only its length in seconds needs it)."""

TEST_ATHLETE = Athlete({
    family: SportThresholds(ftp=250.0, lthr=170.0, max_hr=190.0,
                            threshold_pace=1000 / 240 if family != "swim" else 100 / 105)
    for family in ("ride", "run", "swim", "other")
})
"""A fixed athlete for comparing profiles: FTP 250 W, LTHR 170, max HR 190, threshold pace
4:00/km (1:45/100m in the pool)."""


@dataclass(frozen=True, slots=True)
class StepProfile:
    """One step's contribution: its length in seconds and its target at start and end."""

    seconds: float
    domain: str | None
    start: float | None
    end: float | None
    step: Step


def step_profile(step: Step, thr: SportThresholds, family: str) -> StepProfile:
    speed = None
    if step.pace is not None:
        try:
            speed = pace_speed(step.pace, thr).mid
        except MissingThreshold:
            speed = None
    if isinstance(step.amount, Duration):
        seconds = step.amount.seconds
    else:
        seconds = step.amount.metres / (speed or NOMINAL_SPEED[family])
    if step.freeride or step.maxeffort:
        return StepProfile(seconds, None, None, None, step)
    for domain, target, resolve in (
        ("power", step.power, lambda t: power_fraction(t, thr)),
        ("pace", step.pace, lambda t: pace_fraction(t, thr)),
        ("hr", step.hr, lambda t: hr_fraction_lthr(t, thr)),
    ):
        if target is None:
            continue
        try:
            r = resolve(target)
        except MissingThreshold:
            continue
        if step.ramp:
            return StepProfile(seconds, domain, r.start, r.end, step)
        return StepProfile(seconds, domain, r.mid, r.mid, step)
    return StepProfile(seconds, None, None, None, step)


def step_profiles(workout: Workout, athlete: Athlete = TEST_ATHLETE) -> list[StepProfile]:
    thr = athlete.for_sport(workout.sport)
    family = sport_family(workout.sport)
    return [step_profile(s, thr, family) for s in unrolled_steps(workout.body)]


def samples(parts: Sequence[StepProfile]) -> list[Sample]:
    """One sample per second; step boundaries fall on the rounded running total."""
    out: list[Sample] = []
    exact = 0.0
    for p in parts:
        begin = len(out)
        exact += p.seconds
        n = int(round(exact)) - begin
        for i in range(max(n, 0)):
            if p.domain is None or p.start is None or p.end is None:
                out.append((None, None))
            else:
                f = (i + 0.5) / n
                out.append((p.domain, p.start + (p.end - p.start) * f))
    return out


def target_profile(workout: Workout, athlete: Athlete = TEST_ATHLETE) -> list[Sample]:
    """The workout's per-second (domain, fraction) samples."""
    return samples(step_profiles(workout, athlete))


def profile_mismatches(actual: Sequence[Sample], expected: Sequence[Sample], *,
                       seconds: int = 1, tolerance: float = 0.005,
                       ignore: Sequence[bool] | None = None) -> list[str]:
    """Why two profiles differ (empty when they match).

    They match when their lengths differ by at most ``seconds`` and every second of
    each has a sample of the same domain within ``tolerance`` (absolute fraction:
    0.005 is half a percent of threshold) in the other, at most ``seconds`` away.
    Seconds where ``ignore[t]`` is true (``expected``'s timeline) are not compared: the
    parts a format cannot say.
    """
    problems: list[str] = []
    if abs(len(actual) - len(expected)) > seconds:
        problems.append(f"length {len(actual)} s, expected {len(expected)} s")

    def close(a: Sample, b: Sample) -> bool:
        if a[0] != b[0]:
            return False
        if a[1] is None or b[1] is None:
            return a[1] is b[1]
        return abs(a[1] - b[1]) <= tolerance + 1e-9

    def check(xs: Sequence[Sample], ys: Sequence[Sample], label: str, skip_x: bool) -> None:
        for t, x in enumerate(xs):
            if ignore is not None:
                if skip_x and t < len(ignore) and ignore[t]:
                    continue
                if not skip_x and any(ignore[u] for u in range(max(0, t - seconds),
                                                               min(len(ignore), t + seconds + 1))):
                    continue
            window = ys[max(0, t - seconds): t + seconds + 1]
            if not any(close(x, y) for y in window):
                got = window[len(window) // 2] if window else None
                problems.append(f"{label} second {t}: {x} has no match near {got}")
                if len(problems) > 5:
                    return

    check(expected, actual, "expected", True)
    check(actual, expected, "actual", False)
    return problems

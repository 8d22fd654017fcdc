"""The second-by-second target profile of a workout: what a trainer or watch asks for.

Two workouts that ask the athlete for the same thing at the same second have
the same profile, however differently they are written (a repeat or its
unrolled steps, 75 % or 187.5 W at FTP 250, a zone or its band).  That makes
the profile the measure of a faithful import: ``import(emit(w))`` must have
``w``'s profile, within a second and half a percent (tests/test_import_*.py).

The profile is planc's own resolved timeline (planc.resolve.profile: repeats
unrolled, a distance step timed by its pace or the nominal speed, one domain per
step, power > pace > heart rate, as fractions of the athlete's thresholds) and
its per-second sampler, with one rule of its own: a free ride or a max effort asks
the device for no target, whatever range it shows, so its seconds are
``(None, None)``.  What is test-only lives here: the fixed athlete, that rule, the
merging of equal neighbours a flat format does, and the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from planc.ast import Workout
from planc.athlete import Athlete, SportThresholds
from planc.resolve.profile import Sample, TimedStep, per_second, timeline

__all__ = ["TEST_ATHLETE", "Sample", "flat_pieces", "profile_mismatches", "step_profiles",
           "target_profile"]

TEST_ATHLETE = Athlete({
    family: SportThresholds(ftp=250.0, lthr=170.0, max_hr=190.0,
                            threshold_pace=1000 / 240 if family != "swim" else 100 / 105)
    for family in ("ride", "run", "swim", "other")
})
"""A fixed athlete for comparing profiles: FTP 250 W, LTHR 170, max HR 190, threshold pace
4:00/km (1:45/100m in the pool)."""


def _asked(s: TimedStep) -> TimedStep:
    """What the device is asked for: nothing during a free ride or a max effort."""
    if s.step.freeride or s.step.maxeffort:
        return replace(s, domain=None, start=None, end=None, band=None, zone=None)
    return s


def step_profiles(workout: Workout, athlete: Athlete = TEST_ATHLETE) -> list[TimedStep]:
    """The executed steps of ``workout`` in time, as a device is asked for them."""
    return [_asked(s) for s in timeline(workout, athlete).steps]


def target_profile(workout: Workout, athlete: Athlete = TEST_ATHLETE) -> list[Sample]:
    """The workout's per-second (domain, fraction) samples."""
    return per_second(step_profiles(workout, athlete))


def flat_pieces(workout: Workout, athlete: Athlete = TEST_ATHLETE,
                tolerance: float = 1e-6) -> list[tuple[float, str | None, float | None]]:
    """The steady levels and ramps a flat course file (.mrc/.erg) holds: (seconds, domain,
    value) per piece, a ramp as ``value`` None.  Neighbouring steady steps at the same
    level are one piece (nothing in the file separates them: 422.5 W beside 169 % FTP at
    FTP 250 is one level), as the format's reader merges them."""
    out: list[tuple[float, str | None, float | None]] = []
    for s in step_profiles(workout, athlete):
        value = s.start if s.start == s.end else None
        steady = s.domain is not None and value is not None
        if out and steady and out[-1][1] == s.domain and out[-1][2] is not None \
                and abs(out[-1][2] - value) <= tolerance:
            out[-1] = (out[-1][0] + s.seconds, s.domain, out[-1][2])
        else:
            out.append((s.seconds, s.domain, value))
    return out


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

"""Planned-workout metrics: duration, distance, intensity and load.

Formulas (README "Metrics" repeats them):

* The planned intensity profile is sampled once per second over the unrolled
  steps; a ramp is interpolated linearly (sampled at each second's middle), a
  range counts at its midpoint.  Each step is measured in one domain, chosen
  power > pace > heart rate (the first the step has); the value is a fraction
  of FTP, of threshold speed, or of LTHR.
* NP (as a fraction of FTP) = 4th root of the mean of the 4th power of the
  30-second rolling average of the power samples (a workout shorter than 30 s
  uses the plain mean).  IF = NP.  For pace- or HR-only workouts the same
  formula on their fractions gives an "intensity" in the same spirit
  (rTSS/hrTSS-like).
* Load (TSS-style) = hours of targeted time x IF^2 x 100.
* Steps with no target (freeride/maxeffort without a range, open steps) count
  towards duration but not towards intensity or load.
* Distance is the sum of distance steps and of time steps with a known speed
  (None when no step has one).
* Distance steps need a speed to have a duration: from an absolute pace, or a
  relative pace and the athlete's threshold pace; otherwise the duration is
  reported as unknown for those steps (``unknown_duration_steps``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub

from planc.ast import Duration, Step, Workout, unrolled_steps
from planc.athlete import (
    DEFAULT_HR_ZONES_LTHR,
    DEFAULT_PACE_ZONES,
    DEFAULT_POWER_ZONES,
    Athlete,
    SportThresholds,
)
from planc.resolve.targets import (
    MissingThreshold,
    hr_fraction_lthr,
    pace_fraction,
    pace_speed,
    power_fraction,
)

ROLLING_WINDOW_S = 30
MAX_SAMPLES = 14 * 24 * 3600  # two weeks of seconds; longer workouts are sampled coarser


@dataclass(frozen=True, slots=True)
class StepIntensity:
    domain: str | None  # power | pace | hr | None
    start: float | None  # fraction of the domain's threshold
    end: float | None
    seconds: float | None
    metres: float | None


@dataclass(slots=True)
class Metrics:
    duration_s: float
    distance_m: float | None
    intensity: float | None  # IF (NP / FTP) or its pace/HR analogue
    load: float | None
    domain: str | None  # the domain intensity/load were measured in ("mixed" if several)
    np_fraction: float | None = None
    unknown_duration_steps: int = 0
    zone_seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "duration_s": round(self.duration_s, 1),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "intensity": None if self.intensity is None else round(self.intensity, 3),
            "load": None if self.load is None else round(self.load, 1),
            "domain": self.domain,
            "unknown_duration_steps": self.unknown_duration_steps,
            "zone_seconds": {k: round(v, 1) for k, v in self.zone_seconds.items()},
        }


def _step_intensity(step: Step, thr: SportThresholds, indoor: bool) -> StepIntensity:
    speed = None
    if step.pace is not None:
        try:
            speed = pace_speed(step.pace, thr).mid
        except MissingThreshold:
            speed = None
    amount = step.amount
    if isinstance(amount, Duration):
        seconds: float | None = amount.seconds
        metres = seconds * speed if speed else None
    else:
        metres = amount.metres
        seconds = metres / speed if speed else None
    for domain, target, fn in (
        ("power", step.power, lambda t: power_fraction(t, thr, indoor)),
        ("pace", step.pace, lambda t: pace_fraction(t, thr)),
        ("hr", step.hr, lambda t: hr_fraction_lthr(t, thr)),
    ):
        if target is None:
            continue
        try:
            r = fn(target)
        except MissingThreshold:
            continue
        if step.ramp:
            return StepIntensity(domain, r.start, r.end, seconds, metres)
        return StepIntensity(domain, r.mid, r.mid, seconds, metres)
    return StepIntensity(None, None, None, seconds, metres)


def _samples(si: StepIntensity, every: int = 1) -> list[float]:
    n = int(round((si.seconds or 0) / every))
    if n <= 0 or si.start is None:
        return []
    if si.start == si.end:
        return [si.start] * n
    a, b = si.start, si.end
    return [a + (b - a) * (i + 0.5) / n for i in range(n)]


def normalized(samples: list[float], window: int = ROLLING_WINDOW_S) -> float | None:
    if not samples:
        return None
    n = len(samples)
    if n < window:
        mean = sum(samples) / n
        return mean
    cum = list(accumulate(samples, initial=0.0))
    w = window
    # sums over each 30 s window, pairwise (a plan build measures hundreds of workouts)
    fourth = sum([d * d * d * d for d in map(sub, cum[w:], cum)])
    return (fourth / (n + 1 - w)) ** 0.25 / w


def _zone_name(domain: str, value: float, thr: SportThresholds) -> str:
    if domain == "power":
        bounds = [b / 100 for b in (thr.power_zones or DEFAULT_POWER_ZONES)]
    elif domain == "pace":
        bounds = [b / 100 for b in (thr.pace_zones or DEFAULT_PACE_ZONES)]
    elif thr.hr_zones and thr.lthr:
        bounds = [b / thr.lthr for b in thr.hr_zones]
    else:
        bounds = [b / 100 for b in DEFAULT_HR_ZONES_LTHR]
    for i, b in enumerate(bounds):
        if value <= b + 1e-9:
            return f"Z{i + 1}"
    return f"Z{len(bounds)}"


def workout_metrics(workout: Workout, athlete: Athlete | None = None,
                    indoor: bool = False) -> Metrics:
    thr = (athlete or Athlete()).for_sport(workout.sport)
    duration = 0.0
    distance = 0.0
    distance_seen = False
    unknown = 0
    samples: list[float] = []
    domains: set[str] = set()
    zones: dict[str, float] = {}
    intensities = [_step_intensity(step, thr, indoor) for step in unrolled_steps(workout.body)]
    # one sample per second, or per `every` seconds when a workout is absurdly long, so
    # memory stays bounded whatever the text says (the checks limit a step to 24 h, not
    # the repeats around it)
    timed = sum(si.seconds for si in intensities if si.domain is not None and si.seconds)
    every = max(1, math.ceil(timed / MAX_SAMPLES))
    for si in intensities:
        if si.seconds is None:
            unknown += 1
        else:
            duration += si.seconds
        if si.metres is not None:
            distance += si.metres
            distance_seen = True
        if si.domain is not None and si.seconds:
            domains.add(si.domain)
            samples.extend(_samples(si, every))
            zone = _zone_name(si.domain, (si.start + si.end) / 2, thr)
            key = zone if si.domain == "power" else f"{si.domain.upper()} {zone}"
            zones[key] = zones.get(key, 0.0) + si.seconds
    np_fraction = normalized(samples, max(1, round(ROLLING_WINDOW_S / every)))
    load = None
    if np_fraction is not None:
        load = len(samples) * every / 3600 * np_fraction * np_fraction * 100
    dist = distance if distance_seen else None
    return Metrics(
        duration_s=duration,
        distance_m=dist,
        intensity=np_fraction,
        load=load,
        domain=(next(iter(domains)) if len(domains) == 1 else ("mixed" if domains else None)),
        np_fraction=np_fraction if domains == {"power"} else None,
        unknown_duration_steps=unknown,
        zone_seconds=dict(sorted(zones.items())),
    )

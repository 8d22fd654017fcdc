"""Planned-workout metrics: duration, distance, intensity and load.

All of them are read off the workout's resolved timeline
(``planc.resolve.profile``: when each step happens, in which domain, how hard),
the same timeline the pictures draw.  Formulas (README "Metrics" repeats them):

* The intensity profile is the timeline's per-second samples of its targeted
  steps: a ramp is interpolated linearly (sampled at each second's middle), a
  range counts at its midpoint.  Each step is measured in one domain, chosen
  power > pace > heart rate (the first the athlete's thresholds resolve); the
  value is a fraction of FTP, of threshold speed, or of LTHR.
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
* A distance step is timed by its pace (an absolute pace, or a relative pace
  and the athlete's threshold pace); without one it is timed at the sport's
  nominal speed and counted in ``unknown_duration_steps``, since its time is
  only an estimate.
* Time in zones: each targeted step's seconds go to the zone of its midpoint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub

from planc.ast import Workout
from planc.athlete import Athlete
from planc.resolve.profile import Timeline, sample_counts, timeline

ROLLING_WINDOW_S = 30
MAX_SAMPLES = 14 * 24 * 3600  # two weeks of seconds; longer workouts are sampled coarser


@dataclass(slots=True)
class Metrics:
    duration_s: float
    distance_m: float | None
    intensity: float | None  # IF (NP / FTP) or its pace/HR analogue
    load: float | None
    domain: str | None  # the domain intensity/load were measured in ("mixed" if several)
    np_fraction: float | None = None
    unknown_duration_steps: int = 0  # distance steps timed at the nominal speed
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


def normalized(samples: list[float], window: int = ROLLING_WINDOW_S) -> float | None:
    """NP-style normalisation of ``samples`` (fractions): the 4th root of the mean 4th
    power of their ``window``-sample rolling average; the plain mean when shorter."""
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




def zone_key(domain: str, zone: int) -> str:
    """How time in zones names a zone: ``Z2`` for power, ``HR Z2``, ``PACE Z2``."""
    return f"Z{zone}" if domain == "power" else f"{domain.upper()} Z{zone}"


def _intensity_samples(tl: Timeline) -> tuple[list[float], int]:
    """The targeted steps' samples, and how many seconds each sample stands for.

    One sample per second, or per ``every`` seconds when a workout is absurdly long, so
    memory stays bounded whatever the text says (the checks limit a step to 24 h, not
    the repeats around it)."""
    timed = sum(s.seconds for s in tl.steps if s.domain is not None and s.seconds)
    every = max(1, math.ceil(timed / MAX_SAMPLES))
    samples: list[float] = []
    for s, n in sample_counts(tl.steps, every):
        if s.domain is not None and s.seconds:
            samples.extend(s.values(n))
    return samples, every


def _zone_seconds(tl: Timeline) -> dict[str, float]:
    zones: dict[str, float] = {}
    for s in tl.steps:
        if s.domain is not None and s.zone is not None and s.seconds:
            key = zone_key(s.domain, s.zone)
            zones[key] = zones.get(key, 0.0) + s.seconds
    return dict(sorted(zones.items()))


def measure(tl: Timeline) -> Metrics:
    """The metrics of a resolved timeline (module doc has the formulas)."""
    samples, every = _intensity_samples(tl)
    np_fraction = normalized(samples, max(1, round(ROLLING_WINDOW_S / every)))
    load = None
    if np_fraction is not None:
        load = len(samples) * every / 3600 * np_fraction * np_fraction * 100
    metres = [s.metres for s in tl.steps if s.metres is not None]
    domains = {s.domain for s in tl.steps if s.domain is not None and s.seconds}
    return Metrics(
        duration_s=tl.total_s,
        distance_m=sum(metres) if metres else None,
        intensity=np_fraction,
        load=load,
        domain=(next(iter(domains)) if len(domains) == 1 else ("mixed" if domains else None)),
        np_fraction=np_fraction if domains == {"power"} else None,
        unknown_duration_steps=tl.estimated,
        zone_seconds=_zone_seconds(tl),
    )


def workout_metrics(workout: Workout, athlete: Athlete | None = None,
                    indoor: bool = False) -> Metrics:
    """The metrics of ``workout`` for ``athlete`` (``indoor``: power uses indoor_ftp)."""
    return measure(timeline(workout, athlete, indoor))

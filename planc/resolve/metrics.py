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
* Distance is, as intervals.icu counts it, the sum of distance steps and of time
  steps with a pace target (None when no step has one).
* A distance step is timed as intervals.icu times it (its pace, an absolute band
  at the midpoint of its paces, or the threshold pace; planc.resolve.profile).
* A figure that needs a threshold the athlete lacks is unknown (None), never a
  partial sum: the duration when a distance step cannot be timed
  (``unknown_duration_steps``), the distance when a timed step's relative pace
  has no threshold (``unknown_distance_steps``), intensity and load when a
  targeted step cannot be resolved or timed (``unknown_load_steps``);
  ``missing`` names the thresholds (and flags) that would make them known.
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
    """A workout's figures.  A figure that needs a threshold the athlete does not have is
    None (unknown, never a partial sum), with how many steps made it unknown and what
    would make it known (``missing``)."""

    duration_s: float | None
    distance_m: float | None
    intensity: float | None  # IF (NP / FTP) or its pace/HR analogue
    load: float | None
    domain: str | None  # the domain intensity/load were measured in ("mixed" if several)
    np_fraction: float | None = None
    unknown_duration_steps: int = 0  # distance steps whose speed cannot be known
    unknown_distance_steps: int = 0  # timed pace steps whose speed cannot be known
    unknown_load_steps: int = 0  # targeted steps whose target or time cannot be resolved
    missing: tuple[str, ...] = ()  # e.g. "a threshold pace (--threshold-pace)"
    zone_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not (self.unknown_duration_steps or self.unknown_distance_steps
                    or self.unknown_load_steps)

    def as_dict(self) -> dict:
        return {
            "duration_s": None if self.duration_s is None else round(self.duration_s, 1),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "intensity": None if self.intensity is None else round(self.intensity, 3),
            "load": None if self.load is None else round(self.load, 1),
            "domain": self.domain,
            "unknown_duration_steps": self.unknown_duration_steps,
            "unknown_distance_steps": self.unknown_distance_steps,
            "unknown_load_steps": self.unknown_load_steps,
            "missing": list(self.missing),
            "zone_seconds": {k: round(v, 1) for k, v in self.zone_seconds.items()},
        }


THRESHOLD_NAMES = {"--ftp": "an FTP", "--threshold-pace": "a threshold pace",
                   "--lthr": "a threshold heart rate (LTHR)", "--max-hr": "a max heart rate"}


def _needed(flag: str) -> str:
    """How ``missing`` names a threshold: 'a threshold pace (--threshold-pace)'."""
    return f"{THRESHOLD_NAMES.get(flag, flag)} ({flag})"


def normalized(samples: list[float], window: int = ROLLING_WINDOW_S,
               flat: tuple[tuple[int, int], ...] = ()) -> float | None:
    """NP-style normalisation of ``samples`` (fractions): the 4th root of the mean 4th
    power of their ``window``-sample rolling average; the plain mean when shorter.

    ``flat`` lists runs ``(first, count)`` of equal samples, in order and apart: every
    window lying inside one averages that sample, so those windows are counted at once
    instead of one by one (a steady step of an hour is 3,571 such windows, and a plan
    build measures hundreds of workouts).  Only the windows across a change, or inside
    a ramp, are summed from the running totals."""
    if not samples:
        return None
    n = len(samples)
    w = window
    if n < w:
        return sum(samples) / n
    cum = list(accumulate(samples, initial=0.0))
    fourth = 0.0
    start = 0  # the first window not yet counted
    for first, count in flat:
        inside = first + count - w  # the last window start inside the run
        if inside < max(first, start):
            continue
        fourth += _fourth_powers(cum, w, start, max(first, start))
        mean = samples[first] * w
        fourth += (inside + 1 - max(first, start)) * (mean * mean * mean * mean)
        start = inside + 1
    fourth += _fourth_powers(cum, w, start, n + 1 - w)
    return (fourth / (n + 1 - w)) ** 0.25 / w


def _fourth_powers(cum: list[float], w: int, first: int, stop: int) -> float:
    """The sum of the 4th powers of the ``w``-sample sums starting at ``first`` up to
    ``stop`` (exclusive), from the running totals ``cum``."""
    if stop <= first:
        return 0.0
    return sum([d * d * d * d for d in map(sub, cum[first + w:stop + w], cum[first:stop])])


def zone_key(domain: str, zone: int) -> str:
    """How time in zones names a zone: ``Z2`` for power, ``HR Z2``, ``PACE Z2``."""
    return f"Z{zone}" if domain == "power" else f"{domain.upper()} Z{zone}"


def _intensity_samples(tl: Timeline) -> tuple[list[float], int, tuple[tuple[int, int], ...]]:
    """The targeted steps' samples, how many seconds each sample stands for, and the
    runs of equal samples (steady steps: see :func:`normalized`).

    One sample per second, or per ``every`` seconds when a workout is absurdly long, so
    memory stays bounded whatever the text says (the checks limit a step to 24 h, not
    the repeats around it)."""
    timed = sum(s.seconds for s in tl.steps if s.domain is not None and s.seconds)
    every = max(1, math.ceil(timed / MAX_SAMPLES))
    samples: list[float] = []
    flat: list[tuple[int, int]] = []
    for s, n in sample_counts(tl.steps, every):
        if s.domain is not None and s.seconds:
            if s.start is not None and s.start == s.end and n:
                flat.append((len(samples), n))
            samples.extend(s.values(n))
    return samples, every, tuple(flat)


def _zone_seconds(tl: Timeline) -> dict[str, float]:
    zones: dict[str, float] = {}
    for s in tl.steps:  # an estimated step's time is unknown, so is its time in zone
        if s.domain is not None and s.zone is not None and s.seconds and not s.estimated:
            key = zone_key(s.domain, s.zone)
            zones[key] = zones.get(key, 0.0) + s.seconds
    return dict(sorted(zones.items()))


def _unknowns(tl: Timeline) -> tuple[int, int, int, tuple[str, ...]]:
    """(duration, distance, load) counts of steps whose figure is unknown, and the
    thresholds missing for them, in the order first needed."""
    duration = distance = load = 0
    missing: dict[str, None] = {}
    for s in tl.steps:
        if s.estimated:  # a distance step that no pace and no threshold pace can time
            duration += 1
            missing[_needed("--threshold-pace")] = None
        elif s.step.pace is not None and s.metres is None:
            distance += 1  # a timed step with a relative pace and no threshold pace
            missing[_needed("--threshold-pace")] = None
        unresolved = s.domain is None and s.missing is not None
        if unresolved:
            missing[_needed(s.missing.flag)] = None
        if unresolved or (s.estimated and s.domain is not None):
            load += 1
    return duration, distance, load, tuple(missing)


def measure(tl: Timeline) -> Metrics:
    """The metrics of a resolved timeline (module doc has the formulas)."""
    samples, every, flat = _intensity_samples(tl)
    np_fraction = normalized(samples, max(1, round(ROLLING_WINDOW_S / every)), flat)
    load = None
    if np_fraction is not None:
        load = len(samples) * every / 3600 * np_fraction * np_fraction * 100
    unknown_time, unknown_distance, unknown_load, missing = _unknowns(tl)
    metres = [s.metres for s in tl.steps if s.metres is not None]
    domains = {s.domain for s in tl.steps if s.domain is not None and s.seconds}
    return Metrics(
        duration_s=None if unknown_time else tl.total_s,
        distance_m=sum(metres) if metres and not unknown_distance else None,
        intensity=None if unknown_load else np_fraction,
        load=None if unknown_load else load,
        domain=(next(iter(domains)) if len(domains) == 1 else ("mixed" if domains else None)),
        np_fraction=np_fraction if domains == {"power"} and not unknown_load else None,
        unknown_duration_steps=unknown_time,
        unknown_distance_steps=unknown_distance,
        unknown_load_steps=unknown_load,
        missing=missing,
        zone_seconds=_zone_seconds(tl),
    )


def workout_metrics(workout: Workout, athlete: Athlete | None = None,
                    indoor: bool = False) -> Metrics:
    """The metrics of ``workout`` for ``athlete`` (``indoor``: power uses indoor_ftp)."""
    return measure(timeline(workout, athlete, indoor))

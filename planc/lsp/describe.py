"""A step or a repeat in words, for the editor's hover: how long, when, how hard.

Every number comes from :mod:`planc.resolve`: the one timeline (when a step starts,
how long a distance step lasts at its pace, the zone of its midpoint) and the target
rules (% FTP to watts with the athlete's FTP, zones to bands).  A target that needs a
threshold the athlete lacks says which one, as ``planc compile`` would.
"""

from __future__ import annotations

from collections.abc import Callable

from planc.ast import Distance, Duration, Range, Repeat, Step, Workout
from planc.athlete import Athlete, SportThresholds
from planc.resolve.profile import ZONE_NAMES, TimedStep, timeline
from planc.resolve.targets import (
    MissingThreshold,
    hr_bpm,
    pace_speed,
    power_fraction,
    power_watts,
)
from planc.syntax import default_pace_per
from planc.units import METRES_PER_UNIT, PACE_PER_METRES


def clock(seconds: float) -> str:
    """``1:05:00``, ``12:30``: a moment or a length of time as a watch shows it."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _num(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _span_of(r: Range, ramp: bool, fmt: Callable[[float], str], unit: str) -> str:
    if r.is_single:
        return f"{fmt(r.start)}{unit}"
    return f"{fmt(r.start)}{'→' if ramp else '–'}{fmt(r.end)}{unit}"


def _amount(step: Step) -> str:
    a = step.amount
    if isinstance(a, Duration):
        return clock(a.seconds)
    assert isinstance(a, Distance)
    if a.metres >= 1000 or a.unit.value in ("km", "mi"):
        per = METRES_PER_UNIT[a.unit] if a.unit.value in ("km", "mi") else 1000.0
        name = a.unit.value if a.unit.value in ("km", "mi") else "km"
        return f"{a.metres / per:g} {name}"
    return f"{a.metres:g} m"


def _power(step: Step, thr: SportThresholds, indoor: bool) -> str | None:
    p = step.power
    if p is None:
        return None
    pct = _span_of(power_fraction(p, thr, indoor), step.ramp, lambda v: _num(v * 100), "% FTP")
    try:
        watts = _span_of(power_watts(p, thr, indoor), step.ramp, lambda w: f"{w:.0f}", " W")
    except MissingThreshold:
        return f"power {pct} (watts need an FTP: set one in the athlete file)"
    return f"power {pct} = **{watts}**"


def _hr(step: Step, thr: SportThresholds) -> str | None:
    if step.hr is None:
        return None
    try:
        return f"heart rate **{_span_of(hr_bpm(step.hr, thr), step.ramp, _num, ' bpm')}**"
    except MissingThreshold as exc:
        return f"heart rate (needs {exc.missing.what})"


def _pace(step: Step, thr: SportThresholds, sport: str) -> str | None:
    pc = step.pace
    if pc is None:
        return None
    per = pc.per or default_pace_per(sport)
    try:
        speed = pace_speed(pc, thr)
    except MissingThreshold as exc:
        return f"pace (needs {exc.missing.what})"
    metres = PACE_PER_METRES[per]
    text = _span_of(speed, step.ramp, lambda v: clock(metres / v) if v > 0 else "?", "")
    return f"pace **{text}/{per.value}**"


def _zone(ts: TimedStep | None) -> str | None:
    if ts is None or ts.zone is None or ts.domain is None:
        return None
    name = ZONE_NAMES[ts.zone - 1] if ts.zone <= len(ZONE_NAMES) else ""
    return f"zone **Z{ts.zone}** {name} ({ts.domain})".rstrip()


def describe_step(workout: Workout, step: Step, athlete: Athlete | None, indoor: bool) -> str:
    """Markdown: the step's label and length, when it starts, its targets and zone."""
    tl = timeline(workout, athlete, indoor)
    times = [ts for ts in tl.steps if ts.step is step]
    first = times[0] if times else None
    head = f"**{step.label or 'step'}** · {_amount(step)}"
    if first is not None and isinstance(step.amount, Distance):
        head += f" ({'about ' if first.estimated else ''}{clock(first.seconds)})"
    if first is not None:
        head += (f" · {len(times)}×, first at {clock(first.t0)}" if len(times) > 1
                 else f" · at {clock(first.t0)}")
    thr = tl.thresholds
    parts = [_power(step, thr, indoor), _pace(step, thr, workout.sport), _hr(step, thr)]
    if step.cadence is not None:
        parts.append(f"cadence {_span_of(step.cadence.value, False, _num, ' rpm')}")
    parts.append(_zone(first))
    if first is not None and first.missing is not None:
        parts.append(f"needs {first.missing.what}")
    lines = [head, *(f"- {p}" for p in parts if p)]
    return "\n".join(lines)


def describe_repeat(workout: Workout, rep: Repeat, athlete: Athlete | None,
                    indoor: bool) -> str:
    """Markdown: the repeat's count, the length of one round and of all of them."""
    one = timeline(Workout(rep.children, workout.sport), athlete, indoor).total_s
    title = rep.title.strip() or "repeat"
    return f"**{title}** · {rep.count}× {clock(one)} = **{clock(one * rep.count)}**"

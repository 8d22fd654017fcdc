"""Workout profile geometry: where each step sits in time and how high it is drawn.

This is the one model behind every picture of a workout (``planc compile --to
svg``, the plan page's small profiles, a session page's large profile), so
they all agree.  It works in *workout units* (seconds, fractions of a
threshold); ``planc.emit.svgdraw`` turns it into coordinates.

Rules (README "Workout pictures" repeats them):

* **Width is time.**  A step's width is its duration.  A distance step is
  timed at the middle of its pace band (as ``planc.resolve.metrics`` does, so the
  picture and ``planc stats`` agree).  A distance step with no speed (no
  pace, or a relative pace and no threshold pace) gets an *estimated* time:
  80 % of the athlete's threshold speed (an easy pace), or without a
  threshold pace a typical easy speed for the sport (``EASY_SPEED``).  It is
  drawn with a dashed outline and the duration reads ``~``.
* **Height is intensity**, as a fraction of the threshold of the step's
  domain: power (% FTP) first, then pace (% threshold speed), then heart rate
  (% LTHR), the same order as the metrics.  Zones resolve to their band
  (``planc.resolve.targets``).  A range is a band from its low to its high end with
  its midpoint marked; a ramp goes from its first to its last value.
* **Colour is the zone** of the value in the step's domain, with the
  athlete's zones or planc's defaults: a steady step takes the zone of its
  midpoint (as the time-in-zones figures do); a ramp is split where it
  crosses a zone boundary, each piece in its own zone's colour.
* A step with no target (strength work, a free ride) is drawn low
  (``NOMINAL``) in neutral grey, half as high (``REST_NOMINAL``) when it is
  marked ``intensity=rest`` or ``recovery``; a ``maxeffort`` step without a
  target is drawn full height in the top zone's colour.
* The vertical scale goes up to ``max(SCALE_MIN, highest value)``, so most
  workouts of a plan share one scale and can be compared by eye.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from planc.ast import Block, Distance, Duration, Intensity, Node, Repeat, Step, Workout
from planc.athlete import (
    DEFAULT_HR_ZONES_LTHR,
    DEFAULT_PACE_ZONES,
    DEFAULT_POWER_ZONES,
    Athlete,
    SportThresholds,
)
from planc.resolve.targets import (
    Missing,
    MissingThreshold,
    hr_fraction_lthr,
    pace_fraction,
    pace_speed,
    power_fraction,
)
from planc.units import sport_family

# Zone colours, intervals.icu's order: Z1 grey, Z2 blue, Z3 green, Z4 yellow, Z5 orange,
# Z6 red, Z7 purple.  Athletes with more zones reuse the last colour.
PALETTE: tuple[str, ...] = (
    "#8e959e",  # Z1 recovery: grey
    "#3d8fe0",  # Z2 endurance: blue
    "#2fb55d",  # Z3 tempo: green
    "#f2c12e",  # Z4 threshold: yellow
    "#f28c28",  # Z5 VO2max: orange
    "#e0443e",  # Z6 anaerobic: red
    "#9a4fd0",  # Z7 neuromuscular: purple
)
NEUTRAL = "#c9ced6"  # a step without a target
ZONE_NAMES: tuple[str, ...] = ("recovery", "endurance", "tempo", "threshold", "VO2max",
                               "anaerobic", "neuromuscular")

SCALE_MIN = 1.2  # the vertical scale reaches at least 120 % of threshold
NOMINAL = 0.3  # height of a step without a target
REST_NOMINAL = 0.15  # ... marked intensity=rest or recovery
EASY_FRACTION = 0.8  # estimated speed of an untimed distance step, x threshold speed
# Typical easy speeds (m/s) for a distance step when the athlete has no threshold pace.
EASY_SPEED: dict[str, float] = {"run": 3.0, "swim": 0.8, "ride": 8.3, "other": 1.4}

DOMAIN_ORDER = ("power", "pace", "hr")
DOMAIN_UNITS = {"power": "% FTP", "pace": "% threshold pace", "hr": "% LTHR"}


def zone_colour(zone: int | None) -> str:
    if zone is None:
        return NEUTRAL
    return PALETTE[max(1, min(zone, len(PALETTE))) - 1]


def zone_bounds(domain: str, thr: SportThresholds) -> tuple[float, ...]:
    """Upper zone bounds as fractions of the domain's threshold (as planc.resolve.metrics reads them)."""
    if domain == "power":
        return tuple(b / 100 for b in (thr.power_zones or DEFAULT_POWER_ZONES))
    if domain == "pace":
        return tuple(b / 100 for b in (thr.pace_zones or DEFAULT_PACE_ZONES))
    if thr.hr_zones and thr.lthr:
        return tuple(b / thr.lthr for b in thr.hr_zones)
    return tuple(b / 100 for b in DEFAULT_HR_ZONES_LTHR)


def zone_of(value: float, bounds: tuple[float, ...]) -> int:
    """1-based zone of ``value``: the first zone whose upper bound it does not exceed."""
    for i, b in enumerate(bounds):
        if value <= b + 1e-9:
            return i + 1
    return len(bounds)


@dataclass(frozen=True, slots=True)
class Piece:
    """A drawn part of a step: from ``t0`` to ``t1`` seconds, value ``v0`` -> ``v1``."""

    t0: float
    t1: float
    v0: float
    v1: float
    zone: int | None


@dataclass(frozen=True, slots=True)
class StepShape:
    """One executed step (repeats unrolled) and how it is drawn."""

    step: Step
    index: int  # position in execution order
    t0: float
    seconds: float
    estimated: bool  # the time is an estimate (a distance step without a speed)
    domain: str | None  # power | pace | hr | None (no target drawn)
    start: float  # value drawn at the step start (fraction; NOMINAL when untargeted)
    end: float
    low: float | None  # a steady range: its band; None for a single value or a ramp
    high: float | None
    zone: int | None  # zone of the midpoint (None: no target)
    pieces: tuple[Piece, ...]
    speed: float | None  # m/s used to time a distance step (or to place its cues)

    @property
    def t1(self) -> float:
        return self.t0 + self.seconds

    @property
    def targeted(self) -> bool:
        return self.domain is not None


@dataclass(frozen=True, slots=True)
class Span:
    """A repeat (or titled block) in time: drawn as a bracket over its steps."""

    t0: float
    t1: float
    depth: int  # 0 for an outermost repeat
    count: int  # 1 for a block
    title: str


@dataclass(slots=True)
class Profile:
    steps: list[StepShape]
    repeats: list[Span]
    blocks: list[Span]
    total_s: float
    vmax: float
    domains: tuple[str, ...]  # the domains drawn, in DOMAIN_ORDER
    estimated: int = 0  # how many steps have an estimated time
    missing: list[tuple[Step, Missing]] = field(default_factory=list)

    @property
    def axis_unit(self) -> str:
        if len(self.domains) == 1:
            return DOMAIN_UNITS[self.domains[0]]
        return "% threshold"


def _resolve(step: Step, thr: SportThresholds, indoor: bool):
    """(domain, Range) of the first target that resolves, and what was missing before it."""
    missing: Missing | None = None
    for domain, target, fn in (
        ("power", step.power, lambda t: power_fraction(t, thr, indoor)),
        ("pace", step.pace, lambda t: pace_fraction(t, thr)),
        ("hr", step.hr, lambda t: hr_fraction_lthr(t, thr)),
    ):
        if target is None:
            continue
        try:
            return domain, fn(target), None
        except MissingThreshold as exc:
            missing = missing or exc.missing
    return None, None, missing


def step_seconds(step: Step, thr: SportThresholds, sport: str) -> tuple[float, bool, float | None]:
    """(seconds, estimated, speed): a distance step is timed as the metrics time it, or
    estimated by the documented rule when it has no speed."""
    amount = step.amount
    speed: float | None = None
    if step.pace is not None:
        try:
            speed = pace_speed(step.pace, thr).mid
        except MissingThreshold:
            speed = None
    if isinstance(amount, Duration):
        return amount.seconds, False, speed
    assert isinstance(amount, Distance)
    if speed:
        return amount.metres / speed, False, speed
    easy = (thr.threshold_pace * EASY_FRACTION if thr.threshold_pace
            else EASY_SPEED[sport_family(sport)])
    return amount.metres / easy, True, easy


def _pieces(t0: float, t1: float, a: float, b: float,
            bounds: tuple[float, ...] | None) -> tuple[Piece, ...]:
    """A ramp from ``a`` to ``b`` cut where it crosses a zone boundary."""
    if bounds is None:
        return (Piece(t0, t1, a, b, None),)
    if a == b or t1 <= t0:
        return (Piece(t0, t1, a, b, zone_of((a + b) / 2, bounds)),)
    lo, hi = min(a, b), max(a, b)
    cuts = sorted(c for c in bounds if lo < c < hi)
    if a > b:
        cuts.reverse()
    times = [t0, *(t0 + (c - a) / (b - a) * (t1 - t0) for c in cuts), t1]
    values = [a, *cuts, b]
    return tuple(Piece(times[i], times[i + 1], values[i], values[i + 1],
                       zone_of((values[i] + values[i + 1]) / 2, bounds))
                 for i in range(len(times) - 1))


def _walk(nodes: tuple[Node, ...], depth: int) -> Iterator[tuple[str, object, int]]:
    """Execution-order events: ("step", Step, _), ("open"/"close", Repeat|Block, depth)."""
    for node in nodes:
        if isinstance(node, Step):
            yield "step", node, depth
        elif isinstance(node, Repeat):
            yield "open", node, depth
            for _ in range(node.count):
                yield from _walk(node.children, depth + 1)
            yield "close", node, depth
        elif isinstance(node, Block):
            yield "open", node, depth
            yield from _walk(node.children, depth)
            yield "close", node, depth


def build_profile(workout: Workout, athlete: Athlete | None = None,
                  indoor: bool = False) -> Profile:
    """The geometry of ``workout`` for ``athlete`` (module doc has the rules)."""
    thr = (athlete or Athlete()).for_sport(workout.sport)
    bounds = {d: zone_bounds(d, thr) for d in DOMAIN_ORDER}
    steps: list[StepShape] = []
    repeats: list[Span] = []
    blocks: list[Span] = []
    missing: list[tuple[Step, Missing]] = []
    opened: list[float] = []
    t = 0.0
    maxeffort: list[int] = []
    for kind, node, depth in _walk(workout.body, 0):
        if kind == "open":
            opened.append(t)
            continue
        if kind == "close":
            t_open = opened.pop()
            if isinstance(node, Repeat):
                repeats.append(Span(t_open, t, depth, node.count, node.title.strip()))
            elif isinstance(node, Block) and node.title and t > t_open:
                blocks.append(Span(t_open, t, depth, 1, node.title.strip()))
            continue
        assert isinstance(node, Step)
        seconds, estimated, speed = step_seconds(node, thr, workout.sport)
        domain, value, miss = _resolve(node, thr, indoor)
        if miss is not None and domain is None:
            missing.append((node, miss))
        if domain is None or value is None:
            if node.maxeffort:
                maxeffort.append(len(steps))
            low = REST_NOMINAL if node.intensity in (Intensity.REST, Intensity.RECOVERY) \
                else NOMINAL
            pieces = (Piece(t, t + seconds, low, low, None),)
            shape = StepShape(node, len(steps), t, seconds, estimated, None, low, low,
                              None, None, None, pieces, speed)
        elif node.ramp:
            shape = StepShape(node, len(steps), t, seconds, estimated, domain, value.start,
                              value.end, None, None, zone_of(value.mid, bounds[domain]),
                              _pieces(t, t + seconds, value.start, value.end, bounds[domain]),
                              speed)
        else:
            band = not value.is_single
            zone = zone_of(value.mid, bounds[domain])
            shape = StepShape(node, len(steps), t, seconds, estimated, domain, value.mid,
                              value.mid, value.low if band else None,
                              value.high if band else None, zone,
                              (Piece(t, t + seconds, value.mid, value.mid, zone),), speed)
        steps.append(shape)
        t += seconds
    tops = [max(s.start, s.end, s.high or 0.0) for s in steps if s.targeted]
    vmax = max([SCALE_MIN, *tops])
    for i in maxeffort:  # an all-out step without a target reaches the top of the scale
        s = steps[i]
        top = len(PALETTE)
        steps[i] = StepShape(s.step, s.index, s.t0, s.seconds, s.estimated, None, vmax, vmax,
                             None, None, top, (Piece(s.t0, s.t1, vmax, vmax, top),), s.speed)
    domains = tuple(d for d in DOMAIN_ORDER if any(s.domain == d for s in steps))
    repeats.sort(key=lambda r: (r.t0, r.depth))
    blocks.sort(key=lambda b: b.t0)
    return Profile(steps, repeats, blocks, t, vmax, domains,
                   sum(1 for s in steps if s.estimated), missing)


def zone_seconds(profile: Profile) -> dict[tuple[str | None, int | None], float]:
    """Drawn seconds per (domain, zone), ramps split by zone: what the picture shows."""
    out: dict[tuple[str | None, int | None], float] = {}
    for s in profile.steps:
        for p in s.pieces:
            key = (s.domain, p.zone)
            out[key] = out.get(key, 0.0) + (p.t1 - p.t0)
    return out

"""The resolved timeline of a workout, and the picture geometry drawn from it.

One timeline measures and draws every workout: ``planc.resolve.metrics`` takes
duration, distance, NP/IF, load and time in zones from it, ``planc.emit.svgdraw``
and the plan site draw it, and the tests' import oracle compares its
second-by-second samples.  So ``planc stats``, the pictures and the round-trip
tests cannot disagree about when a step starts or how hard it is.

Timeline rules (README "Metrics" repeats them):

* **Order**: every executed step, repeats unrolled, in the order it is done.
* **Time**: a time step lasts its time.  A distance step lasts ``metres /
  speed``, as intervals.icu times it: the speed of its pace target (an absolute
  band at the midpoint of its paces, a relative one from the athlete's
  threshold pace), or with no pace target the threshold pace.  When that
  speed cannot be known it is timed at the sport's nominal speed
  (``planc.units.NOMINAL_SPEED``) and marked *estimated*: its time is unknown
  (``planc stats`` says so), the pictures draw it dashed.
* **Distance**: a distance step's metres; a time step's ``seconds x speed``
  when its pace gives a speed, else unknown.
* **Domain**: power > pace > heart rate, the first target the athlete's
  thresholds can resolve (``planc.resolve.targets``); the values are fractions
  of FTP, threshold speed or LTHR.  A ramp keeps both ends; a steady range
  counts at its midpoint (its band is kept for the pictures).
* **Zone**: the zone of the midpoint, by :func:`zone_of` over
  :func:`zone_bounds` (the athlete's zones, else planc's defaults).
* **Per second** (:func:`per_second`): one sample per second (or per
  ``every`` seconds), step boundaries on the rounded running total, a ramp
  sampled at each second's middle.

Picture rules (:func:`picture`): width is time, height is the value (a range
a band with its midpoint marked, a ramp a slope cut where it crosses a zone
boundary, each piece in its zone's colour), colour is the zone.  A step with
no target is drawn low (``NOMINAL``) in neutral grey, half as high
(``REST_NOMINAL``) when marked ``intensity=rest`` or ``recovery``; a
``maxeffort`` step without a target is drawn full height in the top zone's
colour; an estimated step gets a dashed outline.  The vertical scale reaches
``max(SCALE_MIN, highest value)``, so most workouts of a plan share one scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from planc.ast import Block, Distance, Duration, Intensity, Node, Range, Repeat, Step, Workout
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
    pace_band_speed,
    pace_fraction,
    power_fraction,
)
from planc.units import NOMINAL_SPEED, sport_family

DOMAIN_ORDER = ("power", "pace", "hr")
DOMAIN_UNITS = {"power": "% FTP", "pace": "% threshold pace", "hr": "% LTHR"}

Sample = tuple[str | None, float | None]
"""One second of a workout: (domain, fraction of its threshold), (None, None) untargeted."""

# ------------------------------------------------------------------ zones --


def zone_bounds(domain: str, thr: SportThresholds) -> tuple[float, ...]:
    """Upper zone bounds as fractions of the domain's threshold: the athlete's zones,
    else planc's defaults (HR zones in bpm need the LTHR to become fractions)."""
    if domain == "power":
        return tuple(b / 100 for b in (thr.power_zones or DEFAULT_POWER_ZONES))
    if domain == "pace":
        return tuple(b / 100 for b in (thr.pace_zones or DEFAULT_PACE_ZONES))
    if thr.hr_zones and thr.lthr:
        return tuple(b / thr.lthr for b in thr.hr_zones)
    return tuple(b / 100 for b in DEFAULT_HR_ZONES_LTHR)


def zone_of(value: float, bounds: tuple[float, ...]) -> int:
    """1-based zone of ``value``: the first zone whose upper bound it does not exceed
    (a value on a bound is in the lower zone; above the last bound, the top zone)."""
    for i, b in enumerate(bounds):
        if value <= b + 1e-9:
            return i + 1
    return len(bounds)


# --------------------------------------------------------------- timeline --


@dataclass(frozen=True, slots=True)
class TimedStep:
    """One executed step: when it happens, how long and far, and how hard."""

    step: Step
    index: int  # position in execution order
    t0: float  # seconds from the start
    seconds: float
    estimated: bool  # a distance step timed at the nominal speed (it has no pace to say)
    speed: float | None  # m/s of its pace, or the nominal speed of an estimated step
    metres: float | None  # None: a time step without a speed
    domain: str | None  # power | pace | hr; None: no target the athlete can resolve
    start: float | None  # fraction of the domain's threshold at the start
    end: float | None  # ... at the end (== start unless a ramp)
    band: Range | None  # a steady range's band (None: a single value or a ramp)
    zone: int | None  # zone of the midpoint
    missing: Missing | None  # what an unresolved target needed (when domain is None)

    @property
    def t1(self) -> float:
        return self.t0 + self.seconds

    def values(self, n: int) -> list[float]:
        """``n`` evenly spaced samples of the target, each at its interval's middle."""
        if n <= 0 or self.start is None or self.end is None:
            return []
        a, b = self.start, self.end
        if a == b:
            return [a] * n
        return [a + (b - a) * (i + 0.5) / n for i in range(n)]


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A repeat (or titled block) in time: the pictures bracket it."""

    t0: float
    t1: float
    depth: int  # 0 for an outermost repeat
    count: int  # 1 for a block
    title: str


@dataclass(frozen=True, slots=True)
class Timeline:
    """A workout resolved for one athlete: the steps in time, its repeats and blocks."""

    steps: tuple[TimedStep, ...]
    repeats: tuple[TimeSpan, ...]
    blocks: tuple[TimeSpan, ...]
    total_s: float
    thresholds: SportThresholds  # the sport's thresholds and zones it was resolved with

    @property
    def estimated(self) -> int:
        """How many steps have an estimated time."""
        return sum(1 for s in self.steps if s.estimated)

    @property
    def missing(self) -> list[tuple[Step, Missing]]:
        """Untargeted steps whose target needed a threshold the athlete lacks."""
        return [(s.step, s.missing) for s in self.steps
                if s.domain is None and s.missing is not None]


def _resolve(step: Step, thr: SportThresholds,
             indoor: bool) -> tuple[str | None, Range | None, Missing | None]:
    """(domain, fractions) of the first target that resolves, and what was missing before it."""
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


def _timing(step: Step, thr: SportThresholds,
            family: str) -> tuple[float, bool, float | None, float | None]:
    """(seconds, estimated, speed, metres) of a step (module doc: Time, Distance)."""
    speed: float | None = None
    if step.pace is not None:
        try:
            speed = pace_band_speed(step.pace, thr)
        except MissingThreshold:
            speed = None
    amount = step.amount
    if isinstance(amount, Duration):
        return amount.seconds, False, speed, amount.seconds * speed if speed else None
    assert isinstance(amount, Distance)
    if speed is None and step.pace is None and thr.threshold_pace:
        speed = thr.threshold_pace  # intervals.icu times it at threshold pace
    if speed:
        return amount.metres / speed, False, speed, amount.metres
    nominal = NOMINAL_SPEED[family]
    return amount.metres / nominal, True, nominal, amount.metres


def _timed(step: Step, index: int, t0: float, thr: SportThresholds, family: str,
           indoor: bool, bounds: dict[str, tuple[float, ...]]) -> TimedStep:
    seconds, estimated, speed, metres = _timing(step, thr, family)
    domain, value, missing = _resolve(step, thr, indoor)
    if domain is None or value is None:
        return TimedStep(step, index, t0, seconds, estimated, speed, metres, None, None, None,
                         None, None, missing)
    start, end = (value.start, value.end) if step.ramp else (value.mid, value.mid)
    band = value if not step.ramp and not value.is_single else None
    zone = zone_of(value.mid, bounds[domain])
    return TimedStep(step, index, t0, seconds, estimated, speed, metres, domain, start, end,
                     band, zone, None)


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


def timeline(workout: Workout, athlete: Athlete | None = None,
             indoor: bool = False) -> Timeline:
    """``workout`` resolved for ``athlete`` (module doc has the rules).  ``indoor``:
    power targets use ``indoor_ftp`` (which sessions are indoors: planc.units.is_indoor)."""
    thr = (athlete or Athlete()).for_sport(workout.sport)
    family = sport_family(workout.sport)
    bounds = {d: zone_bounds(d, thr) for d in DOMAIN_ORDER}
    steps: list[TimedStep] = []
    repeats: list[TimeSpan] = []
    blocks: list[TimeSpan] = []
    opened: list[float] = []
    t = 0.0
    for kind, node, depth in _walk(workout.body, 0):
        if kind == "open":
            opened.append(t)
        elif kind == "close":
            t_open = opened.pop()
            if isinstance(node, Repeat):
                repeats.append(TimeSpan(t_open, t, depth, node.count, node.title.strip()))
            elif isinstance(node, Block) and node.title and t > t_open:
                blocks.append(TimeSpan(t_open, t, depth, 1, node.title.strip()))
        else:
            assert isinstance(node, Step)
            steps.append(_timed(node, len(steps), t, thr, family, indoor, bounds))
            t += steps[-1].seconds
    repeats.sort(key=lambda r: (r.t0, r.depth))
    blocks.sort(key=lambda b: b.t0)
    return Timeline(tuple(steps), tuple(repeats), tuple(blocks), t, thr)


# -------------------------------------------------------------- per second --


def sample_counts(steps: Iterable[TimedStep], every: int = 1) -> Iterator[tuple[TimedStep, int]]:
    """Each step with its number of samples (one per ``every`` seconds): boundaries fall
    on the rounded running total, so the count adds up to the rounded total time."""
    done = 0
    for s in steps:
        n = max(int(round(s.t1 / every)) - done, 0)
        done += n
        yield s, n


def per_second(steps: Iterable[TimedStep], every: int = 1) -> list[Sample]:
    """The second-by-second (domain, fraction) samples of ``steps``."""
    out: list[Sample] = []
    for s, n in sample_counts(steps, every):
        if s.domain is None:
            out.extend([(None, None)] * n)
        else:
            out.extend((s.domain, v) for v in s.values(n))
    return out


# ---------------------------------------------------------------- picture --

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


def zone_colour(zone: int | None) -> str:
    if zone is None:
        return NEUTRAL
    return PALETTE[max(1, min(zone, len(PALETTE))) - 1]


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
    """How one step of the timeline is drawn: the heights and colours it gets.

    Everything else (``step``, ``t0``, ``t1``, ``seconds``, ``estimated``, ``speed``,
    ``domain``, ``band``) is the timeline's, read through from ``at``."""

    at: TimedStep
    start: float  # value drawn at the step start (fraction; NOMINAL when untargeted)
    end: float
    zone: int | None  # colour: the step's zone (the top zone for an untargeted max effort)
    pieces: tuple[Piece, ...]

    def __getattr__(self, name: str):
        return getattr(self.at, name)

    @property
    def top(self) -> float:
        """The highest value drawn: where labels and cue marks sit."""
        return max(self.start, self.end, self.at.band.high if self.at.band else 0.0)


@dataclass(slots=True)
class Profile:
    """The picture of a timeline: its steps' shapes and the vertical scale."""

    timeline: Timeline
    steps: list[StepShape]
    vmax: float
    domains: tuple[str, ...]  # the domains drawn, in DOMAIN_ORDER

    @property
    def repeats(self) -> tuple[TimeSpan, ...]:
        return self.timeline.repeats

    @property
    def blocks(self) -> tuple[TimeSpan, ...]:
        return self.timeline.blocks

    @property
    def total_s(self) -> float:
        return self.timeline.total_s

    @property
    def estimated(self) -> int:
        return self.timeline.estimated

    @property
    def missing(self) -> list[tuple[Step, Missing]]:
        return self.timeline.missing

    @property
    def axis_unit(self) -> str:
        if len(self.domains) == 1:
            return DOMAIN_UNITS[self.domains[0]]
        return "% threshold"


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


def _shape(s: TimedStep, thr: SportThresholds) -> StepShape:
    if s.domain is None or s.start is None or s.end is None:
        low = REST_NOMINAL if s.step.intensity in (Intensity.REST, Intensity.RECOVERY) \
            else NOMINAL
        return StepShape(s, low, low, None, (Piece(s.t0, s.t1, low, low, None),))
    if s.step.ramp:
        return StepShape(s, s.start, s.end, s.zone,
                         _pieces(s.t0, s.t1, s.start, s.end, zone_bounds(s.domain, thr)))
    return StepShape(s, s.start, s.end, s.zone, (Piece(s.t0, s.t1, s.start, s.end, s.zone),))


def picture(tl: Timeline) -> Profile:
    """The drawing of a timeline (module doc: Picture rules)."""
    steps = [_shape(s, tl.thresholds) for s in tl.steps]
    vmax = max([SCALE_MIN, *(s.top for s in steps if s.at.domain is not None)])
    top = len(PALETTE)
    for i, s in enumerate(steps):  # an all-out step without a target reaches the top
        if s.at.domain is None and s.at.step.maxeffort:
            steps[i] = StepShape(s.at, vmax, vmax, top, (Piece(s.t0, s.t1, vmax, vmax, top),))
    domains = tuple(d for d in DOMAIN_ORDER if any(s.domain == d for s in tl.steps))
    return Profile(tl, steps, vmax, domains)


def build_profile(workout: Workout, athlete: Athlete | None = None,
                  indoor: bool = False) -> Profile:
    """The picture of ``workout`` for ``athlete``: :func:`picture` of its timeline."""
    return picture(timeline(workout, athlete, indoor))

"""The typed workout AST shared by every stage of planc.

Every node is an immutable dataclass carrying the source span it came from, so
any later stage (checks, lowering, emitters, plan expansion) can point a
diagnostic at the user's text.  Units are normalised once, here, so emitters
never re-parse strings:

* time in seconds, distance in metres;
* power as a fraction of FTP (0.75), watts, or a zone number;
* heart rate as a fraction of max HR or LTHR, bpm, or a zone number;
* pace as a fraction of threshold pace, a zone number, or speed in m/s;
* cadence in rpm.

Spans are compared as ``compare=False`` fields, so two ASTs parsed from texts
that differ only in layout compare equal; that is what the round-trip tests
rely on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from planc.units import DistanceUnit, PacePer


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line/column of the first character and of the end (exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(line: int, column: int, length: int = 1) -> Span:
        return Span(line, column, line, column + max(length, 1))


NO_SPAN = Span(0, 0, 0, 0)


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# ---------------------------------------------------------------- amounts --


@dataclass(frozen=True, slots=True)
class Duration:
    """A time-bounded step, in seconds."""

    seconds: float
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Distance:
    """A distance-bounded step.  ``unit`` is how the author wrote it (kept for emission)."""

    metres: float
    unit: DistanceUnit = DistanceUnit.METRE
    span: Span = _span()


Amount = Duration | Distance


# ---------------------------------------------------------------- targets --


@dataclass(frozen=True, slots=True)
class Range:
    """``start``..``end`` as written; a single value has start == end.

    For a ramp, start and end are the first and last value (may descend); for a
    steady band planc normalises to start <= end after warning about it.
    """

    start: float
    end: float

    @property
    def low(self) -> float:
        return min(self.start, self.end)

    @property
    def high(self) -> float:
        return max(self.start, self.end)

    @property
    def mid(self) -> float:
        return (self.start + self.end) / 2

    @property
    def is_single(self) -> bool:
        return self.start == self.end


class PowerUnit(StrEnum):
    FTP = "ftp"  # fraction of FTP: 0.75 == 75 %
    WATTS = "w"
    ZONE = "zone"  # power zone number


class HrUnit(StrEnum):
    MAX = "max"  # fraction of max HR ("70% HR")
    LTHR = "lthr"  # fraction of threshold HR ("95% LTHR")
    BPM = "bpm"
    ZONE = "zone"


class PaceUnit(StrEnum):
    THRESHOLD = "threshold"  # fraction of threshold pace ("90% Pace"); larger == faster
    ZONE = "zone"
    SPEED = "speed"  # absolute, stored as metres per second


@dataclass(frozen=True, slots=True)
class PowerTarget:
    unit: PowerUnit
    value: Range
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class HrTarget:
    unit: HrUnit
    value: Range
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class PaceTarget:
    """Pace target.  For SPEED, ``value`` is in m/s and ``per`` the written unit.

    ``per_explicit`` is False for ``5:20 Pace`` (intervals.icu then uses the
    athlete's pace unit; planc assumes the sport's usual one and warns).
    """

    unit: PaceUnit
    value: Range
    per: PacePer | None = None
    per_explicit: bool = True
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CadenceTarget:
    value: Range  # rpm
    span: Span = _span()


# ------------------------------------------------------------------ steps --


class Intensity(StrEnum):
    """The device step class (intervals.icu ``intensity=``, FIT ``intensity``)."""

    WARMUP = "warmup"
    ACTIVE = "active"
    REST = "rest"
    COOLDOWN = "cooldown"
    RECOVERY = "recovery"
    INTERVAL = "interval"
    OTHER = "other"


class Section(StrEnum):
    """Set by a ``Warmup`` / ``Cooldown`` header line, for the steps under it."""

    WARMUP = "warmup"
    COOLDOWN = "cooldown"


@dataclass(frozen=True, slots=True)
class Cue:
    """A timed text prompt inside a step (planc extension).

    ``offset`` is seconds from the step start, or metres for a distance step.
    """

    offset: float
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Step:
    amount: Amount
    label: str | None = None
    ramp: bool = False
    power: PowerTarget | None = None
    hr: HrTarget | None = None
    pace: PaceTarget | None = None
    cadence: CadenceTarget | None = None
    intensity: Intensity | None = None  # explicit ``intensity=…`` only
    section: Section | None = None  # from an enclosing Warmup/Cooldown header
    until_lap_press: bool = False
    freeride: bool = False
    maxeffort: bool = False
    hidepower: bool = False
    power_window: str | None = None  # ``power=1s`` … ``power=lap``
    hr_window: str | None = None
    cues: tuple[Cue, ...] = ()
    trailing: str | None = None  # free words after the label region, ignored by devices
    span: Span = _span()

    @property
    def has_target(self) -> bool:
        return any(t is not None for t in (self.power, self.hr, self.pace))


@dataclass(frozen=True, slots=True)
class Note:
    """Prose kept with the workout and emitted back (intervals.icu shows it)."""

    text: str  # may hold several lines joined by "\n"
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Repeat:
    """``count`` × children.  ``title`` is the header text before ``Nx`` (may be empty)."""

    count: int
    children: tuple[Node, ...]
    title: str = ""
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Block:
    """A run of steps that ends at a blank line, optionally under a title line.

    ``title`` is the header line text (``Warmup``, ``Main set``, …) or None.
    ``section`` is set when the title is a Warmup/Cooldown header.
    """

    children: tuple[Node, ...]
    title: str | None = None
    section: Section | None = None
    span: Span = _span()


Node = Step | Repeat | Note | Block


# ---------------------------------------------------------------- workout --


@dataclass(frozen=True, slots=True)
class PoolLength:
    metres: float
    unit: DistanceUnit = DistanceUnit.METRE
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Workout:
    """One workout: header metadata, optional pool length, and body nodes in order.

    ``sport`` is the effective sport (header, command line, or plan), never None.
    """

    body: tuple[Node, ...]
    sport: str = "Ride"
    name: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    pool_length: PoolLength | None = None
    span: Span = _span()


def iter_steps(nodes: tuple[Node, ...]):
    """Every Step in source order, without expanding repeats."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat | Block):
            yield from iter_steps(node.children)


def unrolled_steps(nodes: tuple[Node, ...]) -> Iterator[Step]:
    """Every step in execution order, repeats expanded."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat):
            for _ in range(node.count):
                yield from unrolled_steps(node.children)
        elif isinstance(node, Block):
            yield from unrolled_steps(node.children)

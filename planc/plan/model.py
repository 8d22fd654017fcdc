"""What a loaded plan is: its metadata, its library and the expanded sessions.

``Session`` is the unit every later stage works on (build, stats, publish,
render): one calendar event on one local date, with its place in the day
(``slot``, for file names) and the ``external_id`` publish uses to upsert it
idempotently (from what the session is, not its place: ``planc.plan.identity``).

``Variant`` is what a roster entry changes in a plan for one athlete (start
date, weekday moves, parameter values, thresholds); ``Plan.athlete_name`` says
whose plan it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from planc.ast import Span, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.plan.yamlsrc import YNode, YScalar


class Kind(StrEnum):
    """intervals.icu event categories a plan produces."""

    WORKOUT = "WORKOUT"
    NOTE = "NOTE"
    RACE_A = "RACE_A"
    RACE_B = "RACE_B"
    RACE_C = "RACE_C"
    TARGET = "TARGET"  # a week's load/time/distance goal (``planc publish --targets``)


@dataclass(frozen=True, slots=True)
class Session:
    """One calendar event of a plan.

    ``date`` is a local calendar date and ``time`` a local ``HH:MM`` as
    written (or None): plans never convert time zones, so a daylight-saving
    week still has seven days and a 07:00 session stays at 07:00.
    ``slot`` numbers the day's sessions 1..n, timed sessions first by time,
    then untimed ones in the order written.  ``key`` is the session's identity
    within its day (``planc.plan.identity``): its ``key:``, its library workout,
    or a slug of its name, with ``#2`` … when the key repeats on the day.
    """

    date: dt.date
    time: str | None
    slot: int
    week: int
    kind: Kind
    sport: str | None
    name: str
    workout: Workout | None
    description: str | None
    indoor: bool
    external_id: str
    span: Span
    path: str
    text: str | None = None  # the workout text after substitution
    ref: str | None = None  # library workout name, for references
    tags: tuple[str, ...] = ()
    distance_m: float | None = None  # a race's distance
    key: str = ""
    # planc.plan.instantiate.SourceMap: moves diagnostics on ``text`` into the plan file
    source_map: object | None = field(default=None, compare=False, repr=False)

    def locate(self, d: Diagnostic) -> Diagnostic:
        """A diagnostic about this session's workout (from an emitter, say), moved to
        where the plan file says the cause."""
        mapper = getattr(self.source_map, "map", None)
        return mapper(d) if mapper else d.with_path(self.path)

    @property
    def start_date_local(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS`` as intervals.icu wants it (local, no offset)."""
        return f"{self.date.isoformat()}T{self.time or '00:00'}:00"


def plan_end(start: dt.date, weeks: int) -> dt.date | None:
    """The last day of a plan of ``weeks`` weeks from ``start``, or None when that is past
    the end of the calendar (9999-12-31): the loader refuses such a plan, so every date
    arithmetic on a loaded plan (week starts, its end) stays inside the calendar."""
    days = 7 * weeks - 1
    if start.toordinal() + days > dt.date.max.toordinal():
        return None
    return start + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Fitness:
    """CTL and ATL at the end of ``date`` (None: the day before the plan starts).

    A plan's ``fitness:`` holds the values planned for the day before week 1;
    ``planc athlete pull`` stores the values intervals.icu measured on the day of
    the pull, which the projection takes as the truth for that day."""

    ctl: float = 0.0
    atl: float = 0.0
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PlanParam:
    """A plan parameter (``params:`` at the top of a plan): a number, a duration or a
    distance that ``= expressions`` in the calendar use by name; a roster entry may
    give it another value for one athlete.  ``value`` is a ``planc.plan.expr.Quantity``."""

    name: str
    value: object
    span: Span
    path: str


@dataclass(frozen=True, slots=True)
class Variant:
    """What a roster entry changes in a plan for one athlete (``planc.plan.roster``).

    ``moves`` maps a weekday (0 = Monday) to the weekday the athlete does it on;
    ``params`` holds the roster's values by name (the key and the value as YAML
    scalars, positioned in the roster, checked against the plan's parameters when
    the plan loads)."""

    athlete: str
    start: dt.date | None = None
    moves: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    params: dict[str, tuple[YScalar, YScalar]] = field(default_factory=dict)
    thresholds: Athlete | None = None
    fitness: Fitness | None = None


@dataclass(slots=True)
class Param:
    name: str
    default: YNode | None  # None: required
    span: Span


@dataclass(slots=True)
class LibraryWorkout:
    """A named workout of the library: a template filled in by each session."""

    key: str
    sport: str
    body: YScalar
    params: dict[str, Param]
    name: YScalar | None = None
    description: YScalar | None = None
    indoor: bool | None = None
    tags: tuple[str, ...] = ()
    time: str | None = None
    span: Span = field(default_factory=lambda: Span(0, 0, 0, 0))
    path: str = "<input>"
    broken: bool = False  # had errors: references to it are not compiled (no cascade)


@dataclass(slots=True)
class Plan:
    """A checked plan.  ``diagnostics`` holds its warnings (errors raise PlanError)."""

    id: str
    name: str
    start: dt.date
    weeks: int
    path: str
    description: str | None = None
    athlete: Athlete | None = None
    fitness: Fitness = field(default_factory=Fitness)
    library: dict[str, LibraryWorkout] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    params: dict[str, PlanParam] = field(default_factory=dict)
    roster: str | None = None  # the roster file the plan names (a path from here)
    roster_span: Span | None = None
    athlete_name: str | None = None  # whose plan this is (a roster's short name)
    shift_days: int = 0  # a roster start: how far dated entries move
    moves: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # weekday -> the weekday it is done on
    measured: Fitness | None = None  # CTL/ATL intervals.icu measured (athlete file)
    # what read the plan (planc.plan.load): its realise() turns a build's placeholder
    # workouts into parsed ones, and what it learnt() is kept for the next build
    parses: object | None = field(default=None, compare=False, repr=False)

    @property
    def variables(self) -> tuple[tuple[str, object], ...]:
        """The plan parameters as ``= expressions`` see them (name, Quantity)."""
        return tuple((p.name, p.value) for p in self.params.values())

    @property
    def end(self) -> dt.date:
        """The last day of the plan (a Sunday; inside the calendar: :func:`plan_end`)."""
        end = plan_end(self.start, self.weeks)
        if end is None:
            raise ValueError(f"a plan of {self.weeks} weeks from {self.start} ends after "
                             "the calendar")
        return end

    def week_start(self, week: int) -> dt.date:
        return self.start + dt.timedelta(days=7 * (week - 1))

    def week_of(self, day: dt.date) -> int:
        """Plan week of a date (may be < 1 or > weeks for dates outside the plan)."""
        return (day - self.start).days // 7 + 1

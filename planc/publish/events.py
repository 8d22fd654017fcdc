"""Plan sessions -> intervals.icu calendar events (the request bodies of a publish).

One :class:`PlannedEvent` per session: the ``EventEx`` JSON sent in the bulk
upsert, the session it came from (for messages that name a date and a
workout), and what intervals.icu should make of the description
(:class:`Expectation`), which :mod:`planc.publish.verify` checks afterwards.

Why the event looks the way it does (``../shared/ref/intervals.md`` §2.3-2.5):

- ``external_id`` is the session's ``planc:<plan id>:<date>:<slot>``: the
  upsert key, so re-publishing updates in place and a retried request cannot
  duplicate anything;
- ``start_date_local`` is the plan's own local date and time, never derived
  from a UTC instant (a session without a time is ``T00:00:00``); plans carry
  no time zone arithmetic, so neither does publishing;
- a WORKOUT's ``description`` is planc's canonical intervals.icu text (the
  service parses it into ``workout_doc``; a ``workout_doc`` cannot be sent),
  preceded by the workout's prose description, written as escaped prose lines
  so that no sentence can turn into a step or a repeat header;
- fields planc does not manage (tags, colour, load targets, ...) are never
  sent, so an update never resets what the athlete set by hand there.  The
  fields planc does manage are always sent, even when empty, so removing a
  description from the plan removes it from the calendar too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from planc.ast import Distance, Duration, Node, Note, Repeat, Step, Workout, unrolled_steps
from planc.diagnostics import Diagnostic
from planc.emit.icu import emit_icu_with_diagnostics
from planc.lower.common import single_level
from planc.plan.model import Kind, Session

# The fields planc owns on an event; the diff compares exactly these.
MANAGED_FIELDS = ("category", "start_date_local", "type", "name", "description", "indoor",
                  "distance")


@dataclass(frozen=True, slots=True)
class Expectation:
    """What intervals.icu's parse of a workout description should report.

    ``outline`` lists the top-level steps as intervals.icu's ``workout_doc``
    holds them: ``"step"`` for a plain step, ``"<reps>x<n>"`` for a repeat
    block of ``n`` steps.  ``duration`` is the total in whole seconds, or
    ``None`` when a distance step makes the total depend on the athlete's pace
    (the service estimates it; planc cannot check that to the second).
    """

    outline: tuple[str, ...]
    duration: int | None
    steps: int  # steps after unrolling repeats, for messages

    @property
    def top_level(self) -> int:
        return len(self.outline)


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """One event as planc will send it."""

    session: Session
    payload: dict[str, Any]
    expectation: Expectation | None = None

    @property
    def external_id(self) -> str:
        return self.payload["external_id"]

    @property
    def label(self) -> str:
        """``2027-01-05 'Cruise intervals 4x1km'``: how messages name the session."""
        return f"{self.session.date.isoformat()} '{self.session.name}'"


@dataclass(slots=True)
class Events:
    """The events of a selection, and the emitter's warnings about them."""

    events: list[PlannedEvent] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def expectation(workout: Workout) -> Expectation:
    """The outline and duration intervals.icu should parse from ``emit_icu(workout)``.

    Computed from the same single-level body the emitter writes: plain steps
    (bare, or in a titled/Warmup/Cooldown block) are top-level steps; a repeat
    is one top-level entry holding its steps; notes are prose and count for
    nothing.
    """
    body, _ = single_level(workout.body, "intervals.icu")
    outline: list[str] = []
    for node in body:
        outline.extend(_outline(node))
    steps = list(unrolled_steps(body))
    timed = all(isinstance(s.amount, Duration) for s in steps)
    duration = sum(int(round(s.amount.seconds)) for s in steps) if timed else None
    return Expectation(tuple(outline), duration, len(steps))


def _outline(node: Node) -> list[str]:
    if isinstance(node, Step):
        return ["step"]
    if isinstance(node, Repeat):
        inner = sum(1 for c in node.children if isinstance(c, Step))
        return [f"{node.count}x{inner}"]
    if isinstance(node, Note):
        return []
    return [e for child in node.children for e in _outline(child)]  # Block


def has_distance_steps(workout: Workout) -> bool:
    return any(isinstance(s.amount, Distance) for s in unrolled_steps(workout.body))


def workout_description(session: Session, workout: Workout) -> tuple[str, list[Diagnostic]]:
    """The event description: prose description (if any), then the workout text.

    The prose goes in as ``Note`` nodes so the emitter escapes it exactly as it
    escapes notes inside a workout (a line starting with ``-`` or ending in
    ``3x`` stays prose); one note per paragraph keeps the paragraphs apart.
    """
    prose = session.description if session.description is not None else workout.description
    if prose and prose.strip():
        paragraphs = [p.strip() for p in prose.replace("\r\n", "\n").split("\n\n") if p.strip()]
        notes = tuple(Note(p) for p in paragraphs)
        workout = dataclasses.replace(workout, body=notes + workout.body)
    text, diags = emit_icu_with_diagnostics(workout)
    return text, diags


def event_for(session: Session, emitted: dict[tuple[int, str | None], tuple[str, list]]
              | None = None) -> tuple[PlannedEvent, list[Diagnostic]]:
    """The ``EventEx`` for one session (``emitted`` caches texts of shared workouts)."""
    payload: dict[str, Any] = {"category": str(session.kind),
                               "start_date_local": session.start_date_local}
    if session.sport:
        payload["type"] = session.sport
    payload["name"] = session.name
    diags: list[Diagnostic] = []
    expect = None
    if session.kind is Kind.WORKOUT and session.workout is not None:
        key = (id(session.workout), session.description)
        cache = emitted if emitted is not None else {}
        if key not in cache:
            cache[key] = workout_description(session, session.workout)
        text, raw = cache[key]
        payload["description"] = text
        payload["indoor"] = bool(session.indoor)
        diags = [session.locate(d) for d in raw]
        expect = expectation(session.workout)
    else:
        payload["description"] = session.description or ""
        if session.kind is Kind.WORKOUT:
            payload["indoor"] = bool(session.indoor)
        if session.kind.startswith("RACE_") and session.distance_m:
            payload["distance"] = round(session.distance_m, 1)
    payload["external_id"] = session.external_id
    return PlannedEvent(session, payload, expect), diags


def build_events(sessions: Iterable[Session]) -> Events:
    """Events for ``sessions`` in calendar order; emitter warnings reported once each."""
    out = Events()
    emitted: dict[tuple[int, str | None], tuple[str, list]] = {}
    seen: set[tuple] = set()
    for session in sorted(sessions, key=lambda s: (s.date, s.slot)):
        planned, diags = event_for(session, emitted)
        out.events.append(planned)
        for d in diags:
            key = (d.path, d.span, d.code, d.message)
            if key not in seen:
                seen.add(key)
                out.diagnostics.append(d)
    return out

"""Check what intervals.icu did with each event planc sent.

A bulk upsert answers ``200`` even when a description did not parse: the
event is stored as prose with no steps and no load (``../shared/ref/
intervals.md`` §2.9).  So after every write planc reads the returned events
back and reports, as an error naming the session (plan file position, date,
name), any of:

- the event is missing from the answer, or came back without its
  ``external_id`` (a later publish could not find it: it would duplicate);
- an event planc meant to *update* came back with a different ``id``: the
  service created a new event instead of matching the ``external_id`` (the
  real API scopes that match to the creating application, §2.3), so the
  calendar now holds two;
- a workout planc compiled to steps came back with a ``workout_doc`` that
  has no steps;
- the ``workout_doc``'s top-level outline differs from planc's (the number of
  top-level steps, and for each repeat block its count and its number of
  steps — the shape intervals.icu gives ``workout_doc.steps``, §1.6);
- for a workout made only of time steps, the ``workout_doc`` duration differs
  from planc's by more than :data:`DURATION_TOLERANCE` seconds.  Workouts with
  distance steps skip this check: the service estimates their time from the
  athlete's pace settings, which planc does not mirror.

When the service returns no ``workout_doc`` at all there is nothing to check
(and NOTE and race events never have one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from planc.diagnostics import Diagnostic, error
from planc.publish.events import Expectation, PlannedEvent

DURATION_TOLERANCE = 1  # seconds: whole-second rounding on either side


def doc_outline(doc: dict[str, Any]) -> tuple[str, ...]:
    """The top-level outline of a ``workout_doc`` (see :class:`Expectation`)."""
    out = []
    for step in doc.get("steps") or ():
        if not isinstance(step, dict):
            continue
        if step.get("reps") is not None or isinstance(step.get("steps"), list):
            inner = [s for s in step.get("steps") or () if isinstance(s, dict)]
            out.append(f"{step.get('reps', 1)}x{len(inner)}")
        else:
            out.append("step")
    return tuple(out)


def _describe(outline: tuple[str, ...]) -> str:
    n = len(outline)
    return f"{n} top-level step{'s' * (n != 1)} [{', '.join(outline)}]"


def _problem(planned: PlannedEvent, message: str, hint: str | None = None) -> Diagnostic:
    s = planned.session
    return error("publish-verify", f"{planned.label}: {message}", s.span, hint, path=s.path)


def check_doc(planned: PlannedEvent, expect: Expectation, doc: Any) -> list[Diagnostic]:
    """Problems with one returned ``workout_doc`` (``[]`` when it matches)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        return []
    got = doc_outline(doc)
    if expect.top_level and not got:
        return [_problem(
            planned, "intervals.icu accepted the event but parsed no steps from its description "
            f"(planc compiled {_describe(expect.outline)})",
            "the description reached the calendar as plain text; compare it with what "
            "'planc build PLAN --formats icu' writes for this session")]
    if got != expect.outline:
        return [_problem(
            planned, f"intervals.icu parsed {_describe(got)}, planc compiled "
            f"{_describe(expect.outline)}",
            "intervals.icu read the workout differently from planc; compare the event in the "
            "calendar with what 'planc build PLAN --formats icu' writes for this session")]
    duration = doc.get("duration")
    if expect.duration is not None and isinstance(duration, int | float) \
            and abs(duration - expect.duration) > DURATION_TOLERANCE:
        return [_problem(
            planned, f"intervals.icu parsed a duration of {duration:g} s, planc compiled "
            f"{expect.duration} s")]
    return []


def verify_saved(sent: Iterable[PlannedEvent], returned: list[Any],
                 expected_ids: dict[str, Any] | None = None) -> list[Diagnostic]:
    """Problems with the events a bulk upsert returned for ``sent``.

    ``expected_ids`` maps the external ids planc meant to update to the ``id`` of
    every event the calendar had for them (one, unless an event was copied with its
    external id: then the service updates the copy planc created, one of them).
    """
    by_external: dict[str, dict[str, Any]] = {}
    for event in returned:
        if isinstance(event, dict) and isinstance(event.get("external_id"), str):
            by_external.setdefault(event["external_id"], event)
    problems: list[Diagnostic] = []
    for planned in sent:
        event = by_external.get(planned.external_id)
        if event is None:
            problems.append(_problem(
                planned, f"intervals.icu did not return the event with external_id "
                f"'{planned.external_id}'",
                "without its external_id the next publish cannot find this event; look for "
                "it in the calendar"))
            continue
        if expected_ids and planned.external_id in expected_ids:
            before = [i for i in expected_ids[planned.external_id] if i is not None]
            if before and event.get("id") not in before:
                problems.append(_problem(
                    planned, f"intervals.icu created event {event.get('id')} instead of "
                    f"updating event {', '.join(map(str, before))} with the same external_id; "
                    "the calendar now holds both",
                    f"event {before[0]} was not created with planc's credentials (copied in "
                    "intervals.icu, or made by another tool), so the service does not let "
                    f"planc update it; delete it in intervals.icu: the next publish keeps "
                    f"event {event.get('id')} up to date"))
        if planned.expectation is not None:
            problems.extend(check_doc(planned, planned.expectation, event.get("workout_doc")))
    return problems

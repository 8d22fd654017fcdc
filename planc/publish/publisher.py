"""One publish: read the calendar window, work out the plan of action, write, verify.

Requests per run (``../shared/ref/intervals.md`` §2.8: "a weekly publish is 1
bulk call (+1 GET +1 bulk-delete)"):

1. one ``GET events?oldest=&newest=`` over the selected dates;
2. one ``POST events/bulk?upsert=true`` per :data:`CHUNK_SIZE` created or
   updated events — none at all when nothing changed;
3. one ``PUT events/{id}`` per adopted event (an event published under an older
   id form, taken over in place: the bulk upsert cannot change an id, and this
   happens once per event, the first time a newer planc publishes the plan);
4. with ``--prune`` and stale events, one ``PUT events/bulk-delete``.

Writes go upserts first, deletions last, so a failure half-way leaves the
calendar with extra events rather than missing ones; every request is
idempotent (each event carries its ``external_id``), so the answer to any
failure is to run the same command again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planc.ast import Span
from planc.diagnostics import Diagnostic, error, warning
from planc.plan.model import Plan
from planc.plan.weeks import Selection
from planc.publish.client import IntervalsClient, ServiceError
from planc.publish.diff import Change, Changes, Owner, diff, event_day
from planc.publish.events import Events
from planc.publish.verify import verify_saved
from planc.sanitise import for_terminal

CHUNK_SIZE = 50  # events per bulk request: a week is one request, a 12-week plan two


class PartialPublish(Exception):
    """A write failed after ``written`` of ``total`` events had been saved."""

    def __init__(self, cause: ServiceError, written: int, total: int) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.written = written
        self.total = total


@dataclass(slots=True)
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    adopted: int = 0
    saved: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        adopted = f", {self.adopted} adopted" if self.adopted else ""
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
                f"{adopted}, {self.deleted} deleted")


def window(plan: Plan, selection: Selection) -> tuple[dt.date, dt.date]:
    """The dates to read: the span of the selection; open ends stop at the plan's ends."""
    if selection.ranges is None:
        return plan.start, plan.end
    lo = min(a for a, _ in selection.ranges)
    hi = max(b for _, b in selection.ranges)
    return (plan.start if lo == dt.date.min else lo), (plan.end if hi == dt.date.max else hi)


def read_calendar(client: IntervalsClient, plan: Plan, selection: Selection, events: Events,
                  prune: bool) -> Changes:
    """GET the window and diff it against ``events`` (one request)."""
    oldest, newest = window(plan, selection)
    existing = client.list_events(oldest, newest)
    return diff(events.events, existing, owner_of(plan), selection.contains, prune)


def owner_of(plan: Plan) -> Owner:
    """Whose events publishing ``plan`` may touch: its own, for its athlete."""
    return Owner(plan.id, plan.athlete_name)


def wrong_calendar(changes: Changes, plan: Plan, athlete_id: str, path: str,
                   span: Span | None) -> Diagnostic | None:
    """An error when the calendar planc is about to write holds planc events of another
    athlete (the roster gives this athlete someone else's id), positioned at that id."""
    if not changes.other_athletes or plan.athlete_name is None:
        return None
    owner = owner_of(plan)
    names = sorted({str(owner.other_athlete(e.get("external_id")))
                    for e in changes.other_athletes})
    example = for_terminal(str(changes.other_athletes[0].get("external_id")))
    return error(
        "publish-other-athlete",
        f"the calendar of {athlete_id} holds planc events of {', '.join(names)} (e.g. "
        f"{example}), not {plan.athlete_name}'s: nothing was written there", span, path=path,
        hint=f"check {plan.athlete_name}'s id in the roster; if {', '.join(names)} is the "
        f"same athlete under another name, use one short name in every roster")


def doubled_warning(changes: Changes, plan: Plan, path: str) -> Diagnostic | None:
    """One warning for every external id of this plan that several events carry.

    intervals.icu lets planc update and delete only the events its own credentials
    created; an event copied in the web UI (or made by another tool) with the same
    external id stays, and planc leaves it alone: said once per publish, with the way
    out, instead of failing every publish."""
    if not changes.doubled:
        return None
    first = changes.doubled[0]
    ids = ", ".join(str(e.get("id")) for e in first)
    day = event_day(first[0])
    more = len(changes.doubled) - 1
    others = f" (and {more} more external id{'s' * (more != 1)})" if more else ""
    return warning(
        "publish-duplicate-id",
        f"events {ids}{f' on {day}' if day else ''} all carry the external id "
        f"{for_terminal(str(first[0].get('external_id')))}{others}: only one was created "
        "with planc's credentials; the others (copied in intervals.icu, or made by another "
        "tool) planc cannot update or delete, and leaves alone", path=path,
        hint="delete the extra copies in intervals.icu (or clear their external id); "
             "planc keeps its own copy up to date")


def apply(client: IntervalsClient, changes: Changes, plan: Plan, selection: Selection,
          chunk_size: int = CHUNK_SIZE) -> Outcome:
    """Send the creates and updates, then the deletions; verify what came back."""
    outcome = Outcome(unchanged=len(changes.of(Change.UNCHANGED)))
    writes = changes.writes
    total = len(writes) + len(changes.adoptions)
    written = 0
    for start in range(0, len(writes), chunk_size):
        chunk = writes[start:start + chunk_size]
        planned = [a.planned for a in chunk if a.planned is not None]
        try:
            saved = client.bulk_upsert([p.payload for p in planned])
        except ServiceError as exc:
            raise PartialPublish(exc, written, total) from exc
        written += len(chunk)
        outcome.saved.extend(saved)
        updating = {a.external_id: a.copies for a in chunk if a.change is Change.UPDATE}
        outcome.problems.extend(verify_saved(planned, saved, updating))
        outcome.created += sum(1 for a in chunk if a.change is Change.CREATE)
        outcome.updated += sum(1 for a in chunk if a.change is Change.UPDATE)
    for action in changes.adoptions:
        try:
            written += _adopt(client, action, outcome)
        except ServiceError as exc:
            raise PartialPublish(exc, written, total) from exc
    doomed = changes.deletions
    if doomed:
        refs = [{"external_id": a.external_id} for a in doomed]
        try:
            outcome.deleted = client.bulk_delete(refs)
        except ServiceError as exc:
            raise PartialPublish(exc, written, total) from exc
        if outcome.deleted < len(doomed):
            outcome.problems.extend(_check_deleted(client, doomed, plan, selection, outcome))
    return outcome


def _adopt(client: IntervalsClient, action, outcome: Outcome) -> int:
    """Update an older-form event in place under its new id (one ``PUT``)."""
    planned, event_id = action.planned, (action.existing or {}).get("id")
    saved = client.update_event(event_id, planned.payload)
    outcome.saved.append(saved)
    outcome.problems.extend(verify_saved([planned], [saved],
                                         {planned.external_id: (event_id,)}))
    outcome.adopted += 1
    return 1


def _check_deleted(client: IntervalsClient, doomed: list, plan: Plan, selection: Selection,
                   outcome: Outcome) -> list[Diagnostic]:
    """Fewer deletions than asked: the service ignores events that are already gone
    (a retried request after a lost answer, or the athlete deleting by hand meanwhile),
    so look again before calling it a problem."""
    oldest, newest = window(plan, selection)
    gone = {a.external_id for a in doomed}
    left = sorted({str(e.get("external_id")) for e in client.list_events(oldest, newest)
                   if e.get("external_id") in gone and event_day(e) is not None})
    outcome.deleted = len(doomed) - len(left)
    return [warning("publish-prune", f"intervals.icu did not delete the event with external_id "
                    f"'{x}'", hint="it may have been created with other credentials; delete it "
                    "in the calendar by hand", path=plan.path) for x in left]

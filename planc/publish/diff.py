"""Compare the events planc would send with what the calendar holds: the plan of action.

Ownership is decided by ``external_id`` alone (``../shared/ref/intervals.md``
§2.3): an event belongs to this plan when its ``external_id`` starts with
``planc:<plan id>:``.  Everything else — events the athlete made by hand,
events of other tools, events of other planc plans — is outside planc's reach:
it is never updated (the upsert matches only ``external_id``) and never
deleted, even with ``--prune``, even when it sits on the same day with the
same name as a planc session.

Per planned event:

- **create**: no event of the calendar window has its ``external_id``;
- **unchanged**: one has, and every field planc manages
  (:data:`planc.publish.events.MANAGED_FIELDS` that the payload carries)
  already equals planc's value — the event is not sent at all, so re-publishing
  an unchanged week writes nothing;
- **update**: one has, and some managed field differs (the line names them).

With ``--prune``, an event of this plan whose local date lies in the selected
range but whose ``external_id`` is no longer produced by the plan is
**delete**; without ``--prune`` such events are only counted (``stale``).
Deletion goes by ``external_id`` (what bulk-delete matches), so should the
calendar hold several copies of one stale id, all of them go.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planc.diagnostics import printable
from planc.publish.events import PlannedEvent


class Change(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Action:
    """One line of the plan of action."""

    change: Change
    external_id: str
    date: dt.date
    time: str | None  # HH:MM, None for all-day
    sport: str | None
    name: str
    planned: PlannedEvent | None = None  # None for deletions
    existing: dict[str, Any] | None = None  # the calendar's event (update/unchanged/delete)
    fields: tuple[str, ...] = ()  # what an update changes

    def sort_key(self) -> tuple:
        return (self.date, self.time or "", self.external_id)

    def line(self) -> str:
        when = f"{self.date.isoformat()} {self.time or '     '}"
        # one line per event, whatever the name holds (line breaks, escape sequences)
        name = printable(" ".join(str(self.name).split()))
        text = f"  {self.change.value:<9}  {when}  {(self.sport or '-'):<14} {name}"
        if self.fields:
            text += f"  ({', '.join(self.fields)})"
        return text.rstrip()


@dataclass(slots=True)
class Changes:
    """Every action, in calendar order, plus the prune candidates left alone."""

    actions: list[Action] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)  # would be pruned

    def of(self, change: Change) -> list[Action]:
        return [a for a in self.actions if a.change is change]

    @property
    def writes(self) -> list[Action]:
        return [a for a in self.actions if a.change in (Change.CREATE, Change.UPDATE)]

    @property
    def deletions(self) -> list[Action]:
        return self.of(Change.DELETE)

    @property
    def nothing_to_do(self) -> bool:
        return not self.writes and not self.deletions

    def counts(self) -> dict[Change, int]:
        return {c: len(self.of(c)) for c in Change}

    def summary(self, pruning: bool) -> str:
        n = self.counts()
        parts = [f"{n[Change.CREATE]} to create", f"{n[Change.UPDATE]} to update",
                 f"{n[Change.UNCHANGED]} unchanged"]
        if pruning:
            parts.append(f"{n[Change.DELETE]} to delete")
        return ", ".join(parts)


def plan_prefix(plan_id: str) -> str:
    return f"planc:{plan_id}:"


def event_day(event: dict[str, Any]) -> dt.date | None:
    """The local date of an event (``start_date_local`` read leniently, §2.5)."""
    try:
        return dt.date.fromisoformat(str(event.get("start_date_local") or "")[:10])
    except ValueError:
        return None


def _event_time(event: dict[str, Any]) -> str | None:
    text = str(event.get("start_date_local") or "")
    return text[11:16] if len(text) >= 16 and text[11:16] != "00:00" else None


def _text(value: Any) -> str:
    """Descriptions and names as the calendar shows them: the service stores ``<`` as
    ``&lt;`` (§1.1), may drop a trailing newline, and may answer null for empty."""
    if value is None:
        return ""
    return html.unescape(str(value)).replace("\r\n", "\n").strip()


def _same(name: str, ours: Any, theirs: Any) -> bool:
    if name in ("description", "name"):
        return _text(ours) == _text(theirs)
    if name == "start_date_local":
        return str(ours)[:19] == str(theirs or "")[:19]
    if name == "indoor":
        return bool(ours) == bool(theirs)
    if name == "distance":
        try:
            return abs(float(ours) - float(theirs)) < 0.5
        except (TypeError, ValueError):
            return False
    return ours == theirs


def changed_fields(payload: dict[str, Any], existing: dict[str, Any]) -> tuple[str, ...]:
    """The managed fields of ``payload`` whose value the calendar does not have yet."""
    return tuple(name for name, value in payload.items()
                 if name != "external_id" and not _same(name, value, existing.get(name)))


def diff(planned: Iterable[PlannedEvent], existing: Iterable[dict[str, Any]], plan_id: str,
         in_selection: Callable[[dt.date], bool], prune: bool) -> Changes:
    """The plan of action; see the module docstring."""
    prefix = plan_prefix(plan_id)
    ours: dict[str, list[dict[str, Any]]] = {}
    for event in existing:
        external_id = event.get("external_id")
        if isinstance(external_id, str) and external_id.startswith(prefix):
            ours.setdefault(external_id, []).append(event)

    def inside(event: dict[str, Any]) -> bool:
        day = event_day(event)
        return day is not None and in_selection(day)

    changes = Changes()
    wanted: set[str] = set()
    for p in planned:
        wanted.add(p.external_id)
        s = p.session
        copies = ours.get(p.external_id, [])
        # Normally one; if the calendar holds copies, the one in the selected dates speaks.
        found = next((e for e in copies if inside(e)), copies[0] if copies else None)
        if found is None:
            change, fields = Change.CREATE, ()
        else:
            fields = changed_fields(p.payload, found)
            change = Change.UPDATE if fields else Change.UNCHANGED
        changes.actions.append(Action(change, p.external_id, s.date, s.time, s.sport, s.name,
                                      planned=p, existing=found, fields=fields))
    for external_id, copies in ours.items():
        stale = [e for e in copies if inside(e)]
        if external_id in wanted or not stale:
            continue
        if prune:
            event = stale[0]
            changes.actions.append(Action(
                Change.DELETE, external_id, event_day(event) or dt.date.min, _event_time(event),
                event.get("type"), str(event.get("name") or ""), existing=event))
        else:
            changes.stale.extend(stale)
    changes.actions.sort(key=Action.sort_key)
    return changes

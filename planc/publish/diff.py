"""Compare the events planc would send with what the calendar holds: the plan of action.

Ownership is decided by ``external_id`` alone (``../shared/ref/intervals.md``
§2.3), read by :func:`planc.plan.identity.parse_event_id`: an event belongs to
this publish when its id names this plan and the same athlete (none for a plan
without a roster).  Everything else — events the athlete made by hand, events
of other tools, events of other planc plans, this plan's events of another
athlete — is outside planc's reach: it is never updated (the upsert matches
only ``external_id``) and never deleted, even with ``--prune``, even when it
sits on the same day with the same name as a planc session.

Per planned event:

- **create**: no event of the calendar window has its ``external_id``;
- **unchanged**: one has, and every field planc manages
  (:data:`planc.publish.events.MANAGED_FIELDS` that the payload carries)
  already equals planc's value — the event is not sent at all, so re-publishing
  an unchanged week writes nothing;
- **update**: one has, and some managed field differs (the line names them).
  An update that changes the event's sport (``type``) is flagged: intervals.icu
  may have paired a done activity with the event, and the command asks for
  ``--yes`` before re-typing it;
- **adopt**: no event has its id, but an event this plan published under an
  older id form sits on the same date with the same category, sport and name
  (or is the only one of that category and sport on that date, as is the
  session): the event is updated in place and given the new id, so an activity
  the athlete paired with it stays paired.  Older forms are the positional
  ``planc:<plan>:<date>:<slot>`` of earlier planc versions, and, when publishing
  for a roster athlete, the athlete-less id of the same plan.

With ``--prune``, an event of this plan (or of an older form that no session
adopted) whose local date lies in the selected range but whose ``external_id``
is no longer produced by the plan is **delete**; without ``--prune`` such
events are only counted (``stale``).  Deletion goes by ``external_id`` (what
bulk-delete matches), so should the calendar hold several copies of one stale
id, all of them go.

When publishing for a roster athlete, planc events that name *another* athlete
are collected in ``Changes.other_athletes``: the calendar is someone else's
(a wrong id in the roster) and the publisher refuses to write to it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from planc.plan.identity import parse_event_id
from planc.publish.events import PlannedEvent
from planc.sanitise import for_terminal


class Change(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DELETE = "delete"
    ADOPT = "adopt"


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose events a publish may touch: one plan, for one athlete (None: no roster)."""

    plan: str
    athlete: str | None = None

    def owns(self, external_id: object) -> bool:
        """An id of this plan and athlete in the current form."""
        found = parse_event_id(external_id)
        return (found is not None and not found.legacy and found.plan == self.plan
                and found.athlete == self.athlete)

    def may_adopt(self, external_id: object) -> bool:
        """An id this plan wrote in an older form: positional, or (for a roster athlete)
        without an athlete."""
        found = parse_event_id(external_id)
        if found is None or found.plan != self.plan:
            return False
        return found.legacy or (self.athlete is not None and found.athlete is None)

    def other_athlete(self, external_id: object) -> str | None:
        """The athlete a planc id names when it is not this publish's athlete."""
        found = parse_event_id(external_id)
        if self.athlete is None or found is None or found.athlete in (None, self.athlete):
            return None
        return found.athlete


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
    copies: tuple[Any, ...] = ()  # ids of every event with this external id (an update)
    fields: tuple[str, ...] = ()  # what an update changes

    def sort_key(self) -> tuple:
        return (self.date, self.time or "", self.external_id)

    @property
    def sport_change(self) -> tuple[str, str] | None:
        """(old, new) sport when an update re-types the event, else None."""
        if self.change not in (Change.UPDATE, Change.ADOPT) or "type" not in self.fields:
            return None
        old = (self.existing or {}).get("type")
        new = self.planned.payload.get("type") if self.planned else None
        return str(old or "no sport"), str(new or "no sport")

    def line(self) -> str:
        when = f"{self.date.isoformat()} {self.time or '     '}"
        # one line per event, whatever the name holds (line breaks, escape sequences)
        name = for_terminal(" ".join(str(self.name).split()))
        text = f"  {self.change.value:<9}  {when}  {(self.sport or '-'):<14} {name}"
        notes = []
        if self.change is Change.ADOPT and self.existing is not None:
            notes.append(f"was {for_terminal(str(self.existing.get('external_id')))}")
        notes.extend(self.fields)
        if notes:
            text += f"  ({', '.join(notes)})"
        if (change := self.sport_change) is not None:
            text += f"  SPORT CHANGES {change[0]} -> {change[1]}"
        return text.rstrip()


@dataclass(slots=True)
class Changes:
    """Every action, in calendar order, plus the prune candidates left alone."""

    actions: list[Action] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)  # would be pruned
    other_athletes: list[dict[str, Any]] = field(default_factory=list)  # someone else's calendar
    doubled: list[list[dict[str, Any]]] = field(default_factory=list)
    """Events of one external id of this plan, when the calendar holds more than one: all
    but one were made with other credentials (copied in intervals.icu, another tool)."""

    def of(self, change: Change) -> list[Action]:
        return [a for a in self.actions if a.change is change]

    @property
    def writes(self) -> list[Action]:
        """What the bulk upsert sends (adoptions go one by one: they change the id)."""
        return [a for a in self.actions if a.change in (Change.CREATE, Change.UPDATE)]

    @property
    def adoptions(self) -> list[Action]:
        return self.of(Change.ADOPT)

    @property
    def sport_changes(self) -> list[Action]:
        return [a for a in self.actions if a.sport_change is not None]

    @property
    def count(self) -> int:
        """Events to write or delete."""
        return len(self.writes) + len(self.adoptions) + len(self.deletions)

    @property
    def deletions(self) -> list[Action]:
        return self.of(Change.DELETE)

    @property
    def nothing_to_do(self) -> bool:
        return self.count == 0

    def counts(self) -> dict[Change, int]:
        return {c: len(self.of(c)) for c in Change}

    def summary(self, pruning: bool) -> str:
        n = self.counts()
        parts = [f"{n[Change.CREATE]} to create", f"{n[Change.UPDATE]} to update",
                 f"{n[Change.UNCHANGED]} unchanged"]
        if n[Change.ADOPT]:
            parts.append(f"{n[Change.ADOPT]} to adopt")
        if pruning:
            parts.append(f"{n[Change.DELETE]} to delete")
        return ", ".join(parts)


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


def diff(planned: Iterable[PlannedEvent], existing: Iterable[dict[str, Any]], owner: Owner,
         in_selection: Callable[[dt.date], bool], prune: bool) -> Changes:
    """The plan of action; see the module docstring."""
    ours: dict[str, list[dict[str, Any]]] = {}
    older: list[dict[str, Any]] = []
    changes = Changes()

    def inside(event: dict[str, Any]) -> bool:
        day = event_day(event)
        return day is not None and in_selection(day)

    for event in existing:
        external_id = event.get("external_id")
        if owner.owns(external_id):
            ours.setdefault(external_id, []).append(event)
        elif owner.may_adopt(external_id) and inside(event):
            older.append(event)
        elif owner.other_athlete(external_id) is not None:
            changes.other_athletes.append(event)
    planned = list(planned)
    unmatched = [p for p in planned if p.external_id not in ours]
    adopted = adoptions(unmatched, older)
    for p in planned:
        changes.actions.append(_action(p, ours.get(p.external_id, []), adopted, inside))
    changes.doubled = [copies for copies in ours.values() if len(copies) > 1]
    wanted = {p.external_id for p in planned}
    taken = {id(e) for e in adopted.values()}
    stale = [(str(e.get("external_id")), e) for e in older if id(e) not in taken]
    for external_id, copies in ours.items():
        if external_id not in wanted:
            stale.extend((external_id, e) for e in copies if inside(e))
    _stale(changes, stale, prune)
    changes.actions.sort(key=Action.sort_key)
    return changes


def _action(p: PlannedEvent, copies: list[dict[str, Any]], adopted: dict[str, dict[str, Any]],
            inside: Callable[[dict[str, Any]], bool]) -> Action:
    """The line for one planned event."""
    s = p.session
    # Normally one copy.  If the calendar holds several (only one of them planc's: the
    # service matches external ids of its own client's events), one in the selected dates
    # that already matches the plan speaks, so a copy made by hand is no change to make.
    shown = [e for e in copies if inside(e)] or copies
    found = next((e for e in shown if not changed_fields(p.payload, e)),
                 shown[0] if shown else None)
    if found is None and p.external_id in adopted:
        found = adopted[p.external_id]
        return Action(Change.ADOPT, p.external_id, s.date, s.time, s.sport, s.name,
                      planned=p, existing=found, fields=changed_fields(p.payload, found))
    if found is None:
        return Action(Change.CREATE, p.external_id, s.date, s.time, s.sport, s.name, planned=p)
    fields = changed_fields(p.payload, found)
    return Action(Change.UPDATE if fields else Change.UNCHANGED, p.external_id, s.date, s.time,
                  s.sport, s.name, planned=p, existing=found, fields=fields,
                  copies=tuple(e.get("id") for e in copies))


def _stale(changes: Changes, stale: list[tuple[str, dict[str, Any]]], prune: bool) -> None:
    """Deletions (one per external id) with ``prune``, else the events left alone."""
    if not prune:
        changes.stale.extend(e for _, e in stale)
        return
    seen: set[str] = set()
    for external_id, event in stale:
        if external_id in seen:
            continue
        seen.add(external_id)
        changes.actions.append(Action(
            Change.DELETE, external_id, event_day(event) or dt.date.min, _event_time(event),
            event.get("type"), str(event.get("name") or ""), existing=event))


def _adoption_key(event: dict[str, Any], loose: bool) -> tuple:
    key = (event_day(event), event.get("category"), event.get("type") or None)
    return key if loose else (*key, _text(event.get("name")))


def adoptions(unmatched: list[PlannedEvent], older: list[dict[str, Any]]
              ) -> dict[str, dict[str, Any]]:
    """Which older-form event each planned event takes over (external id -> event).

    First the events whose date, category, sport and name all match a session's;
    then, of what is left, an event that is the only one of its date, category and
    sport when the session is the only one of that kind too (a session whose name
    changed in the same edit)."""
    taken: dict[str, dict[str, Any]] = {}
    for loose in (False, True):
        pool: dict[tuple, list[dict[str, Any]]] = {}
        for event in older:
            if not any(event is e for e in taken.values()):
                pool.setdefault(_adoption_key(event, loose), []).append(event)
        wanting: dict[tuple, list[PlannedEvent]] = {}
        for p in unmatched:
            if p.external_id not in taken:
                wanting.setdefault(_adoption_key({**p.payload}, loose), []).append(p)
        for key, sessions in wanting.items():
            candidates = pool.get(key, [])
            if loose and (len(candidates) != 1 or len(sessions) != 1):
                continue
            for p, event in zip(sessions, candidates, strict=False):
                taken[p.external_id] = event
    return taken

"""A plan -> intervals.icu's workout library: a workout folder, or a training plan.

Two shapes (``../shared/ref/intervals-openapi.json``: ``Folder``, ``WorkoutEx``):

- ``--library``: a **workout folder** (``type: FOLDER``) holding each distinct
  workout the plan uses once (same name and same text: one workout), for a
  coach or athlete to drag onto any day;
- ``--as-plan``: a **training plan** (``type: PLAN``): every session a workout
  at its ``day`` (zero-based, from the plan's start), notes and races
  included; the folder carries the plan's description, length
  (``duration_weeks``), sports (``activity_types``) and starting fitness
  (``starting_ctl``/``starting_atl``).  intervals.icu's apply-plan then puts it
  on any athlete's calendar from any start date.

**Ownership.**  Library workouts have no ``external_id``, so planc marks what
it writes: each workout carries the tag ``planc:<plan id>`` and the tag
``planc-key:<key>`` (``planc-key:<day>:<key>`` in a training plan; the key is
the session's identity within its day, :mod:`planc.plan.identity`), and the
folder's description ends with the line ``planc:<plan id>``.  A re-publish
finds its folder by that line and its workouts by those tags; a folder without
the line, and a workout without the tags (one added by hand, even in planc's
folder) is never updated or deleted.  A folder planc does not own that has the
wanted name is refused rather than written into.

**The plan of action** is the calendar's (:mod:`planc.publish.diff`): each
workout in the folder is read as an event whose ``external_id`` is made from
its tags, so the diff, its lines, ``--prune`` and the counts are the same code.
Writes: the folder (create or update), one ``POST workouts/bulk`` for the new
workouts, one ``PUT workouts/{id}`` per changed workout (the API has no bulk
update) and, with ``--prune``, one ``DELETE workouts/{id}`` per workout the
plan no longer has.  An unchanged plan sends nothing.  What came back is
checked as for events: the tags are there and intervals.icu parsed the
workout into the steps planc compiled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planc.diagnostics import Diagnostic
from planc.plan.identity import event_id, key_from_name, occurrence_keys
from planc.plan.model import Kind, Plan, Session
from planc.publish.client import IntervalsClient, ServiceError
from planc.publish.diff import Change, Changes, Owner, changed_fields, diff
from planc.publish.events import PlannedEvent, expectation, workout_description
from planc.publish.publisher import Outcome, PartialPublish
from planc.publish.verify import _problem, check_doc

FOLDER, PLAN = "FOLDER", "PLAN"
KEY_TAG = "planc-key:"
KIND_TAG = "planc-kind:"  # notes and races in a training plan: what they are


def owner_tag(plan_id: str) -> str:
    return f"planc:{plan_id}"


def marker(plan_id: str) -> str:
    """The last line of the description of a folder planc owns."""
    return f"planc:{plan_id}"


def owns_folder(folder: dict[str, Any], plan_id: str, kind: str) -> bool:
    lines = str(folder.get("description") or "").strip().splitlines()
    return folder.get("type") == kind and bool(lines) and lines[-1].strip() == marker(plan_id)


@dataclass(slots=True)
class Shelf:
    """What one library publish writes: the folder's fields and its planned workouts."""

    kind: str  # FOLDER or PLAN
    plan: Plan
    folder: dict[str, Any]
    planned: list[PlannedEvent] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.folder["name"]


# -- building --------------------------------------------------------------------------
def folder_fields(plan: Plan, kind: str, name: str | None) -> dict[str, Any]:
    """The Folder / CreateFolderDTO body (without ``id``)."""
    text = (plan.description or "").strip()
    body: dict[str, Any] = {"type": kind, "name": name or plan.name,
                            "description": f"{text}\n\n{marker(plan.id)}" if text
                            else marker(plan.id)}
    if kind == PLAN:
        sports = sorted({s.sport for s in plan.sessions if s.kind is Kind.WORKOUT and s.sport})
        body.update({"start_date_local": f"{plan.start.isoformat()}T00:00:00",
                     "duration_weeks": plan.weeks,
                     "starting_ctl": int(round(plan.fitness.ctl)),
                     "starting_atl": int(round(plan.fitness.atl)),
                     "activity_types": sports})
    return body


def build_shelf(plan: Plan, kind: str, name: str | None = None) -> Shelf:
    """The folder and workouts publishing ``plan`` as ``kind`` (emitter warnings once each)."""
    shelf = Shelf(kind, plan, folder_fields(plan, kind, name))
    emitted: dict[tuple[int, str | None], tuple[str, list]] = {}
    seen: set[tuple] = set()
    for session, key in _entries(plan, kind):
        planned, diags = _planned(plan, kind, session, key, emitted)
        shelf.planned.append(planned)
        for d in diags:
            if (d.path, d.span, d.code, d.message) not in seen:
                seen.add((d.path, d.span, d.code, d.message))
                shelf.diagnostics.append(d)
    return shelf


def _entries(plan: Plan, kind: str) -> list[tuple[Session, str]]:
    """(session, key) per workout to publish: every session of a training plan; the
    first session of each distinct (name, text) workout for a workout folder."""
    sessions = sorted(plan.sessions, key=lambda s: (s.date, s.slot))
    if kind == PLAN:
        return [(s, s.key) for s in sessions]
    firsts: dict[tuple[str, str | None], Session] = {}
    for s in sessions:
        if s.kind is Kind.WORKOUT and s.workout is not None:
            firsts.setdefault((s.name, s.text), s)
    chosen = list(firsts.values())
    keys = occurrence_keys([key_from_name(s.name, "workout") for s in chosen])
    return list(zip(chosen, keys, strict=True))


def _planned(plan: Plan, kind: str, s: Session, key: str,
             emitted: dict) -> tuple[PlannedEvent, list[Diagnostic]]:
    day = (s.date - plan.start).days
    tags = [owner_tag(plan.id), f"{KEY_TAG}{day}:{key}" if kind == PLAN else f"{KEY_TAG}{key}",
            *(t for t in s.tags if not t.startswith(("planc:", KEY_TAG, KIND_TAG)))]
    payload: dict[str, Any] = {"name": s.name}
    diags: list[Diagnostic] = []
    expect = None
    if s.kind is Kind.WORKOUT and s.workout is not None:
        cache_key = (id(s.workout), s.description)
        if cache_key not in emitted:
            emitted[cache_key] = workout_description(s, s.workout)
        text, raw = emitted[cache_key]
        payload.update(description=text, type=s.sport, indoor=bool(s.indoor))
        diags = [s.locate(d) for d in raw]
        expect = expectation(s.workout)
    else:
        payload["description"] = s.description or ""
        if s.sport:
            payload["type"] = s.sport
        if s.kind is not Kind.WORKOUT:
            tags.append(f"{KIND_TAG}{s.kind.value.lower().replace('_', '-')}")
        if s.kind.startswith("RACE_"):
            payload["sub_type"] = "RACE"
            if s.distance_m:
                payload["distance"] = round(s.distance_m, 1)
    if kind == PLAN:
        payload["day"] = day
        if s.time:
            payload["time"] = f"{s.time}:00"  # local time of day ([inference]: HH:MM:SS)
    payload["tags"] = tags
    when = s.date if kind == PLAN else plan.start
    payload["external_id"] = event_id(plan.id, None, when, key)  # planc's key, never sent
    return PlannedEvent(s, payload, expect), diags


# -- reading and diffing -----------------------------------------------------------------
@dataclass(slots=True)
class LibraryChanges:
    """The plan of action for one folder: the folder itself, then its workouts."""

    shelf: Shelf
    folder: dict[str, Any] | None  # planc's folder as intervals.icu has it (None: to create)
    folder_fields: tuple[str, ...]  # what a folder update changes
    changes: Changes

    @property
    def folder_change(self) -> Change:
        if self.folder is None:
            return Change.CREATE
        return Change.UPDATE if self.folder_fields else Change.UNCHANGED

    @property
    def actions(self) -> list:
        return self.changes.actions

    @property
    def stale(self) -> list:
        return self.changes.stale

    @property
    def sport_changes(self) -> list:
        return []  # no activity is ever paired with a library workout

    @property
    def count(self) -> int:
        return self.changes.count + (self.folder_change is not Change.UNCHANGED)

    @property
    def nothing_to_do(self) -> bool:
        return self.count == 0

    def folder_line(self) -> str:
        what = "training plan" if self.shelf.kind == PLAN else "workout folder"
        text = f"  {self.folder_change.value:<9}  {what} '{self.shelf.name}'"
        if self.folder is not None:
            text += f" (id {self.folder.get('id')})"
        if self.folder_fields:
            text += f"  ({', '.join(self.folder_fields)})"
        return text

    def summary(self, pruning: bool) -> str:
        return self.changes.summary(pruning).replace("unchanged", "unchanged workouts", 1)


class ForeignFolder(Exception):
    """A folder with the wanted name exists and planc did not make it."""

    def __init__(self, folder: dict[str, Any]) -> None:
        super().__init__(f"intervals.icu already has a {str(folder.get('type')).lower()} "
                         f"named '{folder.get('name')}' (id {folder.get('id')}) that planc "
                         "did not create: nothing was written; pass --folder NAME to publish "
                         "under another name")
        self.folder = folder


def find_folder(folders: list[dict[str, Any]], shelf: Shelf) -> dict[str, Any] | None:
    """planc's folder for this plan and shape; ForeignFolder if only someone else's
    folder has the name."""
    ours = [f for f in folders if owns_folder(f, shelf.plan.id, shelf.kind)]
    if ours:
        return min(ours, key=lambda f: f.get("id") or 0)
    for f in folders:
        if f.get("type") == shelf.kind and f.get("name") == shelf.name:
            raise ForeignFolder(f)
    return None


def as_event(workout: dict[str, Any], plan: Plan, kind: str) -> dict[str, Any] | None:
    """A workout of planc's folder read as a calendar event with planc's external id
    (None: not tagged by this plan, i.e. not planc's)."""
    tags = workout.get("tags") or []
    if owner_tag(plan.id) not in tags:
        return None
    key = next((t[len(KEY_TAG):] for t in tags if isinstance(t, str) and t.startswith(KEY_TAG)),
               None)
    if key is None:
        return None
    if kind == PLAN:
        day, _, key = key.partition(":")
        if not day.isdigit() or not key:
            return None
        when = plan.start + dt.timedelta(days=int(day))
    else:
        when = plan.start
    return {**workout, "external_id": event_id(plan.id, None, when, key),
            "start_date_local": f"{when.isoformat()}T00:00:00"}


def read_library(client: IntervalsClient, shelf: Shelf, prune: bool) -> LibraryChanges:
    """GET the folders (one request) and work out the plan of action."""
    folder = find_folder(client.folders(), shelf)
    existing = []
    if folder is not None:
        for p in shelf.planned:
            p.payload["folder_id"] = folder["id"]
        for w in folder.get("children") or []:
            event = as_event(w, shelf.plan, shelf.kind)
            if event is not None:
                existing.append(event)
    changes = diff(shelf.planned, existing, Owner(shelf.plan.id), lambda _d: True, prune)
    fields = changed_fields(shelf.folder, folder) if folder is not None else ()
    return LibraryChanges(shelf, folder, fields, changes)


# -- writing -------------------------------------------------------------------------------
def _body(planned: PlannedEvent) -> dict[str, Any]:
    return {k: v for k, v in planned.payload.items() if k != "external_id"}


def apply_library(client: IntervalsClient, lc: LibraryChanges) -> Outcome:
    """Write the folder, then new workouts in bulk, updates one by one, deletions last."""
    outcome = Outcome(unchanged=len(lc.changes.of(Change.UNCHANGED)))
    total, written = lc.count, 0
    try:
        folder_id = _write_folder(client, lc)
        written += lc.folder_change is not Change.UNCHANGED
        creates = [a.planned for a in lc.changes.of(Change.CREATE) if a.planned]
        for p in creates:
            p.payload["folder_id"] = folder_id
        if creates:
            saved = client.create_workouts([_body(p) for p in creates])
            written += len(creates)
            outcome.created += len(creates)
            outcome.problems.extend(verify_workouts(creates, saved))
        for a in lc.changes.of(Change.UPDATE):
            saved_one = client.update_workout(a.existing["id"], _body(a.planned))
            written += 1
            outcome.updated += 1
            outcome.problems.extend(verify_workouts([a.planned], [saved_one]))
        for a in lc.changes.deletions:
            client.delete_workout(a.existing["id"])
            written += 1
            outcome.deleted += 1
    except ServiceError as exc:
        raise PartialPublish(exc, written, total) from exc
    return outcome


def _write_folder(client: IntervalsClient, lc: LibraryChanges) -> int:
    if lc.folder is None:
        lc.folder = client.create_folder(lc.shelf.folder)
    elif lc.folder_fields:
        kept = {k: v for k, v in lc.folder.items() if k != "children"}  # the rest stays
        lc.folder = client.update_folder(lc.folder["id"], {**kept, **lc.shelf.folder})
    return lc.folder["id"]


def verify_workouts(sent: list[PlannedEvent], returned: list[Any]) -> list[Diagnostic]:
    """The workouts came back, with planc's tags (else the next publish cannot find
    them) and with the steps planc compiled."""
    problems: list[Diagnostic] = []
    for index, planned in enumerate(sent):
        got = returned[index] if index < len(returned) else None
        tags = planned.payload["tags"]
        if not isinstance(got, dict) or not set(tags) <= set(got.get("tags") or ()):
            problems.append(_problem(
                planned, f"intervals.icu did not return the workout with the tags "
                f"{', '.join(tags)}", "without them the next publish cannot find this "
                "workout; look for it in the folder"))
            continue
        if planned.expectation is not None:
            problems.extend(check_doc(planned, planned.expectation, got.get("workout_doc")))
    return problems

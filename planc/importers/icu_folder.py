"""An intervals.icu workout folder or training plan -> planc files.

``planc import --from-icu --folder NAME`` reads the library (``GET folders``,
in the command) and hands the folder here:

- a **workout folder** (``type: FOLDER``) becomes one ``.workout`` file per
  workout (:func:`folder_files`);
- a **training plan** (``type: PLAN``) becomes one plan YAML
  (:func:`plan_yaml`): its workouts as the plan's library (identical ones once),
  its calendar with each workout on ``start + day``, notes and races as
  ``note:`` / ``race:`` entries, and its name, description, length and
  starting fitness.

Each workout's description is intervals.icu text, which planc's own parser
reads (:func:`planc.importers.import_file`, format ``icu``), so every problem
is a positioned diagnostic on that workout, and the body is written back by
the printer in canonical planc form.  What planc itself wrote is recognised by
its tags (:mod:`planc.publish.library`: ``planc-kind:note``,
``planc-kind:race-a``...) and stripped again; a workout without steps, without
a sport and without planc's tags is read as a note.  The output is the same
bytes for the same folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from planc.ast import Note, Workout
from planc.diagnostics import Diagnostic
from planc.importers import import_file
from planc.names import slugify
from planc.plan.identity import key_from_name
from planc.syntax.printer import front_matter, write

PLANC_TAGS = ("planc:", "planc-key:", "planc-kind:")


@dataclass(slots=True)
class Imported:
    """Files to write (relative path -> text) and what was found on the way."""

    files: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


@dataclass(slots=True)
class _Item:
    """One workout of the folder, read: a workout (text, sport) or a note or race."""

    day: int
    name: str
    kind: str  # "workout", "note", "race-a", "race-b", "race-c"
    sport: str | None = None
    body: str | None = None  # planc text without front matter
    tags: tuple[str, ...] = ()
    time: str | None = None  # HH:MM
    text: str | None = None  # the whole .workout file
    description: str = ""
    distance: float | None = None
    indoor: bool = False


def _kind(workout: dict[str, Any]) -> str:
    tags = [t for t in workout.get("tags") or () if isinstance(t, str)]
    for t in tags:
        if t.startswith("planc-kind:"):
            return t[len("planc-kind:"):]
    if workout.get("sub_type") == "RACE":
        return "race-a"
    doc = workout.get("workout_doc") or {}
    if not workout.get("type") and not doc.get("steps"):
        return "note"
    return "workout"


def _user_tags(workout: dict[str, Any]) -> tuple[str, ...]:
    return tuple(t for t in workout.get("tags") or ()
                 if isinstance(t, str) and not t.startswith(PLANC_TAGS))


def read_item(workout: dict[str, Any], where: str) -> tuple[_Item, list[Diagnostic]]:
    """One folder workout as planc reads it (diagnostics point into ``where``)."""
    name = str(workout.get("name") or "Workout").strip() or "Workout"
    kind = _kind(workout)
    item = _Item(int(workout.get("day") or 0), name, kind, workout.get("type") or None)
    clock = str(workout.get("time") or "")
    if len(clock) >= 5 and clock[2] == ":" and clock[:2].isdigit() and clock[3:5].isdigit():
        item.time = clock[:5]
    if kind != "workout":
        item.description = str(workout.get("description") or "")
        item.distance = workout.get("distance")
        return item, []
    result = import_file(str(workout.get("description") or "").encode("utf-8"), path=where,
                         fmt="icu", name=name, sport=item.sport or "Ride")
    if result.workout is None or not result.ok:
        return item, result.diagnostics
    w = _with_description(result.workout)
    tags = _user_tags(workout)
    if tags:
        w = dataclasses.replace(w, tags=tags)
    item.tags = tags
    item.description = w.description or ""
    item.text = write(w, "planc")
    item.body = item.text[len(front_matter(w)) + 1:]
    item.sport = w.sport
    item.indoor = bool(workout.get("indoor"))
    return item, result.diagnostics


def _with_description(w: Workout) -> Workout:
    """The prose before the first step is the workout's description: that is where
    planc's publisher (and intervals.icu's editor) put it."""
    lead = 0
    while lead < len(w.body) and isinstance(w.body[lead], Note):
        lead += 1
    if not lead or lead == len(w.body) or w.description:
        return w
    text = "\n\n".join(n.text for n in w.body[:lead])
    return dataclasses.replace(w, body=w.body[lead:], description=text)


def _items(folder: dict[str, Any]) -> tuple[list[_Item], list[Diagnostic]]:
    items, diags = [], []
    for w in sorted(folder.get("children") or (), key=lambda c: (c.get("day") or 0, c["id"])):
        item, found = read_item(w, f"<intervals.icu workout {w.get('id')}: {w.get('name')}>")
        items.append(item)
        diags.extend(found)
    return items, diags


def folder_files(folder: dict[str, Any]) -> Imported:
    """A workout folder: ``<slug>.workout`` per workout (a repeated name gets ``-2`` …)."""
    out = Imported()
    items, out.diagnostics = _items(folder)
    used: set[str] = set()
    for item in items:
        if item.text is None:
            continue
        stem, n = slugify(item.name), 2
        base = stem
        while base in used:
            base, n = f"{stem}-{n}", n + 1
        used.add(base)
        out.files[f"{base}.workout"] = item.text
    return out


def _q(text: str) -> str:
    """A YAML 1.2 double-quoted scalar (JSON's string syntax is one)."""
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: str) -> str:
    lines = text.rstrip("\n").split("\n")
    return "|\n" + "\n".join(f"{indent}{line}" if line else "" for line in lines)


def plan_description(folder: dict[str, Any]) -> str:
    """The folder's description without planc's ownership line."""
    lines = str(folder.get("description") or "").strip().splitlines()
    if lines and lines[-1].strip().startswith("planc:"):
        lines = lines[:-1]
    return "\n".join(lines).strip()


def plan_start(folder: dict[str, Any], start: dt.date | None) -> dt.date:
    """``start`` if given, else the folder's own start date, else the coming Monday."""
    if start is not None:
        return start
    try:
        return dt.date.fromisoformat(str(folder.get("start_date_local") or "")[:10])
    except ValueError:
        today = dt.date.today()
        return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def plan_yaml(folder: dict[str, Any], start: dt.date | None = None,
              athlete: str | None = None) -> Imported:
    """A training plan as one self-contained plan file (``<slug>.yaml``); ``athlete`` is
    the path of a thresholds file, from the plan file (intervals.icu plans have none)."""
    out = Imported()
    items, out.diagnostics = _items(folder)
    first = plan_start(folder, start)
    keys = _library_keys(items)
    last_day = max((i.day for i in items), default=0)
    weeks = int(folder.get("duration_weeks") or 0) or last_day // 7 + 1
    slug = slugify(str(folder.get("name") or "plan"), default="plan")
    head = [f"# imported from intervals.icu training plan {_q(str(folder.get('name')))} "
            f"(folder {folder.get('id')}) by planc import --from-icu",
            f"id: {slug}", f"name: {_q(str(folder.get('name') or slug))}"]
    if description := plan_description(folder):
        head.append(f"description: {_q(description)}")
    head += [f"start: {first.isoformat()}", f"weeks: {max(weeks, last_day // 7 + 1)}"]
    if athlete:
        head.append(f"athlete: {_q(athlete)}")
    if folder.get("starting_ctl") is not None or folder.get("starting_atl") is not None:
        head.append(f"fitness: {{ctl: {folder.get('starting_ctl') or 0}, "
                    f"atl: {folder.get('starting_atl') or 0}}}")
    out.files[f"{slug}.yaml"] = "\n".join(
        head + _library_lines(items, keys) + _calendar_lines(items, keys, first)) + "\n"
    return out


def _ident(item: _Item) -> tuple:
    return (item.name, item.sport, item.body, item.indoor, item.tags, item.description)


def _library_keys(items: list[_Item]) -> dict[tuple, str]:
    """One library key per distinct workout (name, sport, body)."""
    keys: dict[tuple, str] = {}
    used: set[str] = set()
    for item in items:
        ident = _ident(item)
        if item.body is None or ident in keys:
            continue
        stem, n = key_from_name(item.name, "workout"), 2
        key = stem
        while key in used:
            key, n = f"{stem}-{n}", n + 1
        used.add(key)
        keys[ident] = key
    return keys


def _library_lines(items: list[_Item], keys: dict[tuple, str]) -> list[str]:
    if not keys:
        return []
    lines = ["workouts:"]
    by_key = {keys[_ident(item)]: item for item in items if item.body is not None}
    for key in keys.values():
        item = by_key[key]
        lines += [f"  {key}:", f"    sport: {item.sport}", f"    name: {_q(item.name)}"]
        if item.description:
            lines.append(f"    description: {_q(item.description)}")
        if item.indoor:
            lines.append("    indoor: true")
        if item.tags:
            lines.append(f"    tags: [{', '.join(_q(t) for t in item.tags)}]")
        lines.append(f"    body: {_block(item.body or '', '      ')}")
    return lines


def _calendar_lines(items: list[_Item], keys: dict[tuple, str], first: dt.date) -> list[str]:
    days: dict[int, list[str]] = {}
    for item in items:
        days.setdefault(item.day, []).append(_entry(item, keys))
    lines = ["calendar:"] if days else ["calendar: []"]
    for day in sorted(days):
        date = (first + dt.timedelta(days=day)).isoformat()
        entries = days[day]
        value = entries[0] if len(entries) == 1 else f"[{', '.join(entries)}]"
        lines.append(f"  - {date}: {value}")
    return lines


def _entry(item: _Item, keys: dict[tuple, str]) -> str:
    """A calendar value: a library key, a note or a race (flow YAML), at its time."""
    at = f", time: {_q(item.time)}" if item.time else ""
    if item.body is not None:
        key = keys[_ident(item)]
        return f"{{workout: {key}{at}}}" if at else key
    if item.kind.startswith("race-"):
        parts = [f"name: {_q(item.name)}", f"priority: {item.kind[-1].upper()}"]
        if item.sport:
            parts.append(f"sport: {item.sport}")
        if item.distance:
            parts.append(f"distance: {item.distance / 1000:g}km")
        if item.description:
            parts.append(f"description: {_q(item.description)}")
        return "{race: {" + ", ".join(parts) + "}" + at + "}"
    text = f"{{note: {_q(item.name)}"
    return text + (f", description: {_q(item.description)}" if item.description else "") \
        + at + "}"

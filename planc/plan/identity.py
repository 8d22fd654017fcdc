"""The external id of a calendar event: what a session *is*, never where it sits in a day.

An event planc publishes carries ``external_id``; the next publish finds the
event by it and updates it in place.  intervals.icu pairs a completed activity
with its planned event, so an id must stay with the session it came from as
long as that session exists: removing, adding or reordering the other sessions
of a day must not move it.  Hence the id is made of

* the plan id,
* the athlete's short name from the roster (coach mode only),
* the session's local date,
* the session's *key*: an explicit ``key:``, else the library workout it names,
  else a slug of its name (inline workouts, notes, races); ``#2``, ``#3`` …
  is added only when the same key repeats on one day (numbered in the day's
  order: timed sessions by time, then as written).

Forms::

    planc:<plan>:<date>:<key>              a plan without a roster
    planc:<plan>:<athlete>:<date>:<key>    one athlete of a roster
    planc:<plan>:<date>:<slot>             the legacy form (planc before 0.x): a number

A key never is a bare number (a slug that would be one gets the kind in front),
and an athlete's short name starts with a letter, so the three forms never
read as one another.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from planc.names import slugify
from planc.plan.schema import ATHLETE_RE, DATE_RE, WORKOUT_KEY_RE

PREFIX = "planc"
# a workout name, or an explicit key, with an occurrence number from 2
_KEY = re.compile(WORKOUT_KEY_RE.pattern.rstrip("$") + r"(?:#[2-9]\d*|#1\d+)?$")
_SLOT = re.compile(r"^\d+$")


@dataclass(frozen=True, slots=True)
class EventId:
    """An external id taken apart (``legacy``: the old ``<date>:<slot>`` form)."""

    plan: str
    athlete: str | None
    date: dt.date
    key: str
    legacy: bool = False


def event_id(plan: str, athlete: str | None, day: dt.date, key: str) -> str:
    """The external id of one session (see the module docstring)."""
    who = f"{athlete}:" if athlete else ""
    return f"{PREFIX}:{plan}:{who}{day.isoformat()}:{key}"


def occurrence_keys(keys: list[str]) -> list[str]:
    """A day's keys in the day's order, a repeated key numbered from its second use."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        n = seen[key] = seen.get(key, 0) + 1
        out.append(key if n == 1 else f"{key}#{n}")
    return out


def key_from_name(name: str, kind: str) -> str:
    """The key of a session without a library workout or an explicit ``key:``: a slug of
    its name, with the kind in front when the slug would not start with a letter."""
    slug = slugify(name, default="")
    if not slug or not slug[0].isalpha():
        slug = f"{kind}-{slug}".rstrip("-")
    return slug


def parse_event_id(text: object) -> EventId | None:
    """The parts of a planc external id, or None for anything else (another tool's id,
    a hand-made event without one, a shape planc never wrote)."""
    if not isinstance(text, str) or not text.startswith(PREFIX + ":"):
        return None
    parts = text.split(":")
    if len(parts) == 4:
        _, plan, day, key = parts
        athlete = None
    elif len(parts) == 5:
        _, plan, athlete, day, key = parts
        if not ATHLETE_RE.match(athlete):
            return None
    else:
        return None
    if not plan or not DATE_RE.match(day):
        return None
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    if athlete is None and _SLOT.match(key):
        return EventId(plan, None, date, key, legacy=True)
    if not _KEY.match(key):
        return None
    return EventId(plan, athlete, date, key)


__all__ = ["EventId", "event_id", "key_from_name", "occurrence_keys", "parse_event_id"]

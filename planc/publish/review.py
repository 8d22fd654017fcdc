"""Review a plan against what the athlete did: planned sessions beside activities.

:func:`fetch` reads what intervals.icu knows over the reviewed dates (three GETs:
the calendar's events, the completed activities, the wellness records);
:func:`review` is pure: it pairs each planned session with an activity and says
how it went.  The result is the documented ``--json`` shape of ``planc review``
(README "Reviewing a plan"; :data:`REVIEW_VERSION` changes when it does).

Pairing, in this order (each activity serves one session at most):

1. ``paired``: the activity intervals.icu paired with the event planc published
   for the session (its ``paired_event_id`` is the id of the event whose
   ``external_id`` is the session's);
2. ``same day``: else an activity of the same sport family (ride, run, swim,
   other) on the session's date;
3. ``next day`` / ``day before``: else one of the same family a day later (or
   earlier) that the sessions of its own day left over: the session was moved.

Status: ``moved`` when the activity is on another date than planned; else
``done`` when compliance is at least :data:`DONE_AT` per cent (or cannot be
computed), ``partial`` below it.  A session without an activity is ``missed``
once its day is over (before ``today``), else ``planned``.  Activities that
serve no session are ``extra``.

Compliance, per cent: ``100 * done / planned`` on the first figure both sides
know, in this order: load (``icu_training_load`` against planc's planned load),
moving time against planned duration, distance against planned distance; None
when none is known.  It is not capped: 130 means a third more than planned.
intervals.icu's own ``compliance`` of the activity is kept beside it
(``done.icu_compliance``).

Weekly totals add up: a week's ``done`` is the sum of its sessions' done
figures (by planned date) plus the extra activities dated in it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from planc.plan.fitness import project
from planc.plan.model import Kind, Plan
from planc.plan.stats import plan_report
from planc.plan.weeks import Selection
from planc.units import sport_family

REVIEW_VERSION = 1
DONE_AT = 80.0
FIGURES = ("duration_s", "distance_m", "load")
_ONE_DAY = dt.timedelta(days=1)


@dataclass
class Observed:
    """What intervals.icu holds for the reviewed dates (the answers of :func:`fetch`)."""

    events: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    wellness: list[dict[str, Any]] = field(default_factory=list)


def review_window(plan: Plan, selection: Selection | None, today: dt.date
                  ) -> tuple[dt.date, dt.date]:
    """The reviewed dates: the selection within the plan, else the plan's weeks up to
    the end of this week (a review looks back, not ahead)."""
    if selection is not None and not selection.everything:
        days = [lo for lo, _ in selection.ranges or ()] + [hi for _, hi in selection.ranges or ()]
        return max(min(days), plan.start), min(max(days), plan.end)
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return plan.start, max(plan.start, min(plan.end, sunday))


def fetch(client: Any, first: dt.date, last: dt.date, today: dt.date) -> Observed:
    """Events and activities of ``[first, last]`` (activities one day either side,
    for moved sessions) and wellness from the day before ``first`` to ``today``."""
    events = client.list_events(first, last)
    activities = client.activities(first - _ONE_DAY, last + _ONE_DAY)
    wellness = client.wellness(first - _ONE_DAY, max(first, min(today, last + _ONE_DAY)))
    return Observed(events, activities, wellness)


# ------------------------------------------------------------------ figures --


def compliance(planned: dict[str, Any], done: dict[str, Any] | None) -> float | None:
    """``100 * done / planned`` on load, else duration, else distance (module docstring)."""
    if done is None:
        return None
    for key in ("load", "duration_s", "distance_m"):
        want, got = planned.get(key), done.get(key)
        if want and got is not None:
            return round(100.0 * got / want, 1)
    return None


def _activity_day(activity: dict[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(activity.get("start_date_local", ""))[:10])
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def done_figures(activity: dict[str, Any]) -> dict[str, Any]:
    """An activity as the review shows it (planc's names for intervals.icu's fields)."""
    day = _activity_day(activity)
    return {
        "activity_id": activity.get("id"),
        "date": day.isoformat() if day else None,
        "name": activity.get("name"),
        "sport": activity.get("type"),
        "duration_s": _number(activity.get("moving_time")),
        "distance_m": _number(activity.get("distance")),
        "load": _number(activity.get("icu_training_load")),
        "icu_compliance": _number(activity.get("compliance")),
    }


# ------------------------------------------------------------------ pairing --


@dataclass
class _Pairing:
    rows: list[dict[str, Any]]  # planned session rows of plan_report
    free: list[dict[str, Any]]  # activities not yet serving a session
    found: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)  # row -> (a, how)

    def take(self, index: int, activity: dict[str, Any], how: str) -> None:
        self.found[index] = (activity, how)
        self.free = [a for a in self.free if a is not activity]

    def open_rows(self) -> list[tuple[int, dict[str, Any]]]:
        return [(i, r) for i, r in enumerate(self.rows) if i not in self.found]


def _family(sport: Any) -> str:
    return sport_family(sport) if isinstance(sport, str) else "other"


def _pair_published(p: _Pairing, events: list[dict[str, Any]]) -> None:
    by_external = {e.get("external_id"): e.get("id") for e in events if e.get("external_id")}
    for index, row in p.open_rows():
        event_id = by_external.get(row["external_id"])
        match = next((a for a in p.free if event_id is not None
                      and a.get("paired_event_id") == event_id), None)
        if match is not None:
            p.take(index, match, "paired")


def _pair_by_day(p: _Pairing, offset: int, how: str) -> None:
    for index, row in p.open_rows():
        day = dt.date.fromisoformat(row["date"]) + dt.timedelta(days=offset)
        family = _family(row["sport"])
        match = next((a for a in p.free if _activity_day(a) == day
                      and _family(a.get("type")) == family), None)
        if match is not None:
            p.take(index, match, how)


def pair(rows: list[dict[str, Any]], observed: Observed
         ) -> tuple[dict[int, tuple[dict[str, Any], str]], list[dict[str, Any]]]:
    """Row index -> (activity, how it was paired), and the activities left over."""
    ordered = sorted(observed.activities,
                     key=lambda a: (str(a.get("start_date_local")), str(a.get("id"))))
    p = _Pairing(rows, ordered)
    _pair_published(p, observed.events)
    _pair_by_day(p, 0, "same day")
    _pair_by_day(p, 1, "next day")
    _pair_by_day(p, -1, "day before")
    return p.found, p.free


# ------------------------------------------------------------------ review --


def _status(row: dict[str, Any], done: dict[str, Any] | None, score: float | None,
            today: dt.date) -> str:
    if done is None:
        return "missed" if dt.date.fromisoformat(row["date"]) < today else "planned"
    if done["date"] != row["date"]:
        return "moved"
    return "partial" if score is not None and score < DONE_AT else "done"


def _session(row: dict[str, Any], paired: tuple[dict[str, Any], str] | None,
             today: dt.date) -> dict[str, Any]:
    planned = {k: row[k] for k in FIGURES}
    done = done_figures(paired[0]) if paired else None
    score = compliance(planned, done)
    return {"date": row["date"], "week": row["week"], "sport": row["sport"],
            "name": row["name"], "external_id": row["external_id"],
            "status": _status(row, done, score, today), "match": paired[1] if paired else None,
            "planned": planned, "done": done, "compliance": score}


def _zero() -> dict[str, Any]:
    return {"sessions": 0, "duration_s": 0.0, "distance_m": 0.0, "load": 0.0}


def _add(total: dict[str, Any], figures: dict[str, Any] | None) -> None:
    if figures is None:
        return
    total["sessions"] += 1
    for key in FIGURES:
        if figures.get(key) is not None:
            total[key] = round(total[key] + figures[key], 1)


def _weeks(plan: Plan, sessions: list[dict[str, Any]], extra: list[dict[str, Any]],
           first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Planned and done totals per plan week and sport (a week's done = its sessions'
    done figures + the extra activities dated in it)."""
    weeks: dict[int, dict[str, Any]] = {}
    for week in range(1, plan.weeks + 1):
        monday = plan.week_start(week)
        if monday <= last and monday + dt.timedelta(days=6) >= first:
            weeks[week] = {"week": week, "start": monday.isoformat(),
                           "end": (monday + dt.timedelta(days=6)).isoformat(),
                           "planned": _zero(), "done": _zero(), "by_sport": {}}
    for s in sessions:
        w = weeks.get(s["week"])
        if w is None:
            continue
        sport = w["by_sport"].setdefault(s["sport"] or "-", {"planned": _zero(), "done": _zero()})
        for total in (w["planned"], sport["planned"]):
            _add(total, s["planned"])
        for total in (w["done"], sport["done"]):
            _add(total, s["done"])
    for a in extra:
        w = next((w for w in weeks.values() if w["start"] <= a["date"] <= w["end"]), None)
        if w is not None:
            sport = w["by_sport"].setdefault(a["sport"] or "-",
                                             {"planned": _zero(), "done": _zero()})
            _add(w["done"], a)
            _add(sport["done"], a)
    return [weeks[k] for k in sorted(weeks)]


def _actual(wellness: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in sorted(wellness, key=lambda r: str(r.get("id"))):
        ctl, atl = _number(record.get("ctl")), _number(record.get("atl"))
        if ctl is not None and atl is not None:
            out.append({"date": str(record["id"]), "ctl": round(ctl, 1), "atl": round(atl, 1),
                        "tsb": round(ctl - atl, 1)})
    return out


def _fitness(plan: Plan, report: dict[str, Any], actual: list[dict[str, Any]],
             first: dt.date, today: dt.date) -> dict[str, Any]:
    """Actual CTL/ATL/TSB, the plan's projection, and the projection re-run from the
    latest actual values (the day after them to the plan's end)."""
    projected = [d for d in report["fitness"] if d["date"] >= first.isoformat()]
    known = [a for a in actual if a["date"] <= today.isoformat()]
    forward: list[dict[str, Any]] = []
    if known:
        latest = known[-1]
        start = dt.date.fromisoformat(latest["date"]) + _ONE_DAY
        daily: dict[dt.date, float] = {}
        for row in report["sessions"]:
            if row["load"] is not None:
                day = dt.date.fromisoformat(row["date"])
                daily[day] = daily.get(day, 0.0) + row["load"]
        days = project(daily, start, plan.end, latest["ctl"], latest["atl"])
        forward = [{"date": d.date.isoformat(), "ctl": round(d.ctl, 1), "atl": round(d.atl, 1),
                    "tsb": round(d.tsb, 1)} for d in days]
    return {"actual": [a for a in actual if a["date"] >= first.isoformat()],
            "projected": [{k: d[k] for k in ("date", "ctl", "atl", "tsb")} for d in projected],
            "from_today": forward}


def review(plan: Plan, observed: Observed, today: dt.date,
           selection: Selection | None = None) -> dict[str, Any]:
    """The review of ``plan`` over :func:`review_window` (the ``--json`` shape)."""
    first, last = review_window(plan, selection, today)
    report = plan_report(plan)  # whole plan: the projection needs every day's load
    rows = [r for r in report["sessions"] if first.isoformat() <= r["date"] <= last.isoformat()
            and (r["kind"] == Kind.WORKOUT or r["kind"].startswith("RACE_"))]
    found, free = pair(rows, observed)
    sessions = [_session(row, found.get(i), today) for i, row in enumerate(rows)]
    extra = [done_figures(a) for a in free
             if (day := _activity_day(a)) is not None and first <= day <= last]
    return {
        "version": REVIEW_VERSION,
        "plan": {"id": plan.id, "name": plan.name, "start": plan.start.isoformat(),
                 "weeks": plan.weeks},
        "from": first.isoformat(), "to": last.isoformat(), "today": today.isoformat(),
        "sessions": sessions,
        "extra": extra,
        "weeks": _weeks(plan, sessions, extra, first, last),
        "fitness": _fitness(plan, report, _actual(observed.wellness), first, today),
    }


def review_online(client: Any, plan: Plan, selection: Selection | None,
                  today: dt.date) -> dict[str, Any]:
    """Fetch what intervals.icu knows over the reviewed dates and review ``plan``: what
    ``planc review`` and the assistant's ``review`` tool both do (ServiceError passes
    through)."""
    first, last = review_window(plan, selection, today)
    return review(plan, fetch(client, first, last, today), today, selection)


class NotAReview(ValueError):
    """A saved review that planc cannot use (not JSON, another version, another plan)."""


def saved_review(text: str, plan_id: str) -> dict[str, Any]:
    """A saved ``planc review --json`` of plan ``plan_id``: one athlete's review, or a
    squad's (``athletes``); NotAReview says what is wrong with it."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise NotAReview(f"not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("version") != REVIEW_VERSION:
        raise NotAReview(f"not a planc review of version {REVIEW_VERSION} (write one with "
                         "planc review PLAN --json)")
    found = (doc.get("plan") or {}).get("id") if isinstance(doc.get("plan"), dict) else None
    if found != plan_id:
        raise NotAReview(f"a review of plan {found!r}, not of {plan_id!r}")
    key = "athletes" if "athletes" in doc else "sessions"
    if not isinstance(doc.get(key), list):
        raise NotAReview(f"its '{key}' is not a list")
    return doc

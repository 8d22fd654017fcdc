"""Weekly targets: one intervals.icu ``TARGET`` event per plan week and sport.

intervals.icu shows a week's targets on the calendar and the athlete's
compliance against them.  planc already knows each week's load, time and
distance per sport (:func:`planc.plan.stats.plan_stats`, the figures ``planc
stats`` prints), so ``planc publish --targets`` sends them as events
(``EventEx``: ``category: TARGET``, ``type`` the sport, ``load_target``,
``time_target`` in seconds, ``distance_target`` in metres), dated the week's
Monday.  Each carries the external id ``planc:<plan>[:<athlete>]:<monday>:
target-<sport>``, so targets go through the calendar's plan of action like
sessions: a changed week updates its target in place, ``--prune`` removes the
target of a sport the week no longer has, and targets set by hand are never
touched.  A figure that is zero (a sport with no distance steps, a load no
threshold can resolve) is left out rather than sent as a goal of 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planc.ast import Span
from planc.names import slugify
from planc.plan.identity import event_id
from planc.plan.model import Kind, Plan, Session
from planc.plan.stats import plan_stats
from planc.plan.weeks import Selection
from planc.publish.events import Events, PlannedEvent


def target_events(plan: Plan, selection: Selection) -> list[PlannedEvent]:
    """The TARGET events of the selected weeks, in week then sport order."""
    stats = plan_stats(plan.sessions, plan.athlete, first_day=plan.start, last_day=plan.end)
    out = []
    for week in stats["weeks"]:
        monday = dt.date.fromisoformat(week["start"])
        if not selection.contains(monday):
            continue
        for sport in sorted(week["by_sport"]):
            payload = _payload(plan, week["week"], monday, sport, week["by_sport"][sport])
            if payload is not None:
                out.append(PlannedEvent(_session(plan, week["week"], monday, sport, payload),
                                        payload))
    return out


def _payload(plan: Plan, week: int, monday: dt.date, sport: str,
             figures: dict[str, Any]) -> dict[str, Any] | None:
    goals = {"load_target": int(round(figures.get("load") or 0)),
             "time_target": int(round(figures.get("duration_s") or 0)),
             "distance_target": round(float(figures.get("distance_m") or 0), 1)}
    goals = {k: v for k, v in goals.items() if v}
    if not goals:
        return None
    return {"category": str(Kind.TARGET), "start_date_local": f"{monday.isoformat()}T00:00:00",
            "type": sport, "name": f"Week {week} {sport} target",
            "description": f"{plan.name}, week {week}: planc's weekly {sport} target", **goals,
            "external_id": event_id(plan.id, plan.athlete_name, monday,
                                    f"target-{slugify(sport)}")}


def _session(plan: Plan, week: int, monday: dt.date, sport: str,
             payload: dict[str, Any]) -> Session:
    """The week as a pseudo-session, which is how plans of action name what they write."""
    return Session(date=monday, time=None, slot=0, week=week, kind=Kind.TARGET, sport=sport,
                   name=payload["name"], workout=None, description=payload["description"],
                   indoor=False, external_id=payload["external_id"], span=Span(1, 1, 1, 1),
                   path=plan.path)


def add_targets(events: Events, plan: Plan, selection: Selection) -> None:
    """Add the selected weeks' targets to ``events`` (kept in calendar order)."""
    events.events.extend(target_events(plan, selection))
    events.events.sort(key=lambda p: (p.session.date, p.session.slot, p.external_id))

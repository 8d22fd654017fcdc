"""Plan statistics: per week and per sport time, distance and load, time in zones,
per-session rows, and the CTL/ATL/TSB projection (``planc.plan.fitness``).

``plan_stats`` works on any list of sessions; ``plan_report`` is what ``planc
stats PLAN`` wants: it projects fitness over the *whole* plan from the plan's
starting values (so week 6's CTL is right even when only week 6 is shown) and
keeps the selected weeks.  Week totals are sums of the session rows, so the
table always adds up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, warning
from planc.plan.fitness import project
from planc.plan.model import Kind, Plan, Session
from planc.plan.weeks import Selection
from planc.resolve.metrics import workout_metrics
from planc.units import sport_family


def _r(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _session_row(s: Session, metrics: Any) -> dict[str, Any]:
    row = {
        "date": s.date.isoformat(), "time": s.time, "slot": s.slot, "week": s.week,
        "kind": str(s.kind), "sport": s.sport, "name": s.name, "external_id": s.external_id,
        "duration_s": _r(metrics.duration_s) if metrics else None,
        "distance_m": _r(metrics.distance_m) if metrics else _r(s.distance_m),
        "load": _r(metrics.load) if metrics else None,
        "intensity": _r(metrics.intensity, 3) if metrics else None,
        "zone_seconds": {k: _r(v) for k, v in metrics.zone_seconds.items()} if metrics else {},
    }
    if metrics is not None and not metrics.complete:
        row["unknown"] = _unknown_figures(metrics)
        row["missing"] = list(metrics.missing)
    return row


def _unknown_figures(metrics: Any) -> list[str]:
    """Which of the row's figures are unknown (a threshold is missing)."""
    out = []
    if metrics.duration_s is None:
        out.append("duration_s")
    if metrics.unknown_distance_steps:
        out.append("distance_m")
    if metrics.unknown_load_steps:
        out.append("load")
    return out


def _add(total: dict[str, Any], row: dict[str, Any]) -> None:
    """Add a workout row to a total (notes and races carry no training).  A figure that is
    unknown for a session is counted in ``unknown_sessions`` instead: the total is then
    the sum of the known figures, and says so."""
    if row["kind"] != Kind.WORKOUT:
        return
    total["sessions"] += 1
    for key in ("duration_s", "distance_m", "load"):
        if key in row.get("unknown", ()):
            unknown = total.setdefault("unknown_sessions", {})
            unknown[key] = unknown.get(key, 0) + 1
        elif row[key] is not None:
            total[key] = round(total[key] + row[key], 1)
    zones = total.setdefault("zone_seconds", {})
    for zone, secs in row["zone_seconds"].items():
        zones[zone] = round(zones.get(zone, 0.0) + secs, 1)


def _empty() -> dict[str, Any]:
    return {"sessions": 0, "duration_s": 0.0, "distance_m": 0.0, "load": 0.0, "zone_seconds": {}}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def plan_stats(plan_sessions: Iterable[Session], athlete: Athlete | None,
               start_ctl: float = 0.0, start_atl: float = 0.0, *,
               first_day: dt.date | None = None, last_day: dt.date | None = None,
               keep: Callable[[dt.date], bool] | None = None,
               anchor: tuple[dt.date, float, float] | None = None) -> dict[str, Any]:
    """Statistics of ``plan_sessions``.

    Fitness is projected daily from ``first_day`` (default: the Monday of the
    first session) to ``last_day`` (default: the Sunday of the last session),
    starting from ``start_ctl``/``start_atl`` on the day before.  ``keep``
    limits the reported weeks, sessions and days (the projection still runs
    over every day, so fitness carries over from unreported weeks).
    """
    sessions = sorted(plan_sessions, key=lambda s: (s.date, s.slot))
    keep = keep or (lambda _d: True)
    cache: dict[tuple[int, bool], Any] = {}
    rows: list[dict[str, Any]] = []
    daily: dict[dt.date, float] = {}
    for s in sessions:
        metrics = None
        if s.workout is not None:
            key = (id(s.workout), s.indoor)
            if key not in cache:
                cache[key] = workout_metrics(s.workout, athlete, indoor=s.indoor)
            metrics = cache[key]
        row = _session_row(s, metrics)
        if row["load"] is not None:
            daily[s.date] = daily.get(s.date, 0.0) + row["load"]
        rows.append(row)
    first = first_day or (_monday(sessions[0].date) if sessions else None)
    last = last_day or (_monday(sessions[-1].date) + dt.timedelta(days=6) if sessions else None)
    days = project(daily, first, last, start_ctl, start_atl, anchor) if first and last else []
    fitness = {d.date: d for d in days}

    weeks: dict[int, dict[str, Any]] = {}
    for s, row in zip(sessions, rows, strict=True):
        if not keep(s.date):
            continue
        w = weeks.get(s.week)
        if w is None:
            monday = _monday(s.date)
            w = weeks[s.week] = {"week": s.week, "start": monday.isoformat(),
                                 "end": (monday + dt.timedelta(days=6)).isoformat(),
                                 **_empty(), "by_sport": {}}
        _add(w, row)
        if s.kind is Kind.WORKOUT and s.sport:
            _add(w["by_sport"].setdefault(s.sport, _empty()), row)
    for w in weeks.values():
        end = fitness.get(dt.date.fromisoformat(w["end"]))
        w["ctl"] = _r(end.ctl) if end else None
        w["atl"] = _r(end.atl) if end else None
        w["tsb"] = _r(end.tsb) if end else None
    total = _empty()
    for w in weeks.values():
        for key in ("sessions", "duration_s", "distance_m", "load"):
            total[key] = round(total[key] + w[key], 1)
        for key, n in w.get("unknown_sessions", {}).items():
            unknown = total.setdefault("unknown_sessions", {})
            unknown[key] = unknown.get(key, 0) + n
    return {
        "start_ctl": start_ctl,
        "start_atl": start_atl,
        "weeks": [weeks[k] for k in sorted(weeks)],
        "sessions": [row for s, row in zip(sessions, rows, strict=True) if keep(s.date)],
        "fitness": [{"date": d.date.isoformat(), "load": _r(d.load), "ctl": _r(d.ctl),
                     "atl": _r(d.atl), "tsb": _r(d.tsb)} for d in days if keep(d.date)],
        "totals": {k: total[k] for k in ("sessions", "duration_s", "distance_m", "load",
                                         "unknown_sessions") if k in total},
    }


def threshold_warnings(plan: Plan, athlete: Athlete | None = None) -> list[Diagnostic]:
    """One warning per workout whose figures the plan's athlete cannot resolve: which
    figures (time, distance, load) and which threshold they need.  Said by ``check``,
    so a plan whose stats would be partial is known before ``stats`` is run."""
    athlete = athlete if athlete is not None else plan.athlete
    seen: dict[tuple[int, bool], list[Session]] = {}
    for s in plan.sessions:
        if s.workout is not None:
            seen.setdefault((id(s.workout), s.indoor), []).append(s)
    out = []
    names = {"duration_s": "time", "distance_m": "distance", "load": "load"}
    for sessions in seen.values():
        first = sessions[0]
        m = workout_metrics(first.workout, athlete, indoor=first.indoor)
        if m.complete:
            continue
        figures = " and ".join(names[k] for k in _unknown_figures(m)) or "load"
        more = f" (and {len(sessions) - 1} more sessions)" if len(sessions) > 1 else ""
        out.append(warning(
            "unknown-figure",
            f"{first.date.isoformat()} '{first.name}'{more}: planc stats cannot know its "
            f"{figures} without {' and '.join(m.missing)}",
            first.span, _threshold_hint(first.sport or "Ride", m.missing[0] if m.missing
                                        else ""), first.path))
    return out


_EXAMPLES = {"--threshold-pace": ("threshold_pace", {"run": "4:30/km", "swim": "1:45/100m"}),
             "--ftp": ("ftp", {}), "--lthr": ("lthr", {}), "--max-hr": ("max_hr", {})}
_DEFAULT_EXAMPLE = {"threshold_pace": "4:30/km", "ftp": "250", "lthr": "170", "max_hr": "190"}


def _threshold_hint(sport: str, missing: str) -> str:
    """'give it in the plan's athlete, e.g. swim: {threshold_pace: 1:45/100m}'."""
    flag = missing[missing.rfind("(") + 1:-1] if "(" in missing else "--ftp"
    key, by_family = _EXAMPLES.get(flag, ("ftp", {}))
    family = sport_family(sport)
    example = by_family.get(family, _DEFAULT_EXAMPLE[key])
    return (f"give it in the plan's athlete, e.g. '{family}: {{{key}: {example}}}', or "
            f"pass {flag} to planc stats")


def starting_fitness(plan: Plan, start_ctl: float | None = None,
                     start_atl: float | None = None
                     ) -> tuple[float, float, tuple[dt.date, float, float] | None]:
    """CTL and ATL the day before the plan, and the day the projection is anchored on.

    Flags (``--ctl``/``--atl``) win.  Else fitness intervals.icu measured (the
    athlete file ``planc athlete pull`` wrote): measured before the plan starts, it
    is the starting point; measured during the plan, it replaces the projection on
    that day (the plan's ``fitness:`` starts it).  Else the plan's ``fitness:``."""
    base = plan.fitness
    measured = plan.measured if start_ctl is None and start_atl is None else None
    anchor = None
    if measured is not None and measured.date is not None:
        if measured.date < plan.start:
            base = measured
        elif measured.date <= plan.end:
            anchor = (measured.date, measured.ctl, measured.atl)
    ctl = base.ctl if start_ctl is None else start_ctl
    atl = base.atl if start_atl is None else start_atl
    return ctl, atl, anchor


def plan_report(plan: Plan, selection: Selection | None = None, athlete: Athlete | None = None,
                start_ctl: float | None = None, start_atl: float | None = None) -> dict[str, Any]:
    """``plan_stats`` over the whole plan (fitness from :func:`starting_fitness`),
    reporting the selected weeks only."""
    ctl, atl, anchor = starting_fitness(plan, start_ctl, start_atl)
    report = plan_stats(plan.sessions, athlete if athlete is not None else plan.athlete, ctl, atl,
                        first_day=plan.start, last_day=plan.end,
                        keep=selection.contains if selection else None, anchor=anchor)
    report["plan"] = {"id": plan.id, "name": plan.name, "start": plan.start.isoformat(),
                      "weeks": plan.weeks}
    if plan.measured is not None and plan.measured.date is not None:
        m = plan.measured
        report["measured"] = {"date": m.date.isoformat(), "ctl": m.ctl, "atl": m.atl}
    if plan.athlete_name is not None:
        report["athlete"] = plan.athlete_name
    return report


# ------------------------------------------------------------------ table --


def _hm(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m = int(round(seconds / 60))
    return f"{m // 60}:{m % 60:02d}"


def _km(metres: float | None) -> str:
    return "-" if not metres else f"{metres / 1000:.1f}"


def _num(x: float | None, spec: str = ".0f") -> str:
    return "-" if x is None else format(x, spec)


def _partial(text: str, total: dict[str, Any], key: str) -> str:
    """A total's cell, marked '+' when some session's figure is unknown (not counted), or
    '?' when no session's is known."""
    if not total.get("unknown_sessions", {}).get(key):
        return text
    return "?" if text == "-" else text + "+"


def _total_cells(t: dict[str, Any]) -> str:
    return (f"{t['sessions']:>8}{_partial(_hm(t['duration_s']), t, 'duration_s'):>8}"
            f"{_partial(_km(t['distance_m']), t, 'distance_m'):>8}"
            f"{_partial(_num(t['load']), t, 'load'):>7}")


def _unknown_lines(report: dict[str, Any]) -> list[str]:
    """Below the table: the sessions whose figures are unknown, and what they need."""
    rows = [s for s in report["sessions"] if s.get("unknown")]
    if not rows:
        return []
    names = {"duration_s": "time", "distance_m": "distance", "load": "load"}
    lines = [f"+ totals leave out {len(rows)} session{'s' * (len(rows) != 1)} whose figures "
             "are unknown (give the thresholds in the athlete file):"]
    for s in rows[:10]:
        what = ", ".join(names[k] for k in s["unknown"])
        verb = "needs" if len(s["unknown"]) == 1 else "need"
        lines.append(f"  {s['date']} {s['name']}: {what} {verb} "
                     f"{' and '.join(s.get('missing') or ['a threshold'])}")
    if len(rows) > 10:
        lines.append(f"  ... and {len(rows) - 10} more")
    return lines


def format_stats_table(report: dict[str, Any]) -> str:
    """A plain-text table: one row per week, one indented row per sport, totals."""
    head = (f"{'week':<6}{'dates':<25}{'sessions':>8}{'time':>8}{'km':>8}{'load':>7}"
            f"{'CTL':>7}{'ATL':>7}{'TSB':>7}")
    lines = []
    if "plan" in report:
        lines.append(f"{report['plan']['name']} ({report['plan']['id']})")
    lines += [head, "-" * len(head)]
    for w in report["weeks"]:
        dates = f"{w['start']} - {w['end']}"
        lines.append(f"{w['week']:<6}{dates:<25}{_total_cells(w)}{_num(w['ctl'], '.1f'):>7}"
                     f"{_num(w['atl'], '.1f'):>7}{_num(w['tsb'], '.1f'):>7}")
        for sport, t in sorted(w["by_sport"].items()):
            lines.append(f"{'':<6}{'  ' + sport:<25}{_total_cells(t)}")
    t = report["totals"]
    lines.append("-" * len(head))
    lines.append(f"{'total':<31}{_total_cells(t)}")
    races = [s for s in report["sessions"] if s["kind"].startswith("RACE")]
    for s in races:
        day = next((d for d in report["fitness"] if d["date"] == s["date"]), None)
        form = f"  (CTL {day['ctl']:.1f}, TSB {day['tsb']:+.1f})" if day else ""
        lines.append(f"{s['kind']}: {s['date']} {s['name']}{form}")
    lines += _unknown_lines(report)
    return "\n".join(lines) + "\n"


def format_squad_table(name: str, plan_id: str, reports: list[dict[str, Any]]) -> str:
    """``stats --for``: one row per athlete per week (weeks in order, athletes in roster
    order), then each athlete's total, races, and where their projection started."""
    width = max(7, *(len(str(r.get("athlete", ""))) for r in reports))
    head = (f"{'week':<6}{'athlete':<{width + 2}}{'dates':<25}{'sessions':>8}{'time':>8}"
            f"{'km':>8}{'load':>7}{'CTL':>7}{'ATL':>7}{'TSB':>7}")
    lines = [f"{name} ({plan_id}): {len(reports)} athlete{'s' * (len(reports) != 1)}",
             head, "-" * len(head)]
    weeks = sorted({w["week"] for r in reports for w in r["weeks"]})
    for week in weeks:
        for r in reports:
            for w in (w for w in r["weeks"] if w["week"] == week):
                dates = f"{w['start']} - {w['end']}"
                lines.append(
                    f"{week:<6}{r['athlete']:<{width + 2}}{dates:<25}{w['sessions']:>8}"
                    f"{_hm(w['duration_s']):>8}{_km(w['distance_m']):>8}{_num(w['load']):>7}"
                    f"{_num(w['ctl'], '.1f'):>7}{_num(w['atl'], '.1f'):>7}"
                    f"{_num(w['tsb'], '.1f'):>7}")
    lines.append("-" * len(head))
    for r in reports:
        t = r["totals"]
        lines.append(f"{'total':<6}{r['athlete']:<{width + 2}}{'':<25}{t['sessions']:>8}"
                     f"{_hm(t['duration_s']):>8}{_km(t['distance_m']):>8}{_num(t['load']):>7}")
    for r in reports:
        for s in (s for s in r["sessions"] if s["kind"].startswith("RACE")):
            day = next((d for d in r["fitness"] if d["date"] == s["date"]), None)
            form = f"  (CTL {day['ctl']:.1f}, TSB {day['tsb']:+.1f})" if day else ""
            lines.append(f"{r['athlete']}: {s['kind']}: {s['date']} {s['name']}{form}")
        if (m := r.get("measured")) is not None:
            lines.append(f"{r['athlete']}: fitness from intervals.icu on {m['date']}: "
                         f"CTL {m['ctl']:.1f}, ATL {m['atl']:.1f}")
    return "\n".join(lines) + "\n"

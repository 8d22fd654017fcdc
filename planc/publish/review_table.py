"""The table ``planc review`` prints: one review (``planc.publish.review``) as text.

One line per planned session (planned and done figures side by side, status,
compliance and how the activity was found when not by intervals.icu's pairing),
the extra activities, per week and sport the planned and done totals, and the
fitness line: actual CTL/ATL/TSB beside the plan's projection for the same day,
and where the plan ends from today's actual values.
"""

from __future__ import annotations

from typing import Any


def _hm(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(round(seconds / 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


def figures(f: dict[str, Any] | None) -> str:
    """``1:05 30.0km load 62``: time, distance (when known) and load (``-`` unknown)."""
    if f is None:
        return "-"
    distance = f" {f['distance_m'] / 1000:.1f}km" if f.get("distance_m") else ""
    load = "-" if f.get("load") is None else f"{f['load']:.0f}"
    return f"{_hm(f.get('duration_s'))}{distance} load {load}"


def _session_line(s: dict[str, Any]) -> str:
    score = "-" if s["compliance"] is None else f"{s['compliance']:.0f}%"
    line = (f"{s['date']}  {(s['sport'] or '-'):<11} {s['name'][:24]:<24} {s['status']:<8} "
            f"{figures(s['planned']):<22} {figures(s['done']):<22} {score}")
    if s["match"] not in (None, "paired"):
        line += f"  (found by {s['match']}: {s['done']['date']})"
    return line.rstrip()


def _week_lines(w: dict[str, Any]) -> list[str]:
    def both(t: dict[str, Any]) -> str:
        p, d = t["planned"], t["done"]
        return (f"planned {p['sessions']} ({figures(p)}), done {d['sessions']} "
                f"({figures(d)})")

    lines = [f"week {w['week']} ({w['start']} to {w['end']}): {both(w)}"]
    for sport in sorted(w["by_sport"]):
        lines.append(f"  {sport:<11} {both(w['by_sport'][sport])}")
    return lines


def _on(days: list[dict[str, Any]], day: str) -> dict[str, Any] | None:
    return next((d for d in days if d["date"] == day), None)


def fitness_line(review: dict[str, Any]) -> str:
    """Actual fitness (latest wellness record) against the plan's projection that day,
    and the end of the plan from there."""
    f = review["fitness"]
    if not f["actual"]:
        return "fitness: intervals.icu has no CTL/ATL for these dates"
    now = f["actual"][-1]
    line = f"fitness on {now['date']}: CTL {now['ctl']:.1f} ATL {now['atl']:.1f} " \
           f"TSB {now['tsb']:.1f}"
    planned = _on(f["projected"], now["date"])
    if planned is not None:
        line += f"; the plan projected CTL {planned['ctl']:.1f} ATL {planned['atl']:.1f}"
    if f["from_today"]:
        end = f["from_today"][-1]
        line += f"; from here the plan ends on {end['date']} at CTL {end['ctl']:.1f}"
    return line


def format_review(review: dict[str, Any], who: str | None = None) -> str:
    """The whole table of one review, ending with a newline."""
    plan = review["plan"]
    head = f"review of {plan['name']} ({plan['id']})" + (f" for {who}" if who else "")
    out = [f"{head}, {review['from']} to {review['to']}, as of {review['today']}",
           f"{'date':<10}  {'sport':<11} {'session':<24} {'status':<8} "
           f"{'planned':<22} {'done':<22} compliance"]
    out += [_session_line(s) for s in review["sessions"]] or ["(no planned sessions)"]
    if review["extra"]:
        out.append("extra activities (in no plan session):")
        out += [f"{a['date']}  {(a['sport'] or '-'):<11} {(a['name'] or '')[:24]:<24} "
                f"{'extra':<8} {'':<22} {figures(a)}".rstrip() for a in review["extra"]]
    for w in review["weeks"]:
        out += _week_lines(w)
    out.append(fitness_line(review))
    return "\n".join(out) + "\n"


STATUSES = ("done", "partial", "moved", "missed", "planned")


def format_squad_summary(entries: list[dict[str, Any]]) -> str:
    """One row per athlete of a squad review (``{"athlete", "id", "review"|"error"}``):
    sessions by status, extra activities, load done against load planned up to today,
    and the latest measured CTL."""
    width = max([len("athlete")] + [len(e["athlete"]) for e in entries])
    out = [f"{'athlete':<{width}}  " + "  ".join(f"{s:>7}" for s in STATUSES)
           + "    extra  load done/planned  CTL"]
    for e in entries:
        if "error" in e:
            out.append(f"{e['athlete']:<{width}}  not reviewed: {e['error']}")
            continue
        r = e["review"]
        counts = [sum(1 for s in r["sessions"] if s["status"] == status) for status in STATUSES]
        due = [s for s in r["sessions"] if s["status"] != "planned"]
        planned = sum(s["planned"]["load"] or 0.0 for s in due)
        done = sum((s["done"] or {}).get("load") or 0.0 for s in due)
        share = f" ({100 * done / planned:.0f}%)" if planned else ""
        ctl = f"{r['fitness']['actual'][-1]['ctl']:.1f}" if r["fitness"]["actual"] else "-"
        out.append(f"{e['athlete']:<{width}}  " + "  ".join(f"{n:>7}" for n in counts)
                   + f"  {len(r['extra']):>7}  {f'{done:.0f}/{planned:.0f}{share}':>17}  {ctl}")
    return "\n".join(out) + "\n"

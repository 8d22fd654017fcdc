"""Plan statistics and the fitness projection; hypothesis: totals add up, counts match."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.plan_helpers import LIBRARY

from planc.plan.fitness import K_ATL, K_CTL, project
from planc.plan.load import load_plan, read_plan
from planc.plan.stats import format_stats_table, plan_report, plan_stats
from planc.plan.weeks import select


def test_fitness_recurrence_is_the_documented_ewma():
    d0 = dt.date(2027, 1, 4)
    days = project({d0: 100.0}, d0, d0 + dt.timedelta(days=1), ctl=50, atl=40)
    assert math.isclose(days[0].ctl, 50 + (100 - 50) * (1 - math.exp(-1 / 42)))
    assert math.isclose(days[0].atl, 40 + (100 - 40) * (1 - math.exp(-1 / 7)))
    assert math.isclose(days[1].ctl, days[0].ctl * (1 - K_CTL))
    assert math.isclose(days[1].atl, days[0].atl * (1 - K_ATL))
    assert math.isclose(days[1].tsb, days[1].ctl - days[1].atl)
    assert len(project({}, d0, d0 + dt.timedelta(days=6))) == 7


def test_constant_load_converges_to_that_load():
    d0 = dt.date(2027, 1, 4)
    loads = {d0 + dt.timedelta(days=i): 60.0 for i in range(400)}
    last = project(loads, d0, d0 + dt.timedelta(days=399))[-1]
    assert abs(last.ctl - 60) < 0.1 and abs(last.atl - 60) < 1e-6


def test_report_of_the_half_marathon_plan():
    plan = load_plan(ROOT / "plans" / "half-marathon-12w.yaml")
    full = plan_report(plan)
    assert len(full["weeks"]) == 12 and len(full["fitness"]) == 84
    assert full["start_ctl"] == 38
    week12 = plan_report(plan, select(plan, ["12"]))
    assert [w["week"] for w in week12["weeks"]] == [12]
    # Fitness carries over from the weeks not shown.
    assert week12["weeks"][0]["ctl"] == full["weeks"][11]["ctl"]
    run = week12["weeks"][0]["by_sport"]["Run"]
    assert run["sessions"] == week12["weeks"][0]["sessions"] == 4
    table = format_stats_table(full)
    assert table.splitlines()[1].split() == ["week", "dates", "sessions", "time", "km", "load",
                                              "CTL", "ATL", "TSB"]
    assert "RACE_A: 2027-03-28 City Half Marathon" in table


def test_notes_and_races_carry_no_training():
    plan = load_plan(ROOT / "plans" / "half-marathon-12w.yaml")
    report = plan_stats([s for s in plan.sessions if s.workout is None], None)
    assert report["totals"] == {"sessions": 0, "duration_s": 0.0, "distance_m": 0.0,
                                "load": 0.0}


# ---------------------------------------------------------------- hypothesis --

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
day_value = st.one_of(
    st.just("rest"),
    st.sampled_from(["sweetspot", "endurance"]),
    st.lists(st.sampled_from(["{workout: endurance}", "{note: N}", "{workout: sweetspot}"]),
             min_size=1, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
)


@st.composite
def plans(draw):
    weeks = draw(st.integers(1, 10))
    start = dt.date(2026, 1, 5) + dt.timedelta(weeks=draw(st.integers(0, 200)))
    entries = []
    for _ in range(draw(st.integers(1, 4))):
        lo = draw(st.integers(1, weeks))
        hi = draw(st.integers(lo, weeks))
        days = draw(st.dictionaries(st.sampled_from(WEEKDAYS), day_value, min_size=1))
        entries.append((lo, hi, days))
    return weeks, start, entries


def expected_count(weeks, start, entries):
    """What the calendar implies: later entries replace the days they name."""
    per_day: dict[dt.date, int] = {}
    for lo, hi, days in entries:
        for w in range(lo, hi + 1):
            for name, value in days.items():
                day = start + dt.timedelta(weeks=w - 1, days=WEEKDAYS.index(name))
                per_day[day] = 0 if value == "rest" else value.count("{") or 1
    return sum(per_day.values())


def render(weeks, start, entries) -> str:
    lines = [f"id: h\nname: H\nstart: {start.isoformat()}\nweeks: {weeks}\n", LIBRARY, "calendar:"]
    for lo, hi, days in entries:
        lines.append(f"  - weeks: {lo}-{hi}")
        lines += [f"    {k}: {v}" for k, v in days.items()]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_random_plans_expand_to_the_sessions_the_calendar_implies(spec):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_text(render(*spec))
        result = read_plan(path)
        assert result.ok, [d.message for d in result.diagnostics]
        sessions = result.plan.sessions
        assert len(sessions) == expected_count(*spec)
        slots: dict[dt.date, list[int]] = {}
        for s in sessions:
            slots.setdefault(s.date, []).append(s.slot)
            assert result.plan.start <= s.date <= result.plan.end
        assert all(sorted(v) == list(range(1, len(v) + 1)) for v in slots.values())
        assert len({s.external_id for s in sessions}) == len(sessions)
        report = plan_stats(sessions, None)
        for w in report["weeks"]:
            rows = [r for r in report["sessions"] if r["week"] == w["week"] and r["kind"] == "WORKOUT"]
            assert w["sessions"] == len(rows)
            assert math.isclose(w["duration_s"], sum(r["duration_s"] for r in rows), abs_tol=0.5)
            assert math.isclose(w["load"], sum(r["load"] or 0 for r in rows), abs_tol=0.5)
            by_sport = w["by_sport"].values()
            assert sum(t["sessions"] for t in by_sport) == w["sessions"]
        assert report["totals"]["sessions"] == sum(w["sessions"] for w in report["weeks"])

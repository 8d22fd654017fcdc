"""Rosters, plan parameters and per-athlete plans (planc.plan.roster, planc.plan.params)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from conftest import ROOT, run_planc
from hypothesis import given, settings
from hypothesis import strategies as st
from support.jsonschema_lite import validate

from planc.plan.load import read_plan
from planc.plan.roster import choose, plan_for, read_roster
from planc.plan.schema import WEEKDAYS, plan_schema
from planc.plan.yamlsrc import parse_yaml, to_plain

SQUAD = ROOT / "plans" / "squad.yaml"
CYCLING = ROOT / "plans" / "cycling-base-build-8w.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def codes(result) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in result.diagnostics]


def test_the_example_roster_is_clean_for_both_example_plans():
    found = read_roster(SQUAD)
    assert found.ok and found.diagnostics == []
    assert list(found.roster.members) == ["anna", "ben", "carl"]
    for plan in (CYCLING, ROOT / "plans" / "half-marathon-12w.yaml"):
        proc = run_planc("check", str(plan), "--roster", str(SQUAD), "--for", "all")
        assert proc.returncode == 0, proc.stderr_text
    assert run_planc("check", str(SQUAD)).returncode == 0


def test_a_later_start_moves_the_whole_plan_and_moves_swap_weekdays():
    found = read_roster(SQUAD)
    plain = read_plan(CYCLING).plan
    ben = plan_for(CYCLING, found.roster.members["ben"], found.roster).result.plan
    assert ben.start == plain.start + dt.timedelta(days=7)
    assert [s.date for s in ben.sessions] == [s.date + dt.timedelta(days=7)
                                             for s in plain.sessions]  # dated entries too
    assert ben.athlete.sports["ride"].ftp == 300 and ben.athlete.timezone == "Europe/Berlin"
    carl = plan_for(CYCLING, found.roster.members["carl"], found.roster).result.plan
    swap = {5: 6, 6: 5}
    assert len(carl.sessions) == len(plain.sessions)
    long_days = {s.date.weekday() for s in carl.sessions if s.ref == "long-ride"}
    assert long_days == {swap[d] for d in {s.date.weekday() for s in plain.sessions
                                           if s.ref == "long-ride"}}
    assert carl.athlete.timezone == "Europe/Stockholm"
    assert (carl.measured.ctl, carl.measured.date) == (61.4, dt.date(2026, 11, 29))


_DAYS = st.permutations(range(7))


@settings(max_examples=60, deadline=None)
@given(_DAYS)
def test_any_rotation_of_days_keeps_every_session_and_moves_it(tmp_path_factory, order):
    tmp = tmp_path_factory.mktemp("rot")
    moves = ", ".join(f"{WEEKDAYS[i]}: {WEEKDAYS[j]}" for i, j in enumerate(order) if i != j)
    write(tmp, "squad.yaml", f"athletes:\n  anna: {{move: {{{moves}}}}}\n")
    found = read_roster(tmp / "squad.yaml")
    assert found.ok, found.diagnostics
    mine = plan_for(CYCLING, found.roster.members["anna"], found.roster).result
    assert mine.ok, mine.diagnostics
    plain = read_plan(CYCLING).plan
    dated = {s.date for s in plain.sessions if s.date == dt.date(2027, 1, 1)}  # a dated entry
    expected = sorted(
        (s.date if s.date in dated else s.date + dt.timedelta(
            days=order[s.date.weekday()] - s.date.weekday()), s.name) for s in plain.sessions)
    got = sorted((s.date, s.name) for s in mine.plan.sessions)
    assert got == expected


def test_moves_that_would_stack_two_days_are_refused(tmp_path):
    write(tmp_path, "squad.yaml", "athletes:\n  anna: {move: {sat: sun, sun: mon}}\n")
    found = read_roster(tmp_path / "squad.yaml")
    (d,) = found.diagnostics
    assert (d.code, d.span.line) == ("roster-move", 2) and "mon would hold" in d.message


def test_roster_shape_mistakes(tmp_path):
    write(tmp_path, "squad.yaml", """\
        timezone: Europe/Berln
        athletes:
          all: {id: i1}
          Anna: {}
          ben: {id: i0, tag: [x], start: 2027-01-06}
          carl: {id: i5, athlete: {ride: {ftp: -1}}}
          dave: {id: i5}
        """)
    found = read_roster(tmp_path / "squad.yaml")
    assert codes(found) == [
        ("roster-timezone", 1, 11), ("roster-name", 3, 3), ("roster-name", 4, 3),
        ("unknown-key", 5, 17), ("roster-id", 5, 13), ("start-not-monday", 5, 34),
        ("roster-duplicate-id", 7, 14)]  # carl's thresholds are read when a command needs them
    hints = {d.code: d.hint for d in found.diagnostics}
    assert hints["unknown-key"] == "did you mean 'tags'?"
    assert hints["roster-timezone"] == "did you mean 'Europe/Berlin'?"
    assert "'all' means everyone" in next(d.hint for d in found.diagnostics
                                      if d.code == "roster-name")
    # the schema says the same about the shape
    tree, _ = parse_yaml((tmp_path / "squad.yaml").read_text(), "squad.yaml")
    assert validate(to_plain(tree), plan_schema("roster"))
    assert validate(to_plain(parse_yaml(SQUAD.read_text(), "s")[0]), plan_schema("roster")) == []


def test_choose_is_a_union_in_roster_order(tmp_path):
    write(tmp_path, "squad.yaml", """\
        athletes:
          anna: {tags: [club]}
          ben: {tags: [club, masters]}
          carl: {}
        """)
    roster = read_roster(tmp_path / "squad.yaml").roster
    names = lambda spec: [m.name for m in choose(roster, spec)[0]]  # noqa: E731
    assert names("carl,anna") == ["anna", "carl"]
    assert names("tag:masters, carl") == ["ben", "carl"]
    assert names("all") == ["anna", "ben", "carl"]
    members, problems = choose(roster, " , ")
    assert members == [] and problems[0].code == "roster-unknown"


def test_plan_parameters_in_expressions_and_a_rosters_values(tmp_path):
    write(tmp_path, "plan.yaml", """\
        id: p
        name: P
        start: 2027-01-04
        weeks: 2
        params: {volume: 1, long: 2h, week: 3, bad-name: 1, text: hello}
        athlete: {ride: {ftp: 250}}
        workouts:
          ride: {sport: Ride, params: {duration: 1h}, body: "- {duration} 65%"}
        calendar:
          - sat: {workout: ride, duration: "= round(long * volume, 5m)"}
        """)
    plain = read_plan(tmp_path / "plan.yaml")
    assert [(c, line) for c, line, _ in codes(plain)] == [
        ("reserved-parameter", 5), ("bad-parameter", 5), ("wrong-type", 5)]
    write(tmp_path, "plan.yaml", (tmp_path / "plan.yaml").read_text().replace(
        ", week: 3, bad-name: 1, text: hello", ""))
    assert [s.text.strip() for s in read_plan(tmp_path / "plan.yaml").plan.sessions] == [
        "- 2h 65%", "- 2h 65%"]
    write(tmp_path, "squad.yaml", """\
        athletes:
          anna: {params: {volume: 0.6}}
          ben: {params: {volume: 1h}}
          carl: {params: {long: 90m}}
        """)
    roster = read_roster(tmp_path / "squad.yaml").roster
    anna = plan_for(tmp_path / "plan.yaml", roster.members["anna"], roster).result
    assert [s.text.strip() for s in anna.plan.sessions] == ["- 1h10m 65%", "- 1h10m 65%"]
    ben = plan_for(tmp_path / "plan.yaml", roster.members["ben"], roster).result
    (d,) = [d for d in ben.diagnostics if d.is_error]
    assert (d.code, d.path, d.span.line) == ("roster-parameter", str(tmp_path / "squad.yaml"), 3)
    assert "is a duration, but the plan's 'volume' is a number (1)" in d.message
    carl = plan_for(tmp_path / "plan.yaml", roster.members["carl"], roster).result
    assert carl.ok and carl.plan.sessions[0].text.strip() == "- 1h30m 65%"


def test_schema_roster_and_plan_keys(tmp_path):
    proc = run_planc("schema", "roster")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout_text)
    assert schema["title"] == "planc roster (a coach's squad)"
    assert {"id", "athlete", "start", "tags", "params", "move", "timezone", "name"} == set(
        schema["$defs"]["roster_athlete"]["properties"])
    plan = plan_schema("plan")["properties"]
    assert {"roster", "params"} <= set(plan)


def test_a_plans_roster_is_relative_to_the_plan_and_must_exist(tmp_path):
    text = CYCLING.read_text().replace("athlete: athletes/cyclist.yaml",
                                       f"athlete: {CYCLING.parent}/athletes/cyclist.yaml")
    text = text.replace("include: [library/", f"include: [{CYCLING.parent}/library/")
    text = text.replace(", library/strength.yaml]", f", {CYCLING.parent}/library/strength.yaml]")
    write(tmp_path, "plan.yaml", "roster: squad.yaml\n" + text)
    missing = read_plan(tmp_path / "plan.yaml")
    assert [c for c, _, _ in codes(missing)] == ["roster-missing"]
    write(tmp_path, "squad.yaml", "athletes: {anna: {}}\n")
    found = read_plan(tmp_path / "plan.yaml")
    assert found.ok and found.plan.roster == str(tmp_path / "squad.yaml")
    proc = run_planc("check", str(tmp_path / "plan.yaml"))  # checks the athletes too
    assert proc.returncode == 0, proc.stderr_text
    write(tmp_path, "squad.yaml", "athletes: {anna: {athlete: gone.yaml}}\n")
    proc = run_planc("check", str(tmp_path / "plan.yaml"))
    assert proc.returncode == 1 and "error[athlete-missing]" in proc.stderr_text
    assert "for anna:" in proc.stderr_text

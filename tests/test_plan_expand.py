"""Calendar semantics: progression, overrides, slots, includes, dates and week selection."""

from __future__ import annotations

import datetime as dt

import pytest
from support.plan_helpers import LIBRARY, errors, line_col, load, one, plan_text, write

from planc.plan.model import Kind
from planc.plan.weeks import SelectionError, iso_week_range, select


def sessions_of(tmp_path, calendar: str, **kw):
    result = load(tmp_path, plan_text(calendar, **kw))
    assert not errors(result), [d.message for d in result.diagnostics]
    return result.plan.sessions


def test_progression_list_gives_one_value_per_covered_week(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - weeks: [1, 2, 4]
          tue: {workout: sweetspot, reps: [3, 4, 5], work: [10m, 12m, 15m]}
        """)
    assert [(s.date.isoformat(), s.name) for s in sessions] == [
        ("2027-01-05", "Sweet spot 3x10m"),
        ("2027-01-12", "Sweet spot 4x12m"),
        ("2027-01-26", "Sweet spot 5x15m"),
    ]
    assert "Main set 5x\n- 15m 88-93%" in sessions[-1].text


def test_expression_of_week_and_n(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - weeks: 2-4
          tue: {workout: sweetspot, reps: "= 1 + n", work: "= round(8m + 90s * week, 1m)"}
        """)
    assert [s.name for s in sessions] == ["Sweet spot 2x11m", "Sweet spot 3x13m",
                                          "Sweet spot 4x14m"]


def test_single_value_list_applies_to_every_week(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - weeks: 1-3
          tue: {workout: sweetspot, reps: [5]}
        """)
    assert {s.name for s in sessions} == {"Sweet spot 5x10m"}


def test_later_entry_replaces_the_days_it_names(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - tue: sweetspot
          sat: endurance
        - weeks: 4
          tue: {workout: endurance, duration: 45m}
          sat: rest
        """)
    week4 = [s for s in sessions if s.week == 4]
    assert [(s.date.isoformat(), s.name) for s in week4] == [("2027-01-26", "Endurance")]
    assert "45m" in week4[0].text
    assert len([s for s in sessions if s.ref == "endurance"]) == 4  # sat 1-3 + tue 4


def test_slots_order_timed_sessions_first_then_written_order(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - weeks: 1
          sat: [{note: Fuel, description: "Eat"}, {workout: endurance, time: "17:00"},
                {workout: sweetspot, time: "07:00"}]
        """)
    assert [(s.slot, s.time, s.kind, s.name) for s in sessions] == [
        (1, "07:00", Kind.WORKOUT, "Sweet spot 3x10m"),
        (2, "17:00", Kind.WORKOUT, "Endurance"),
        (3, None, Kind.NOTE, "Fuel"),
    ]
    # the external id names the session, not its slot (planc.plan.identity)
    assert [s.external_id for s in sessions] == [
        "planc:test-plan:2027-01-09:sweetspot", "planc:test-plan:2027-01-09:endurance",
        "planc:test-plan:2027-01-09:fuel"]
    assert sessions[2].description == "Eat"


def test_library_time_is_the_default(tmp_path):
    library = LIBRARY.replace("    sport: Ride\n", "    sport: Ride\n    time: \"06:30\"\n")
    sessions = sessions_of(tmp_path, """\
        - weeks: 1
          sat: endurance
          sun: {workout: endurance, time: "09:15"}
        """, library=library)
    assert [s.time for s in sessions] == ["06:30", "09:15"]


def test_inline_workout_note_and_races(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - 2027-01-10:
            sport: Run
            name: Parkrun week {week}
            body: |
              - 5km 4:00/km Pace
        - 2027-01-17: {note: "Week {week} done", description: "Rest"}
        - 2027-01-31:
            race: {name: Club TT, priority: A, sport: Ride, distance: 25km}
            time: "10:00"
        - 2027-01-24: {race: {name: Crit, priority: c}}
        """)
    by_date = {s.date.isoformat(): s for s in sessions}
    run = by_date["2027-01-10"]
    assert (run.kind, run.sport, run.name, run.indoor) == (Kind.WORKOUT, "Run", "Parkrun week 1",
                                                           False)
    assert by_date["2027-01-17"].name == "Week 2 done"
    race = by_date["2027-01-31"]
    assert (race.kind, race.distance_m, race.time, race.workout) == (Kind.RACE_A, 25000.0,
                                                                     "10:00", None)
    assert by_date["2027-01-24"].kind == Kind.RACE_C


def test_folded_note_text_is_clean(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - 2027-01-05:
            note: Recovery week
            description: >-
              Easy riding only. Sunday's FTP
              test sets the targets.
        """)
    assert sessions[0].description == "Easy riding only. Sunday's FTP test sets the targets."


def test_check_accepts_library_and_athlete_files():
    from conftest import ROOT

    from planc.plan.rejections import check_plan

    for path in [*(ROOT / "plans" / "library").glob("*.yaml"),
                 ROOT / "plans" / "athletes" / "cyclist.yaml"]:
        assert check_plan(path) == [], path


def test_virtual_sports_are_indoor_and_indoor_can_be_overridden(tmp_path):
    sessions = sessions_of(tmp_path, """\
        - weeks: 1
          tue: sweetspot
          wed: {workout: sweetspot, indoor: false}
          sat: {workout: endurance, indoor: true}
        """)
    assert [s.indoor for s in sessions] == [True, False, True]


def test_session_span_points_at_the_reference(tmp_path):
    text = plan_text("- weeks: 1\n  sat: endurance\n")
    result = load(tmp_path, text)
    (s,) = result.plan.sessions
    assert (s.span.line, s.span.column) == line_col(text, "endurance", 1)


def test_source_map_moves_later_diagnostics_into_the_plan(tmp_path):
    from planc.ast import Span
    from planc.diagnostics import warning

    text = plan_text("- weeks: 1\n  tue: {workout: sweetspot, work: 12m}\n")
    (s,) = load(tmp_path, text).plan.sessions
    assert s.text.splitlines()[4] == "- 12m 88-93%"
    line, col = line_col(text, "- {work} 88")
    moved = s.locate(warning("x", "an emitter's warning", Span.point(5, 1)))
    assert (moved.path, moved.span.line, moved.span.column) == (str(tmp_path / "plan.yaml"),
                                                                 line, col)
    arg = s.locate(warning("x", "about the value", Span.point(5, 3, 3)))
    assert (arg.span.line, arg.span.column) == line_col(text, "12m")


# ------------------------------------------------------------------ includes --


def test_include_is_relative_to_the_including_file_and_nests(tmp_path):
    write(tmp_path, "include: more.yaml\nworkouts:\n  a:\n    sport: Run\n    body: '- 30m Z2 HR'\n",
          "lib/one.yaml")
    write(tmp_path, "workouts:\n  b:\n    sport: Swim\n    body: '- 400mtr 2:00/100m Pace'\n",
          "lib/more.yaml")
    text = plan_text("- weeks: 1\n  mon: a\n  tue: b\n", library="include: [lib/one.yaml]\n")
    result = load(tmp_path, text)
    assert not errors(result)
    assert [s.sport for s in result.plan.sessions] == ["Run", "Swim"]


def test_diamond_include_loads_once(tmp_path):
    write(tmp_path, "workouts:\n  a:\n    sport: Run\n    body: '- 30m Z2 HR'\n", "common.yaml")
    write(tmp_path, "include: common.yaml\nworkouts: {}\n", "x.yaml")
    write(tmp_path, "include: common.yaml\nworkouts: {}\n", "y.yaml")
    result = load(tmp_path, plan_text("- weeks: 1\n  mon: a\n",
                                      library="include: [x.yaml, y.yaml]\n"))
    assert not result.diagnostics


def test_include_cycle_is_an_error_showing_the_cycle(tmp_path):
    write(tmp_path, "include: b.yaml\nworkouts: {}\n", "a.yaml")
    write(tmp_path, "include: [a.yaml]\nworkouts: {}\n", "b.yaml")
    text = plan_text("- mon: rest\n", library="include: a.yaml\n")
    d = one(load(tmp_path, text), "include-cycle")
    assert d.path.endswith("b.yaml") and (d.span.line, d.span.column) == (1, 11)
    assert d.message.endswith("a.yaml -> " + str(tmp_path / "b.yaml") + " -> "
                              + str(tmp_path / "a.yaml"))


def test_including_the_plan_itself_is_a_cycle(tmp_path):
    text = plan_text("- mon: rest\n", library="include: plan.yaml\n")
    assert one(load(tmp_path, text), "include-cycle")


def test_missing_include(tmp_path):
    text = plan_text("- mon: rest\n", library="include: nope.yaml\n")
    d = one(load(tmp_path, text), "include-missing")
    assert (d.span.line, d.span.column) == line_col(text, "nope.yaml")


def test_workout_defined_twice_across_files(tmp_path):
    write(tmp_path, "workouts:\n  endurance:\n    sport: Run\n    body: '- 30m Z2 HR'\n",
          "lib.yaml")
    text = plan_text("- mon: rest\n", library="include: lib.yaml\n" + LIBRARY)
    d = one(load(tmp_path, text), "duplicate-workout")
    assert "lib.yaml:2:3" in d.hint


# --------------------------------------------------------------------- dates --


def test_weeks_cross_month_and_year_ends(tmp_path):
    header = "id: x\nname: X\nstart: 2026-12-21\nweeks: 3\n"
    sessions = sessions_of(tmp_path, "- sun: endurance\n  thu: endurance\n", header=header)
    assert [s.date.isoformat() for s in sessions] == [
        "2026-12-24", "2026-12-27", "2026-12-31", "2027-01-03", "2027-01-07", "2027-01-10"]
    assert [s.week for s in sessions] == [1, 1, 2, 2, 3, 3]


def test_leap_day_and_month_end(tmp_path):
    header = "id: x\nname: X\nstart: 2028-02-21\nweeks: 2\n"
    sessions = sessions_of(tmp_path, "- tue: endurance\n- 2028-02-29: sweetspot\n",
                           header=header)
    assert [s.date.isoformat() for s in sessions] == ["2028-02-22", "2028-02-29"]
    assert sessions[1].name.startswith("Sweet spot")  # the date entry replaced Tuesday


def test_dst_week_has_seven_days_and_times_stay_as_written(tmp_path):
    # Europe and the US both change clocks in the weeks below; plans are local dates.
    header = "id: x\nname: X\nstart: 2027-03-22\nweeks: 2\n"
    sessions = sessions_of(tmp_path, """\
        - mon: {workout: endurance, time: "07:00"}
          sun: {workout: endurance, time: "07:00"}
        """, header=header)
    assert [s.start_date_local for s in sessions] == [
        "2027-03-22T07:00:00", "2027-03-28T07:00:00",
        "2027-03-29T07:00:00", "2027-04-04T07:00:00"]
    assert (sessions[1].date - sessions[0].date).days == 6


def test_iso_week_edges():
    assert iso_week_range("2026-W53") == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    assert iso_week_range("2027-W01") == (dt.date(2027, 1, 4), dt.date(2027, 1, 10))
    assert iso_week_range("2020W53") == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))
    with pytest.raises(SelectionError, match="2027 has ISO weeks 1 to 52"):
        iso_week_range("2027-W53")
    assert iso_week_range("12") is None


def test_week_selection_forms(tmp_path):
    header = "id: x\nname: X\nstart: 2026-12-21\nweeks: 4\n"
    result = load(tmp_path, plan_text("- mon: endurance\n", header=header))
    plan = result.plan
    dates = lambda sel: [s.date.isoformat() for s in sel.sessions(plan.sessions)]  # noqa: E731
    assert dates(select(plan)) == ["2026-12-21", "2026-12-28", "2027-01-04", "2027-01-11"]
    assert dates(select(plan, ["2"])) == ["2026-12-28"]
    assert dates(select(plan, ["2026-W53"])) == ["2026-12-28"]
    assert dates(select(plan, ["2027-W01"])) == ["2027-01-04"]
    assert dates(select(plan, ["1", "3-4"])) == ["2026-12-21", "2027-01-04", "2027-01-11"]
    assert dates(select(plan, None, dt.date(2026, 12, 28), dt.date(2027, 1, 4))) == [
        "2026-12-28", "2027-01-04"]
    assert dates(select(plan, None, dt.date(2027, 1, 5))) == ["2027-01-11"]
    assert select(plan, ["2"]).weeks(plan) == [2]
    for bad in (["5"], ["0"], ["2027-W10"], ["x"]):
        with pytest.raises(SelectionError):
            select(plan, bad)
    with pytest.raises(SelectionError):
        select(plan, None, dt.date(2027, 2, 1), None)

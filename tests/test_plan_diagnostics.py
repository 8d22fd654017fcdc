"""Every plan-level mistake is one positioned diagnostic: file, line, column, message, hint."""

from __future__ import annotations

import textwrap

from support.plan_helpers import (
    HEADER,
    LIBRARY,
    errors,
    line_col,
    load,
    one,
    plan_text,
    where,
    write,
)

from planc.plan.load import read_plan
from planc.plan.rejections import check_plan


def test_valid_plan_has_no_diagnostics(tmp_path):
    result = load(tmp_path, plan_text("""\
        - weeks: 1-4
          tue: {workout: sweetspot, reps: 4}
          sat: endurance
        """))
    assert result.diagnostics == []
    assert result.ok


def test_unknown_top_level_key_suggests(tmp_path):
    text = HEADER.replace("name:", "nmae:") + LIBRARY + "calendar: []\n"
    d = one(load(tmp_path, text), "unknown-key")
    assert where(d) == ("plan.yaml", 2, 1)
    assert d.message == "unknown key 'nmae' in the plan"
    assert d.hint == "did you mean 'name'?"


def test_missing_required_key(tmp_path):
    text = HEADER.replace("weeks: 4\n", "") + "calendar: []\n"
    d = one(load(tmp_path, text), "missing-key")
    assert d.message == "the plan needs 'weeks'"
    assert where(d) == ("plan.yaml", 1, 1)


def test_wrong_type(tmp_path):
    text = HEADER.replace("weeks: 4", "weeks: four") + "calendar: []\n"
    d = one(load(tmp_path, text), "wrong-type")
    assert where(d) == ("plan.yaml", 4, 8)
    assert d.message == "expected a number of weeks, got the text 'four'"


def test_bad_date(tmp_path):
    text = HEADER.replace("2027-01-04", "2027-13-01") + "calendar: []\n"
    d = one(load(tmp_path, text), "bad-date")
    assert where(d) == ("plan.yaml", 3, 8)
    assert "'2027-13-01' is not a valid date" in d.message


def test_start_must_be_a_monday_hint_names_the_monday_before(tmp_path):
    text = HEADER.replace("2027-01-04", "2027-01-01") + "calendar: []\n"
    d = one(load(tmp_path, text), "start-not-monday")
    assert where(d) == ("plan.yaml", 3, 8)
    assert d.message == "the plan must start on a Monday; 2027-01-01 is a Friday"
    assert d.hint == "start: 2026-12-28 (the Monday before)"


def test_unknown_workout_reference(tmp_path):
    text = plan_text("""\
        - tue: {workout: sweetspt}
        """)
    d = one(load(tmp_path, text), "unknown-workout")
    assert where(d) == ("plan.yaml", *line_col(text, "sweetspt"))
    assert d.message == "no workout named 'sweetspt' in the library"
    assert d.hint == "did you mean 'sweetspot'?"


def test_unknown_argument_suggests_parameter(tmp_path):
    text = plan_text("""\
        - tue: {workout: sweetspot, rpes: 4}
        """)
    d = one(load(tmp_path, text), "unknown-argument")
    assert where(d) == ("plan.yaml", *line_col(text, "rpes"))
    assert d.message == "workout 'sweetspot' has no parameter 'rpes'"
    assert d.hint == "did you mean 'reps'?"


def test_missing_argument(tmp_path):
    library = LIBRARY + textwrap.indent(textwrap.dedent("""\
        vo2:
          sport: Ride
          params: [reps]
          body: |
            Main set {reps}x
            - 3m 120%
            - 3m 50%
        """), "  ")
    text = plan_text("""\
        - thu: vo2
        """, library=library)
    d = one(load(tmp_path, text), "missing-argument")
    assert where(d) == ("plan.yaml", *line_col(text, "vo2", 1))
    assert d.message == "workout 'vo2' needs a value for 'reps'"


def test_progression_list_of_wrong_length(tmp_path):
    text = plan_text("""\
        - weeks: 1-4
          tue: {workout: sweetspot, reps: [3, 4, 5]}
        """)
    d = one(load(tmp_path, text), "progression-length")
    assert where(d) == ("plan.yaml", *line_col(text, "[3, 4, 5]"))
    assert d.message == "'reps' has 3 values but this entry covers 4 weeks (weeks 1-4)"


def test_session_on_a_date_outside_the_plan(tmp_path):
    text = plan_text("""\
        - 2027-02-01: endurance
        """)
    d = one(load(tmp_path, text), "date-outside-plan")
    assert where(d) == ("plan.yaml", *line_col(text, "2027-02-01"))
    assert d.message == "2027-02-01 is outside the plan (2027-01-04 to 2027-01-31)"


def test_week_outside_the_plan(tmp_path):
    text = plan_text("""\
        - weeks: 3-5
          tue: endurance
        """)
    d = one(load(tmp_path, text), "week-outside-plan")
    assert where(d) == ("plan.yaml", *line_col(text, "3-5"))
    assert d.message == "week 5 is outside the plan (weeks 1-4)"


def test_two_sessions_in_the_same_slot(tmp_path):
    text = plan_text("""\
        - weeks: 1
          sat: [{workout: endurance, time: "08:00"}, {workout: sweetspot, time: "8:00"}]
        """)
    d = one(load(tmp_path, text), "slot-conflict")
    assert where(d) == ("plan.yaml", *line_col(text, '"8:00"'))
    assert d.message == "two sessions at 08:00 on 2027-01-09"
    assert d.hint == "'Endurance' is already at 08:00; change one time"


def test_error_inside_an_embedded_workout_body_points_into_the_plan_file(tmp_path):
    library = LIBRARY.replace("- 5m 55%", "- 5m 55% intensity=bogus")
    text = plan_text("""\
        - tue: sweetspot
        """, library=library)
    d = one(load(tmp_path, text), "bad-option")
    line, col = line_col(text, "intensity=bogus")
    assert where(d) == ("plan.yaml", line, col)
    assert text.splitlines()[line - 1].strip() == "- 5m 55% intensity=bogus"
    assert d.span.end_column == col + len("intensity=bogus")


def test_error_after_a_placeholder_on_the_same_line_keeps_its_column(tmp_path):
    # {work} is substituted by a longer value; the error after it must still
    # point at the template's column, not the filled text's.
    library = LIBRARY.replace("- {work} 88-93%", "- {work} 88-93% intensity=bogus")
    text = plan_text("""\
        - tue: {workout: sweetspot, work: 1h10m30s}
        """, library=library)
    d = one(load(tmp_path, text), "bad-option")
    assert where(d) == ("plan.yaml", *line_col(text, "intensity=bogus"))


def test_error_in_a_substituted_value_points_at_the_argument(tmp_path):
    text = plan_text("""\
        - weeks: 1-2
          tue: {workout: sweetspot, work: [10m, 10q]}
        """)
    d = one(load(tmp_path, text), "dropped-by-icu")  # '- 10q 88-93%' has no duration
    assert where(d) == ("plan.yaml", *line_col(text, "10q"))
    placeholder = line_col(text, "{work} 88")
    assert f"'work' fills {{work}} at {tmp_path / 'plan.yaml'}:{placeholder[0]}:{placeholder[1]}" \
        in d.hint


def test_bad_repeat_count_from_an_argument(tmp_path):
    text = plan_text("""\
        - tue: {workout: sweetspot, reps: many}
        """)
    d = one(load(tmp_path, text), "bad-count")
    assert where(d) == ("plan.yaml", *line_col(text, "many"))
    assert "fills a repeat count ({reps}x)" in d.message


def test_unknown_placeholder_in_a_body(tmp_path):
    library = LIBRARY.replace("- {work} 88-93%", "- {wrok} 88-93%")
    text = plan_text("- tue: sweetspot\n", library=library)
    result = load(tmp_path, text)
    d = one(result, "unknown-parameter")
    assert where(d) == ("plan.yaml", *line_col(text, "{wrok}"))
    assert d.hint == "did you mean '{work}'?"
    assert len(errors(result)) == 1  # the broken body is not parsed as well


def test_unused_parameter_is_a_warning(tmp_path):
    library = LIBRARY.replace("params: {duration: 1h30m}", "params: {duration: 1h30m, low: 65}")
    result = load(tmp_path, plan_text("- sat: endurance\n", library=library))
    d = one(result, "unused-parameter")
    assert not d.is_error and result.ok
    assert d.message == "parameter 'low' of 'endurance' is never used"


def test_bad_expression_points_inside_the_string(tmp_path):
    text = plan_text("""\
        - weeks: 1-2
          sat: {workout: endurance, duration: "= 1h + n"}
        """)
    d = one(load(tmp_path, text), "bad-expression")
    line, col = line_col(text, "= 1h + n")
    assert where(d) == ("plan.yaml", line, col + len("= 1h "))
    assert d.message.startswith("cannot add a number to a duration")


def test_unknown_weekday_key_suggests(tmp_path):
    text = plan_text("""\
        - monday: rest
        """)
    d = one(load(tmp_path, text), "unknown-key")
    assert where(d) == ("plan.yaml", *line_col(text, "monday"))
    assert d.hint == "did you mean 'mon'?"


def test_unknown_sport(tmp_path):
    library = LIBRARY.replace("sport: Ride", "sport: Bike")
    text = plan_text("- sat: endurance\n", library=library)
    result = load(tmp_path, text)
    d = one(result, "unknown-sport")
    assert where(d) == ("plan.yaml", *line_col(text, "Bike"))
    assert len(errors(result)) == 1  # no cascade: the reference is not reported again


def test_bad_time(tmp_path):
    text = plan_text("""\
        - sat: {workout: endurance, time: "25:00"}
        """)
    d = one(load(tmp_path, text), "bad-time")
    assert where(d) == ("plan.yaml", *line_col(text, '"25:00"'))


def test_duplicate_key(tmp_path):
    text = plan_text("""\
        - tue: endurance
          tue: sweetspot
        """)
    d = one(load(tmp_path, text), "yaml-duplicate-key")
    assert where(d) == ("plan.yaml", *line_col(text, "tue", 1))


def test_yaml_syntax_error_is_positioned(tmp_path):
    text = plan_text("""\
        - tue: {workout: endurance
        - wed: rest
        """)
    result = load(tmp_path, text)
    d = one(result, "yaml-syntax")
    assert d.path.endswith("plan.yaml") and d.span.line > 0


def test_many_mistakes_are_reported_in_one_run(tmp_path):
    text = plan_text("""\
        - weeks: 1-4
          tue: {workout: sweetspt}
          wed: {workout: sweetspot, reps: [1, 2]}
          thu: {workout: endurance, time: "7pm"}
          fri: {workout: endurance, duraton: 2h}
        - 2027-03-01: endurance
        """).replace("start: 2027-01-04", "start: 2027-01-05")
    codes = sorted(d.code for d in errors(load(tmp_path, text)))
    assert codes == sorted(["start-not-monday", "unknown-workout", "progression-length",
                            "bad-time", "unknown-argument", "date-outside-plan"])


def test_error_inside_an_included_library_names_the_library_file(tmp_path):
    write(tmp_path, """\
        workouts:
          broken:
            sport: Run
            body: |
              - 10m 4:10/km Pace
              - 5m Z2 HR bogus=1
        """, "lib/run.yaml")
    text = plan_text("- tue: broken\n", library="include: lib/run.yaml\n")
    d = one(load(tmp_path, text), "bad-option")
    assert where(d) == ("run.yaml", 6, 18)


def test_check_plan_returns_sorted_diagnostics(tmp_path):
    path = write(tmp_path, plan_text("""\
        - sun: {workout: nothing}
        - sat: {workout: nothing}
        """))
    diags = check_plan(path)
    assert [d.span.line for d in diags] == sorted(d.span.line for d in diags)
    assert len(diags) == 2


def test_unreadable_plan_is_a_diagnostic(tmp_path):
    result = read_plan(tmp_path / "missing.yaml")
    assert [d.code for d in result.diagnostics] == ["file"]


def test_an_error_in_a_quoted_body_with_escapes_points_at_the_body(tmp_path):
    # "\n" in a double-quoted body: columns of the value are not columns of the file, so
    # the diagnostic points at the whole body instead of a made-up place
    text = plan_text("""\
        - tue: {sport: Ride, name: A, body: "- 10m 50%\\n- 20min 80%"}
          wed: {sport: Ride, name: B, body: "- 10m 50% 20min"}
        """)
    result = load(tmp_path, text)
    escaped, verbatim = sorted((d for d in result.diagnostics
                                if d.code in ("dropped-by-icu", "unknown-token")),
                               key=lambda d: d.span.line)
    assert (escaped.code, verbatim.code) == ("dropped-by-icu", "unknown-token")
    line, col = line_col(text, '"- 10m 50%\\n')
    assert where(escaped) == ("plan.yaml", line, col)
    assert escaped.span.end_column == col + len('"- 10m 50%\\n- 20min 80%"')
    assert where(verbatim) == ("plan.yaml", *line_col(text, "20min", 1))
    assert not [d for d in result.diagnostics if d.code == "no-steps"]


def test_impossible_starting_fitness_is_positioned(tmp_path):
    text = plan_text("- mon: rest\n", header=HEADER + "fitness: {ctl: 1e308, atl: -5}\n")
    result = load(tmp_path, text)
    got = sorted((d.code, d.span.line) for d in result.diagnostics if d.is_error)
    line = text.splitlines().index("fitness: {ctl: 1e308, atl: -5}") + 1
    assert got == [("out-of-range", line), ("out-of-range", line)]

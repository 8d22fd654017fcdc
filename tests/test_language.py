"""The workout language: every construct of intervals.icu's syntax means what it means there.

Expected values come from reference §1 (ground truth captured from intervals.icu).
"""

from __future__ import annotations

import pytest

from planc.ast import (
    Block,
    Distance,
    Duration,
    HrUnit,
    Intensity,
    Note,
    PaceUnit,
    PowerUnit,
    Range,
    Repeat,
    Section,
    unrolled_steps,
)
from planc.check import read_workout
from planc.units import DistanceUnit, PacePer


def parse_ok(text: str, sport: str | None = None):
    parsed = read_workout(text, sport=sport)
    errors = [d for d in parsed.diagnostics if d.is_error]
    assert not errors, errors
    assert parsed.workout is not None
    return parsed.workout


def one_step(text: str, sport: str = "Ride"):
    steps = list(unrolled_steps(parse_ok(text, sport).body))
    assert len(steps) == 1, steps
    return steps[0]


def total_seconds(text: str, sport: str = "Ride") -> float:
    return sum(s.amount.seconds for s in unrolled_steps(parse_ok(text, sport).body))


@pytest.mark.parametrize(
    ("token", "seconds"),
    [
        ("30s", 30),
        ("90s", 90),
        ("10m", 600),
        ("1h", 3600),
        ("3h", 10800),
        ("1m30", 90),
        ("2m30s", 150),
        ("1m40s", 100),
        ("0m10s", 10),
        ("1h45m", 6300),
        ("2h30m", 9000),
        ("1h15m", 4500),
        ("1h2m30s", 3750),
        ("5m30s", 330),
        ("5'", 300),
        ('30"', 30),
        ("1'30\"", 90),
    ],
)
def test_durations(token, seconds):
    step = one_step(f"- {token} 50%")
    assert step.amount == Duration(seconds)


@pytest.mark.parametrize(
    ("token", "metres", "unit"),
    [
        ("2km", 2000, DistanceUnit.KM),
        ("0.8km", 800, DistanceUnit.KM),
        ("400mtr", 400, DistanceUnit.METRE),
        ("500mtr", 500, DistanceUnit.METRE),
        ("1mi", 1609.344, DistanceUnit.MILE),
        ("4.5mi", 4.5 * 1609.344, DistanceUnit.MILE),
        ("100yrd", 91.44, DistanceUnit.YARD),
    ],
)
def test_distances(token, metres, unit):
    step = one_step(f"- {token} 80% Pace", sport="Run")
    assert isinstance(step.amount, Distance)
    assert step.amount.metres == pytest.approx(metres)
    assert step.amount.unit is unit


def test_400m_is_400_minutes_like_intervals_icu():
    parsed = read_workout("- 400m 70% Pace", sport="Swim")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.amount == Duration(400 * 60)
    assert [d.code for d in parsed.diagnostics] == ["minutes-or-metres"]


@pytest.mark.parametrize(
    ("token", "unit", "start", "end"),
    [
        ("75%", PowerUnit.FTP, 0.75, 0.75),
        ("88-92%", PowerUnit.FTP, 0.88, 0.92),
        ("50%-75%", PowerUnit.FTP, 0.5, 0.75),
        ("200w", PowerUnit.WATTS, 200, 200),
        ("200-240w", PowerUnit.WATTS, 200, 240),
        ("157w-213w", PowerUnit.WATTS, 157, 213),
        ("220W", PowerUnit.WATTS, 220, 220),
        ("Z2", PowerUnit.ZONE, 2, 2),
        ("Z3-Z4", PowerUnit.ZONE, 3, 4),
    ],
)
def test_power_targets(token, unit, start, end):
    step = one_step(f"- 10m {token}")
    assert step.power.unit is unit
    assert step.power.value == Range(start, end)


@pytest.mark.parametrize(
    ("token", "unit", "start", "end"),
    [
        ("70% HR", HrUnit.MAX, 0.7, 0.7),
        ("75-80% HR", HrUnit.MAX, 0.75, 0.8),
        ("95% LTHR", HrUnit.LTHR, 0.95, 0.95),
        ("50-70% LTHR", HrUnit.LTHR, 0.5, 0.7),
        ("Z2 HR", HrUnit.ZONE, 2, 2),
        ("Z3-Z4 HR", HrUnit.ZONE, 3, 4),
        ("145bpm", HrUnit.BPM, 145, 145),
        ("140-150bpm", HrUnit.BPM, 140, 150),
        ("140-150 bpm", HrUnit.BPM, 140, 150),
    ],
)
def test_hr_targets(token, unit, start, end):
    step = one_step(f"- 10m {token}")
    assert step.power is None
    assert step.hr.unit is unit
    assert step.hr.value == Range(start, end)


@pytest.mark.parametrize(
    ("token", "unit", "start", "end", "per"),
    [
        ("70% Pace", PaceUnit.THRESHOLD, 0.7, 0.7, None),
        ("80-110% Pace", PaceUnit.THRESHOLD, 0.8, 1.1, None),
        ("Z2 Pace", PaceUnit.ZONE, 2, 2, None),
        ("Z3-Z5 Pace", PaceUnit.ZONE, 3, 5, None),
        ("5:00/km Pace", PaceUnit.SPEED, 1000 / 300, 1000 / 300, PacePer.KM),
        ("8:00/mi Pace", PaceUnit.SPEED, 1609.344 / 480, 1609.344 / 480, PacePer.MILE),
        ("1:45/100m Pace", PaceUnit.SPEED, 100 / 105, 100 / 105, PacePer.M100),
        ("5:10-5:30/km Pace", PaceUnit.SPEED, 1000 / 310, 1000 / 330, PacePer.KM),
        ("7:15-7:00/km pace", PaceUnit.SPEED, 1000 / 435, 1000 / 420, PacePer.KM),
        ("2:00/500m Pace", PaceUnit.SPEED, 500 / 120, 500 / 120, PacePer.M500),
    ],
)
def test_pace_targets(token, unit, start, end, per):
    step = one_step(f"- 10m {token}", sport="Run")
    assert step.pace.unit is unit
    assert step.pace.value.start == pytest.approx(start)
    assert step.pace.value.end == pytest.approx(end)
    assert step.pace.per == per


def test_pace_without_unit_uses_sport_default_and_warns():
    parsed = read_workout("- 2m 5:20 Pace", sport="Run")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.pace.per is PacePer.KM and step.pace.per_explicit is False
    assert [d.code for d in parsed.diagnostics] == ["pace-unit"]


@pytest.mark.parametrize(
    ("token", "start", "end"),
    [("90rpm", 90, 90), ("90 rpm", 90, 90), ("85-95rpm", 85, 95), ("40-50 rpm", 40, 50)],
)
def test_cadence(token, start, end):
    step = one_step(f"- 10m 60% {token}")
    assert step.cadence.value == Range(start, end)


def test_ramp_rising_and_falling():
    up = one_step("- 10m ramp 54-80%")
    down = one_step("- 10m Ramp 60-47%")
    assert up.ramp and up.power.value == Range(0.54, 0.80)
    assert down.ramp and down.power.value == Range(0.60, 0.47)


def test_ramp_in_label_is_a_label_like_intervals_icu():
    parsed = read_workout("- Ramp to failure 1m 140w")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.label == "Ramp to failure" and not step.ramp
    assert [d.code for d in parsed.diagnostics] == ["ramp-in-label"]


def test_hr_ramp_and_several_target_kinds():
    step = one_step("- 10m ramp 45-60% LTHR")
    assert step.ramp and step.hr.unit is HrUnit.LTHR
    both = one_step("- 80m Z2 Z2 HR 90rpm")
    assert both.power.value == Range(2, 2) and both.hr.unit is HrUnit.ZONE
    assert both.cadence.value == Range(90, 90)


def test_labels_are_leading_words():
    assert one_step("- Recovery 30s 50%").label == "Recovery"
    assert one_step("- Warm up 20m 157w-213w").label == "Warm up"
    assert one_step("-Warm-up 5m 160w").label == "Warm-up"
    assert one_step("- Ramp 1 1m 200w").label == "Ramp 1"
    assert one_step("- Lower body — Squat / Hip Hinge 3×5-6 20m").label == (
        "Lower body — Squat / Hip Hinge 3×5-6"
    )
    assert one_step("- 160w 45m").label is None


def test_zone_before_duration_deletes_label():
    parsed = read_workout("- Z2 Steady 1h45m 197w-256w 85-95rpm")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.label is None  # the zone is not a label either; the watt range wins
    assert step.power.unit is PowerUnit.WATTS
    parsed = read_workout("- Easy Z2 45m")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.label is None and step.power.value == Range(2, 2)
    assert "label-dropped" in [d.code for d in parsed.diagnostics]


def test_trailing_words_are_kept_and_ignored():
    step = one_step("- 4m 100% 40-50 rpm, power is less important than getting the torque")
    assert step.power.value == Range(1.0, 1.0) and step.cadence.value == Range(40, 50)
    assert step.trailing.startswith("power is less important")
    step = one_step("- 5m recovery at 40%")
    assert step.label is None and step.power.value == Range(0.4, 0.4)


def test_options():
    step = one_step("- Cooldown 10m Z1 power=1s Press lap")
    assert step.label == "Cooldown" and step.until_lap_press and step.power_window == "1s"
    step = one_step("- 2m 6:00/km Pace intensity=recovery hr=lap", sport="Run")
    assert step.intensity is Intensity.RECOVERY and step.hr_window == "lap"
    assert one_step("- 20m freeride").freeride
    assert one_step("- 30m freeride 75-85%").power.value == Range(0.75, 0.85)
    assert one_step("- 30s maxeffort").maxeffort
    assert one_step("- 10m 60% press LAP").until_lap_press


def test_warmup_cooldown_headers_flag_their_steps_until_blank_line():
    w = parse_ok(
        "Warmup\n- 10m ramp 54-80%\n- 5m 60%\n\n- 20m 90%\n\nCooldown\n- 10m ramp 60-47%\n"
    )
    blocks = [n for n in w.body if isinstance(n, Block)]
    assert [b.section for b in blocks] == [Section.WARMUP, None, Section.COOLDOWN]
    assert [s.section for s in unrolled_steps(w.body)] == [
        Section.WARMUP,
        Section.WARMUP,
        None,
        Section.COOLDOWN,
    ]


def test_repeat_headers():
    w = parse_ok("Main Set 4x\n- Hard 4m 302w-314w\n- Easy 5m 140w-168w\n\n- 10m 50%\n")
    rep = w.body[0]
    assert isinstance(rep, Repeat) and rep.count == 4 and rep.title == "Main Set"
    assert len(rep.children) == 2
    assert total_seconds("4x\n- Hard 4m 302w-314w\n- Easy 5m 140w-168w\n") == 2160
    long = (
        "Main set — 3min @ 92–96% MAP (363–378w). Hold rep 3 ≥ rep 1. 3x\n"
        "- 3m 363-378w\n- 3m 150w\n"
    )
    rep = parse_ok(long).body[0]
    assert rep.count == 3 and rep.title.startswith("Main set — 3min")


def test_prose_notes_are_kept():
    w = parse_ok("This is fun!\n\n- 60m Z2\n")
    assert w.body[0] == Note("This is fun!")
    w = parse_ok("Intent: aerobic.\nKeep it easy.\n\nMain Set\n- 30m 65%\n")
    assert w.body[0] == Note("Intent: aerobic.\nKeep it easy.")
    assert w.body[1].title == "Main Set"


def test_pool_length():
    w = parse_ok("Pool length: 25m\n\n- 400mtr 70% Pace\n", sport="Swim")
    assert w.pool_length.metres == 25
    w = parse_ok("Pool length: 25y\n- 100mtr 1:32/100y Pace\n", sport="Swim")
    assert w.pool_length.metres == pytest.approx(22.86)


def test_davids_example():
    text = (
        "Warmup\n- 20m 60% 90-100rpm\n\nMain set 6x\n"
        "- 4m 100% 40-50 rpm, power is less important than getting the torque\n"
        "- 5m recovery at 40%\n\nCooldown\n- 20m 60% 90-100rpm\n"
    )
    assert total_seconds(text) == 20 * 60 + 6 * 9 * 60 + 20 * 60


@pytest.mark.parametrize(
    ("text", "sport", "durations"),
    [
        # freekode/tp2intervals captured response (reference §1.7)
        (
            "- 10m 50-70% LTHR\n- 10m 80% LTHR\n- 10m ramp 45-60% LTHR\n- 10m Z2 HR\n- 10m Z3-Z4 HR",
            "Ride",
            [600] * 5,
        ),
        ("- 10m 70% Pace\n- 10m 80-110% Pace\n- 10m Z2 Pace\n- 10m Z3-Z5 Pace", "Run", [600] * 4),
        (
            "- 10m 10-30%\n- 10m 40% 30-90rpm\n- 10m ramp 10-60%\n- 10m Z2 85rpm\n- 10m Z3-Z4",
            "Ride",
            [600] * 5,
        ),
        # robertgregorywest fixtures
        ("-3h 177w-210w", "Ride", [10800]),
        ("- 5m 55-65% power=1s", "Ride", [300]),
        ("-Z2 2h", "Ride", [7200]),
        ("- Warm-up 12m ramp 160w-256w", "Ride", [720]),
        # LeonardHd live test
        (
            "- 2m 5:20 Pace\n\nActive 3x\n- active 2km 5:10-5:30 Pace\n"
            "- 2m 6:00 Pace intensity=recovery",
            "Run",
            [120, 2000, 120] * 1,
        ),
    ],
)
def test_ground_truth(text, sport, durations):
    w = read_workout(text, sport=sport).workout
    assert w is not None
    got = [
        s.amount.seconds if isinstance(s.amount, Duration) else s.amount.metres
        for s in (w.body[0].children[:1] if False else list(_first_level(w.body)))
    ]
    assert got == durations


def _first_level(body):
    for node in body:
        if isinstance(node, Block | Repeat):
            yield from node.children


def test_swim_distance_ground_truth():
    w = parse_ok(
        "- 0.8km 20% Pace\n- 0.5km 70% Pace\n- 10m 20% Pace\n- 0.3km 100% Pace", sport="Swim"
    )
    amounts = [s.amount for s in unrolled_steps(w.body)]
    assert [a.metres if isinstance(a, Distance) else a.seconds for a in amounts] == [
        800,
        500,
        600,
        300,
    ]


def test_live_test_structure():
    w = parse_ok(
        "- 2m 5:20 Pace\n\nActive 3x\n- active 2km 5:10-5:30 Pace\n"
        "- 2m 6:00 Pace intensity=recovery\n",
        sport="Run",
    )
    assert len(w.body) == 2
    rep = w.body[1]
    assert rep.count == 3 and rep.children[0].amount.metres == 2000
    assert rep.children[1].intensity is Intensity.RECOVERY


# ------------------------------------------------------------ extensions --


def test_nested_repeats_by_indentation():
    text = "Main 3x\n  Inner 2x\n    - 30s 120%\n    - 30s 50%\n  - 4m 55%\n\n- 10m 50%\n"
    w = parse_ok(text)
    outer = w.body[0]
    assert outer.count == 3 and isinstance(outer.children[0], Repeat)
    assert outer.children[0].count == 2 and len(outer.children[0].children) == 2
    assert outer.children[1].amount.seconds == 240
    assert total_seconds(text) == 3 * (2 * 60 + 240) + 600


def test_sibling_inner_repeats_at_one_indent_stay_siblings():
    text = ("Main 3x\n  A 2x\n    - 1m 100%\n    - 1m 50%\n  B 2x\n    - 30s 120%\n"
            "  - 5m 50%\n")
    parsed = read_workout(text)
    diags = parsed.diagnostics
    outer = parsed.workout.body[0]
    assert [type(c).__name__ for c in outer.children] == ["Repeat", "Repeat", "Step"]
    assert [c.title for c in outer.children[:2]] == ["A", "B"]
    assert len(outer.children[0].children) == 2 and len(outer.children[1].children) == 1
    assert not [d for d in diags if d.code == "missing-blank-line"]
    assert total_seconds(text) == 3 * (2 * 120 + 2 * 30 + 300)


def test_a_header_less_indented_than_an_inner_one_closes_it():
    text = "3x\n    2x\n      - 1m 100%\n  2x\n    - 30s 120%\n"
    outer = parse_ok(text).body[0]
    assert [c.count for c in outer.children] == [2, 2]
    assert total_seconds(text) == 3 * (2 * 60 + 2 * 30)


def test_unindented_steps_under_repeat_do_not_nest():
    # plain intervals.icu text with indented steps keeps its meaning
    w = parse_ok("Main 3x\n  - 1m 100%\n  - 1m 50%\n")
    assert w.body[0].count == 3 and len(w.body[0].children) == 2


def test_comments_are_dropped():
    w = parse_ok("// a comment\n- 10m 50%\n// another\n- 5m 60%\n")
    assert len(w.body) == 1 and len(w.body[0].children) == 2


def test_timed_cues():
    step = one_step("- 10m 90%\n> Settle in\n> 2m30s Push now\n")
    assert [(c.offset, c.text) for c in step.cues] == [(0, "Settle in"), (150, "Push now")]
    step = one_step("- 1km 4:00/km Pace\n  > 500mtr Halfway\n", sport="Run")
    assert step.cues[0].offset == 500


def test_header():
    w = parse_ok(
        '---\nname: Sweet spot\nsport: Run\ndescription: "a: b"\ntags: [a, b c]\n---\n'
        "- 10m 60% Pace\n"
    )
    assert (w.name, w.sport, w.description, w.tags) == ("Sweet spot", "Run", "a: b", ("a", "b c"))


def test_sport_override_beats_header():
    w = read_workout("---\nsport: Run\n---\n- 10m Z2 HR\n", sport="Swim").workout
    assert w.sport == "Swim"


def test_crlf_bom_and_no_final_newline():
    w = parse_ok("\ufeffWarmup\r\n- 10m 50%\r\n\r\n- 5m 60%")
    assert len(list(unrolled_steps(w.body))) == 2


def test_backtick_escapes_prose():
    w = parse_ok("`- not a step\n\n- 5m 60%\n")
    assert w.body[0] == Note("- not a step")


def test_leading_divider_is_not_a_header():
    parsed = read_workout("---\nEasy day\n\n- 10m 50%\n")
    assert parsed.workout is not None
    assert [d.code for d in parsed.diagnostics] == ["divider"]
    assert parsed.workout.body[0] == Note("Easy day")


# ----------------------------------------- measured on real events (§1.11) --


def codes(text: str, sport: str = "Ride") -> list[str]:
    return [d.code for d in read_workout(text, sport=sport).diagnostics]


def test_a_line_intervals_icu_drops_is_dropped_with_a_warning():
    w = parse_ok("4x\n- MAX standing start from near-stop\n- 15s 700w\n- Easy 3m45s 150w\n\n"
                 "- Cool Down 0s\n")
    (rep,) = w.body
    assert rep.count == 4 and [s.amount.seconds for s in rep.children] == [15, 225]
    assert codes("- Cool Down 0s\n- 10m 50%\n") == ["dropped-by-icu"]
    # what else the dropped line says is not reported: it reaches no device
    assert codes("- Easy <40% MAP 10min\n- 10m 50%\n") == ["dropped-by-icu"]


def test_strict_turns_a_dropped_line_into_an_error():
    from planc.diagnostics import Severity

    (d,) = read_workout("- Cool Down 0s\n- 10m 50%\n").diagnostics
    assert d.severity is Severity.WARNING and d.promoted().is_error


def test_a_workout_whose_every_step_is_dropped_is_an_error():
    parsed = read_workout("- MAX effort\n- Cool Down 0s\n")
    assert parsed.workout is None and codes("- MAX effort\n") == ["dropped-by-icu", "no-steps"]
    parsed = read_workout("- 1mİ 50%\n")  # the dotted capital I (issue 11): no crash
    assert parsed.workout is None
    assert sorted(d.code for d in parsed.diagnostics) == ["dropped-by-icu", "no-steps"]


@pytest.mark.parametrize(("line", "label"), [
    # the label ends inside a word that ends in a whole number and a unit
    ("- Rest or very easy commute only — <40% MAP. Do not add load. 30m 150w",
     "Rest or very easy commute only — <"),
    ("- 20min effort 20m 276w-305w", None),
    ("- Recovery spin, HARD CEILING 150w (RPE 2/10). In the first 10min, easy. 45m 120w-150w",
     "Recovery spin, HARD CEILING"),
    # ... but not at a decimal, a bare number, or a number with a unit it does not read
    ("- The race suit is worth 0.33s per lap, 23.21s last year 20m 210w",
     "The race suit is worth 0.33s per lap, 23.21s last year"),
    ("- Kit: 64x16 on 165 mm cranks 20m 210w", "Kit: 64x16 on 165 mm cranks"),
    ("- Start — 500w+ 30s 500w", "Start — 500w+"),
    ("- Cadence about 109 rpm 2m20s 380w", "Cadence about 109 rpm"),
    ("- Fuel 60–90g carbs/hr 1h45m 197w-256w", "Fuel 60–90g carbs/hr"),
    ("- Ramp 1 1m 200w", "Ramp 1"),
])
def test_labels_end_where_intervals_icu_ends_them(line, label):
    assert one_step(line).label == label


def test_press_lap_at_the_start_of_a_line_is_the_label_too():
    step = one_step("- Press lap 10m Z1")
    assert step.label == "Press lap" and step.until_lap_press
    step = one_step("- Cooldown 10m Z1 power=1s Press lap")
    assert step.label == "Cooldown" and step.until_lap_press


def test_an_en_dash_range_is_read_as_its_first_number():
    step = one_step("- Spin 45m 120w-150w Cadence 85–95rpm, no efforts")
    assert step.cadence.value == Range(85, 85)
    assert step.power.value == Range(120, 150)


def test_junk_after_the_duration_is_ignored_and_said():
    parsed = read_workout("- Z2 197–256w. NP cap 268w (68% MAP). Ease 5min after. 2h30m "
                          "197w-256w\n")
    step = next(unrolled_steps(parsed.workout.body))
    assert step.amount.seconds == 9000 and step.power.value == Range(197, 256)
    assert step.label is None
    unknown = [d for d in parsed.diagnostics if d.code == "unknown-token"]
    assert [d.message.split("'")[1] for d in unknown] == ["5min"]
    assert not [d for d in parsed.diagnostics if d.is_error]


def test_a_title_line_directly_above_a_bare_repeat_count_is_its_title():
    w = parse_ok("Main set\n3x\n- 4m 100%\n- 2m 50%\n")
    (rep,) = w.body
    assert isinstance(rep, Repeat) and rep.title == "Main set" and rep.count == 3
    assert rep.span.line == 1 and rep.span.end_line == 2  # the header is both lines
    w = parse_ok("Intent: VO2.\n\nMain set\n3x\n- 4m 100%\n")
    assert w.body[0] == Note("Intent: VO2.") and w.body[1].title == "Main set"
    w = parse_ok("Warmup\n3x\n- 1m 60%\n")  # a section header is not a repeat title
    assert w.body[0] == Note("Warmup") and w.body[1].title == ""


def test_misspelt_keywords_are_text_with_a_did_you_mean():
    step = one_step("- 10m rmp 50-70%")
    assert not step.ramp and step.power.value == Range(0.5, 0.7) and step.trailing == "rmp"
    assert codes("- 10m rmp 50-70%") == ["unknown-word"]
    w = parse_ok("Warmpu\n- 10m ramp 50-75%\n\nCooldwon\n- 10m ramp 65-45%\n")
    assert [s.section for s in unrolled_steps(w.body)] == [None, None]
    assert codes("Warmpu\n- 10m ramp 50-75%\n\nCooldwon\n- 10m ramp 65-45%\n") == [
        "section-spelling", "section-spelling"]


def test_a_step_with_an_error_does_not_also_empty_its_repeat():
    parsed = read_workout("Main set 3x\n- 10q 90%\n- 5m 5:00/km\n", sport="Run")
    assert [d.code for d in parsed.diagnostics if d.is_error] == ["pace-without-keyword"]
    assert codes("Main set 4x\n\n- 5m 50%\n") == ["empty-repeat"]


@pytest.mark.parametrize("text", ["- 1mİ 50%\n", "- 1mı 50%\n", "- 2yardſ 50%\n",
                                  "- ١٠m 50%\n", "- 10m 50% 2\u212am\n"])
def test_only_ascii_digits_and_letters_make_values(text):
    """Case folding that changes length ('İ'.lower() is two characters) or maps a foreign
    letter to an ASCII one, and non-ASCII digits, never make a value (issue 11)."""
    parsed = read_workout(text)
    assert all(d.code in ("no-steps", "unknown-token", "dropped-by-icu")
               for d in parsed.diagnostics), parsed.diagnostics

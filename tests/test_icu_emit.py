"""intervals.icu text: goldens, round trips, fixed points, lowering, and hypothesis over text.

The random-AST round trip for both dialects of the printer is tests/test_printer.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.golden import check_golden, emitted

from planc.ast import (
    Block,
    Cue,
    Duration,
    Note,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Step,
    Workout,
    unrolled_steps,
)
from planc.check import read_workout
from planc.diagnostics import Diagnostic
from planc.emit.icu import emit_icu_with_diagnostics
from planc.lower.icu import lower_icu
from planc.syntax import parse_workout as syntax_parse
from planc.syntax.printer import safe_label, write

ROOT = Path(__file__).resolve().parent.parent
WORKOUTS = sorted((ROOT / "plans" / "workouts").glob("*.workout"))
GOLDEN = emitted("icu")


def _parse(text: str, sport: str = "Ride") -> Workout:
    parsed = read_workout(text, sport=sport)
    assert parsed.workout is not None, parsed.diagnostics
    return parsed.workout


def emit_icu(w: Workout) -> str:
    """The intervals.icu text of ``w`` (lowered, then printed)."""
    return emit_icu_with_diagnostics(w)[0]


# ---------------------------------------------------------------- goldens --


@pytest.mark.parametrize("path", WORKOUTS, ids=[p.stem for p in WORKOUTS])
def test_golden_icu(path: Path):
    parsed = read_workout(path.read_text(encoding="utf-8"), path=str(path))
    assert parsed.workout is not None
    text = emit_icu(parsed.workout)
    check_golden(GOLDEN / f"{path.stem}.txt", text)


def test_every_example_has_a_golden():
    assert len(WORKOUTS) >= 10
    assert {p.stem for p in WORKOUTS} == {p.stem for p in GOLDEN.glob("*.txt")}


@pytest.mark.parametrize("path", WORKOUTS, ids=[p.stem for p in WORKOUTS])
def test_examples_fixed_point_and_same_steps(path: Path):
    w = read_workout(path.read_text(encoding="utf-8")).workout
    text = emit_icu(w)
    again = read_workout(text, sport=w.sport).workout
    assert emit_icu(again) == text
    # lowering keeps the steps and their order (cues are the only thing dropped)
    assert [dataclasses.replace(s, cues=(), span=s.span) for s in unrolled_steps(w.body)] == list(
        unrolled_steps(again.body))


# ------------------------------------------------------------ round trips --

ROUND_TRIP = [
    ("- 10m 50-70% LTHR\n- 10m 80% LTHR\n- 10m ramp 45-60% LTHR\n- 10m Z2 HR\n- 10m Z3-Z4 HR",
     "Ride", 3000),
    ("- 10m 70% Pace\n- 10m 80-110% Pace\n- 10m Z2 Pace\n- 10m Z3-Z5 Pace", "Run", 2400),
    ("- 10m 10-30%\n- 10m 40% 30-90rpm\n- 10m ramp 10-60%\n- 10m Z2 85rpm\n- 10m Z3-Z4",
     "Ride", 3000),
    ("- Warm up 20m 157w-213w\n\n4x\n- Hard 4m 302w-314w\n- Easy 5m 140w-168w", "Ride",
     1200 + 2160),
    ("- 5m 55-65% power=1s", "Ride", 300),
    ("Warmup\n- 10m ramp 54-80%\n\nCooldown\n- 10m ramp 60-47%", "Ride", 1200),
    ("- Z2 Steady 1h45m 197w-256w 85-95rpm", "Ride", 6300),
    ("- Cooldown 10m Z1 power=1s Press lap", "Ride", 600),
    ("-Z2 2h", "Ride", 7200),
    ("- Warm-up 12m ramp 160w-256w", "Ride", 720),
    ("- Lower body — Squat / Hip Hinge 3×5-6 20m", "WeightTraining", 1200),
    ("-3h 177w-210w", "Ride", 10800),
    ("This is fun!\n\n- 60m Z2", "Ride", 3600),
    ("- 2h Z2 Pace\n- 10m Z1 Pace", "Run", 7800),
    ("- 2m 5:20 Pace\n\nActive 3x\n- active 2km 5:10-5:30 Pace\n- 2m 6:00 Pace intensity=recovery",
     "Run", None),
    ("Warmup\n- 20m 60% 90-100rpm\n\nMain set 6x\n- 4m 100% 40-50 rpm, power is less important "
     "than getting the torque\n- 5m recovery at 40%\n\nCooldown\n- 20m 60% 90-100rpm", "Ride",
     2400 + 6 * 540),
    ("Pool length: 25m\n\n- 400mtr 1:45/100m Pace\n- 20s intensity=rest\n- 0.8km 20% Pace",
     "Swim", None),
    ("- 1mi 8:00/mi Pace\n- 100yrd 1:30/100y Pace", "Run", None),
    ("- 30m freeride 75-85%\n- 30s maxeffort\n- 10m hidepower 60%", "Ride", 2430),
    ("- 5m 145bpm\n- 5m 140-150bpm\n- 5m 70% HR hr=1s", "Run", 900),
    ("Intent: easy.\nKeep cadence high.\n\nMain Set\n- 30m 65%\n- 1m30 80%", "Ride", 1890),
    ("- 10m 200w Z2 HR 90rpm", "Ride", 600),
]


@pytest.mark.parametrize(("text", "sport", "seconds"), ROUND_TRIP)
def test_round_trip(text, sport, seconds):
    w = _parse(text, sport)
    emitted, diags = emit_icu_with_diagnostics(w)
    assert diags == []
    again = _parse(emitted, sport)
    assert again == w
    assert emit_icu(again) == emitted
    if seconds is not None:
        total = sum(s.amount.seconds for s in unrolled_steps(w.body))
        assert total == seconds


def test_nested_repeat_is_lowered_with_same_time_and_order():
    text = "Main 3x\n  Inner 2x\n    - 30s 120%\n    - 30s 50%\n  - 4m 55%\n"
    w = _parse(text)
    emitted, diags = emit_icu_with_diagnostics(w)
    assert [d.code for d in diags] == ["lowered-nesting"]
    assert (diags[0].span.line, diags[0].span.column) == (1, 1)
    flat = _parse(emitted)
    assert list(unrolled_steps(flat.body)) == list(unrolled_steps(w.body))
    assert emitted == "Main 3x\n- 30s 120%\n- 30s 50%\n- 30s 120%\n- 30s 50%\n- 4m 55%\n"


def test_nested_lowering_picks_the_shorter_text():
    # 2 x [10 x (30s/30s)]: keeping the inner repeat and unrolling the outer is shorter
    text = "Sets 2x\n  Reps 10x\n    - 30s 120%\n    - 30s 50%\n"
    w = _parse(text)
    emitted = emit_icu(w)
    assert emitted.count("Reps 10x") == 2
    assert list(unrolled_steps(_parse(emitted).body)) == list(unrolled_steps(w.body))


def test_unsafe_labels_are_neutralised():
    assert safe_label("Z2 endurance") == "Z 2 endurance"
    assert safe_label("Hold 30s") == "Hold 30 s"
    assert safe_label("a <b> & c") == "a b and c"
    step = Step(Duration(60), label="Sprint 2x 20min", power=PowerTarget(PowerUnit.FTP,
                                                                          Range(1.5, 1.5)))
    w = Workout((Block((step,)),))
    again = _parse(emit_icu(w))
    (s,) = list(unrolled_steps(again.body))
    assert s.amount == Duration(60) and s.label == "Sprint 2 x 20 min"


def test_prose_that_looks_like_syntax_is_escaped():
    w = Workout((Note("- dash first\n> quote\nDo this 3x"), Block((Step(Duration(60)),))))
    text = emit_icu(w)
    again = _parse(text)
    assert again.body[0] == Note("- dash first\n> quote\nDo this 3x.")


# --------------------------------------------------------------- lowering --


def test_lowering_drops_cues_and_rounds_seconds_and_says_so():
    step = Step(Duration(90.4), cues=(Cue(10.0, "spin up"), Cue(60.0, "last 30")))
    w = Workout((Block((step, Step(Duration(60.0))), "Main Set"),))
    lowered = lower_icu(w)
    assert [d.code for d in lowered.diagnostics] == ["cue-dropped", "cue-dropped",
                                                     "rounded-duration"]
    assert "the cue 'spin up' is left out" in lowered.diagnostics[0].message
    assert "90.4s is written as 1m30s" in lowered.diagnostics[2].message
    (block,) = lowered.workout.body
    assert block.children[0] == Step(Duration(90.0))
    assert block.children[1] is w.body[0].children[1]  # nothing to lower: the same step
    assert write(lowered.workout, "icu") == "Main Set\n- 1m30s\n- 1m\n"
    assert emit_icu_with_diagnostics(w) == (write(lowered.workout, "icu"), lowered.diagnostics)


def test_lowering_rounds_half_seconds_as_the_text_does():
    # round half to even, as fmt_duration writes it: 2.5 s is 2 s, 3.5 s is 4 s
    w = Workout((Block((Step(Duration(2.5)), Step(Duration(3.5)))),))
    assert emit_icu(w) == "- 2s\n- 4s\n"


def test_lowering_reports_a_step_once_per_time_the_text_writes_it():
    # the inner repeat is unrolled inside the outer one: its step is written twice
    inner = Repeat(2, (Step(Duration(30.0), cues=(Cue(5.0, "go"),)),))
    w = Workout((Repeat(3, (inner, Step(Duration(60.0)))),))
    codes = [d.code for d in lower_icu(w).diagnostics]
    assert codes == ["lowered-nesting", "cue-dropped", "cue-dropped"]


def test_a_repeat_title_ending_in_a_full_stop_ends_in_a_colon():
    w = Workout((Repeat(2, (Step(Duration(60.0)),), "Easy."),
                 Repeat(3, (Step(Duration(60.0)),), "Then 2x")))
    text = emit_icu(w)
    assert text == "Easy: 2x\n- 1m\n\nThen 2x: 3x\n- 1m\n"
    assert [n.count for n in _parse(text).body] == [2, 3]


# ------------------------------------------------------------- hypothesis --

FRAGMENTS = [*"- \n\t%wWzZ:/.0123456789xXmshkpaceHRLTrbd=>`'\"abcdef", "Pace", "ramp",
             "Press lap", "---", "\n\n", "rpm", "intensity=", "  ", "Warmup\n", "3x\n", "//"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=80).map("".join))
def test_random_text_never_raises(text):
    parsed = read_workout(text)
    assert all(isinstance(d, Diagnostic) for d in parsed.diagnostics)
    if parsed.workout is not None:
        emit_icu(parsed.workout)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text):
    parsed = read_workout(text)
    assert all(isinstance(d, Diagnostic) for d in parsed.diagnostics)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("zZ0123456789 )(x%wmsk:<>&-abc")), min_size=1,
               max_size=16))
def test_safe_label_is_a_fixed_point_and_reads_back(label):
    safe = safe_label(label)
    assert safe_label(safe) == safe
    if safe and safe.split()[0].lower() not in ("ramp",):
        w = Workout((Block((Step(Duration(60), label=safe),)),))
        parsed = syntax_parse(emit_icu(w))
        assert parsed.workout is not None
        (s,) = list(unrolled_steps(parsed.workout.body))
        assert s.label == safe

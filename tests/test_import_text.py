"""The planc text an import writes (the printer's planc dialect): examples.

Importers only build workouts the planc dialect can say exactly (labels through
``safe_label``, whole-second cue offsets, one-line header values).  The random
round trip ``parse(write(w)) == w`` is tests/test_printer.py; these are the
cases worth naming.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from planc.ast import Block, Cue, Distance, Duration, Repeat, Step, Workout
from planc.check import read_workout
from planc.importers.common import clean_label
from planc.syntax.printer import write


def reparsed(w: Workout) -> Workout:
    text = write(w, "planc")
    parsed = read_workout(text)
    assert parsed.workout is not None, (text, parsed.diagnostics)
    return parsed.workout


def test_header_values_that_the_reader_would_change_are_protected():
    w = Workout((Block((Step(Duration(60.0)),)),), name='"quoted"', description="'x'",
                tags=("a", "b c"))
    assert reparsed(w) == w
    assert "name: '\"quoted\"'\n" in write(w)
    assert "description: \"'x'\"\n" in write(w)


def test_nested_repeats_are_indented_and_cues_follow_their_step():
    inner = Repeat(4, (Step(Duration(60.0), cues=(Cue(30.0, "5m left? no"),)),
                       Step(Duration(120.0))))
    w = Workout((Repeat(3, (inner, Step(Duration(360.0), label="Set recovery")), "Main set"),))
    text = write(w)
    assert "Main set 3x\n  4x\n    - 1m\n    > 30s 5m left? no\n    - 2m\n  - Set recovery 6m" \
        in text
    assert reparsed(w) == w


def test_two_inner_repeats_in_a_row_stay_siblings():
    a, b = Step(Duration(60.0)), Step(Duration(30.0))
    w = Workout((Repeat(3, (Repeat(4, (a, b)), Repeat(2, (b, a)), a)),))
    assert reparsed(w) == w


def test_distance_cue_offsets_are_metres():
    step = Step(Distance(1000.0), cues=(Cue(200.0, "Halfway soon"),))
    w = Workout((Block((step,)),), sport="Run")
    assert "> 200mtr Halfway soon" in write(w)
    assert reparsed(w) == w


def test_a_workout_without_steps_is_its_front_matter():
    assert write(Workout((), name="Rest day")) == "---\nname: Rest day\nsport: Ride\n---\n"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
@example("0%;0")  # the lexer ends '0%' at ';': a value, not the start of a word
@example("0';0")  # the same with a duration: read back as a second duration
@example("ß")  # its upper case is two letters ('SS'): the narrowing once crashed on it
def test_clean_labels_read_back_whole(raw):
    label = clean_label(raw)
    if label is None:
        return
    assert clean_label(label) == label
    w = Workout((Block((Step(Duration(60.0), label=label),)),))
    assert reparsed(w) == w

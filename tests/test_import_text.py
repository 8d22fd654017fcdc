"""The planc text an import writes (the printer's planc dialect) parses back to the same workout.

Importers only build workouts this writer can say exactly (labels through
``safe_label``, whole-second cue offsets, one-line header values); within that,
``parse(write(w, "planc")) == w`` must hold for anything, nesting and cues included.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planc.ast import (
    Block,
    CadenceTarget,
    Cue,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    Note,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Step,
    Workout,
)
from planc.check import read_workout
from planc.importers.common import clean_label
from planc.syntax.printer import clean_tag, front_matter, one_line, write
from planc.units import DistanceUnit


def reparsed(w: Workout) -> Workout:
    text = write(w, "planc")
    parsed = read_workout(text)
    assert parsed.workout is not None, (text, parsed.diagnostics)
    return parsed.workout


pct = st.integers(30, 200).map(lambda p: p / 100)


def _range(values):
    return st.one_of(values.map(lambda v: Range(v, v)),
                     st.tuples(values, values).map(lambda ab: Range(min(ab), max(ab))))


power = st.one_of(
    st.builds(PowerTarget, st.just(PowerUnit.FTP), _range(pct)),
    st.builds(PowerTarget, st.just(PowerUnit.WATTS), _range(st.integers(50, 600).map(float))),
    st.builds(PowerTarget, st.just(PowerUnit.ZONE), _range(st.integers(1, 6).map(float))),
)
hr = st.one_of(
    st.builds(HrTarget, st.just(HrUnit.MAX), st.integers(60, 95).map(lambda p: Range(p / 100,
                                                                                       p / 100))),
    st.builds(HrTarget, st.just(HrUnit.BPM), _range(st.integers(90, 190).map(float))),
)
words = st.text(alphabet=st.sampled_from("abcdefgz XZ-'!?:5%()/"), min_size=1, max_size=25)
labels = words.map(clean_label).filter(bool)
cue_text = st.text(alphabet=st.sampled_from("abc xyz5m%-:>/,.!é"), min_size=1, max_size=30) \
    .map(one_line).filter(bool)


@st.composite
def steps(draw) -> Step:
    distance = draw(st.booleans()) and draw(st.booleans())
    if distance:
        amount = Distance(float(draw(st.integers(50, 5000))), DistanceUnit.METRE)
        length = int(amount.metres)
    else:
        amount = Duration(float(draw(st.integers(1, 7200))))
        length = int(amount.seconds)
    p = draw(st.one_of(st.none(), power))
    ramp = p is not None and not p.value.is_single and draw(st.booleans())
    offsets = draw(st.lists(st.integers(0, length - 1), max_size=3, unique=True))
    cues = tuple(Cue(float(o), draw(cue_text)) for o in sorted(offsets))
    return Step(
        amount=amount,
        label=draw(st.one_of(st.none(), labels)),
        ramp=ramp,
        power=p,
        hr=draw(st.one_of(st.none(), hr)),
        cadence=draw(st.one_of(st.none(), st.builds(
            CadenceTarget, _range(st.integers(50, 120).map(float))))),
        intensity=draw(st.one_of(st.none(), st.sampled_from(
            [Intensity.REST, Intensity.RECOVERY, Intensity.INTERVAL]))),
        until_lap_press=draw(st.booleans()),
        freeride=draw(st.booleans()) and p is None,
        power_window=draw(st.sampled_from([None, "3s", "lap"])) if p is not None else None,
        cues=cues,
    )


titles = st.sampled_from(["", "Main set", "Over-under", "Set: 2", "Rep (until heart rate "
                          "above 80% max HR)"])


@st.composite
def repeats(draw, depth: int = 0) -> Repeat:
    children = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            children.append(draw(repeats(depth + 1)))
        else:
            children.append(draw(steps()))
    if not any(isinstance(c, Step) for c in children) and depth == 0:
        children.append(draw(steps()))
    return Repeat(draw(st.integers(2, 12)), tuple(children), draw(titles))


@st.composite
def workouts(draw) -> Workout:
    nodes = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["block", "repeat", "note", "warmup", "cooldown"]))
        if kind == "repeat":
            nodes.append(draw(repeats()))
        elif kind == "note":
            nodes.append(Note(draw(st.sampled_from(["Easy day.", "- not a step", "Do it thrice",
                                                    "> quoted", "// slashes"]))))
        else:
            section = {"warmup": Section.WARMUP, "cooldown": Section.COOLDOWN}.get(kind)
            children = tuple(dataclasses.replace(s, section=section)
                             for s in draw(st.lists(steps(), min_size=1, max_size=3)))
            title = section.value.capitalize() if section else None
            nodes.append(Block(children, title, section))
    header = st.text(min_size=0, max_size=40).map(one_line)
    return Workout(
        body=tuple(nodes),
        sport=draw(st.sampled_from(["Ride", "VirtualRide"])),
        name=draw(header) or None,
        description=draw(header) or None,
        tags=tuple(t for t in (clean_tag(x) for x in draw(st.lists(header, max_size=3))) if t),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workouts())
def test_workout_text_reads_back_exactly(w):
    assert reparsed(w) == w


def test_header_values_that_the_reader_would_change_are_protected():
    w = Workout((Block((Step(Duration(60.0)),)),), name='"quoted"', description="'x'",
                tags=("a", "b c"))
    assert reparsed(w) == w
    assert "name: '\"quoted\"'" in front_matter(w)


def test_nested_repeats_are_indented_and_cues_follow_their_step():
    inner = Repeat(4, (Step(Duration(60.0), cues=(Cue(30.0, "5m left? no"),)),
                       Step(Duration(120.0))))
    w = Workout((Repeat(3, (inner, Step(Duration(360.0), label="Set recovery")), "Main set"),))
    text = write(w, "planc")
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
    assert "> 200mtr Halfway soon" in write(w, "planc")
    assert reparsed(w) == w


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_clean_labels_read_back_whole(raw):
    label = clean_label(raw)
    if label is None:
        return
    assert clean_label(label) == label
    w = Workout((Block((Step(Duration(60.0), label=label),)),))
    assert reparsed(w) == w

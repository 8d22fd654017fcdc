"""The one printer (planc.syntax.printer): what it writes reads back as what it was given.

One property for both dialects, on random workouts:

* ``parse(write(w, d)) == w`` -- the planc dialect on anything an importer can
  build (front matter, nested repeats, cues, labels through ``safe_label``,
  whole-second cue offsets, one-line header values); the icu dialect on
  single-level workouts without cues or header (what ``lower_icu`` leaves);
* writing what was read gives the same text again (a fixed point).

The examples for each dialect live beside their writer's other tests
(tests/test_icu_emit.py, tests/test_import_text.py).
"""

from __future__ import annotations

import dataclasses

import pytest
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
    PaceTarget,
    PaceUnit,
    PoolLength,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Step,
    Workout,
)
from planc.importers.common import clean_label
from planc.syntax import parse_workout
from planc.syntax.printer import DIALECTS, clean_tag, one_line, write
from planc.units import PACE_PER_METRES, DistanceUnit, PacePer

# ---------------------------------------------------------------- targets --

pct = st.integers(1, 250).map(lambda p: p / 100)
zone = st.integers(1, 6).map(float)


def _range(values):
    """A single value or an ordered band (a steady band reads back low-high)."""
    return st.one_of(values.map(lambda v: Range(v, v)),
                     st.tuples(values, values).map(lambda ab: Range(min(ab), max(ab))))


power = st.one_of(
    st.builds(PowerTarget, st.just(PowerUnit.FTP), _range(pct)),
    st.builds(PowerTarget, st.just(PowerUnit.WATTS), _range(st.integers(50, 900).map(float))),
    st.builds(PowerTarget, st.just(PowerUnit.ZONE), _range(zone)),
)
hr = st.one_of(
    st.builds(HrTarget, st.sampled_from([HrUnit.MAX, HrUnit.LTHR]),
              _range(st.integers(50, 105).map(lambda p: p / 100))),
    st.builds(HrTarget, st.just(HrUnit.BPM), _range(st.integers(90, 200).map(float))),
    st.builds(HrTarget, st.just(HrUnit.ZONE), _range(zone)),
)
pace_speed = st.builds(
    lambda per, a, b: PaceTarget(PaceUnit.SPEED, Range(
        PACE_PER_METRES[per] / a, PACE_PER_METRES[per] / b), per, True),
    st.sampled_from(list(PacePer)), st.integers(60, 600).map(float),
    st.integers(60, 600).map(float))
pace = st.one_of(
    st.builds(PaceTarget, st.just(PaceUnit.THRESHOLD),
              _range(st.integers(50, 130).map(lambda p: p / 100))),
    st.builds(PaceTarget, st.just(PaceUnit.ZONE), _range(zone)),
    pace_speed,
)
cadence = st.builds(CadenceTarget, _range(st.integers(40, 130).map(float)))

# ------------------------------------------------------------------ steps --

durations = st.integers(1, 4 * 3600).map(lambda s: Duration(float(s)))
distances = st.one_of(
    st.builds(lambda n: Distance(float(n), DistanceUnit.METRE), st.integers(25, 5000)),
    st.builds(lambda n: Distance(n / 10 * 1000, DistanceUnit.KM), st.integers(1, 300)),
)
_KEYWORDS = ("ramp", "press", "freeride", "maxeffort", "hidepower")
plain_labels = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABC -'"),
                       min_size=1, max_size=20).map(one_line).filter(
    lambda s: bool(s) and s.lower().split()[0] not in _KEYWORDS)
# what importers pass through clean_label: value-like words defused by safe_label
imported_labels = st.text(alphabet=st.sampled_from("abcdefgz XZ-'!?:5%()/"), min_size=1,
                          max_size=25).map(clean_label).filter(bool)
labels = st.one_of(st.none(), plain_labels, imported_labels)
cue_text = st.text(alphabet=st.sampled_from("abc xyz5m%-:>/,.!é"), min_size=1, max_size=30) \
    .map(one_line).filter(bool)


@st.composite
def cues(draw, amount: Duration | Distance) -> tuple[Cue, ...]:
    """Cues at distinct whole offsets inside the step (seconds, or metres on a distance)."""
    length = int(amount.seconds if isinstance(amount, Duration) else amount.metres)
    offsets = draw(st.lists(st.integers(0, length - 1), max_size=3, unique=True))
    return tuple(Cue(float(o), draw(cue_text)) for o in sorted(offsets))


@st.composite
def steps(draw, with_cues: bool) -> Step:
    amount = draw(st.one_of(durations, distances))
    p, h, pc = (draw(st.one_of(st.none(), t)) for t in (power, hr, pace))
    first = next((t for t in (p, h, pc) if t is not None), None)
    ramp = first is not None and not first.value.is_single and draw(st.booleans())
    return Step(
        amount=amount,
        label=draw(labels),
        ramp=ramp,
        power=p, hr=h, pace=pc,
        cadence=draw(st.one_of(st.none(), cadence)),
        intensity=draw(st.one_of(st.none(), st.sampled_from(list(Intensity)))),
        until_lap_press=draw(st.booleans()),
        freeride=draw(st.booleans()),
        maxeffort=draw(st.booleans()),
        power_window=draw(st.sampled_from([None, "1s", "3s", "lap"])),
        hr_window=draw(st.sampled_from([None, "1s", "lap"])),
        cues=draw(cues(amount)) if with_cues else (),
    )


# ------------------------------------------------------------------- body --

repeat_titles = st.sampled_from(["", "Main set", "Set", "Over-under", "Set: 2",
                                 "Rep (until heart rate above 80% max HR)"])
notes = st.sampled_from(["Easy day.", "Intent: base", "Stay smooth", "- not a step",
                         "Do it thrice", "> quoted", "// slashes"]).map(Note)


@st.composite
def repeats(draw, nested: bool, depth: int = 0) -> Repeat:
    """``N x`` steps; in planc text, repeats inside it (two levels deep at most)."""
    children: list = []
    for _ in range(draw(st.integers(1, 3))):
        if nested and depth < 2 and draw(st.integers(0, 3)) == 0:
            children.append(draw(repeats(nested, depth + 1)))
        else:
            children.append(draw(steps(with_cues=nested)))
    if depth == 0 and not any(isinstance(c, Step) for c in children):
        children.append(draw(steps(with_cues=nested)))
    return Repeat(draw(st.integers(2, 12)), tuple(children), draw(repeat_titles))


@st.composite
def blocks(draw, with_cues: bool) -> Block:
    section = draw(st.sampled_from([None, None, Section.WARMUP, Section.COOLDOWN]))
    children = tuple(dataclasses.replace(s, section=section) for s in
                     draw(st.lists(steps(with_cues), min_size=1, max_size=4)))
    title = section.value.capitalize() if section else draw(
        st.sampled_from([None, "Main Set", "Drills"]))
    return Block(children, title, section)


# header values: anything on one line, and the quoted ones the reader would unquote
header_text = st.one_of(st.text(max_size=40).map(one_line),
                        st.sampled_from(['"quoted"', "'x'", "'both\"", '""']))
pools = st.one_of(st.none(), st.builds(PoolLength, st.sampled_from([25.0, 50.0, 33.0])),
                  st.builds(lambda y: PoolLength(y * 0.9144, DistanceUnit.YARD),
                            st.sampled_from([25, 50])))


@st.composite
def workouts(draw, dialect: str) -> Workout:
    """A workout the dialect can say exactly: in icu, one level, no cues, no header."""
    planc = dialect == "planc"
    kinds = st.sampled_from(["block", "repeat", "note"])
    body = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(kinds)
        body.append(draw(blocks(planc)) if kind == "block" else draw(repeats(planc))
                    if kind == "repeat" else draw(notes))
    w = Workout(tuple(body), sport=draw(st.sampled_from(["Ride", "VirtualRide"])),
                pool_length=draw(pools))
    if not planc:
        return w
    tags = (clean_tag(t) for t in draw(st.lists(header_text, max_size=3)))
    return dataclasses.replace(w, name=draw(header_text) or None,
                               description=draw(header_text) or None,
                               tags=tuple(t for t in tags if t))


def _read(text: str, sport: str) -> Workout:
    parsed = parse_workout(text, sport=sport)
    assert parsed.workout is not None, (text, parsed.diagnostics)
    return parsed.workout


# -------------------------------------------------------------- the test --

dialected = st.sampled_from(DIALECTS).flatmap(
    lambda d: st.tuples(st.just(d), workouts(d)))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dialected)
def test_write_reads_back_exactly_and_is_a_fixed_point(case):
    dialect, w = case
    text = write(w, dialect)
    again = _read(text, w.sport)
    assert again == w, text
    assert write(again, dialect) == text


# ------------------------------------------------- what icu cannot say --


@pytest.mark.parametrize("workout", [
    Workout((Block((Step(Duration(60.0), cues=(Cue(10.0, "spin up"),)),)),)),
    Workout((Repeat(2, (Repeat(3, (Step(Duration(30.0)),)),)),)),
], ids=["cue", "nested repeat"])
def test_icu_dialect_refuses_what_intervals_icu_cannot_read(workout):
    with pytest.raises(ValueError, match="lower_icu"):
        write(workout, "icu")
    assert _read(write(workout, "planc"), workout.sport) == workout


def test_unknown_dialect_is_an_error():
    with pytest.raises(ValueError, match="dialect"):
        write(Workout(()), "zwo")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(imported_labels, min_size=1, max_size=6))
def test_the_label_memo_gives_what_cleaning_gives(labels):
    """safe_label is memoised: asked again, in any order, it must answer what cleaning
    the label afresh answers; a label longer than the memo keeps is not stored."""
    from planc.syntax import printer

    for label in labels + labels[::-1]:
        assert printer.safe_label(label) == printer._safe_label(label)
    long_label = "Work " * (printer.LABEL_MEMO_CHARS // 5 + 1)
    assert printer.safe_label(long_label) == printer._safe_label(long_label)
    assert long_label not in printer.LABEL_MEMO
    assert len(printer.LABEL_MEMO) <= printer.LABEL_MEMO_SIZE

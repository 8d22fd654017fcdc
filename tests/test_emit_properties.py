"""Properties of the device emitters over random workouts (hypothesis).

For rides in % FTP, watts and zones, with ramps and (nested) repeats:

* every emitted file (.zwo, .mrc, .erg) lasts what the AST lasts, to the second;
* the planned work (kJ at the athlete's FTP) is kept within 0.5 % by each
  lowering (measured on the lowered AST with the same code as the source) and
  by each file (measured on the bytes read back);
* the same input gives the same bytes, and any text survives into a .zwo that
  lxml reads back.

The strategies are adapted from tests/test_icu_emit.py: every step has a power
target (work is defined for power), values stay in what a trainer can ride
(20 % FTP and up; watts 50-900).
"""

from __future__ import annotations

import copy
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.readers import ast_work_joules, read_course, read_zwo, zwo_seconds, zwo_work_joules

from planc.ast import (
    Block,
    CadenceTarget,
    Cue,
    Duration,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Step,
    Workout,
    iter_steps,
)
from planc.athlete import Athlete, SportThresholds
from planc.emit import emit
from planc.lower.formats import EmitOptions
from planc.lower.trainer import lower_trainer
from planc.lower.zwo import lower_zwo
from planc.resolve.metrics import workout_metrics

FORMATS = ("zwo", "mrc", "erg")
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

pct = st.integers(20, 250).map(lambda p: p / 100)
watts = st.integers(50, 900).map(float)
zone = st.integers(1, 6).map(float)


def _range(values, ordered: bool):
    def build(pair):
        a, b = pair
        if ordered and a > b:
            a, b = b, a
        return Range(a, b)
    return st.one_of(values.map(lambda v: Range(v, v)), st.tuples(values, values).map(build))


def power(ordered: bool):
    return st.one_of(
        st.builds(PowerTarget, st.just(PowerUnit.FTP), _range(pct, ordered)),
        st.builds(PowerTarget, st.just(PowerUnit.WATTS), _range(watts, ordered)),
        st.builds(PowerTarget, st.just(PowerUnit.ZONE), _range(zone, ordered)),
    )


whole_seconds = st.integers(1, 3600).map(float)
fractional_seconds = st.integers(100, 360_000).map(lambda c: c / 100)
text = st.text(min_size=1, max_size=30)


@st.composite
def steps(draw, seconds=whole_seconds):
    ramp = draw(st.booleans())
    target = draw(power(ordered=not ramp))
    length = draw(seconds)
    cues = tuple(Cue(float(o), t) for o, t in draw(st.lists(
        st.tuples(st.integers(0, max(int(length) - 1, 0)), text), max_size=2)))
    return Step(
        Duration(length),
        label=draw(st.one_of(st.none(), text)),
        ramp=ramp and not target.value.is_single,
        power=target,
        cadence=draw(st.one_of(st.none(), st.builds(
            CadenceTarget, _range(st.integers(50, 120).map(float), True)))),
        cues=cues,
    )


@st.composite
def nodes(draw, depth: int, seconds):
    kind = draw(st.sampled_from(["step", "block", "repeat"] if depth < 3 else ["step", "block"]))
    if kind == "step":
        return draw(steps(seconds))
    if kind == "block":
        return Block(tuple(draw(st.lists(steps(seconds), min_size=1, max_size=4))))
    children = draw(st.lists(nodes(depth + 1, seconds), min_size=1, max_size=3))
    return Repeat(draw(st.integers(1, 4)), tuple(children), draw(st.sampled_from(["", "Set"])))


def workouts(seconds=whole_seconds):
    return st.builds(lambda body, name: Workout(tuple(body), sport="Ride", name=name),
                     st.lists(nodes(0, seconds), min_size=1, max_size=5),
                     st.one_of(st.none(), text))


# the characters XML 1.0 cannot hold (its Char production), which a .zwo leaves out
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

athletes = st.integers(100, 450).map(
    lambda ftp: Athlete({"ride": SportThresholds(ftp=float(ftp))}))


def file_seconds(fmt: str, data: bytes) -> float:
    if fmt == "zwo":
        return zwo_seconds(read_zwo(data)[1])
    return read_course(data).seconds


def file_work(fmt: str, data: bytes, ftp: float) -> float:
    if fmt == "zwo":
        return zwo_work_joules(read_zwo(data)[1], ftp)
    return read_course(data).work_joules(ftp)


def close(a: float, b: float, rel: float = 0.005) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b))


@SETTINGS
@given(workouts(), athletes)
def test_every_file_lasts_what_the_workout_lasts(w, athlete):
    expected = workout_metrics(w, athlete).duration_s
    for fmt in FORMATS:
        data, diags = emit(fmt, w, athlete, EmitOptions())
        assert data, diags
        assert abs(file_seconds(fmt, data) - expected) <= 1, fmt


@SETTINGS
@given(workouts(fractional_seconds), athletes)
def test_fractional_seconds_keep_the_total(w, athlete):
    expected = workout_metrics(w, athlete).duration_s
    for fmt in FORMATS:
        data, _ = emit(fmt, w, athlete, EmitOptions())
        assert abs(file_seconds(fmt, data) - expected) <= 1, fmt
    # the .zwo lowering never lets the written clock drift half a second from the exact one
    lowered = lower_zwo(w, athlete).workout
    assert abs(workout_metrics(lowered, athlete).duration_s - expected) <= 0.5 + 1e-6


@SETTINGS
@given(workouts(), athletes)
def test_work_is_kept_by_lowering_and_by_every_file(w, athlete):
    ftp = athlete.for_sport("Ride").ftp
    source = ast_work_joules(w, athlete)
    lowered = {
        "zwo": lower_zwo(w, athlete).workout,
        "mrc": lower_trainer(w, athlete, "mrc").workout,
        "erg": lower_trainer(w, athlete, "erg").workout,
    }
    for fmt, lw in lowered.items():
        assert close(ast_work_joules(lw, athlete), source), f"lowering for {fmt}"
        data, _ = emit(fmt, w, athlete, EmitOptions())
        assert close(file_work(fmt, data, ftp), source), f".{fmt} file"


@SETTINGS
@given(workouts(), athletes)
def test_same_input_same_bytes(w, athlete):
    for fmt in FORMATS:
        first = emit(fmt, w, athlete, EmitOptions())
        assert emit(fmt, copy.deepcopy(w), copy.deepcopy(athlete), EmitOptions()) == first


@SETTINGS
@given(workouts(), athletes)
def test_any_text_reads_back_from_zwo(w, athlete):
    data, _ = emit("zwo", w, athlete, EmitOptions())
    root, blocks = read_zwo(data)
    # every character XML 1.0 can hold survives, in the name and in every cue kept
    # (a name with nothing XML can hold is 'Workout', as a workout with no name)
    assert root.findtext("name") == (NOT_XML.sub("", w.name or "") or "Workout")
    cues = {e.get("message") for b in blocks for e in b.element}
    lowered = lower_zwo(w, athlete).workout
    assert cues == {NOT_XML.sub("", c.text) for s in iter_steps(lowered.body) for c in s.cues}
    # .mrc/.erg text is plain ASCII on one line whatever the labels hold
    for fmt in ("mrc", "erg"):
        course = read_course(emit(fmt, w, athlete, EmitOptions())[0])
        assert all(t.isascii() and "\t" not in t for _, t, _ in course.cues)

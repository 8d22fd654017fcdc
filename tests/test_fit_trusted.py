"""The FIT emitter's trusted encoding writes exactly what the checked encoding writes.

planc.emit.fit hands its steps to ``prepare_workout(..., trusted=True)``, which checks
the whole step list at once instead of each field in turn.  Whatever the steps, the
result must be the checked path's: the same bytes, or the same refusal (the checked
path runs to say what is wrong).  Any value the lowering let through out of range would
make both refuse, which ``fit-encode`` reports.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import fit as fit_emit
from planc.emit.fit_encoder import FitEncodeError, FitStep, crc16, crc16_combine, prepare_workout
from planc.lower import lower
from planc.lower.formats import EmitOptions

sys.path.insert(0, str(ROOT / "bench"))
from _gen import workout_text

ATHLETE = Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190),
                   "run": SportThresholds(lthr=165, max_hr=185, threshold_pace=4.0)})


def both(steps, **workout):
    """(checked, trusted): bytes of each, or the refusal's message."""
    out = []
    for trusted in (False, True):
        try:
            out.append(prepare_workout(name="W", sport=2, steps=steps, trusted=trusted,
                                       **workout).file(7, 0x20000000))
        except (FitEncodeError, TypeError) as exc:  # TypeError: a str where an int goes
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def test_every_example_and_generated_workout_encodes_alike():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "plans").rglob("*.workout"))]
    checked = 0
    for text in texts + [workout_text(s, 15) for s in range(30)]:
        lowered = lower("fit", read_workout(text).workout, ATHLETE, EmitOptions())
        if lowered.workout is None:
            continue
        fields = fit_emit._fields(lowered.workout)
        a = prepare_workout(**fields).file(7, 0x20000000)
        b = prepare_workout(**fields, trusted=True).file(7, 0x20000000)
        assert a == b
        checked += 1
    assert checked > 30


_GOOD = st.one_of(st.none(), st.integers(0, 10**6))
_INT = st.one_of(_GOOD, _GOOD, _GOOD, st.integers(-2, 8), st.integers(0xFE, 0x100),
                 st.sampled_from([0xFFFE, 0xFFFFFFFE, 0xFFFFFFFF, 0x100000000]), st.booleans())
_TEXT = st.one_of(st.none(), st.text(max_size=8), st.text(max_size=8),
                  st.text(min_size=60, max_size=300), st.just("a\x00b"), st.just("\ud800"))
_DURATION = st.one_of(st.integers(0, 5), st.integers(0, 8),
                      st.sampled_from([0xFE, 0xFF, -1, True]))
_ENUM = st.one_of(st.none(), st.integers(0, 6), st.integers(0, 6), st.sampled_from([0xFF, 2.0]))


@st.composite
def _step(draw):
    return FitStep(draw(_DURATION), draw(_INT), draw(st.integers(0, 4) | _ENUM), draw(_INT),
                   draw(_INT), draw(_INT), draw(_ENUM), draw(_TEXT), draw(_TEXT),
                   draw(_ENUM), draw(_INT), draw(_INT), draw(_INT))


@settings(max_examples=400, deadline=None)
@given(st.lists(_step(), min_size=1, max_size=6))
def test_any_steps_get_the_checked_paths_bytes_or_refusal(steps):
    checked, trusted = both(steps)
    assert trusted == checked


@pytest.mark.parametrize("count", [0, 4097])
def test_a_step_count_out_of_range_is_refused_alike(count):
    checked, trusted = both([FitStep(0, 1000)] * count)
    assert isinstance(checked, str) and trusted == checked


_BAD = st.sampled_from([-1, 0xFF, 0xFFFFFFFF, 0x100000000, True, 2.5, None, "x\x00", "\ud800",
                        "é" * 200])
_FIELDS = ("duration_type", "duration_value", "target_type", "target_value", "custom_low",
           "custom_high", "intensity", "name", "notes", "secondary_target_type",
           "secondary_target_value", "secondary_custom_low", "secondary_custom_high")


def _plain(max_size):
    return st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   max_size=max_size)


@st.composite
def _valid_step(draw):
    low = draw(st.integers(0, 2000))
    return FitStep(draw(st.sampled_from([0, 1, 5])), draw(st.integers(0, 10**7)),
                   draw(st.integers(0, 4)), 0, low, low + draw(st.integers(0, 50)),
                   draw(st.none() | st.integers(0, 6)), draw(st.none() | _plain(max_size=20)),
                   draw(st.none() | _plain(max_size=80)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_valid_step(), min_size=1, max_size=5), st.booleans(), st.data())
def test_one_bad_field_in_valid_steps_is_refused_or_cut_alike(steps, spoil, data):
    if spoil:
        i = data.draw(st.integers(0, len(steps) - 1))
        field = data.draw(st.sampled_from(_FIELDS))
        values = {f: getattr(steps[i], f) for f in _FIELDS}
        values[field] = data.draw(_BAD)
        steps[i] = FitStep(**values)
    if data.draw(st.booleans()):  # a repeat of the steps so far
        steps.append(FitStep(6, data.draw(st.integers(0, len(steps))), 2,
                             data.draw(st.integers(0, 3))))
    checked, trusted = both(steps)
    assert trusted == checked
    if not spoil and len(steps) and steps[-1].duration_type != 6:
        assert isinstance(checked, bytes)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64), st.binary(max_size=3000), st.integers(0, 0xFFFF))
def test_the_crc_of_a_file_joins_from_its_parts(before, after, start):
    """Each session date's CRC is joined from its file_id's and the unchanging rest's."""
    whole = crc16(before + after, start)
    assert crc16_combine(crc16(before, start), crc16(after), len(after)) == whole


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 0xFFFF), st.booleans())
def test_the_two_byte_crc_table_gives_the_sdk_s_crc(data, start, built):
    """Once a process has CRC'd enough bytes, crc16 runs two bytes per lookup; the result
    is the FIT SDK nibble algorithm's, byte by byte."""
    from planc.emit import fit_encoder

    if built:
        fit_encoder._word_table(fit_encoder._WORD_TABLE_AFTER)  # build it now
    expected = start
    for byte in data:
        expected = fit_encoder._crc_byte_by_nibbles(expected, byte)
    assert crc16(data, start) == expected
    assert crc16(bytearray(data), start) == expected


@settings(max_examples=100, deadline=None)
@given(_valid_step())
def test_a_step_s_repr_is_the_dataclass_repr(step):
    """The serial number is hashed from it (the FIT goldens hold the serials): the field
    names in their order, as the dataclass FitStep was shown."""
    names = ("duration_type", "duration_value", "target_type", "target_value", "custom_low",
             "custom_high", "intensity", "name", "notes", "secondary_target_type",
             "secondary_target_value", "secondary_custom_low", "secondary_custom_high")
    shown = ", ".join(f"{name}={getattr(step, name)!r}" for name in names)
    assert repr(step) == f"FitStep({shown})"

"""The format table: every row names modules that exist, and each lowering does what
its row declares (sports, nesting, ramps, cues, distance steps, lap press, targets,
power unit, text, levels).  A row that claims a capability its lowering does not
honour, or the other way round, fails here."""

from __future__ import annotations

import importlib

import pytest
from support.readers import ATHLETE

from planc.ast import Distance, PowerUnit, Repeat, iter_steps, unrolled_steps
from planc.check import read_workout
from planc.emit import emit
from planc.lower import lower
from planc.lower.formats import FORMATS, Charset, Cues, DistanceSteps, EmitOptions, Level

LOWERED = [name for name, row in FORMATS.items() if row.lowering]


def workout(text: str, sport: str = "Ride"):
    parsed = read_workout(text, sport=sport)
    assert parsed.workout is not None, parsed.diagnostics
    return parsed.workout


def lowered(fmt: str, text: str, sport: str = "Ride"):
    result = lower(fmt, workout(text, sport), ATHLETE, EmitOptions())
    assert result.workout is not None, result.diagnostics
    return result.workout, {d.code for d in result.diagnostics}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_row_names_its_writer_lowering_and_reader(fmt):
    row = FORMATS[fmt]
    assert row.name == fmt and row.extension.startswith(".")
    assert callable(importlib.import_module(f"planc.emit.{row.module}").emit)
    if row.lowering:
        assert callable(importlib.import_module(f"planc.lower.{row.lowering}").lower)
    if row.reader:
        module, _, function = row.reader.partition(":")
        assert callable(getattr(importlib.import_module(module), function))
    assert fmt == "svg" or row.reader, "a target format is read back by an importer"


@pytest.mark.parametrize("fmt", LOWERED)
@pytest.mark.parametrize("sport", ["Ride", "Run", "Swim", "WeightTraining"])
def test_sports(fmt, sport):
    result = lower(fmt, workout("- 10m\n", sport), ATHLETE)
    codes = {d.code for d in result.diagnostics if d.is_error}
    assert (result.workout is not None) == FORMATS[fmt].applies_to(sport), codes
    assert ("unsupported-sport" in codes) != FORMATS[fmt].applies_to(sport)


def _depth(nodes) -> int:
    return max((1 + _depth(n.children) for n in nodes if isinstance(n, Repeat)), default=0)


@pytest.mark.parametrize("fmt", LOWERED)
def test_nesting(fmt):
    text = "2x\n  3x\n    - 1m 100%\n    - 1m 50%\n  - 2m 40%\n"
    low, _ = lowered(fmt, text)
    nesting = FORMATS[fmt].nesting
    assert _depth(low.body) == (2 if nesting is None else min(nesting, 2))


@pytest.mark.parametrize("fmt", LOWERED)
def test_ramps(fmt):
    low, codes = lowered(fmt, "- 10m ramp 50-70%\n")
    kept = any(s.ramp for s in iter_steps(low.body))
    assert kept == FORMATS[fmt].ramps
    assert ("ramp-sliced" in codes) != FORMATS[fmt].ramps


@pytest.mark.parametrize("fmt", LOWERED)
def test_cues(fmt):
    low, codes = lowered(fmt, "- 10m 60%\n> 5m Halfway\n")
    (step,) = unrolled_steps(low.body)
    cues = FORMATS[fmt].cues
    if cues is Cues.TIMED:
        assert [c.offset for c in step.cues] == [300.0]
    elif cues is Cues.UNTIMED:
        assert step.cues == () and "Halfway" in (step.trailing or "")
        assert "cue-untimed" in codes
    else:
        assert step.cues == () and "cue-dropped" in codes


@pytest.mark.parametrize("fmt", LOWERED)
def test_distance_steps(fmt):
    distance = FORMATS[fmt].distance
    sport = "Run" if FORMATS[fmt].applies_to("Run") else "Ride"
    low, codes = lowered(fmt, "- 1km 4:00/km Pace\n- 10m 5:00/km Pace\n", sport)
    first = next(iter(iter_steps(low.body)))
    assert isinstance(first.amount, Distance) == (distance is DistanceSteps.KEPT)
    assert ("distance-as-time" in codes) == (distance is not DistanceSteps.KEPT)
    low, codes = lowered(fmt, "- 1km 4:00/km Pace\n- 2km 5:00/km Pace\n", sport)
    all_distance = all(isinstance(s.amount, Distance) for s in iter_steps(low.body))
    # a .zwo run made only of distance steps counts distance (ALL_OR_NONE)
    assert all_distance == (distance is not DistanceSteps.AS_TIME)


@pytest.mark.parametrize("fmt", LOWERED)
def test_lap_press(fmt):
    _, codes = lowered(fmt, "- 10m 60% Press lap\n")
    assert ("lap-press" in codes) != FORMATS[fmt].lap_press


@pytest.mark.parametrize("fmt", LOWERED)
def test_targets_beyond_the_row_become_text(fmt):
    row = FORMATS[fmt]
    _, codes = lowered(fmt, "- 10m 60% 70% HR 90rpm\n")
    kept = row.targets_for("Ride")
    written = {"power", "hr", "cadence"}
    beyond = written - kept
    if row.targets_per_step is not None:
        beyond |= set(sorted(written - beyond)[row.targets_per_step:])
    assert ("target-as-text" in codes) == bool(beyond)


@pytest.mark.parametrize("fmt", LOWERED)
def test_power_unit(fmt):
    low, _ = lowered(fmt, "- 10m 200w\n- 10m 60%\n")
    units = {s.power.unit for s in iter_steps(low.body) if s.power is not None}
    unit = FORMATS[fmt].power_unit
    assert units == ({unit} if unit else {PowerUnit.WATTS, PowerUnit.FTP})


@pytest.mark.parametrize("fmt", LOWERED)
def test_text(fmt):
    row = FORMATS[fmt]
    low, codes = lowered(fmt, "- Über-long label for the screen 10m 60%\n> 5m Allez — go\n")
    texts = [c.text for s in iter_steps(low.body) for c in s.cues] + [
        t for s in iter_steps(low.body) for t in (s.label, s.trailing) if t]
    ascii_only = all(t.isascii() for t in texts)
    assert ascii_only == (row.text.charset is Charset.ASCII)
    assert ("text-transliterated" in codes) == (row.text.charset is Charset.ASCII)
    assert ("label-shortened" in codes) == (row.text.label_chars is not None)


@pytest.mark.parametrize("fmt", LOWERED)
def test_levels(fmt):
    row = FORMATS[fmt]
    ignored = {code for code, level in row.levels.items() if level is Level.IGNORE}
    _, diags = emit(fmt, workout("2x\n  3x\n    - 1m 100%\n    - 1m 88-93%\n  - 2m 40%\n"),
                    ATHLETE)
    assert not ignored & {d.code for d in diags}


def test_fit_step_limit():
    row = FORMATS["fit"]
    text = "".join(f"- {i % 50 + 1}s 60%\n" for i in range(row.max_steps + 1))
    result = lower("fit", workout(text), ATHLETE)
    assert result.workout is None and "too-many-steps" in {d.code for d in result.diagnostics}


def test_settle_applies_each_level():
    from planc.diagnostics import warning
    from planc.lower import settle

    ignored = warning("unrolled-repeat", "exact")  # the .mrc row ignores it
    said = warning("range-midpoint", "the middle")
    assert settle("mrc", [ignored, said], EmitOptions()) == ([said], False)
    promoted, failed = settle("mrc", [ignored, said], EmitOptions(strict=True))
    assert failed and [(d.code, d.is_error) for d in promoted] == [("range-midpoint", True)]
    assert settle("zwo", [ignored], EmitOptions()) == ([ignored], False)  # warn in .zwo

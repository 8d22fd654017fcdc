"""Golden imports: a few representative files per format and the exact planc text they give.

Inputs in tests/golden/import/ are hand-written for these tests (no third-party
content): a .zwo with every quirk real files have (Windows-1252, CRLF, ``<n>``,
``sport_type``, ``TextEvent``, a rising Cooldown, ``Cadence="-1"``, a foreign
namespace, fractional durations), a distance-based run .zwo, an .mrc with CR
line ends, LAP lines and comments, an .erg with an FTP header and minute cues,
and intervals.icu text with odd spacing.  The FIT inputs are built here with
planc's encoder.  Each input has ``<name>.workout`` (the text) and
``<name>.diagnostics`` (what the import said).  ``pytest --regen`` rewrites them.
"""

from __future__ import annotations

import pytest
from support.golden import IMPORT, check_golden

from planc.diagnostics import render
from planc.emit.fit_encoder import FitStep, encode_workout
from planc.importers import import_file

GOLDEN = IMPORT
INPUTS = sorted(p for p in GOLDEN.iterdir()
                if p.is_file() and p.suffix not in (".workout", ".diagnostics"))


def _fit_inputs() -> dict[str, bytes]:
    def t(seconds, target=2, low=None, high=None, **kw):
        return FitStep(0, seconds * 1000, target, kw.pop("target_value", 0 if low else None),
                       low, high, **kw)

    structured = encode_workout(
        name="Structured", sport=2, sub_sport=6, time_created=0x30000000, serial_number=1,
        description="Nested and conditional repeats",
        steps=[
            t(600, 4, 50, 70, intensity=2, name="Warm up"),
            FitStep(5, None, 2, None, intensity=1, notes="Hit lap when ready"),
            t(60, 4, 105, 110, name="Over"),
            t(120, 4, 88, 92, name="Under"),
            FitStep(6, 2, 2, 4, name="Over-under"),
            t(360, 4, 50, 60, intensity=4, name="Set recovery"),
            FitStep(6, 2, 2, 3, name="Main set"),
            t(30, 4, 1400, 1500, name="Sprint"),
            t(90, 4, 40, 50),
            FitStep(11, 7, 1, 85, name="Until tired"),
            FitStep(2, 230, 4, 0, 40, 55, intensity=3, name="Cool down"),
        ])
    targets = encode_workout(
        name="Targets", sport=1, time_created=0x30000000, serial_number=2,
        steps=[
            t(600, 1, 220, 250, intensity=2),
            FitStep(1, 100_000, 0, 0, 3922, 4000, name="1 km"),
            t(90, 1, 70, 80, name="HR % max"),
            t(300, 0, target_value=3),
            t(120, 3, 170, 180, secondary_target_type=1, secondary_target_value=0,
              secondary_custom_low=250, secondary_custom_high=260),
            t(300, 2, notes="Walk (0:30) then | jog"),
        ])
    return {"structured.fit": structured, "targets.fit": targets}


FIT_INPUTS = _fit_inputs()
CASES = [p.name for p in INPUTS] + sorted(FIT_INPUTS)


def _run(name: str):
    if name in FIT_INPUTS:
        return import_file(FIT_INPUTS[name], path=f"tests/golden/import/{name}")
    return import_file(GOLDEN / name, path=f"tests/golden/import/{name}")


@pytest.mark.parametrize("name", CASES)
def test_golden_import(name):
    res = _run(name)
    assert res.ok, res.diagnostics
    text = res.text
    sources = {res.path: res.source} if res.source is not None else {}
    diagnostics = "".join(render(d, sources) + "\n" for d in res.diagnostics)
    check_golden(GOLDEN / f"{name}.workout", text)
    check_golden(GOLDEN / f"{name}.diagnostics", diagnostics)


@pytest.mark.parametrize("name", CASES)
def test_golden_import_is_a_fixed_point(name):
    """Importing the planc text an import wrote gives that text again."""
    text = _run(name).text
    again = import_file(text.encode("utf-8"), path="again.workout")
    assert again.ok and again.text == text


def test_every_format_has_goldens():
    formats = {_run(name).format for name in CASES}
    assert formats == {"zwo", "mrc", "erg", "fit", "icu"}

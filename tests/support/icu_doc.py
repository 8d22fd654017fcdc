"""planc's reading of a workout in the shape of intervals.icu's ``workout_doc``.

The conformance suite (tests/test_icu_conformance.py) compares this with the
``workout_doc`` intervals.icu returned for the same text, field by field.  It
is a test adapter, not a second emitter: it only renames what planc's AST
already says (blocks flattened, notes dropped, units spelled the platform's
way, the label HTML-escaped as the platform stores it).  Figures that need a
threshold (a distance step's duration) come from planc's one resolved timeline,
so the suite checks planc's own estimate, not a copy of it.
"""

from __future__ import annotations

import html
from typing import Any

from planc.ast import (
    Block,
    Distance,
    Duration,
    HrUnit,
    PaceUnit,
    PowerUnit,
    Range,
    Repeat,
    Step,
    Workout,
)
from planc.units import PACE_PER_METRES

POWER_UNITS = {PowerUnit.FTP: "%ftp", PowerUnit.WATTS: "w", PowerUnit.ZONE: "power_zone"}
HR_UNITS = {HrUnit.MAX: "%hr", HrUnit.LTHR: "%lthr", HrUnit.ZONE: "hr_zone", HrUnit.BPM: "bpm"}
PACE_UNITS = {PaceUnit.THRESHOLD: "%pace", PaceUnit.ZONE: "pace_zone"}
# intervals.icu's step unit for an absolute pace, by the written denominator (§1.11)
PACE_STEP_UNITS = {"km": "secs/km", "mi": "secs/mile", "100m": "secs/100m", "100y": "secs/100y",
                   "500m": "secs/500m", "400m": "secs/400m", "250m": "secs/250m"}


def _value(r: Range, scale: float = 1.0) -> dict[str, float]:
    if r.is_single:
        return {"value": r.start * scale}
    return {"start": r.start * scale, "end": r.end * scale}


def _power(step: Step) -> dict[str, Any]:
    p = step.power
    out: dict[str, Any] = {"units": POWER_UNITS[p.unit],
                           **_value(p.value, 100 if p.unit is PowerUnit.FTP else 1)}
    if step.power_window:
        out["target"] = step.power_window
    return out


def _hr(step: Step) -> dict[str, Any]:
    h = step.hr
    scale = 100 if h.unit in (HrUnit.MAX, HrUnit.LTHR) else 1
    out: dict[str, Any] = {"units": HR_UNITS[h.unit], **_value(h.value, scale)}
    if step.hr_window:
        out["target"] = step.hr_window
    return out


def _pace(step: Step) -> dict[str, Any]:
    p = step.pace
    if p.unit is PaceUnit.SPEED:
        metres = PACE_PER_METRES[p.per]
        seconds = Range(metres / p.value.start, metres / p.value.end)
        return {"units": PACE_STEP_UNITS[p.per.value], **_value(seconds)}
    return {"units": PACE_UNITS[p.unit], **_value(p.value, 100 if p.unit is PaceUnit.THRESHOLD
                                                   else 1)}


def step_doc(step: Step, seconds: float | None) -> dict[str, Any]:
    """One step as intervals.icu stores it; ``seconds`` is its (estimated) duration."""
    out: dict[str, Any] = {}
    if step.label:
        out["text"] = html.escape(step.label, quote=False)
    if isinstance(step.amount, Distance):
        out["distance"] = step.amount.metres
    if seconds is not None:
        out["duration"] = seconds
    if step.power is not None:
        out["power"] = _power(step)
    if step.hr is not None:
        out["hr"] = _hr(step)
    if step.pace is not None:
        out["pace"] = _pace(step)
    if step.cadence is not None:
        out["cadence"] = {"units": "rpm", **_value(step.cadence.value)}
    for flag in ("ramp", "until_lap_press", "freeride", "maxeffort", "hidepower"):
        if getattr(step, flag):
            out[flag] = True
    if step.section is not None:
        out[step.section.value] = True
    if step.intensity is not None:
        out["intensity"] = step.intensity.value
    return out


def _duration(step: Step, estimate) -> float | None:
    if isinstance(step.amount, Duration):
        return step.amount.seconds
    return estimate(step) if estimate else None


def nodes_doc(nodes, estimate=None) -> list[dict[str, Any]]:
    """Top-level ``steps`` of the doc: blocks flattened, notes left out."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if isinstance(node, Step):
            out.append(step_doc(node, _duration(node, estimate)))
        elif isinstance(node, Block):
            out.extend(nodes_doc(node.children, estimate))
        elif isinstance(node, Repeat):
            inner = nodes_doc(node.children, estimate)
            text = node.text if getattr(node, "text", None) else (
                f"{node.title} {node.count}x" if node.title else f"{node.count}x")
            out.append({"reps": node.count, "text": text, "steps": inner,
                        "duration": node.count * sum(s.get("duration") or 0 for s in inner),
                        "distance": node.count * sum(s.get("distance") or 0 for s in inner)})
    return out


def workout_doc(workout: Workout, estimate=None) -> dict[str, Any]:
    """``{"steps", "duration", "distance"}`` as intervals.icu would store them."""
    steps = nodes_doc(workout.body, estimate)
    return {"steps": steps,
            "duration": sum(s.get("duration") or 0 for s in steps),
            "distance": sum(s.get("distance") or 0 for s in steps)}


STEP_FIELDS = ("text", "duration", "distance", "power", "hr", "pace", "cadence", "ramp",
               "warmup", "cooldown", "until_lap_press", "intensity", "freeride", "maxeffort",
               "hidepower")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) <= 0.5 + 1e-6 * abs(b)
    return a == b


def differences(planc: dict[str, Any], icu: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(where, field, planc's value, intervals.icu's value) for every field that differs."""
    out: list[tuple[str, str, Any, Any]] = []
    for field in ("duration", "distance"):
        if not _same(planc.get(field) or 0, icu.get(field) or 0):
            out.append(("workout", field, planc.get(field), icu.get(field)))
    _steps_differences("steps", planc["steps"], icu["steps"], out)
    return out


def _steps_differences(where: str, ours: list, theirs: list, out: list) -> None:
    if len(ours) != len(theirs):
        out.append((where, "count", len(ours), len(theirs)))
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        here = f"{where}[{i}]"
        if ("reps" in a) != ("reps" in b):
            out.append((here, "reps", a.get("reps"), b.get("reps")))
            continue
        if "reps" in b:
            for field in ("reps", "text", "duration"):
                if not _same(a.get(field), b.get(field)):
                    out.append((here, "repeat " + field, a.get(field), b.get(field)))
            _steps_differences(here + ".steps", a["steps"], b["steps"], out)
            continue
        for field in STEP_FIELDS:
            va, vb = a.get(field), b.get(field)
            if field == "distance" and not va and not vb:
                continue
            if not _same(va, vb):
                out.append((here, field, va, vb))

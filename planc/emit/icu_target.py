"""Registry adapter for intervals.icu text (UTF-8 bytes, LF line ends)."""

from __future__ import annotations

from planc.ast import Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit.icu import emit_icu_with_diagnostics


def emit(workout: Workout, athlete: Athlete, options) -> tuple[bytes, list[Diagnostic]]:
    text, diags = emit_icu_with_diagnostics(workout)
    return text.encode("utf-8"), diags

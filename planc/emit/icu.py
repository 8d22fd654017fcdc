"""The intervals.icu writer: lower the workout, then print it in the ``icu`` dialect.

Lowering (:func:`planc.lower.icu.lower_icu`) rewrites what intervals.icu
cannot read (nested repeats, cues, fractional seconds) and reports it; the
one printer (:func:`planc.syntax.printer.write`) writes the safe canonical
text.  For anything intervals.icu can express, ``parse(emit(w)) == w``, and
emitting is a fixed point.  The file is UTF-8 with LF line ends.
"""

from __future__ import annotations

from planc.ast import Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.lower import lower
from planc.lower.formats import EmitOptions
from planc.lower.icu import lower_icu
from planc.syntax.printer import write


def emit_icu_with_diagnostics(workout: Workout) -> tuple[str, list[Diagnostic]]:
    """The text and what had to be approximated (nesting, cues, fractional seconds)."""
    lowered = lower_icu(workout)
    assert lowered.workout is not None  # intervals.icu lowering has no errors
    return write(lowered.workout, "icu"), lowered.diagnostics


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[bytes,
                                                                            list[Diagnostic]]:
    """Registry entry point: lower, then print; no bytes when lowering failed (--strict)."""
    lowered = lower("icu", workout, athlete, options)
    if lowered.workout is None:
        return b"", lowered.diagnostics
    return write(lowered.workout, "icu").encode("utf-8"), lowered.diagnostics

"""Writers: one module per target format, each fed the workout its lowering produced.

:func:`emit` is the one way in: it finds the format's row in
:data:`planc.lower.formats.FORMATS` and imports that writer on first use (so
compiling to intervals.icu text never loads lxml).
"""

from __future__ import annotations

import importlib

from planc.ast import Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.lower.formats import FORMATS, EmitOptions


def emit(fmt: str, workout: Workout, athlete: Athlete | None = None,
         options: EmitOptions | None = None) -> tuple[bytes, list[Diagnostic]]:
    """The bytes of ``workout`` in format ``fmt``, and what lowering had to say."""
    spec = FORMATS[fmt]
    module = importlib.import_module(f"planc.emit.{spec.module}")
    return module.emit(workout, athlete or Athlete(), options or EmitOptions())

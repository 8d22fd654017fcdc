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
from planc.lower import settle
from planc.lower.formats import FORMATS, EmitOptions


def emit(fmt: str, workout: Workout, athlete: Athlete | None = None,
         options: EmitOptions | None = None) -> tuple[bytes, list[Diagnostic]]:
    """The bytes of ``workout`` in format ``fmt``, and what lowering had to say.

    No bytes when lowering failed: an error, or a warning under ``--strict``.
    The levels are applied again here (it changes nothing for a writer that
    lowers through :func:`planc.lower.lower`) so that the rule holds for every
    row, the picture and intervals.icu text included.
    """
    options = options or EmitOptions()
    module = _WRITERS.get(fmt) or _writer(fmt)
    data, diags = module.emit(workout, athlete or Athlete(), options)
    diags, failed = settle(fmt, diags, options)
    return (b"" if failed else data), diags


_WRITERS: dict = {}  # format -> its writer module, imported on first use


def _writer(fmt: str):
    module = _WRITERS[fmt] = importlib.import_module(f"planc.emit.{FORMATS[fmt].module}")
    return module

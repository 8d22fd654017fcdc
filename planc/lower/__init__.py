"""Lowering: rewrite a workout into what a target format can express.

One stage, one package: ``formats`` is the table of what each target can
express; ``common`` holds the rewrites several targets share (unrolling,
single-level repeats, time of a distance step, targets as text); ``text``
what character sets and length limits do to text; each target with needs of
its own has a module here (``icu``, ``zwo``, ``trainer`` for .mrc/.erg, ``fit``).
Writers (``planc.emit``) write what lowering left and never approximate.

:func:`lower` is the stage's entry: every rewrite preserves order, total time
and work, and is reported as a diagnostic at the source with its code; the
row's level for that code decides whether it is said (``ignore`` / ``warn`` /
``error``), and ``--strict`` makes every warning an error.  A workout with an
error has no lowered form, so no file is written for it.
"""

from __future__ import annotations

import importlib

from planc.ast import Workout, unrolled_steps
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.lower.common import Lowered, single_level
from planc.lower.formats import FORMATS, EmitOptions, Level

__all__ = ["Lowered", "lower", "settle", "single_level", "unrolled_steps"]


def lower(fmt: str, workout: Workout, athlete: Athlete | None = None,
          options: EmitOptions | None = None) -> Lowered:
    """``workout`` rewritten for ``fmt`` with what it cost, levels applied.

    The lowering module is imported on first use (as writers are), so a
    command that needs one format never loads the others.
    """
    options = options or EmitOptions()
    row = FORMATS[fmt]
    if row.lowering is None:
        raise ValueError(f"{fmt} has no lowering module")  # a caller bug, not user input
    module = _LOWERINGS.get(row.lowering) or _lowering(row.lowering)
    lowered = module.lower(fmt, workout, athlete or Athlete(), options)
    diags, failed = settle(fmt, lowered.diagnostics, options)
    return Lowered(None if failed else lowered.workout, diags)


_LOWERINGS: dict = {}  # lowering module name -> the module, imported on first use


def _lowering(name: str):
    module = _LOWERINGS[name] = importlib.import_module(f"planc.lower.{name}")
    return module


def settle(fmt: str, diags: list[Diagnostic], options: EmitOptions) -> tuple[
        list[Diagnostic], bool]:
    """Each warning at its level for ``fmt``; True when the result has an error.

    ``ignore`` drops the warning, ``error`` (or ``warn`` under ``--strict``)
    promotes it.  Applying it twice gives the same result, so the dispatcher
    (:func:`planc.emit.emit`) can apply it to formats whose writer does not
    lower through :func:`lower`.
    """
    levels, strict = FORMATS[fmt].levels, options.strict
    if not strict and (not levels or levels.keys().isdisjoint(d.code for d in diags)):
        return diags, any(d.is_error for d in diags)  # the common case: nothing to change
    out: list[Diagnostic] = []
    for d in diags:
        if not d.is_error:
            level = levels.get(d.code, Level.WARN)
            if level is Level.IGNORE:
                continue
            if level is Level.ERROR or strict:
                d = d.promoted()
        out.append(d)
    return out, any(d.is_error for d in out)

"""CompuTrainer course in % FTP (.mrc): lower for trainers, render ``templates/mrc.j2``.

An .mrc needs no FTP unless the workout has watt targets (they are turned
into % FTP); the rules are in planc.lower.trainer, the layout in
planc.emit.trainer.
"""

from __future__ import annotations

from planc.ast import Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit.trainer import render_course
from planc.lower import lower
from planc.lower.formats import EmitOptions


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    """Registry entry point: no bytes when lowering failed."""
    lowered = lower("mrc", workout, athlete, options)
    if lowered.workout is None:
        return b"", lowered.diagnostics
    return render_course(lowered.workout, "mrc"), lowered.diagnostics

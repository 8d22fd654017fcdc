"""CompuTrainer course in watts (.erg): lower for trainers, render ``templates/erg.j2``.

The header carries ``FTP = n``, the whole-watt FTP the watts were computed with (Golden
Cheetah rescales by it for another rider).  Anything not written in watts
needs that FTP; the rules are in planc.lower.trainer, the layout in
planc.emit.trainer.
"""

from __future__ import annotations

from planc.ast import Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit.trainer import render_course
from planc.lower import lower
from planc.lower.formats import EmitOptions
from planc.lower.trainer import course_ftp


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    """Registry entry point: no bytes when lowering failed."""
    lowered = lower("erg", workout, athlete, options)
    if lowered.workout is None:
        return b"", lowered.diagnostics
    ftp = course_ftp(athlete.for_sport(workout.sport), options.indoor)
    return render_course(lowered.workout, "erg", ftp), lowered.diagnostics

"""What ``planc build`` would stop at, found by ``planc check`` before anyone builds.

A plan can be well-formed and still not buildable: a session in watts needs an FTP
to become % FTP in a .zwo, a run at % threshold pace needs a threshold pace to
become a speed in a .fit.  Those errors come from lowering, so ``check`` lowers
each distinct workout once in every format ``build`` writes by default and keeps
the errors, located in the plan as ``build`` locates them.
"""

from __future__ import annotations

import os

from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit import emit
from planc.lower.formats import EmitOptions, formats_for, parse_formats
from planc.plan.load import PlanResult, read_plan
from planc.plan.model import Kind, Plan
from planc.plan.stats import threshold_warnings


def build_errors(plan: Plan, athlete: Athlete | None = None,
                 formats: list[str] | None = None) -> list[Diagnostic]:
    """The errors ``planc build`` (default formats, the plan's athlete unless
    ``athlete``) would report for ``plan``: each workout lowered once per format."""
    athlete = athlete if athlete is not None else plan.athlete
    formats = formats or parse_formats("all")
    seen: set[tuple[int, str, bool]] = set()
    out: list[Diagnostic] = []
    for s in plan.sessions:
        if s.kind is not Kind.WORKOUT or s.workout is None:
            continue
        for fmt in formats_for(s.workout.sport, formats):
            key = (id(s.workout), fmt, s.indoor)
            if key in seen:
                continue
            seen.add(key)
            _, diags = emit(fmt, s.workout, athlete,
                            EmitOptions(indoor=s.indoor, date=s.date.isoformat()))
            out.extend(s.locate(d) for d in diags if d.is_error)
    return out


def check_findings(result: PlanResult) -> list[Diagnostic]:
    """Everything ``planc check`` says of a read plan, in its order: the reading's
    diagnostics, then (a plan that read cleanly) the figures ``stats`` could not
    resolve and, unless a roster's athletes decide them, what ``build`` would stop
    at.  The command line, the language server and the MCP tool all report this
    list, so an editor or an assistant is told what a person is told."""
    plan = result.plan
    if plan is None or not result.ok:
        return list(result.diagnostics)
    found = list(result.diagnostics) + threshold_warnings(plan)
    if not plan.roster:
        found += build_errors(plan)
    return found


def check_plan(path: str | os.PathLike) -> list[Diagnostic]:
    """:func:`check_findings` of the plan (or library) file at ``path``."""
    return check_findings(read_plan(path))

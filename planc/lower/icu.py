"""Lowering for intervals.icu text: what it cannot say, rewritten and reported.

intervals.icu reads one level of repeats, no timed cues and whole seconds.
:func:`lower_icu` rewrites a workout into that form and says what each
rewrite cost, at the source:

* nested repeats -> one level (:func:`planc.lower.common.single_level`,
  ``lowered-nesting``; same steps, same order);
* cues -> left out (``cue-dropped``, one per cue);
* a fractional-second duration -> the nearest whole second
  (``rounded-duration``).

The result is what :func:`planc.syntax.printer.write` prints in its ``icu``
dialect; the printer itself never approximates.
"""

from __future__ import annotations

from planc.ast import Block, Duration, Node, Repeat, Step, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, warning
from planc.lower.common import Lowered, replaced, single_level
from planc.lower.formats import EmitOptions
from planc.syntax.printer import fmt_duration

TARGET = "intervals.icu"


def lower_icu(workout: Workout) -> Lowered:
    """The workout in intervals.icu's form: one level of repeats, no cues, whole seconds."""
    body, diags = single_level(workout.body, TARGET)
    lowered = tuple(_lower_node(node, diags) for node in body)
    return Lowered(replaced(workout, body=lowered), diags)


def _lower_node(node: Node, diags: list[Diagnostic]) -> Node:
    """Every step of a top-level node lowered, in text order (notes unchanged)."""
    if isinstance(node, Step):
        return _lower_step(node, diags)
    if isinstance(node, Repeat | Block):
        children = tuple(_lower_step(c, diags) if isinstance(c, Step) else c
                         for c in node.children)
        if all(new is old for new, old in zip(children, node.children, strict=True)):
            return node  # the usual case: nothing to rewrite, no copy
        return replaced(node, children=children)
    return node


def _lower_step(step: Step, diags: list[Diagnostic]) -> Step:
    """The step without its cues and with whole seconds, each change reported.

    A step that single_level wrote out several times is reported each time it
    is written, as the text holds it."""
    for cue in step.cues:
        diags.append(warning(
            "cue-dropped", f"{TARGET} has no timed cues; the cue '{cue.text}' is left out",
            cue.span, None))
    amount = step.amount
    if isinstance(amount, Duration) and amount.seconds != round(amount.seconds):
        diags.append(warning(
            "rounded-duration",
            f"{TARGET} takes whole seconds: {amount.seconds:g}s is written "
            f"as {fmt_duration(amount.seconds)}", step.span, None))
        amount = Duration(float(round(amount.seconds)), amount.span)
    if not step.cues and amount is step.amount:
        return step
    return replaced(step, cues=(), amount=amount)


def lower(fmt: str, workout: Workout, athlete: Athlete, options: EmitOptions) -> Lowered:
    """The stage's entry for this module (:func:`planc.lower.lower`): intervals.icu text
    needs no thresholds, so the athlete and options do not matter here."""
    return lower_icu(workout)

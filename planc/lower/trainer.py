"""Lowering for CompuTrainer course files (.mrc in % FTP, .erg in watts).

A course file is a power-over-time line and nothing else, so the lowered
workout (``Lowered.workout``) is in *trainer normal form*:

* the body is a flat tuple of ``Step`` nodes in riding order (repeats
  unrolled: the file has no repeats, and unrolling is exact, so it is not
  reported);
* every step has a ``Duration`` in seconds (fractions kept: the file's minutes
  carry them) and a ``PowerTarget`` in % FTP (.mrc) or watts (.erg) whose
  range is the value at the step's start and end (equal unless a ramp);
* cues (``Cue``) are offsets in seconds from the step start; the label, and
  whatever the file cannot carry, is a cue at offset 0;
* notes and the description are joined into ``description``.

Rules, each reported as a warning at the step (README repeats them):

* A range where one value fits is its middle (``range-midpoint``); ramps keep
  both ends as a sloped segment.
* A step without a power target still needs a power: it holds
  ``OPEN_FRACTION`` (50 % FTP, the common fallback for free riding in these
  files, formats.md §2.3).  There is no honest power for a heart-rate or pace
  target: converting through zones would invent a number, and an error would
  make a whole plan uncompilable for one easy spin.  So such a step keeps its
  time at 50 % FTP and its target is shown as a text cue at the step start
  (``no-power-target``); a step with no target at all is ``open-step``;
  ``freeride``/``maxeffort`` keep their power range if they have one, else
  50 % (``free-step``).  ``--strict`` makes any of these an error.
* Heart-rate, pace and cadence targets beside a power target are shown as the
  text cue (``target-as-text``).
* ``Press lap`` has no form: the step lasts its written time (``lap-press``).
* A distance step needs a time: from its pace (``distance-as-time``), else an
  error naming ``--threshold-pace`` or asking for a time.
* .erg needs an FTP for anything not in watts, .mrc for anything in watts
  (``missing-threshold``).  Only rides have a course-file form
  (``unsupported-sport``).
"""

from __future__ import annotations

from planc.ast import Cue, Duration, PowerTarget, PowerUnit, Range, Step, Workout, unrolled_steps
from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.diagnostics import Diagnostic, error, warning
from planc.lower.common import (
    Lowered,
    cadence_text,
    dedupe,
    describe_targets,
    description_parts,
    label_text,
    missing_threshold,
    start_cue,
    timed_step,
)
from planc.resolve.targets import MissingThreshold, power_fraction, power_watts
from planc.syntax.printer import fmt_duration, fmt_power
from planc.units import sport_family

OPEN_FRACTION = 0.5
_FORMATS = {"mrc": PowerUnit.FTP, "erg": PowerUnit.WATTS}


class _Lowerer:
    def __init__(self, fmt: str, thr: SportThresholds, indoor: bool):
        self.target = f".{fmt}"
        self.unit = _FORMATS[fmt]
        self.thr = thr
        self.indoor = indoor
        self.diags: list[Diagnostic] = []
        self.failed = False

    def _fail(self, d: Diagnostic) -> None:
        self.diags.append(d)
        self.failed = True

    def value_text(self, r: float) -> str:
        return f"{r * 100:.4g}% FTP" if self.unit is PowerUnit.FTP else f"{r:.4g} W"

    def range_text(self, r: Range) -> str:
        if self.unit is PowerUnit.FTP:
            return f"{r.low * 100:.4g}-{r.high * 100:.4g}% FTP"
        return f"{r.low:.4g}-{r.high:.4g} W"

    def power(self, step: Step) -> Range | None:
        """The step's power target in the file's unit."""
        p = step.power
        assert p is not None
        try:
            if self.unit is PowerUnit.FTP:
                return power_fraction(p, self.thr, self.indoor)
            return power_watts(p, self.thr, self.indoor)
        except MissingThreshold as exc:
            into = "% FTP" if self.unit is PowerUnit.FTP else "watts"
            self._fail(missing_threshold(self.target, exc.missing,
                                         f"to turn {fmt_power(p)} into {into}",
                                         p.span if p.span.line else step.span))
            return None

    def open_value(self, step: Step) -> float | None:
        if self.unit is PowerUnit.FTP:
            return OPEN_FRACTION
        ftp = ftp_for(self.thr, self.indoor)
        if not ftp:
            from planc.resolve.targets import Missing

            self._fail(missing_threshold(
                self.target, Missing("an FTP", "--ftp"),
                f"to hold {OPEN_FRACTION:.0%} FTP on a step without a power target",
                step.span))
            return None
        return OPEN_FRACTION * ftp

    def step(self, step: Step) -> Step | None:
        t = self.target
        d = self.diags
        timed = timed_step(step, self.thr, t, d)
        if timed is None:
            self.failed = True
            return None
        head = [label_text(step)]
        if step.power is not None:
            r = self.power(step)
            if r is None:
                return None
            if step.ramp and r.start != r.end:
                start, end = r.start, r.end
            else:
                start = end = r.mid
                if not r.is_single:
                    d.append(warning(
                        "range-midpoint",
                        f"a {t} step holds one value: {self.range_text(r)} is written as its "
                        f"middle, {self.value_text(start)}",
                        step.power.span if step.power.span.line else step.span, None))
            if step.freeride or step.maxeffort:
                word = "maxeffort" if step.maxeffort else "freeride"
                head.append("Max effort" if step.maxeffort else "Free ride")
                d.append(warning(
                    "free-step",
                    f"{t} has no free riding: the '{word}' step holds its target, "
                    f"{self.value_text(start)}"
                    f"{f' to {self.value_text(end)}' if start != end else ''}",
                    step.span, None))
            others = describe_targets(step, self.thr, omit="power", indoor=self.indoor)
            if others:
                head.append(others)
                d.append(warning(
                    "target-as-text",
                    f"{t} carries only power: '{others}' is shown as a text cue",
                    step.span, None))
        else:
            v = self.open_value(step)
            if v is None:
                return None
            start = end = v
            fallback = (f"{self.value_text(v)} (planc's fallback)" if self.unit is PowerUnit.FTP
                        else f"{self.value_text(v)} ({OPEN_FRACTION:.0%} FTP, planc's fallback)")
            if step.freeride or step.maxeffort:
                word = "maxeffort" if step.maxeffort else "freeride"
                head.append("Max effort (ERG off)" if step.maxeffort else "Free ride (ERG off)")
                d.append(warning(
                    "free-step",
                    f"{t} has no free riding: the '{word}' step holds {fallback} with a text "
                    "cue to switch ERG off", step.span, None))
            if step.hr is not None or step.pace is not None:
                text = describe_targets(step, self.thr, omit="power", indoor=self.indoor)
                head.append(text)
                d.append(warning(
                    "no-power-target",
                    f"{t} carries only power, and '{text}' has no honest power: the step "
                    f"holds {fallback} with its target as a text cue", step.span, None))
            elif not (step.freeride or step.maxeffort):
                d.append(warning(
                    "open-step",
                    f"{t} steps always hold a power: this step has no target, so it holds "
                    f"{fallback}", step.span, None))
        if step.cadence is not None:
            text = cadence_text(step)
            head.append(text)
            d.append(warning(
                "target-as-text",
                f"{t} has no cadence: '{text}' is shown as a text cue", step.cadence.span
                if step.cadence.span.line else step.span, None))
        if step.until_lap_press:
            d.append(warning(
                "lap-press",
                f"{t} has no lap button: the 'Press lap' step ends after its "
                f"{fmt_duration(timed.length)}", step.span, None))
        cues: list[Cue] = []
        text = start_cue(head)
        if text:
            cues.append(Cue(0.0, text))
        cues.extend(Cue(c.offset * timed.per_offset, c.text) for c in step.cues)
        return Step(Duration(timed.length), power=PowerTarget(self.unit, Range(start, end)),
                    ramp=start != end, cues=tuple(cues), span=step.span)


def lower_trainer(workout: Workout, athlete: Athlete | None, fmt: str,
                  indoor: bool = False) -> Lowered:
    """``workout`` in trainer normal form for ``fmt`` ("mrc" or "erg"), or None and the errors."""
    target = f".{fmt}"
    if sport_family(workout.sport) != "ride":
        return Lowered(None, [error(
            "unsupported-sport",
            f"{target} is an indoor-trainer (cycling) format; a {workout.sport} workout has no "
            f"{target} form", workout.span,
            "compile runs to zwo or fit, and other sports to fit or icu")])
    thr = (athlete or Athlete()).for_sport(workout.sport)
    lw = _Lowerer(fmt, thr, indoor)
    done: dict[int, Step | None] = {}
    body: list[Step] = []
    for step in unrolled_steps(workout.body):
        key = id(step)
        if key not in done:
            done[key] = lw.step(step)
        lowered = done[key]
        if lowered is not None:
            body.append(lowered)
    if lw.failed:
        return Lowered(None, dedupe([d for d in lw.diags if d.is_error]))
    if not body:
        return Lowered(None, [error("empty-workout", f"{target} needs at least one step",
                                    workout.span, "add a step such as '- 10m 60%'")])
    description = "\n\n".join(description_parts(workout)) or None
    lowered_workout = Workout(tuple(body), workout.sport, workout.name, description,
                              workout.tags, None, workout.span)
    return Lowered(lowered_workout, dedupe(lw.diags))

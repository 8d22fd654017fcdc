"""FIT lowering: rewrite a workout into what a FIT ``workout_step`` list can say.

The FIT emitter (:mod:`planc.emit.fit`) maps the result of :func:`lower_fit` one to
one onto ``workout_step`` messages; every approximation FIT forces happens here and
is reported as a warning at the source line it affects.  The rules:

* **Targets become FIT's units, with the athlete's thresholds.**  FIT has % FTP or
  watts for power, % max HR or bpm for heart rate, speed (mm/s) for pace, rpm for
  cadence.  What the author wrote is kept when FIT has it (a % FTP step stays % FTP,
  a watt step stays watts, % HR stays % max HR); the rest is resolved through
  :mod:`planc.resolve.targets`, the one place that turns targets into numbers:

  - power zones -> the % FTP band of the zone (athlete zones, else the defaults).
    FIT's own ``target_value = zone`` is not used: it means the *device's* zones,
    which need not match the intervals.icu zones the plan was written against;
  - % LTHR and HR zones -> bpm (needs ``--lthr`` or the athlete's HR zones);
    % max HR above 100 % -> bpm (FIT reads custom HR values above 100 as bpm+100);
  - % threshold pace and pace zones -> speed (needs ``--threshold-pace``).

  A missing threshold is a positioned error naming the flag that provides it
  (``missing-threshold``, once per flag).
* **Two targets per step.**  FIT has a primary and a secondary target.  The primary
  is the first of power, pace, heart rate the step has (cadence when it has none of
  them); the secondary is cadence when given, else the next of those.  Any further
  target goes into the step's notes as text (``target-as-text``).  The choice is made
  on the targets as written, so a target that is not written never needs a threshold.
* **Ramps are sliced** (FIT has no ramp primitive).  A ramp of T seconds becomes
  ``N = max(1, round(T / slice))`` equal steady steps (default slice
  :data:`DEFAULT_RAMP_SLICE_S` = 60 s, so whole-minute ramps get exact one-minute
  steps).  Each slice holds the average of the ramp over that slice, rounded to the
  file's resolution (1 % FTP, 1 W, 1 bpm, 1 % max HR, 1 mm/s) with the rounding
  error carried into the next slice, so total time is exact and the ramp's total
  work is exact to within half a unit over one slice.  A distance ramp is sliced by
  distance, into parts that take about one slice at the step's mean pace (or at a
  typical speed for the sport when it has no pace target).  Cues move into the
  slice they fall in.
* **Intensity** (the device's step class): a step with no target (and not a free
  ride or max effort) is *rest* when its ``intensity=`` is rest or recovery, or,
  without one, when its label or the words after it have "rest", "recover" or "recovery"
  (``- Rest 20s``, ``- 15s rest``): a watch then counts it as the pause between
  intervals, not as one.  Otherwise an explicit ``intensity=`` wins; else a step
  under a ``Warmup``/``Cooldown`` header is warmup/cooldown; else a step inside a
  repeat is *recovery* when its target is at most :data:`RECOVERY_MAX` (75 %) of
  threshold and at least :data:`RECOVERY_GAP` (15 points) easier than the hardest
  step of its innermost repeat (the easy half of an interval set); everything else
  is *active*.  A step with a target is never *rest*: devices treat rest as
  standing still (pool swims stop recording distance).
* **Press lap** is a lap-button step (FIT ``duration_type`` open): the watch moves on
  when lap is pressed, which is what intervals.icu's "End when lap button pressed"
  means.  The written length stays in the workout (totals, the intervals.icu text)
  and in the step's notes ("Press lap to move on (planned 2m)").  On a sliced ramp
  the slices keep their time and the last one waits for the press.
* **Free ride / max effort**: the power target is dropped (a Garmin head unit would
  otherwise put the trainer in ERG); a suggested range moves into the notes.
  ``hidepower`` cannot be expressed (the target stays visible); ``hr=3s/10s/30s``
  have no FIT target type (plain heart rate is written).
* **Prose** between steps has no place in FIT: it joins the workout description.
* **Nested repeats are kept nested.**  FIT encodes a repeat as a step pointing back
  at the first step of its body, which nests naturally; Garmin Connect builds nested
  repeats itself (a repeat dragged into a repeat: mgifos/quick-plan#38, where a
  converter added nesting for that reason), and both decoders planc tests against
  read them.  No evidence was found of a device refusing them, so nothing is
  unrolled (unrolling would multiply the step count and lose the structure).
* **Step limit**: Garmin devices and Garmin Connect take at most 50 steps (repeat
  steps and ramp slices count; formats.md §2.6), the row's ``device_steps``;
  ``--fit-max-steps N`` (``EmitOptions.fit_max_steps``, at most the 4096 FIT's
  ``message_index`` holds) sets another, else the athlete file's ``fit_max_steps``
  (the athlete's own device).  Steps are counted as the file holds
  them: after slicing, with repeats kept as repeat steps.  A workout over the limit
  has its ramps sliced more coarsely: the shortest slice length among
  :data:`COARSER_SLICES_S` that fits, but never fewer slices than keep every slice
  within the row's ``ramp_tolerance`` (5 % of threshold) of the ramp, so the
  device's target is never further than that from what the ramp says
  (``fit-step-limit``, at each ramp, with the file's step count).  A workout that
  needs more steps even then (its structure is too big) is an error
  (``too-many-steps``) at the first step past the limit: split it, or raise the
  limit for a device that takes more.

* **Text** is set on every step the lowering writes (:mod:`planc.lower.fit_text`):
  step names cut for the screen, notes, byte limits.

The lowered workout uses only what FIT can say: no ramps, no blocks, no notes in the
body; power in % FTP or watts, heart rate in % max or bpm, pace as speed; every step
carries its intensity, its name as ``label`` and its notes as ``trailing``.  The facts
about FIT (no ramps, two targets, the step and text limits) are its row in
:data:`planc.lower.formats.FORMATS`.  Its step list, with repeats re-expanded, is exactly what a
device runs, which is what the tests compare decoded files against.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any, Final

from planc.ast import (
    Block,
    Cue,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    Node,
    Note,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Span,
    Step,
    Workout,
)
from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.diagnostics import Diagnostic, error, warning
from planc.limits import POWER_FRACTION
from planc.lower.common import (
    Lowered,
    copies,
    dedupe,
    describe_targets,
    missing_threshold,
    replaced,
)
from planc.lower.fit_text import FORMAT, TARGET, FitTexts, fmt_metres, fmt_seconds
from planc.lower.formats import EmitOptions
from planc.resolve.targets import (
    MissingThreshold,
    hr_bpm,
    hr_fraction_lthr,
    pace_fraction,
    pace_speed,
    power_fraction,
)
from planc.units import NOMINAL_SPEED as TYPICAL_SPEED
from planc.units import sport_family

__all__ = [
    "DEFAULT_RAMP_SLICE_S",
    "MAX_FTP_FRACTION",
    "RECOVERY_GAP",
    "RECOVERY_MAX",
    "TYPICAL_SPEED",
    "fit_message_count",
    "lower",
    "lower_fit",
]

DEFAULT_RAMP_SLICE_S: Final = 60.0
"""Default ramp slice, seconds.  Sixty seconds keeps a 15-minute warm-up to 15 steps
(devices beep at every step change) while following the ramp closely enough for ERG;
formats.md §3.4 suggests 30-60 s.  Callers may pass another value (``ramp_slice_s``)."""

RECOVERY_MAX: Final = 0.75
"""A repeat step at or below this fraction of threshold may be the easy half (recovery)."""

RECOVERY_GAP: Final = 0.15
"""... when the hardest step of its repeat is at least this much harder."""

MAX_FTP_FRACTION: Final = POWER_FRACTION.high
"""FIT custom power 0-1000 means % FTP; above that it means watts + 1000 (the same
ceiling planc.check holds a workout to: planc.limits.POWER_FRACTION)."""

# Resolution of each FIT unit, in the AST's unit (fraction of FTP, W, fraction of max
# HR, bpm, m/s): ramp slices are rounded to these.
_QUANTUM: Final = {
    PowerUnit.FTP: 0.01,
    PowerUnit.WATTS: 1.0,
    HrUnit.MAX: 0.01,
    HrUnit.BPM: 1.0,
    PaceUnit.SPEED: 0.001,
}

_SECTION_INTENSITY: Final = {Section.WARMUP: Intensity.WARMUP, Section.COOLDOWN: Intensity.COOLDOWN}
_HR_WINDOWS_WITHOUT_FIT_TYPE: Final = frozenset({"3s", "10s", "30s"})

MAX_STEPS: Final = FORMAT.max_steps or 0
DEVICE_STEPS: Final = FORMAT.device_steps or MAX_STEPS
RAMP_TOLERANCE: Final = FORMAT.ramp_tolerance or 0.05
TARGETS_PER_STEP: Final = FORMAT.targets_per_step or 2
COARSER_SLICES_S: Final = (90.0, 120.0, 180.0, 240.0, 300.0, 450.0, 600.0, 900.0, 1200.0,
                           1800.0, 3600.0, math.inf)
"""Slice lengths tried, in order, when a workout has more steps than the device takes."""
_REST_WORDS: Final = re.compile(r"\b(?:rest|recover|recovery)\b", re.IGNORECASE)


# --------------------------------------------------------------------------- helpers


def _fmt_amount(step: Step) -> str:
    a = step.amount
    return fmt_seconds(a.seconds) if isinstance(a, Duration) else fmt_metres(a.metres)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def fit_message_count(nodes: tuple[Node, ...]) -> int:
    """``workout_step`` messages a lowered body needs: one per step and per repeat."""
    total = 0
    for node in nodes:
        if isinstance(node, Step):
            total += 1
        elif isinstance(node, Repeat):
            total += 1 + fit_message_count(node.children)
        elif isinstance(node, Block):
            total += fit_message_count(node.children)
    return total


def _messages(nodes: tuple[Node, ...]) -> Iterator[Step | Repeat]:
    """Lowered nodes in FIT message order: a repeat's step comes after its body."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat):
            yield from _messages(node.children)
            yield node


def _fraction(step: Step, thr: SportThresholds, indoor: bool) -> float | None:
    """The step's intensity as a fraction of threshold (power > pace > HR), or None."""
    if step.power is not None:
        try:
            return power_fraction(step.power, thr, indoor).mid
        except MissingThreshold:
            pass
    if step.pace is not None:
        try:
            return pace_fraction(step.pace, thr).mid
        except MissingThreshold:
            pass
    if step.hr is not None:
        try:
            return hr_fraction_lthr(step.hr, thr).mid
        except MissingThreshold:
            pass
    return None


def _steps_under(nodes: tuple[Node, ...]) -> Iterator[Step]:
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat | Block):
            yield from _steps_under(node.children)


def _partition(total: int, parts: int) -> list[int]:
    """``total`` integer units split into ``parts`` near-equal integers (larger first)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _diffused(averages: list[float], weights: list[int], quantum: float) -> list[float]:
    """Round each slice to ``quantum``, carrying the rounding error into the next slice.

    The weighted sum of the result stays within ``quantum / 2`` times the last weight
    of the exact weighted sum, so a ramp's work survives rounding to whole units.
    """
    out: list[float] = []
    exact = 0.0
    written = 0.0
    for avg, weight in zip(averages, weights, strict=True):
        exact += avg * weight
        units = max(0, _round_half_up((exact - written) / (weight * quantum)))
        value = units * quantum
        out.append(round(value, 6))
        written += value * weight
    return out


# --------------------------------------------------------------------------- lowering


class _Lowerer:
    def __init__(self, workout: Workout, athlete: Athlete, indoor: bool, slice_s: float,
                 coarse: bool = False, budget: int = MAX_STEPS):
        self.workout = workout
        self.family = sport_family(workout.sport)
        self.thr = athlete.for_sport(workout.sport)
        self.indoor = indoor
        self.slice_s = slice_s
        self.coarse = coarse  # slicing to fit the step limit: keep the ramp tolerance
        self.ramps: list[tuple[Span, int]] = []  # each sliced ramp, with its slice count
        # Slices are made only while the ramps' slices so far fit the step limit: past it
        # the file cannot be written at this slice length, and 999 km ramps would
        # otherwise make millions of steps before the limit is checked (hostile input).
        self.budget = budget
        self.planned = 0  # slices every ramp so far needs at this slice length
        self.over = False  # a ramp was not sliced: planned passed the budget
        self.diags: list[Diagnostic] = []
        self.texts = FitTexts(self.diags)
        self.prose: list[str] = []
        self.seen_step = False
        self.fractions: dict[int, float | None] = {}  # id(step) -> fraction (see fraction)

    # ------------------------------------------------------------------ tree

    def nodes(self, nodes: tuple[Node, ...], hardest: float | None) -> list[Node]:
        out: list[Node] = []
        for node in nodes:
            if isinstance(node, Step):
                self.seen_step = True
                out.extend(self.step(node, hardest))
            elif isinstance(node, Repeat):
                fractions = [f for s in _steps_under(node.children)
                             if (f := self.fraction(s)) is not None]
                inner = self.nodes(node.children, max(fractions) if fractions else None)
                if inner:  # a repeat of nothing (only prose) has no FIT form
                    out.append(Repeat(node.count, tuple(inner), self.texts.repeat_name(node),
                                      node.span))
            elif isinstance(node, Block):
                out.extend(self.nodes(node.children, hardest))
            elif isinstance(node, Note):
                self.note(node)
        return out

    def note(self, node: Note) -> None:
        self.prose.append(node.text)
        if self.seen_step:
            self.diags.append(warning(
                "prose-moved",
                f"{TARGET} has no text between steps: this note moves to the workout "
                "description",
                node.span,
                "put notes that belong to a step in a cue ('> text') under it",
            ))

    # ------------------------------------------------------------------ steps

    def fraction(self, step: Step) -> float | None:
        """:func:`_fraction` of the step, worked out once per lowering (a step inside a
        repeat is asked for by each repeat around it, then for its own intensity)."""
        key = id(step)  # the workout, which holds the step, outlives the lowering
        if key not in self.fractions:
            self.fractions[key] = _fraction(step, self.thr, self.indoor)
        return self.fractions[key]

    def intensity(self, step: Step, hardest: float | None) -> Intensity:
        if _says_rest(step):
            return Intensity.REST
        if step.intensity is not None:
            return step.intensity
        if step.section is not None:
            return _SECTION_INTENSITY[step.section]
        if hardest is not None:
            mine = self.fraction(step)
            if mine is not None and mine <= RECOVERY_MAX + 1e-9 \
                    and hardest - mine >= RECOVERY_GAP - 1e-9:
                return Intensity.RECOVERY
        return Intensity.ACTIVE

    def step(self, step: Step, hardest: float | None) -> list[Step]:
        changes = self.choose_targets(step)
        if not self.resolve(step, changes):
            return []
        changes["intensity"] = self.intensity(step, hardest)
        ramping = [
            name for name in ("power", "hr", "pace")
            if (t := changes[name]) is not None and not t.value.is_single
        ] if step.ramp and not FORMAT.ramps else []
        if step.hidepower:
            self.diags.append(warning(
                "hidepower-ignored",
                f"{TARGET} cannot hide a target: 'hidepower' is ignored and the device shows it",
                step.span,
                None,
            ))
        if step.hr_window in _HR_WINDOWS_WITHOUT_FIT_TYPE and changes["hr"] is not None:
            self.diags.append(warning(
                "hr-window",
                f"{TARGET} has no {step.hr_window} heart-rate target: plain heart rate is "
                "written (the device's own smoothing applies)",
                step.span,
                None,
            ))
        if not ramping:
            self.cue_warnings(step.cues, ())
            changes.update(self.texts.step_fields(step, changes["trailing"], step.cues))
            return [replaced(step, ramp=False, **changes)]
        return self.slice(step, replaced(step, **changes), ramping)

    # ------------------------------------------------------------------ targets

    def resolve(self, step: Step, changes: dict[str, Any]) -> bool:
        """Turn the chosen targets into FIT's units; False after reporting an error."""
        ok = True
        power, hr, pace = changes["power"], changes["hr"], changes["pace"]
        if power is not None and power.unit is PowerUnit.ZONE:
            power = PowerTarget(PowerUnit.FTP, power_fraction(power, self.thr), power.span)
        if power is not None and power.unit is PowerUnit.FTP \
                and power.value.high > MAX_FTP_FRACTION:
            self.diags.append(error(
                "target-range",
                f"{TARGET} power targets stop at {MAX_FTP_FRACTION * 100:g}% of FTP "
                f"(this one is {power.value.high * 100:g}%)",
                power.span,
                "write the target in watts",
            ))
            ok = False
        if hr is not None and (hr.unit in (HrUnit.LTHR, HrUnit.ZONE)
                               or (hr.unit is HrUnit.MAX and hr.value.high > 1.0)):
            purpose = {
                HrUnit.LTHR: "to turn % LTHR into bpm",
                HrUnit.ZONE: "to turn heart-rate zones into bpm",
                HrUnit.MAX: "to turn more than 100% of max HR into bpm",
            }[hr.unit]
            try:
                hr = HrTarget(HrUnit.BPM, hr_bpm(hr, self.thr), hr.span)
            except MissingThreshold as exc:
                self.diags.append(missing_threshold(TARGET, exc.missing, purpose,
                                                    _span(hr, step)))
                ok = False
        if pace is not None and pace.unit is not PaceUnit.SPEED:
            purpose = ("to turn pace zones into speed" if pace.unit is PaceUnit.ZONE
                       else "to turn % threshold pace into speed")
            try:
                pace = PaceTarget(PaceUnit.SPEED, pace_speed(pace, self.thr), None, True,
                                  pace.span)
            except MissingThreshold as exc:
                self.diags.append(missing_threshold(TARGET, exc.missing, purpose,
                                                    _span(pace, step)))
                ok = False
        changes.update(power=power, hr=hr, pace=pace)
        return ok

    def describe(self, step: Step, **only: object) -> str:
        """A target as the athlete wrote it, with numbers (planc.lower.common)."""
        bare = Step(step.amount, power=None, hr=None, pace=None, span=step.span)
        return describe_targets(dataclasses.replace(bare, **only), self.thr,
                                indoor=self.indoor)

    def choose_targets(self, step: Step) -> dict[str, Any]:
        """At most two targets: primary (power > pace > HR), secondary (cadence first).

        Decided on the targets as written, before resolution, so a target that is not
        written (and its missing threshold) never stops the compile.
        """
        power = step.power
        free = power is not None and (step.freeride or step.maxeffort)
        held = (power is not None) + (step.pace is not None) + (step.hr is not None)
        if not free and held <= TARGETS_PER_STEP - (step.cadence is not None):
            # the common case: every target written has its place, nothing goes to notes
            return {"power": power, "pace": step.pace, "hr": step.hr,
                    "trailing": step.trailing or None}
        notes = [step.trailing] if step.trailing else []
        if free:
            word = "maxeffort" if step.maxeffort else "freeride"
            text = self.describe(step, power=power)
            notes.append(f"suggested {text}")
            self.diags.append(warning(
                "free-step",
                f"{TARGET} has no free riding with a target (a head unit would hold the "
                f"trainer at it): the '{word}' step has no target and '{text}' goes into "
                "its notes",
                _span(power, step),
                None,
            ))
            power = None
        written = [("power", power), ("pace", step.pace), ("hr", step.hr)]
        main = [(name, t) for name, t in written if t is not None]
        # cadence, when written, takes the secondary place
        keep = {name for name, _ in main[:max(1, TARGETS_PER_STEP - (step.cadence is not None))]}
        for name, target in main:
            if name in keep:
                continue
            text = self.describe(step, **{name: target})
            notes.append(f"also {text}")
            kept = [n for n, _ in main if n in keep] + (["cadence"] if step.cadence else [])
            self.diags.append(warning(
                "target-as-text",
                f"{TARGET} steps hold {_COUNT[TARGETS_PER_STEP]} targets "
                f"({' and '.join(_KIND[k] for k in kept)} "
                f"here): '{text}' goes into the step's notes",
                _span(target, step),
                None,
            ))
        return {
            "power": power if "power" in keep else None,
            "pace": step.pace if "pace" in keep else None,
            "hr": step.hr if "hr" in keep else None,
            "trailing": "; ".join(notes) or None,
        }

    # ------------------------------------------------------------------ ramps

    def slice_count(self, step: Step, ramping: list[str]) -> int:
        amount = step.amount
        if isinstance(amount, Duration):
            seconds = amount.seconds
        else:
            speed = step.pace.value.mid if step.pace is not None else TYPICAL_SPEED[self.family]
            seconds = amount.metres / speed
        count = max(1, _round_half_up(seconds / self.slice_s))
        if self.coarse:  # never coarser than the tolerance, never finer than the default
            default = max(1, _round_half_up(seconds / DEFAULT_RAMP_SLICE_S))
            count = min(default, max(count, self.tolerated_count(step, ramping)))
        return count

    def tolerated_count(self, step: Step, ramping: list[str]) -> int:
        """The fewest slices that keep each within RAMP_TOLERANCE of the ramp: a slice at
        its average is off by half its change at its two ends."""
        return max(math.ceil(abs(t.value.end - t.value.start)
                             / (2 * self.tolerance(t)) - 1e-9)
                   for t in (getattr(step, name) for name in ramping))

    def tolerance(self, t: PowerTarget | HrTarget | PaceTarget) -> float:
        """RAMP_TOLERANCE of threshold, in the target's (lowered) unit."""
        thr = self.thr
        if isinstance(t, PowerTarget):
            ftp = ftp_for(thr, self.indoor)
            return RAMP_TOLERANCE * (ftp or 250.0) if t.unit is PowerUnit.WATTS \
                else RAMP_TOLERANCE
        if isinstance(t, HrTarget):
            return RAMP_TOLERANCE * (thr.lthr or thr.max_hr or 170.0) \
                if t.unit is HrUnit.BPM else RAMP_TOLERANCE
        return RAMP_TOLERANCE * (thr.threshold_pace or t.value.mid)

    def steady(self, step: Step, ramping: list[str]) -> Step:
        """The ramp as one steady step at its midpoint."""
        mids = {n: getattr(step, n).value.mid for n in ramping}
        return replaced(step, ramp=False, **{
            n: replaced(getattr(step, n), value=Range(v, v))
            for n, v in mids.items()}, **self.texts.step_fields(step, step.trailing, step.cues))

    def slice(self, source: Step, step: Step, ramping: list[str]) -> list[Step]:
        amount = step.amount
        is_time = isinstance(amount, Duration)
        total = _round_half_up(amount.seconds * 1000) if is_time \
            else _round_half_up(amount.metres * 100)
        if total == 0:  # nothing to slice: a zero-length step at the ramp's midpoint
            return [self.steady(step, ramping)]
        count = max(1, min(self.slice_count(step, ramping), total))
        self.ramps.append((source.span, count))
        self.planned += count
        if self.planned > self.budget:  # cannot fit: count it, do not make it
            self.over = True
            return [self.steady(step, ramping)]
        parts = _partition(total, count)
        edges = [0]
        for p in parts:
            edges.append(edges[-1] + p)
        values: dict[str, list[float]] = {}
        for name in ramping:
            target = getattr(step, name)
            a, b = target.value.start, target.value.end
            averages = [a + (b - a) * (lo + hi) / 2 / total for lo, hi in pairwise(edges)]
            values[name] = _diffused(averages, parts, _QUANTUM[target.unit])
        scale = 1000 if is_time else 100
        out: list[Step] = []
        cues_by_slice: list[list[Cue]] = [[] for _ in parts]
        exact: list[Cue] = []
        for cue in step.cues:
            pos = cue.offset * scale
            i = max(j for j in range(count) if edges[j] <= pos + 1e-6)
            start = edges[i] / scale
            cues_by_slice[i].append(Cue(cue.offset - start, cue.text, cue.span))
            if abs(cue.offset - start) < 1e-6:
                exact.append(cue)
        # each slice a copy of the step, and of each ramping target, made by one maker each
        make = copies(step, "amount", "ramp", "label", "trailing", "cues", "until_lap_press",
                      *ramping)
        targets = [(copies(getattr(step, name), "value"), values[name]) for name in ramping]
        plain: dict[str, object] | None = None  # the texts of a slice without cues or press
        lengths: dict[int, Duration | Distance] = {}  # slices of one length share it
        for i, part in enumerate(parts):
            piece = lengths.get(part)
            if piece is None:
                piece = lengths[part] = (Duration(part / 1000, amount.span) if is_time
                                         else Distance(part / 100, amount.unit, amount.span))
            pressed = step.until_lap_press and i == count - 1  # the last slice waits
            if cues_by_slice[i] or pressed or plain is None:
                # (the texts of a plain slice do not depend on its length: computed once,
                # and what they warn about would be said again only to be deduplicated)
                texts = self.texts.step_fields(step, step.trailing, tuple(cues_by_slice[i]),
                                               amount=piece, pressed=pressed)
                if not (cues_by_slice[i] or pressed):
                    plain = texts
            else:
                texts = plain
            out.append(make(piece, False, texts["label"], texts["trailing"], texts["cues"],
                            pressed, *[target(Range(v[i], v[i])) for target, v in targets]))
        kinds = " and ".join(_KIND[n] for n in ramping)
        if count == 1:
            shape = "one steady step at its average"
        elif is_time:
            shape = f"{count} steady steps of {fmt_seconds(parts[0] / 1000)}"
        else:
            shape = f"{count} steady steps of {fmt_metres(parts[0] / 100)}"
        self.diags.append(warning(
            "ramp-sliced",
            f"{TARGET} has no ramps: this {_fmt_amount(source)} {kinds} ramp becomes {shape}, "
            "each at the ramp's average over it (same time and work)",
            source.span,
            None,
        ))
        self.cue_warnings(step.cues, tuple(exact))
        return out

    def cue_warnings(self, cues: tuple[Cue, ...], on_time: tuple[Cue, ...]) -> None:
        """Warn for each cue whose timing FIT loses (one at its step's start keeps it)."""
        for cue in cues:
            if cue.offset == 0 or cue in on_time:
                continue
            self.diags.append(warning(
                "cue-untimed",
                f"{TARGET} has no timed text: this cue goes into the step's notes, shown "
                "from the start of the step",
                cue.span,
                None,
            ))


_COUNT: Final = {1: "one", 2: "two", 3: "three"}
_KIND: Final = {"power": "power", "hr": "heart rate", "pace": "pace", "cadence": "cadence"}


def _span(target: object, step: Step) -> Span:
    """The target's own span when it has one, else the step's."""
    span = getattr(target, "span", None)
    return span if isinstance(span, Span) and span.line else step.span


def _says_rest(step: Step) -> bool:
    """No target, and the intensity or the label says rest (module doc, Intensity)."""
    if step.has_target or step.freeride or step.maxeffort:
        return False
    if step.intensity is not None:
        return step.intensity in (Intensity.REST, Intensity.RECOVERY)
    words = " ".join(t for t in (step.label, step.trailing) if t)
    return bool(_REST_WORDS.search(words))


def _span_of_message(nodes: tuple[Node, ...], limit: int) -> Span | None:
    """Span of the message at index ``limit`` (the first that does not fit)."""
    for i, node in enumerate(_messages(nodes)):
        if i == limit:
            return node.span
    return None


def lower(fmt: str, workout: Workout, athlete: Athlete, options: EmitOptions) -> Lowered:
    """The stage's entry for this module (:func:`planc.lower.lower`)."""
    # --fit-max-steps, else the athlete's device (athlete file fit_max_steps), else 50
    return lower_fit(workout, athlete, indoor=options.indoor,
                     max_steps=options.fit_max_steps or athlete.fit_max_steps)


def lower_fit(
    workout: Workout,
    athlete: Athlete | None = None,
    *,
    indoor: bool = False,
    ramp_slice_s: float = DEFAULT_RAMP_SLICE_S,
    max_steps: int | None = None,
) -> Lowered:
    """Lower ``workout`` for a FIT file (rules in the module docstring).

    ``max_steps`` is the device's step limit (None: the row's ``device_steps``, 50).
    Returns the lowered workout and every warning, or ``workout=None`` with the errors
    (missing thresholds, values FIT cannot hold, no steps, too many steps).  Raises
    ``ValueError`` only for a non-positive ``ramp_slice_s`` or a ``max_steps`` outside
    1..4096, caller bugs.  Levels are not applied here: :func:`planc.lower.lower`
    applies them.
    """
    if not (isinstance(ramp_slice_s, int | float) and math.isfinite(ramp_slice_s)
            and ramp_slice_s > 0):
        raise ValueError(f"ramp_slice_s must be a positive number of seconds, got {ramp_slice_s!r}")
    limit = DEVICE_STEPS if max_steps is None else max_steps
    if not 1 <= limit <= MAX_STEPS:
        raise ValueError(f"max_steps must be 1..{MAX_STEPS}, got {limit!r}")
    athlete = athlete or Athlete()
    low = _Lowerer(workout, athlete, indoor, float(ramp_slice_s), budget=limit)
    body = tuple(low.nodes(workout.body, None))
    if any(d.is_error for d in low.diags):
        return Lowered(None, dedupe(low.diags))
    count = _needed(low, body)
    if count > limit and low.ramps:
        low, body, count = _coarser(workout, athlete, indoor, limit, low)
    diags = dedupe(low.diags)
    if count == 0:
        diags.append(error(
            "empty-workout", f"{TARGET} needs at least one step", workout.span,
            "steps start with '-', e.g. '- 10m 60%'",
        ))
        return Lowered(None, diags)
    if count > limit:
        diags.append(_too_many(workout, body, count, limit, bool(low.ramps), over=low.over))
        return Lowered(None, diags)
    description = "\n\n".join(t for t in (workout.description, *low.prose) if t) or None
    said = len(low.diags)
    lowered = low.texts.workout(workout, body, description)  # may add text-truncated
    return Lowered(lowered, dedupe([*diags, *low.diags[said:]]))


def _needed(low: _Lowerer, body: tuple[Node, ...]) -> int:
    """FIT steps the workout needs at ``low``'s slice length: counted in ``body``, or,
    when ramps were left unsliced for passing the budget, at least one more than it."""
    count = fit_message_count(body)
    return max(count, low.budget + 1) if low.over else count


def _coarser(workout: Workout, athlete: Athlete, indoor: bool, limit: int,
             first: _Lowerer) -> tuple[_Lowerer, tuple[Node, ...], int]:
    """The workout lowered again with the shortest slices among COARSER_SLICES_S that
    fit ``limit`` (the coarsest the tolerance allows when none does), each ramp that
    lost slices warned about."""
    for slice_s in COARSER_SLICES_S:
        low = _Lowerer(workout, athlete, indoor, slice_s, coarse=True, budget=limit)
        body = tuple(low.nodes(workout.body, None))
        count = _needed(low, body)
        if count <= limit:
            break
    if count <= limit:
        for (span, before), (_, after) in zip(first.ramps, low.ramps, strict=True):
            if after < before:
                low.diags.append(warning(
                    "fit-step-limit",
                    f"FIT devices take at most {limit} steps (Garmin's limit; --fit-max-steps "
                    f"sets another): this ramp is sliced into {after} steps instead of "
                    f"{before}, each within {RAMP_TOLERANCE:.0%} of the ramp, and the file "
                    f"has {count} steps", span, None))
    return low, body, count


def _too_many(workout: Workout, body: tuple[Node, ...], count: int, limit: int,
              ramps: bool, over: bool = False) -> Diagnostic:
    """``over``: the ramps were counted, not sliced, so the count is 'more than limit'."""
    how = (f" even with its ramps sliced as coarsely as the {RAMP_TOLERANCE:.0%} tolerance "
           "allows" if ramps else "")
    count_text = f"more than {limit}" if over else str(count)
    return error(
        "too-many-steps",
        f"the {TARGET} file would need {count_text} steps{how} (repeat steps and ramp slices "
        f"included); devices take {limit}, and this is where the limit is passed",
        _span_of_message(body, limit) or workout.span,
        "split the workout in two, use more repeats, or for a device that takes more "
        f"steps raise the limit with --fit-max-steps or the athlete file's fit_max_steps "
        f"(at most {MAX_STEPS})",
    )

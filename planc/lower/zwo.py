"""Lowering for Zwift .zwo: blocks of whole seconds at one power, ramps, IntervalsT.

The lowered workout (``Lowered.workout``) is in *ZWO normal form*, so the
emitter only has to name and print blocks:

* the body is a flat tuple of ``Step`` and ``Repeat`` nodes (no blocks, no notes;
  notes and the description are joined into ``description``);
* a ``Repeat`` is an IntervalsT: exactly two steady steps;
* every step has a whole-number ``Duration`` (seconds), or, for a run counted
  in distance, a whole-number ``Distance`` (metres);
* a steady step has one value, a ramp (``ramp=True``) its start and end (and
  ``section`` WARMUP / COOLDOWN when it is the opening rising / closing falling
  ramp, which Zwift shows as Warmup / Cooldown); the
  value is a fraction of FTP (``PowerTarget(FTP)``) on rides and a fraction of
  threshold speed (``PaceTarget(THRESHOLD)``) on runs; ``freeride`` /
  ``maxeffort`` steps have no target;
* cues (``Cue``) have whole-number offsets from the step start; labels and
  targets the file cannot carry are cues at offset 0.

Rules, each reported as a warning at the step or repeat (README repeats them):

* Only a repeat of exactly two steady steps is an IntervalsT; any other repeat
  (nested, one step, three steps, a ramp or free step inside) is written out
  in full (``unrolled-repeat``).  Inner repeats that fit stay IntervalsT.
* A range where one value fits (a steady block, a zone) is written as its
  middle (``range-midpoint``); the middle keeps the work.
* Rides carry power, runs carry pace: ``Power`` on a run is a fraction of the
  reference pace speed, and planc writes ``pace="2"`` (10 km): planc's
  threshold pace is about one-hour race pace, and for most runners the 10 km
  is the race closest to an hour (formats.md §1.6).  A target the sport's
  file cannot carry (heart rate; power on a run; pace on a ride) makes the
  step a FreeRide whose target is a text cue (``target-as-text``); with a
  carried target, the others only become the cue.
* ``freeride`` / ``maxeffort`` are FreeRide / MaxEffort blocks (no target).
  Zwift runs a MaxEffort block as written, but Golden Cheetah and zwo-editor drop
  it, so every later block starts early (formats.md §2.6); ``--zwo-max-effort
  free-ride`` (``EmitOptions.zwo_max_effort_as_free_ride``) writes it as a FreeRide
  with a 'Max effort' cue, which every reader keeps.
* A step with no target is a FreeRide (exact, no warning).
* ``Press lap`` has no Zwift form: the step lasts its written time (``lap-press``).
* A distance step needs a time (``distance-as-time``, or an error without a
  pace to convert with), except in a run made only of distance steps: that is
  written with ``durationType`` distance and keeps its metres.
* Zwift takes whole seconds (and metres): fractional lengths are rounded with
  the remainder carried to the next block, so the total stays within half a
  second of the source (``rounded-duration``).  An IntervalsT whose rounded
  steps would drift further is written out in full instead.
* Watts need an FTP (``missing-threshold``); absolute paces need a threshold
  pace.  Swims and other sports have no .zwo form (``unsupported-sport``).
"""

from __future__ import annotations

import math

from planc.ast import (
    Block,
    CadenceTarget,
    Cue,
    Distance,
    Duration,
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
    _Frozen,
    _frozen,
    _set,
    iter_steps,
)
from planc.athlete import Athlete, SportThresholds
from planc.diagnostics import Diagnostic, error, warning
from planc.lower.common import (
    Lowered,
    Timed,
    cadence_text,
    dedupe,
    describe_targets,
    description_sources,
    header_span,
    label_text,
    missing_threshold,
    replaced,
    said_once,
    start_cue,
    timed_step,
)
from planc.lower.formats import FORMATS, DistanceSteps, EmitOptions
from planc.lower.text import changed, in_charset, transliterated
from planc.resolve.targets import MissingThreshold, pace_fraction, power_fraction
from planc.syntax.printer import fmt_duration, fmt_pace, fmt_power

FORMAT = FORMATS["zwo"]
TARGET = FORMAT.extension
RUN_PACE_INDEX = 2  # Zwift's reference paces: 0 mile, 1 5 km, 2 10 km, 3 half, 4 marathon
_EPS = 1e-6


@_frozen
class _Piece(_Frozen):
    """One source step, lowered but not yet rounded to whole seconds."""

    source: Step
    length: float  # seconds, or metres when the workout counts distance
    kind: str  # steady | ramp | free | max
    start: float  # fraction (0 for free/max)
    end: float
    cadence: CadenceTarget | None
    cues: tuple[tuple[float, str], ...]  # (offset in length units, text)

    def __init__(self, source: Step, length: float, kind: str, start: float, end: float,
                 cadence: CadenceTarget | None, cues: tuple[tuple[float, str], ...]) -> None:
        _set(self, "source", source)
        _set(self, "length", length)
        _set(self, "kind", kind)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "cadence", cadence)
        _set(self, "cues", cues)


def _rnd(x: float) -> int:
    """Round half up (Python's round() is banker's rounding; this is easier to explain)."""
    return math.floor(x + 0.5)


def _pct(x: float) -> str:
    return f"{x * 100:.4g}%"


def _pct_range(r: Range) -> str:
    return f"{r.low * 100:.4g}-{r.high * 100:.4g}%"


class _Lowerer:
    def __init__(self, workout: Workout, thr: SportThresholds, indoor: bool, by_distance: bool,
                 max_effort_free: bool = False):
        carried = FORMAT.targets_for(workout.sport)
        self.run = "pace" in carried
        self.carried = "pace" if self.run else "power"
        self.thr = thr
        self.indoor = indoor
        self.by_distance = by_distance
        self.max_effort_free = max_effort_free  # MaxEffort written as FreeRide
        self.unit = "m" if by_distance else "s"
        self.diags: list[Diagnostic] = []
        self.failed = False
        self._pieces: dict[int, _Piece | None] = {}

    # ---------------------------------------------------------- steps --

    def piece(self, step: Step) -> _Piece | None:
        key = id(step)
        if key not in self._pieces:
            self._pieces[key] = self._make_piece(step)
        return self._pieces[key]

    def _make_piece(self, step: Step) -> _Piece | None:
        if self.by_distance:
            assert isinstance(step.amount, Distance)
            timed: Timed | None = Timed(step.amount.metres)
        else:
            timed = timed_step(step, self.thr, TARGET, self.diags)
        if timed is None:
            self.failed = True
            return None
        head = [label_text(step)]
        cadence = step.cadence
        if step.freeride or step.maxeffort:
            as_max = step.maxeffort and not self.max_effort_free
            kind, start, end = ("max" if as_max else "free"), 0.0, 0.0
            cadence = self._free(step, head, as_max)
        elif (step.pace if self.run else step.power) is not None:
            value = self._carried(step, head)
            if value is None:
                return None
            kind, start, end = value
        else:
            kind, start, end = "free", 0.0, 0.0
            if step.has_target:
                self._untargeted(step, head)
        self._length_notes(step, timed.length)
        return _Piece(step, timed.length, kind, start, end, cadence,
                      self._cues(step, head, timed.per_offset))

    def _free(self, step: Step, head: list[str], as_max: bool) -> CadenceTarget | None:
        """A FreeRide / MaxEffort block: its targets are text; MaxEffort has no cadence.
        A max effort written as a FreeRide says so in its opening cue."""
        block = "MaxEffort" if as_max else "FreeRide"
        cadence = step.cadence
        text = describe_targets(step, self.thr, indoor=self.indoor)
        if step.maxeffort and not as_max:
            head.append("Max effort")
        if as_max and cadence is not None:
            text = ", ".join(t for t in (text, cadence_text(step)) if t)
            cadence = None
        if text:
            head.append(text)
            self.diags.append(warning(
                "target-as-text",
                f"a {TARGET} {block} block has no target: '{text}' is shown as a text cue",
                step.span, None))
        return cadence

    def _carried(self, step: Step, head: list[str]) -> tuple[str, float, float] | None:
        """(kind, start, end) of a step whose target the file carries; the others are text."""
        value = self._fraction(step)
        if value is None:
            return None
        if step.ramp and value.start != value.end:
            kind, start, end = "ramp", value.start, value.end
        else:
            kind, start = "steady", value.mid
            end = start
            if not value.is_single:
                target = step.pace if self.run else step.power
                what = "threshold pace" if self.run else "FTP"
                self.diags.append(warning(
                    "range-midpoint",
                    f"a {TARGET} block holds one value: the range {_pct_range(value)} of "
                    f"{what} is written as its middle, {_pct(start)}",
                    target.span if target.span.line else step.span, None))
        others = describe_targets(step, self.thr, omit=self.carried, indoor=self.indoor)
        if others:
            head.append(others)
            self.diags.append(warning(
                "target-as-text",
                f"{TARGET} {'runs' if self.run else 'rides'} carry only {self.carried}: "
                f"'{others}' is shown as a text cue", step.span, None))
        return kind, start, end

    def _untargeted(self, step: Step, head: list[str]) -> None:
        """A step whose only targets the file cannot carry: a free block, targets as text."""
        text = describe_targets(step, self.thr, indoor=self.indoor)
        head.append(text)
        self.diags.append(warning(
            "target-as-text",
            f"{TARGET} {'runs' if self.run else 'rides'} carry only {self.carried}: the step is "
            f"a free block (no target) and '{text}' is shown as a text cue",
            step.span, None))

    def _length_notes(self, step: Step, length: float) -> None:
        """What the block's length loses: the lap press, fractions of a second."""
        if step.until_lap_press:
            self.diags.append(warning(
                "lap-press",
                f"{TARGET} has no lap button: the 'Press lap' step ends after its "
                f"{_length_text(length, self.unit)}", step.span, None))
        if abs(length - _rnd(length)) > _EPS:
            self.diags.append(warning(
                "rounded-duration",
                f"{TARGET} takes whole {'metres' if self.by_distance else 'seconds'}: "
                f"{length:.2f}{self.unit} is rounded, the remainder carried to the next "
                "block (the total stays exact to the second)", step.span, None))

    def _cues(self, step: Step, head: list[str],
              per_offset: float) -> tuple[tuple[float, str], ...]:
        """(offset, text) of the start cue and the step's cues, in what XML can hold."""
        written = [(0.0, text, step.span)] if (text := start_cue(head)) else []
        written.extend((c.offset * per_offset, c.text, c.span if c.span.line else step.span)
                       for c in step.cues)
        return tuple((offset, self.text(text, span)) for offset, text, span in written)

    def text(self, text: str, span: Span) -> str:
        """``text`` in the row's character set, reported where that changes what it says."""
        shown = in_charset(text, FORMAT.text.charset)
        if shown != text and changed(text, shown):
            self.diags.append(transliterated(TARGET, FORMAT.text.charset, text, shown, span))
        return shown

    def _fraction(self, step: Step) -> Range | None:
        try:
            if self.run:
                assert step.pace is not None
                return pace_fraction(step.pace, self.thr)
            assert step.power is not None
            return power_fraction(step.power, self.thr, self.indoor)
        except MissingThreshold as exc:
            t = step.pace if self.run else step.power
            written = fmt_pace(t) if self.run else fmt_power(t)
            into = "% of threshold pace" if self.run else "% FTP"
            self.diags.append(missing_threshold(
                TARGET, exc.missing, f"to turn {written} into {into}",
                t.span if t.span.line else step.span))
            self.failed = True
            return None

    # ------------------------------------------------------- structure --

    def walk(self, nodes: tuple[Node, ...], units: list) -> None:
        for node in nodes:
            if isinstance(node, Step):
                p = self.piece(node)
                if p is not None:
                    units.append(p)
            elif isinstance(node, Block):
                self.walk(node.children, units)
            elif isinstance(node, Repeat):
                self._repeat(node, units)

    def _repeat(self, rep: Repeat, units: list) -> None:
        inner = _direct_steps(rep.children)
        reason = None
        if inner is None:
            reason = "holds a nested repeat"
        elif len(inner) != 2:
            reason = f"has {len(inner)} step{'s' * (len(inner) != 1)}"
        else:
            pieces = [self.piece(s) for s in inner]
            if any(p is None for p in pieces):
                return
            bad = [p for p in pieces if p.kind != "steady"]
            if not bad:
                units.append((rep, pieces[0], self._resting(pieces[1])))
                return
            reason = {"ramp": "has a ramp", "free": "has a free-ride step",
                      "max": "has a max-effort step"}[bad[0].kind]
        self.unrolled(rep, reason)
        for _ in range(rep.count):
            self.walk(rep.children, units)

    def unrolled(self, rep: Repeat, reason: str) -> None:
        title = f"{rep.title} {rep.count}x" if rep.title else f"{rep.count}x"
        self.diags.append(warning(
            "unrolled-repeat",
            f"{TARGET} repeats hold exactly two steady steps (IntervalsT); '{title}' {reason}, "
            f"so it is written out {rep.count} times (same steps, same order)", rep.span, None))

    def _resting(self, off: _Piece) -> _Piece:
        """IntervalsT has one CadenceResting value: a cadence range there is its middle."""
        c = off.cadence
        if c is None or c.value.is_single:
            return off
        mid = c.value.mid
        self.diags.append(warning(
            "range-midpoint",
            f"a {TARGET} IntervalsT has one resting cadence: {c.value.low:g}-{c.value.high:g} rpm "
            f"is written as {_rnd(mid)} rpm", c.span if c.span.line else off.source.span, None))
        return _Piece(off.source, off.length, off.kind, off.start, off.end,
                      CadenceTarget(Range(mid, mid), c.span), off.cues)

    # ------------------------------------------------------- rounding --

    def place(self, units: list) -> list[Node]:
        """Whole seconds, carrying remainders: the written clock never drifts 0.5 s from the exact."""
        out: list[Node] = []
        written, exact = 0, 0.0
        for unit in units:
            if isinstance(unit, tuple):
                rep, on, off = unit
                r_on, r_off = _rnd(on.length), _rnd(off.length)
                w2 = written + rep.count * (r_on + r_off)
                e2 = exact + rep.count * (on.length + off.length)
                if r_on >= 1 and r_off >= 1 and abs(w2 - e2) <= 0.5 + _EPS:
                    out.append(Repeat(rep.count, (self._step(on, r_on, 0.0),
                                                  self._step(off, r_off, 0.0)),
                                      rep.title, rep.span))
                    written, exact = w2, e2
                    continue
                self.unrolled(rep, "has steps that round to whole seconds unevenly")
                pieces = [on, off] * rep.count
            else:
                pieces = [unit]
            for p in pieces:
                e2 = exact + p.length
                w2 = _rnd(e2)
                if w2 > written:
                    out.append(self._step(p, w2 - written, exact - written))
                written, exact = w2, e2
        return out

    def finish(self, body: list[Node]) -> list[Node]:
        """Mark the Warmup/Cooldown ramps and give one cadence where a block takes one.

        The first block, if a rising ramp, is a Warmup and the last, if a
        falling ramp, a Cooldown (``section`` carries that to the emitter);
        other ramps are Ramp blocks.  Zwift's own files show a cadence range
        (CadenceLow/CadenceHigh) only on SteadyState, Warmup, Cooldown and
        IntervalsT, so a Ramp or FreeRide gets the middle of its range.
        """
        out: list[Node] = []
        for i, node in enumerate(body):
            if isinstance(node, Step):
                section = None
                target = node.power or node.pace
                if node.ramp and target is not None:
                    v = target.value
                    if i == 0 and v.end > v.start:
                        section = Section.WARMUP
                    elif i == len(body) - 1 and v.end < v.start:
                        section = Section.COOLDOWN
                cadence = node.cadence
                if (cadence is not None and not cadence.value.is_single and section is None
                        and (node.ramp or node.freeride)):
                    mid = cadence.value.mid
                    block = "Ramp" if node.ramp else "FreeRide"
                    self.diags.append(warning(
                        "range-midpoint",
                        f"a {TARGET} {block} block takes one cadence: {cadence.value.low:g}-"
                        f"{cadence.value.high:g} rpm is written as {_rnd(mid)} rpm",
                        cadence.span if cadence.span.line else node.span, None))
                    cadence = CadenceTarget(Range(mid, mid), cadence.span)
                if section is not None or cadence is not node.cadence:  # else as placed
                    node = replaced(node, section=section, cadence=cadence)
            out.append(node)
        return out

    def _step(self, p: _Piece, length: int, shift: float) -> Step:
        """A lowered step of ``length`` whole units; ``shift`` = exact start - written start."""
        cues = tuple(Cue(float(min(max(_rnd(off + shift), 0), max(length - 1, 0))), text)
                     for off, text in p.cues)
        amount = Distance(float(length)) if self.by_distance else Duration(float(length))
        value = Range(p.start, p.end)
        power = pace = None
        if p.kind in ("steady", "ramp"):
            if self.run:
                pace = PaceTarget(PaceUnit.THRESHOLD, value)
            else:
                power = PowerTarget(FORMAT.power_unit or PowerUnit.FTP, value)
        return Step(amount, ramp=p.kind == "ramp", power=power, pace=pace, cadence=p.cadence,
                    freeride=p.kind == "free", maxeffort=p.kind == "max", cues=cues,
                    span=p.source.span)


def _direct_steps(children: tuple[Node, ...]) -> list[Step] | None:
    """The repeat's steps with blocks flattened and notes dropped; None if it nests a repeat."""
    out: list[Step] = []
    for child in children:
        if isinstance(child, Step):
            out.append(child)
        elif isinstance(child, Block):
            inner = _direct_steps(child.children)
            if inner is None:
                return None
            out.extend(inner)
        elif not isinstance(child, Note):  # a nested repeat
            return None
    return out


def _length_text(length: float, unit: str) -> str:
    if unit == "m":
        return f"{length:g}m"
    return fmt_duration(length)


def _counts_distance(workout: Workout) -> bool:
    """Zwift counts distance only in runs, and only when every step does."""
    if not (FORMAT.distance is DistanceSteps.ALL_OR_NONE
            and "pace" in FORMAT.targets_for(workout.sport)):
        return False  # a ride: its steps need not be looked at
    steps = list(iter_steps(workout.body))
    return bool(steps) and all(isinstance(s.amount, Distance) for s in steps)


def lower(fmt: str, workout: Workout, athlete: Athlete, options: EmitOptions) -> Lowered:
    """The stage's entry for this module (:func:`planc.lower.lower`)."""
    return lower_zwo(workout, athlete, indoor=options.indoor,
                     max_effort_free=options.zwo_max_effort_as_free_ride)


def lower_zwo(workout: Workout, athlete: Athlete | None = None,
              indoor: bool = False, max_effort_free: bool = False) -> Lowered:
    """``workout`` in ZWO normal form (module docstring), or None and the errors.

    ``max_effort_free`` writes ``MaxEffort`` steps as FreeRide blocks with a 'Max
    effort' cue, for apps other than Zwift (Golden Cheetah, zwo-editor) that drop
    ``MaxEffort`` blocks and start every later block early.

    Levels are not applied here: :func:`planc.lower.lower` applies them.
    """
    if not FORMAT.applies_to(workout.sport):
        return Lowered(None, [error(
            "unsupported-sport",
            f"{TARGET} holds bike and run workouts; a {workout.sport} workout has no {TARGET} "
            "form", workout.span, "compile it to fit or icu instead")])
    thr = (athlete or Athlete()).for_sport(workout.sport)
    lw = _Lowerer(workout, thr, indoor, _counts_distance(workout), max_effort_free)
    units: list = []
    lw.walk(workout.body, units)
    if lw.failed:
        return Lowered(None, dedupe([d for d in lw.diags if d.is_error]))
    body = tuple(lw.finish(lw.place(units)))
    span = header_span(workout)
    description = "\n\n".join(lw.text(text, span)
                               for text, span in description_sources(workout)) or None
    lowered = Workout(body, workout.sport, workout.name and lw.text(workout.name, span),
                      description, tuple(lw.text(tag, span) for tag in workout.tags),
                      None, workout.span)
    return Lowered(lowered, said_once(dedupe(lw.diags), "lap-press", "'Press lap' steps"))

"""Lowering for CompuTrainer course files (.mrc in % FTP, .erg in watts).

A course file is a power-over-time line and a list of timed texts, so the
lowered workout (``Lowered.workout``) is in *trainer normal form*:

* the body is a flat tuple of ``Step`` nodes in riding order (repeats
  unrolled: the file has no repeats, and unrolling is exact, so the row's
  level for ``unrolled-repeat`` is ``ignore``);
* every step has a ``Duration`` in seconds (fractions kept: the file's minutes
  carry them) and a ``PowerTarget`` in the row's unit (% FTP for .mrc, watts
  for .erg) whose range is the value at the step's start and end (equal
  unless a ramp);
* cues (``Cue``) are offsets in seconds from the step start, their text ASCII
  on one line; the label, and whatever the file cannot carry, is a cue at
  offset 0; no two cues fall on the same whole second (:func:`cue_second`);
* ``description`` is the file's DESCRIPTION line: the description and the
  notes (else the name) in ASCII on one line, without '='.

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
* Text is ASCII (the row's character set): typographic dashes, quotes and the
  like become their ASCII look-alikes, accents are stripped, anything else is
  dropped, and DESCRIPTION loses '=' (Golden Cheetah's reader stops at it)
  (``text-transliterated``; a cue left with no text is left out).
* The file shows cues at whole seconds: cues that fall on the same second are
  joined with `` / `` into one (``cues-merged``, at the cue that joined).
* Text that Golden Cheetah's reader would take for something else is rewritten
  (``course-text-rewritten``; formats.md §2.6: it tries every line against its
  section, setting, lap and data patterns before its cue pattern).  A text that
  is one number, range or count-down (``100``, ``90-95``, ``3-2-1``) would be a
  course point, one starting with ``Lap`` a lap marker: both are written in
  double quotes (``"90-95"``).  ``=`` would make the line a setting: it becomes
  ``:``.  A section marker (``[COURSE DATA]``) would switch section: its brackets
  become parentheses, in the DESCRIPTION line too.
* .erg needs an FTP for anything not in watts, .mrc for anything in watts
  (``missing-threshold``).  An .erg's ``FTP =`` line is a whole number (Golden
  Cheetah reads it as one, and ``252.5`` as no FTP at all, so it would not
  rescale the watts to its rider): a fractional FTP is rounded half up, and the
  watts of the file are worked out from that same FTP, so the file agrees with
  itself (``ftp-rounded``).  Only rides have a course-file form
  (``unsupported-sport``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import NamedTuple

from planc.ast import (
    Block,
    Cue,
    Duration,
    Node,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Span,
    Step,
    Workout,
)
from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.diagnostics import Diagnostic, error, warning
from planc.lower.common import (
    Lowered,
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
from planc.lower.formats import FORMATS, EmitOptions, Format, Level
from planc.lower.text import changed, in_charset, quoted, transliterated
from planc.resolve.targets import Missing, MissingThreshold, power_fraction, power_watts
from planc.syntax.printer import fmt_duration, fmt_power

OPEN_FRACTION = 0.5
FALLBACK_DESCRIPTION = "planc workout"
SECTION_MARKERS = ("[COURSE HEADER]", "[END COURSE HEADER]", "[COURSE DATA]",
                   "[END COURSE DATA]", "[COURSE TEXT]", "[END COURSE TEXT]")


def golden_cheetah_safe(text: str) -> tuple[str, str | None]:
    """``text`` as a course file can show it to Golden Cheetah, and what Golden Cheetah
    would have read the original as (None: it reads it as written).  Module doc."""
    misread = None
    if "[" in text and _has_section_marker(text):
        text, misread = text.replace("[", "(").replace("]", ")"), "a section marker"
    if "=" in text:
        text, misread = _without_equals(text), "a setting"
    bare = text.strip()
    if bare and all(c in "0123456789.-" for c in bare):
        return f'"{bare}"', "a course point"
    if bare[:3].lower() == "lap":
        return f'"{bare}"', "a lap marker"
    return text, misread


def _has_section_marker(text: str) -> bool:
    upper = text.upper()
    return any(marker in upper for marker in SECTION_MARKERS)


def course_ftp(thr: SportThresholds, indoor: bool) -> int | None:
    """The FTP an .erg is written for: the athlete's, to the whole watt (module doc)."""
    ftp = ftp_for(thr, indoor)
    return math.floor(ftp + 0.5) if ftp else None


def _whole_ftp(thr: SportThresholds, indoor: bool) -> SportThresholds:
    ftp = course_ftp(thr, indoor)
    return dataclasses.replace(thr, ftp=ftp, indoor_ftp=ftp if indoor and thr.indoor_ftp
                               else thr.indoor_ftp)


def cue_second(start: float, offset: float) -> int:
    """The whole second a cue is shown at: its step's start plus its offset, rounded."""
    return math.floor(start + offset + 0.5)


def step_starts(body: tuple[Step, ...] | list[Step]) -> Iterator[tuple[float, Step]]:
    """Each step with its start in seconds, summed in riding order (as the file writes it)."""
    t = 0.0
    for step in body:
        yield t, step
        t += step.amount.seconds  # type: ignore[union-attr]


class _Shown(NamedTuple):
    """What a step shows in either course file, whatever its unit: the part of its lowering
    .mrc and .erg share (computed for the first of them, :func:`_shared_course`).

    ``others`` is the text of its heart-rate and pace targets, ``cadence`` of its
    cadence target, ``cues`` its cues as the
    file shows them (start cue first), and ``rewrites`` each cue whose text the file
    shows otherwise: (written, shown, safe, what it would be misread as, span), from
    which each format phrases its own warnings.
    """
    others: str
    cadence: str
    cues: tuple[Cue, ...]
    rewrites: tuple[tuple[str, str, str, str | None, Span], ...]


class _Course:
    """The part of a workout's lowering .mrc and .erg share, filled by the first of them
    to need each piece (:func:`_shared_course`): what each step shows (id of the step ->
    :class:`_Shown`), the distinct steps in riding order and the pattern that unrolls
    them (indexes into ``steps``), whether every cue falls on a second of its own, and
    the DESCRIPTION line (its sources, each as shown, and the line)."""

    __slots__ = ("description", "distinct_seconds", "pattern", "shown", "steps")

    def __init__(self, workout: Workout):
        self.shown: dict[int, _Shown] = {}
        self.steps: list[Step] = []
        self.pattern: list[int] = _pattern(workout.body, self.steps, {})
        self.distinct_seconds: bool | None = None
        self.description: tuple[list[tuple[str, Span, str]], str] | None = None


def _pattern(nodes: tuple[Node, ...], steps: list[Step], seen: dict[int, int]) -> list[int]:
    """The riding order of ``nodes`` as indexes into ``steps``, which it fills with each
    distinct step once, in the order first ridden (:func:`planc.ast.unrolled_steps`,
    with a repeat's pass worked out once and multiplied)."""
    out: list[int] = []
    for node in nodes:
        if isinstance(node, Step):
            at = seen.get(id(node))
            if at is None:
                at = seen[id(node)] = len(steps)
                steps.append(node)
            out.append(at)
        elif isinstance(node, Repeat):
            if node.count > 0:
                out.extend(_pattern(node.children, steps, seen) * node.count)
        elif isinstance(node, Block):
            out.extend(_pattern(node.children, steps, seen))
    return out


_SHOWN: dict[tuple, tuple[Workout, _Course]] = {}  # see _shared_course
_SHOWN_KEPT = 64


def _shared_course(workout: Workout, thr: SportThresholds, indoor: bool,
                   charset: object) -> _Course:
    """The :class:`_Course` of one (workout, athlete, indoor, character set), that the
    .mrc and the .erg lowering both fill and read: ``compile --to all`` lowers a workout
    for both, and only the power (and the wording of the warnings) differs.

    Bounded (the oldest goes first); the workout is kept beside its table, so an id is
    never taken for another workout's.  ``thr`` is the athlete's as given: what is shared
    never reads the FTP (only the heart-rate and pace thresholds, for the text cues and a
    distance step's time).
    """
    key = (id(workout), thr, indoor, charset)
    entry = _SHOWN.get(key)
    if entry is not None and entry[0] is workout:
        return entry[1]
    if len(_SHOWN) >= _SHOWN_KEPT:
        del _SHOWN[next(iter(_SHOWN))]
    course = _Course(workout)
    _SHOWN[key] = (workout, course)
    return course


class _Lowerer:
    def __init__(self, row: Format, thr: SportThresholds, indoor: bool,
                 course: _Course):
        self.row = row
        self.target = row.extension
        self.unit = row.power_unit
        self.thr = thr
        self.indoor = indoor
        self.diags: list[Diagnostic] = []
        self.failed = False
        self.course = course
        self.shown = course.shown

    def _fail(self, d: Diagnostic) -> None:
        self.diags.append(d)
        self.failed = True

    def _warn(self, code: str, message: str, span: Span) -> None:
        self.diags.append(warning(code, message, span, None))

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
            self._fail(missing_threshold(
                self.target, Missing("an FTP", "--ftp"),
                f"to hold {OPEN_FRACTION:.0%} FTP on a step without a power target",
                step.span))
            return None
        return OPEN_FRACTION * ftp

    # ------------------------------------------------------------ steps --

    def step(self, step: Step) -> Step | None:
        timed = timed_step(step, self.thr, self.target, self.diags)
        if timed is None:
            self.failed = True
            return None
        shown = self.shown.get(id(step)) or self.share(step, timed.per_offset)
        values = (self.powered(step, shown.others) if step.power is not None
                  else self.unpowered(step, shown.others))
        if values is None:
            return None
        start, end = values
        self.cadence_and_lap(step, timed.length, shown.cadence)
        if shown.rewrites:  # rare: a cue the file shows otherwise
            self.rewrites(shown.rewrites)
        return Step(Duration(timed.length), power=PowerTarget(self.unit, Range(start, end)),
                    ramp=start != end, cues=shown.cues, span=step.span)

    def share(self, step: Step, per_offset: float) -> _Shown:
        """The step's :class:`_Shown`, worked out once for both course files."""
        head = [label_text(step)]
        free = step.freeride or step.maxeffort
        others = describe_targets(step, self.thr, omit="power", indoor=self.indoor)
        if step.power is not None:
            if free:
                head.append("Max effort" if step.maxeffort else "Free ride")
            if others:
                head.append(others)
        else:
            if free:
                head.append("Max effort (ERG off)" if step.maxeffort else "Free ride (ERG off)")
            if step.hr is not None or step.pace is not None:
                head.append(others)
        cadence = cadence_text(step)
        if cadence:
            head.append(cadence)
        shown = self.shown[id(step)] = self.cues(step, head, per_offset, others, cadence)
        return shown

    def powered(self, step: Step, others: str) -> tuple[float, float] | None:
        """(start, end) of a step with a power target (``others``: its other targets)."""
        t = self.target
        r = self.power(step)
        if r is None:
            return None
        if step.ramp and r.start != r.end:
            start, end = r.start, r.end
        else:
            start = end = r.mid
            if not r.is_single:
                self._warn("range-midpoint",
                           f"a {t} step holds one value: {self.range_text(r)} is written as its "
                           f"middle, {self.value_text(start)}",
                           step.power.span if step.power.span.line else step.span)
        if step.freeride or step.maxeffort:
            word = "maxeffort" if step.maxeffort else "freeride"
            self._warn("free-step",
                       f"{t} has no free riding: the '{word}' step holds its target, "
                       f"{self.value_text(start)}"
                       f"{f' to {self.value_text(end)}' if start != end else ''}", step.span)
        if others:
            self._warn("target-as-text",
                       f"{t} carries only power: '{others}' is shown as a text cue", step.span)
        return start, end

    def unpowered(self, step: Step, text: str) -> tuple[float, float] | None:
        """(value, value) of the fallback power a step without a power target holds."""
        t = self.target
        v = self.open_value(step)
        if v is None:
            return None
        fallback = (f"{self.value_text(v)} (planc's fallback)" if self.unit is PowerUnit.FTP
                    else f"{self.value_text(v)} ({OPEN_FRACTION:.0%} FTP, planc's fallback)")
        if step.freeride or step.maxeffort:
            word = "maxeffort" if step.maxeffort else "freeride"
            self._warn("free-step",
                       f"{t} has no free riding: the '{word}' step holds {fallback} with a text "
                       "cue to switch ERG off", step.span)
        if step.hr is not None or step.pace is not None:
            self._warn("no-power-target",
                       f"{t} carries only power, and '{text}' has no honest power: the step "
                       f"holds {fallback} with its target as a text cue", step.span)
        elif not (step.freeride or step.maxeffort):
            self._warn("open-step",
                       f"{t} steps always hold a power: this step has no target, so it holds "
                       f"{fallback}", step.span)
        return v, v

    def cadence_and_lap(self, step: Step, seconds: float, text: str) -> None:
        t = self.target
        if step.cadence is not None:
            self._warn("target-as-text", f"{t} has no cadence: '{text}' is shown as a text cue",
                       step.cadence.span if step.cadence.span.line else step.span)
        if step.until_lap_press:
            self._warn("lap-press",
                       f"{t} has no lap button: the 'Press lap' step ends after its "
                       f"{fmt_duration(seconds)}", step.span)

    def cues(self, step: Step, head: list[str], per_offset: float, others: str,
             cadence: str) -> _Shown:
        """The step's cues in seconds, the start cue first, each in the file's characters,
        and the texts shown otherwise (phrased as warnings by :meth:`rewrites`)."""
        written = [Cue(0.0, text, step.span)] if (text := start_cue(head)) else []
        written.extend(c if per_offset == 1.0 else Cue(c.offset * per_offset, c.text, c.span)
                       for c in step.cues)
        charset = self.row.text.charset
        out: list[Cue] = []
        rewrites = []
        for cue in written:
            shown = in_charset(cue.text, charset)
            safe, misread = golden_cheetah_safe(shown) if shown else (shown, None)
            if shown != cue.text or misread:
                rewrites.append((cue.text, shown, safe, misread,
                                 cue.span if cue.span.line else step.span))
            if shown:
                out.append(cue if safe == cue.text else Cue(cue.offset, safe, cue.span))
        return _Shown(others, cadence, tuple(out), tuple(rewrites))

    def rewrites(self, rewrites: tuple[tuple[str, str, str, str | None, Span], ...]) -> None:
        """The warnings for the cue texts the file shows otherwise, in this file's name."""
        charset = self.row.text.charset
        for written, shown, safe, misread, span in rewrites:
            # ASCII text keeps what it says (spacing and control characters aside)
            if shown != written and not written.isascii() and changed(written, shown):
                self.diags.append(transliterated(self.target, charset, written, shown, span))
            if misread:
                self._warn("course-text-rewritten",
                           f"Golden Cheetah would read the {self.target} text {quoted(shown)} "
                           f"as {misread}: it is written as {quoted(safe)}", span)

    # -------------------------------------------------------- structure --

    def repeats(self, nodes: tuple[Node, ...]) -> None:
        """Each repeat is written out (exact: the row's level for this is ``ignore``, and
        a rewrite at level ignore is not even described)."""
        if self.row.level("unrolled-repeat") is Level.IGNORE:
            return
        for node in nodes:
            if isinstance(node, Repeat):
                title = f"{node.title} {node.count}x" if node.title else f"{node.count}x"
                self._warn("unrolled-repeat",
                           f"{self.target} has no repeats: '{title}' is written out "
                           f"{node.count} times (same steps, same order)", node.span)
            if isinstance(node, Repeat | Block):
                self.repeats(node.children)

    def merge_cues(self, body: list[Step]) -> list[Step]:
        """Cues on the same whole second joined into the first of them (``cues-merged``).

        A repeated step is one object in every pass; only a step whose cues
        change in a pass gets a copy for that pass.
        """
        if self.course.distinct_seconds is None:  # the same seconds in .mrc and .erg
            flat = [cue_second(start, c.offset)
                    for start, step in step_starts(body) for c in step.cues]
            self.course.distinct_seconds = len(flat) == len(set(flat))
        if self.course.distinct_seconds:
            return body  # the common case: every cue on a second of its own
        seconds = [[cue_second(start, c.offset) for c in step.cues]
                   for start, step in step_starts(body)]
        first: dict[int, tuple[int, int]] = {}  # second -> (position, cue index)
        joined: dict[tuple[int, int], list[Cue]] = {}
        gone: dict[int, set[int]] = {}  # position -> indexes of the cues joined into another
        for pos, ats in enumerate(seconds):
            for i, at in enumerate(ats):
                owner = first.setdefault(at, (pos, i))
                if owner != (pos, i):
                    joined.setdefault(owner, []).append(body[pos].cues[i])
                    gone.setdefault(pos, set()).add(i)
        out = list(body)
        for pos in {pos for pos, _ in joined} | gone.keys():
            out[pos] = replaced(body[pos], cues=tuple(
                self._joined(cue, joined.get((pos, i), []))
                for i, cue in enumerate(body[pos].cues) if i not in gone.get(pos, ())))
        return out

    def _joined(self, cue: Cue, others: list[Cue]) -> Cue:
        if not others:
            return cue
        text = " / ".join([cue.text, *(c.text for c in others)])
        for other in others:
            self._warn("cues-merged",
                       f"{self.target} shows cues at whole seconds: {quoted(other.text)} falls "
                       f"on the second of {quoted(cue.text)}, and both are shown as one cue, "
                       f"{quoted(text)}", other.span if other.span.line else cue.span)
        return Cue(cue.offset, text, cue.span)

    # ------------------------------------------------------ description --

    def description(self, workout: Workout) -> str:
        """The DESCRIPTION line: the description and notes, else the name, in ASCII."""
        if self.course.description is None:
            self.course.description = _description(workout, self.row.text.charset)
        shown_sources, text = self.course.description
        for written, span, shown in shown_sources:
            if changed(written, shown):
                self.diags.append(transliterated(self.target, self.row.text.charset, written,
                                                 shown, span))
            elif "=" in shown:
                self._warn("text-transliterated",
                           f"{self.target} DESCRIPTION cannot hold '=' (Golden Cheetah's reader "
                           "stops at it): it is written as ':'", span)
            if _has_section_marker(shown):
                self._warn("course-text-rewritten",
                           f"Golden Cheetah would read the {self.target} DESCRIPTION "
                           f"{quoted(shown)} as a section marker: its brackets are written as "
                           "parentheses", span)
        return text


def _description(workout: Workout, charset) -> tuple[list[tuple[str, Span, str]], str]:
    """The DESCRIPTION line's sources (text, span, text as shown) and the line itself."""
    sources = description_sources(workout)
    if not sources:
        sources = [(workout.name or FALLBACK_DESCRIPTION, header_span(workout))]
    shown = [(text, span, in_charset(text, charset)) for text, span in sources]
    text = _without_equals(in_charset("\n\n".join(text for text, _ in sources), charset))
    if _has_section_marker(text):
        text = text.replace("[", "(").replace("]", ")")
    return shown, text


def _without_equals(text: str) -> str:
    return " ".join(text.replace(" = ", ": ").replace("=", ":").split())


def lower(fmt: str, workout: Workout, athlete: Athlete, options: EmitOptions) -> Lowered:
    """The stage's entry for this module (:func:`planc.lower.lower`)."""
    return lower_trainer(workout, athlete, fmt, indoor=options.indoor)


def lower_trainer(workout: Workout, athlete: Athlete | None, fmt: str,
                  indoor: bool = False) -> Lowered:
    """``workout`` in trainer normal form for ``fmt`` ("mrc" or "erg"), or None and the errors.

    Levels are not applied here: :func:`planc.lower.lower` applies them.
    """
    row = FORMATS[fmt]
    target = row.extension
    if not row.applies_to(workout.sport):
        return Lowered(None, [error(
            "unsupported-sport",
            f"{target} is an indoor-trainer (cycling) format; a {workout.sport} workout has no "
            f"{target} form", workout.span,
            "compile runs to zwo or fit, and other sports to fit or icu")])
    thr = given = (athlete or Athlete()).for_sport(workout.sport)
    ftp = ftp_for(thr, indoor)
    rounded: list[Diagnostic] = []
    if row.power_unit is PowerUnit.WATTS and ftp and ftp != course_ftp(thr, indoor):
        thr = _whole_ftp(thr, indoor)
        rounded.append(warning(
            "ftp-rounded", f"{target} writes its FTP as a whole number (Golden Cheetah reads "
            f"no other): FTP {ftp:g} W is written as {course_ftp(thr, indoor)} W and the "
            "watts are worked out from it", header_span(workout)))
    course = _shared_course(workout, given, indoor, row.text.charset)
    lw = _Lowerer(row, thr, indoor, course)
    lw.diags.extend(rounded)
    distinct = [lw.step(step) for step in course.steps]  # each once, in riding order
    if lw.failed:
        return Lowered(None, dedupe([d for d in lw.diags if d.is_error]))
    body: list[Step] = [distinct[i] for i in course.pattern]  # type: ignore[misc]
    if not body:
        return Lowered(None, [error("empty-workout", f"{target} needs at least one step",
                                    workout.span, "add a step such as '- 10m 60%'")])
    lw.repeats(workout.body)
    body = lw.merge_cues(body)
    lowered_workout = Workout(tuple(body), workout.sport, workout.name, lw.description(workout),
                              workout.tags, None, workout.span)
    return Lowered(lowered_workout, said_once(dedupe(lw.diags), "lap-press",
                                              "'Press lap' steps"))

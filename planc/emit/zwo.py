"""Zwift workout files (.zwo), built with lxml from the ZWO-lowered workout.

All approximation happens in :mod:`planc.lower.zwo`; this module only names
and prints blocks (formats.md §1.9):

* metadata in the order author, name, description, sportType, durationType
  (runs only), tags, workout; ``author`` is ``planc``;
* a ramp is ``Warmup`` when it is the first block and rises, ``Cooldown`` when
  it is the last block and falls (the lowering marks them with ``section``),
  ``Ramp`` otherwise, always with ``PowerLow`` = start and ``PowerHigh`` = end
  (§1.5);
* a steady step is ``SteadyState``, a two-step repeat ``IntervalsT`` (cadence
  of the on step as ``Cadence``/``CadenceLow``/``CadenceHigh``, of the off step
  as ``CadenceResting``), free steps ``FreeRide`` / ``MaxEffort``;
* run blocks with a target carry ``pace`` (the reference pace planc maps
  threshold to; Zwift's own files show it on exactly those blocks);
* cues are ``textevent`` children with ``timeoffset`` (``distoffset`` when the
  workout counts distance) from the block start; in an IntervalsT the offset
  counts from the start of the whole set, so cues repeat once per repetition;
* UTF-8 without an XML declaration, as Zwift's own files are (UTF-8 is XML's
  default, so the declaration says nothing; at least one third-party reader
  crashes on it, formats.md §2.6), LF, two-space indentation, attributes in a
  fixed order;
* power with at most 4 decimals, written so that a reader which truncates
  ``100 x value`` to whole percent (Golden Cheetah: ``int(100 * 1.15)`` is 114 in
  binary floating point) still gets the intended percent: when it would not,
  the value gains 0.00001 (``1.15001``), which moves Zwift's watts by at most
  0.005 W per 500 W of FTP, nothing it shows (Zwift's own files carry values like
  ``0.50449997`` for the same reason).  lxml does all escaping; the lowering
  has already left out what XML 1.0 cannot hold (control characters).
"""

from __future__ import annotations

import math

from lxml import etree

from planc.ast import Distance, Repeat, Section, Step, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.lower import lower
from planc.lower.formats import EmitOptions
from planc.lower.zwo import RUN_PACE_INDEX
from planc.units import sport_family

AUTHOR = "planc"
TRUNCATION_NUDGE = 0.00001


def fmt_power(x: float) -> str:
    """At most 4 decimals, at least one (``0.75``, ``1.0``, ``0.8875``), nudged when a
    truncating reader would lose a whole percent (``1.15001``; module doc)."""
    text = f"{x:.4f}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    if int(100 * float(text)) < math.floor(round(100 * x, 6)):
        return f"{float(text) + TRUNCATION_NUDGE:.5f}"
    return "0.0" if text == "-0.0" else text


def _int(x: float) -> str:
    return str(int(round(x)))


def _value(step: Step):
    target = step.power if step.power is not None else step.pace
    return None if target is None else target.value


def _cadence(el, step: Step, resting: bool = False) -> None:
    c = step.cadence
    if c is None:
        return
    if resting:
        el.set("CadenceResting", _int(c.value.mid))
    elif c.value.is_single:
        el.set("Cadence", _int(c.value.start))
    else:
        el.set("CadenceLow", _int(c.value.low))
        el.set("CadenceHigh", _int(c.value.high))


class _Writer:
    def __init__(self, workout: Workout):
        self.run = sport_family(workout.sport) == "run"
        steps = [s for n in workout.body for s in (n.children if isinstance(n, Repeat) else (n,))]
        self.by_distance = any(isinstance(s.amount, Distance) for s in steps)
        self.offset_attr = "distoffset" if self.by_distance else "timeoffset"

    @staticmethod
    def length(step: Step) -> float:
        a = step.amount
        return a.metres if isinstance(a, Distance) else a.seconds

    def cues(self, el, step: Step, base: int = 0) -> None:
        attr, sub = self.offset_attr, etree.SubElement
        for cue in step.cues:  # keywords are cheaper in lxml than .set or an attribute dict
            sub(el, "textevent", **{attr: str(int(base + cue.offset)), "message": cue.text})

    def pace(self, el) -> None:
        if self.run:
            el.set("pace", str(RUN_PACE_INDEX))

    def step(self, parent, step: Step) -> None:
        duration = _int(self.length(step))
        value = _value(step)
        if step.maxeffort:
            el = etree.SubElement(parent, "MaxEffort", Duration=duration)
        elif step.freeride or value is None:
            el = etree.SubElement(parent, "FreeRide", Duration=duration)
            _cadence(el, step)
        elif step.ramp:
            name = {Section.WARMUP: "Warmup", Section.COOLDOWN: "Cooldown"}.get(step.section,
                                                                               "Ramp")
            el = etree.SubElement(parent, name, Duration=duration,
                                  PowerLow=fmt_power(value.start),
                                  PowerHigh=fmt_power(value.end))
            self.pace(el)
            _cadence(el, step)
        else:
            el = etree.SubElement(parent, "SteadyState", Duration=duration,
                                  Power=fmt_power(value.start))
            self.pace(el)
            _cadence(el, step)
        self.cues(el, step)

    def intervals(self, parent, rep: Repeat) -> None:
        on, off = rep.children
        assert isinstance(on, Step) and isinstance(off, Step)
        on_len, off_len = int(round(self.length(on))), int(round(self.length(off)))
        el = etree.SubElement(parent, "IntervalsT", Repeat=str(rep.count),
                              OnDuration=str(on_len), OffDuration=str(off_len),
                              OnPower=fmt_power(_value(on).start),
                              OffPower=fmt_power(_value(off).start))
        self.pace(el)
        _cadence(el, on)
        _cadence(el, off, resting=True)
        period = on_len + off_len
        for i in range(rep.count):
            self.cues(el, on, i * period)
            self.cues(el, off, i * period + on_len)


def render_zwo(workout: Workout) -> bytes:
    """The .zwo bytes of a workout already in ZWO normal form (see planc.lower.zwo)."""
    w = _Writer(workout)
    root = etree.Element("workout_file")
    etree.SubElement(root, "author").text = AUTHOR
    etree.SubElement(root, "name").text = workout.name or "Workout"
    etree.SubElement(root, "description").text = workout.description or ""
    etree.SubElement(root, "sportType").text = "run" if w.run else "bike"
    if w.run:
        etree.SubElement(root, "durationType").text = "distance" if w.by_distance else "time"
    tags = etree.SubElement(root, "tags")
    for tag in workout.tags:
        etree.SubElement(tags, "tag", name=tag)
    blocks = etree.SubElement(root, "workout")
    for node in workout.body:
        if isinstance(node, Repeat):
            w.intervals(blocks, node)
        else:
            assert isinstance(node, Step)
            w.step(blocks, node)
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    """Registry entry point: lower, then print; no bytes when lowering failed."""
    lowered = lower("zwo", workout, athlete, options)
    if lowered.workout is None:
        return b"", lowered.diagnostics
    return render_zwo(lowered.workout), lowered.diagnostics

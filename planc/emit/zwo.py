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
  ``0.50449997`` for the same reason).  The document is written as XML text
  (each text escaped so that it parses back as written) and lxml parses, indents
  and serialises it, so the bytes are lxml's; the lowering has already left out
  what XML 1.0 cannot hold (control characters).
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


# The tree is written as XML text and parsed by lxml in one call, which costs a
# seventh of building it element by element (each SubElement is a Python object);
# lxml still indents and serialises it, so the bytes are lxml's either way.  Every
# text goes through _attr / _text, which escape exactly what XML would otherwise read
# differently (tests/test_zwo_text_tree.py reads each text back).
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _attr(text: str) -> str:
    return text.translate(_ATTR_ESCAPES)


def _text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def _cadence(step: Step, resting: bool = False) -> str:
    c = step.cadence
    if c is None:
        return ""
    if resting:
        return f' CadenceResting="{_int(c.value.mid)}"'
    if c.value.is_single:
        return f' Cadence="{_int(c.value.start)}"'
    return f' CadenceLow="{_int(c.value.low)}" CadenceHigh="{_int(c.value.high)}"'


class _Writer:
    def __init__(self, workout: Workout):
        self.run = sport_family(workout.sport) == "run"
        steps = [s for n in workout.body for s in (n.children if isinstance(n, Repeat) else (n,))]
        self.by_distance = any(isinstance(s.amount, Distance) for s in steps)
        self.offset_attr = "distoffset" if self.by_distance else "timeoffset"
        self.pace = f' pace="{RUN_PACE_INDEX}"' if self.run else ""
        self.out: list[str] = []

    @staticmethod
    def length(step: Step) -> float:
        a = step.amount
        return a.metres if isinstance(a, Distance) else a.seconds

    def cues(self, step: Step, base: int = 0) -> None:
        attr, out = self.offset_attr, self.out
        for cue in step.cues:
            out.append(f'<textevent {attr}="{int(base + cue.offset)}" '
                       f'message="{_attr(cue.text)}"/>')

    def block(self, tag: str, attrs: str, cued: tuple[Step, ...] = (), period: int = 0,
              on_len: int = 0, count: int = 1) -> None:
        """``<tag attrs>`` with the text events of ``cued`` (an IntervalsT's per pass)."""
        if not any(s.cues for s in cued):
            self.out.append(f"<{tag}{attrs}/>")
            return
        self.out.append(f"<{tag}{attrs}>")
        for i in range(count):
            self.cues(cued[0], i * period)
            if len(cued) > 1:
                self.cues(cued[1], i * period + on_len)
        self.out.append(f"</{tag}>")

    def step(self, step: Step) -> None:
        duration = _int(self.length(step))
        value = _value(step)
        if step.maxeffort:
            self.block("MaxEffort", f' Duration="{duration}"', (step,))
        elif step.freeride or value is None:
            self.block("FreeRide", f' Duration="{duration}"{_cadence(step)}', (step,))
        elif step.ramp:
            name = {Section.WARMUP: "Warmup", Section.COOLDOWN: "Cooldown"}.get(step.section,
                                                                               "Ramp")
            self.block(name, f' Duration="{duration}" PowerLow="{fmt_power(value.start)}" '
                       f'PowerHigh="{fmt_power(value.end)}"{self.pace}{_cadence(step)}', (step,))
        else:
            self.block("SteadyState", f' Duration="{duration}" Power="{fmt_power(value.start)}"'
                       f'{self.pace}{_cadence(step)}', (step,))

    def intervals(self, rep: Repeat) -> None:
        on, off = rep.children
        assert isinstance(on, Step) and isinstance(off, Step)
        on_len, off_len = int(round(self.length(on))), int(round(self.length(off)))
        attrs = (f' Repeat="{rep.count}" OnDuration="{on_len}" OffDuration="{off_len}" '
                 f'OnPower="{fmt_power(_value(on).start)}" '
                 f'OffPower="{fmt_power(_value(off).start)}"'
                 f'{self.pace}{_cadence(on)}{_cadence(off, resting=True)}')
        self.block("IntervalsT", attrs, (on, off), on_len + off_len, on_len, rep.count)


def render_zwo(workout: Workout) -> bytes:
    """The .zwo bytes of a workout already in ZWO normal form (see planc.lower.zwo)."""
    w = _Writer(workout)
    description = workout.description or ""
    w.out.append(f"<workout_file><author>{AUTHOR}</author>"
                 f"<name>{_text(workout.name or 'Workout')}</name>"
                 f"<description>{_text(description)}</description>"
                 f"<sportType>{'run' if w.run else 'bike'}</sportType>")
    if w.run:
        w.out.append(f"<durationType>{'distance' if w.by_distance else 'time'}</durationType>")
    w.out.append("<tags>")
    w.out.extend(f'<tag name="{_attr(tag)}"/>' for tag in workout.tags)
    w.out.append("</tags><workout>")
    for node in workout.body:
        if isinstance(node, Repeat):
            w.intervals(node)
        else:
            assert isinstance(node, Step)
            w.step(node)
    w.out.append("</workout></workout_file>")
    root = etree.fromstring("".join(w.out), _PARSER)
    if not description:
        root[2].text = ""  # an empty description is written <description></description>
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    """Registry entry point: lower, then print; no bytes when lowering failed."""
    lowered = lower("zwo", workout, athlete, options)
    if lowered.workout is None:
        return b"", lowered.diagnostics
    return render_zwo(lowered.workout), lowered.diagnostics

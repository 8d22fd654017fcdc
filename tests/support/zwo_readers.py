"""Two test readers of .zwo files: one reads as Golden Cheetah does, one as Zwift does.

Both return the same thing, a list of :class:`Segment` (seconds, start and end
target as a fraction of FTP, None for no target) and the cues at their absolute
second, so a test can hold either against the workout the file was written from.
Written from formats.md §1 and §2.6 (not from either program's code).

**Zwift** (:func:`read_like_zwift`), as Zwift's own files and editor use the
format: powers are fractions read as written; ``Warmup``, ``Ramp`` and
``Cooldown`` go from ``PowerLow`` (start) to ``PowerHigh`` (end);
``SteadyState`` holds ``Power``; ``IntervalsT`` is ``Repeat`` x (on, off);
``FreeRide`` and ``MaxEffort`` last their ``Duration`` with no target (the rider
chooses); a cue is ``timeoffset`` seconds after its block starts.  With
``<durationType>distance</durationType>`` (runs) every length is metres and a cue
uses ``distoffset``: the reading keeps metres (``Segment.metres``), since their time
depends on the runner's pace.

**Golden Cheetah** (:func:`read_like_golden_cheetah`), the rules formats.md
records for its importer: a block's length is its ``Duration`` rounded to whole
seconds; a power is ``int(100 x value)`` whole percent (truncated, so ``1.15``
is 114 %: 100 x 1.15 is 114.99999999999999 in binary floating point); a
``Cooldown`` always descends (its two values are swapped when they rise); a
``SteadyState`` holds the whole-number mean of ``PowerLow`` and ``PowerHigh``
when it has no ``Power``; a ``FreeRide`` holds 70 % (100 % with ``ftptest``, else
the power it follows); ``MaxEffort`` is dropped, so every later block starts
earlier; a cue's ``timeoffset`` is read as a whole number (a fractional one
reads as 0), from its block's start.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from lxml import etree

RANGED = ("Warmup", "Ramp", "Cooldown")
FREE = ("FreeRide", "Freeride", "MaxEffort")


@dataclass(frozen=True)
class Segment:
    """A stretch of the timeline: ``seconds`` long, from ``start`` to ``end`` (fractions of
    FTP; None: no target), as read from the block ``tag``."""

    seconds: float  # 0 for a distance segment
    start: float | None
    end: float | None
    tag: str
    metres: float | None = None  # a distance workout's segment


@dataclass
class ZwoReading:
    segments: list[Segment] = field(default_factory=list)
    cues: list[tuple[float, str]] = field(default_factory=list)  # (absolute seconds, text)
    name: str | None = None
    has_declaration: bool = False

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.segments)

    def fraction_at(self, second: float) -> float | None:
        """The target at ``second`` (linear inside a ramp); None where there is none."""
        t = 0.0
        for s in self.segments:
            if t <= second < t + s.seconds:
                if s.start is None or s.end is None:
                    return None
                return s.start + (s.end - s.start) * (second - t) / s.seconds
            t += s.seconds
        return None


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _number(text: str | None) -> float:
    """A number as a Qt reader converts it: 0 when absent or not a number."""
    try:
        return float(text) if text is not None else 0.0
    except ValueError:
        return 0.0


def _whole(text: str | None) -> int:
    """A whole number, 0 when absent or not one (``12.5`` is not)."""
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else 0


def _q_round(x: float) -> int:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def _declared(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<?xml")


# ---------------------------------------------------------------- Zwift --


def read_like_zwift(data: bytes) -> ZwoReading:
    """The timeline Zwift rides from a .zwo (module doc)."""
    root = _parse(data)
    out = ZwoReading(name=root.findtext("name"), has_declaration=_declared(data))
    workout = root.find("workout")
    distance = (root.findtext("durationType") or "").strip() == "distance"
    t = 0.0
    for block in workout if workout is not None else ():
        start = t
        t += _zwift_block(block, out.segments)
        for cue in block.iter("textevent"):
            offset = cue.get("distoffset" if distance else "timeoffset")
            out.cues.append((start + _number(offset), cue.get("message") or ""))
    if distance:
        out.segments = [Segment(0.0, s.start, s.end, s.tag, s.seconds) for s in out.segments]
    return out


def _zwift_block(block: etree._Element, segments: list[Segment]) -> float:
    """Append a block's segments; return its length."""
    a = block.attrib
    tag = block.tag
    if tag == "IntervalsT":
        n = int(_number(a.get("Repeat")) or 1)
        on, off = _number(a.get("OnDuration")), _number(a.get("OffDuration"))
        for _ in range(n):
            segments.append(Segment(on, _number(a.get("OnPower")), _number(a.get("OnPower")), tag))
            if off > 0:
                segments.append(
                    Segment(off, _number(a.get("OffPower")), _number(a.get("OffPower")), tag))
        return n * (on + off)
    seconds = _number(a.get("Duration"))
    if tag in RANGED:
        segments.append(Segment(seconds, _number(a.get("PowerLow")),
                                _number(a.get("PowerHigh")), tag))
    elif tag == "SteadyState":
        segments.append(Segment(seconds, _number(a.get("Power")), _number(a.get("Power")), tag))
    elif tag in FREE:
        segments.append(Segment(seconds, None, None, tag))
    else:
        return 0.0
    return seconds


# ------------------------------------------------------- Golden Cheetah --


def read_like_golden_cheetah(data: bytes) -> ZwoReading:
    """The timeline Golden Cheetah's importer makes of a .zwo (module doc)."""
    root = _parse(data)
    out = ZwoReading(name=root.findtext("name"), has_declaration=_declared(data))
    t = 0
    block_start = 0
    last_percent = 0  # the power the last block ended at, whole percent
    for el in root.iter():
        if el.tag == "textevent":
            y = _whole(el.get("y"))
            delay = y - 240 if y >= 240 else y
            out.cues.append((block_start + _whole(el.get("timeoffset")) + delay,
                             el.get("message") or ""))
            continue
        got = _gc_block(el, last_percent)
        if got is None:
            continue
        block_start = t
        for seg in got:
            out.segments.append(seg)
            t += int(seg.seconds)
            last_percent = round(seg.end * 100)
    return out


def _gc_block(el: etree._Element, last_percent: int) -> list[Segment] | None:
    """A block's segments in whole percent (as fractions); None for what is not a block."""
    a = el.attrib
    if el.tag == "IntervalsT":
        return _gc_intervals(el)
    if el.tag not in (*RANGED, "SteadyState", "FreeRide", "Freeride"):
        return None  # MaxEffort among them: Golden Cheetah drops it
    seconds = _q_round(_number(a.get("Duration")))
    low, high, power = (_number(a.get(k)) for k in ("PowerLow", "PowerHigh", "Power"))
    if power > 0:
        low = high = power
    elif high == 0:
        high = low
    start, end = int(100 * low), int(100 * high)
    if el.tag == "Cooldown" and start < end:
        start, end = end, start
    if el.tag == "SteadyState":
        start = end = int((start + end) / 2)
    if el.tag in ("FreeRide", "Freeride"):
        start = end = 100 if _whole(a.get("ftptest")) else (last_percent or 70)
    return [Segment(seconds, start / 100, end / 100, el.tag)]


def _gc_intervals(el: etree._Element) -> list[Segment]:
    a = el.attrib
    n = _whole(a.get("Repeat")) or 1
    on, off = _q_round(_number(a.get("OnDuration"))), _q_round(_number(a.get("OffDuration")))
    parts = []
    for prefix in ("On", "Off"):
        low = int(_number(a.get(f"Power{prefix}Low")) * 100)
        high = int(_number(a.get(f"Power{prefix}High")) * 100)
        power = int(_number(a.get(f"{prefix}Power")) * 100)
        if power > 0:
            low = high = power
        elif high == 0:
            high = low
        parts.append((low / 100, high / 100))
    out = []
    for _ in range(n):
        out.append(Segment(on, parts[0][0], parts[0][1], "IntervalsT"))
        if off > 0:
            out.append(Segment(off, parts[1][0], parts[1][1], "IntervalsT"))
    return out

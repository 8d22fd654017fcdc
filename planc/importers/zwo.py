"""Zwift .zwo workouts -> planc AST (formats.md §1).

Tolerant of what real files contain (formats.md §1.7, all seen in the wild):
Windows-1252 bytes with no declaration, a BOM, CRLF, ``<sport_type>`` and
``<n>`` for ``<sportType>``/``<name>``, ``Freeride``, ``TextEvent``, attribute
names in any case, fractional durations, ``PowerLow``/``PowerHigh`` on a
SteadyState (read as their average, as Golden Cheetah does, with a warning),
``Cadence="-1"`` (no cadence), and attributes or elements in foreign XML
namespaces (ignored).  Strict about what would be a silent misreading: files
that are not ZWO (a root other than ``<workout_file>``, including the
``<workout><workoutstep>`` layout some tools write), XML errors, DTDs (never
needed, and the door to entity expansion attacks), missing or invalid durations.

Semantics follow formats.md: durations in seconds, or metres when the file is
distance based (``durationType=distance``, or a run whose cues all use
``distoffset``); powers are fractions of FTP (of ``ftpOverride`` watts when the
file sets one, imported as watts); Warmup/Ramp go from PowerLow to PowerHigh;
a Cooldown always descends (§1.5: Zwift shows it descending whatever the order,
and Golden Cheetah forces it); FreeRide has no target, MaxEffort is kept as a
max-effort step (Golden Cheetah drops its time); run powers are fractions of
the reference pace and become ``% Pace``.  IntervalsT becomes a repeat; runs of
identical SteadyState pairs become repeats too (planc.importers.structure).
Text events become cues on the step they fall in.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from planc.ast import (
    CadenceTarget,
    Cue,
    Distance,
    Duration,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Span,
    Step,
)
from planc.check import MAX_EXPANDED_STEPS, MAX_STEP_METRES, MAX_STEP_SECONDS
from planc.importers.common import (
    ImportResult,
    Reader,
    StepBudget,
    TimeRounder,
    assemble,
    decode_text,
    edge_runs,
    finite,
    fraction,
    repeated,
)
from planc.importers.cues import place_cues
from planc.limits import CADENCE, POWER_FRACTION, REPEAT_COUNT, THRESHOLDS, Limit
from planc.syntax.printer import one_line
from planc.units import DistanceUnit

_DECL_RE = re.compile(r"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECL_ENCODING_RE = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_DOCTYPE_RE = re.compile(r"<!DOCTYPE", re.IGNORECASE)

SPORTS = {"bike": "Ride", "ride": "Ride", "cycling": "Ride", "run": "Run", "running": "Run",
          "swim": "Swim"}

# zwo-editor's `pace` reference distances (formats.md §1.6): 0 = 1 mile ... 4 = marathon.
PACE_REFERENCES = ("1 mile", "5 km", "10 km", "half marathon", "marathon")
RUN_PACE_INDEX = 2
"""The reference planc's ZWO writer maps threshold pace to (10 km; planc.lower.zwo)."""
DEFAULT_PACE_INDEX = 0
"""A run block without ``pace`` is relative to 1-mile pace (zwo-editor, zwomaker)."""

_BLOCKS = {"steadystate", "warmup", "ramp", "cooldown", "intervalst", "freeride", "maxeffort"}
_IGNORED = {"restday", "run", "textnotification", "gameplayevent"}


def _short(raw: str) -> str:
    """An attribute value for a message: a 400-digit number is shown by its start."""
    return raw if len(raw) <= 24 else raw[:20] + "…"


def _local(tag: object) -> str:
    from lxml import etree

    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return etree.QName(tag).localname


def _namespace(tag: str) -> str | None:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else None


def _attrs(el) -> dict[str, str]:
    """Attributes with lower-case names; attributes in a foreign namespace are ignored."""
    return {k.lower(): v for k, v in el.attrib.items() if not k.startswith("{")}


def _text(el) -> str:
    return one_line("".join(el.itertext()))


def xml_root(text: str, r: Reader):
    """Parse XML text safely (no DTD, no entities, no network); None after an error."""
    from lxml import etree

    m = _DOCTYPE_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        r.error("xml-doctype", "the file declares a DTD (<!DOCTYPE>); workout files never need "
                "one and planc does not read them", Span.point(line, col, 9),
                "remove the <!DOCTYPE ...> declaration")
        return None
    decl = _DECL_RE.match(text)
    if decl:  # the text is decoded already: blank the declaration, keeping the columns
        text = " " * decl.end() + text[decl.end():]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, dtd_validation=False,
                             load_dtd=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        return etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:  # lxml raises ValueError for odd input
        if not isinstance(exc, etree.XMLSyntaxError):
            r.error("xml-syntax", f"not well-formed XML: {exc}", Span.point(1, 1))
            return None
        line, col = exc.position if exc.position else (exc.lineno or 0, 0)
        message = (exc.msg or str(exc)).split(", line ")[0]
        r.error("xml-syntax", f"not well-formed XML: {message}",
                Span.point(max(line, 1), max(col, 1)),
                "the file is truncated or damaged; open it in a text editor to check")
        return None


class _ZwoReader:
    def __init__(self, text: str, r: Reader):
        self.lines = text.split("\n")
        self.r = r
        self.sport = "Ride"
        self.distance_mode = False
        self.ftp_override: float | None = None
        self.steady_averaged = 0
        self.first_averaged: Span | None = None
        self.budget = StepBudget(r)

    # -- positions

    def span(self, el) -> Span:
        line = el.sourceline or 0
        if not line:
            return Span(0, 0, 0, 0)
        src = self.lines[line - 1] if line <= len(self.lines) else ""
        m = re.search(rf"<(?:[\w.-]+:)?{re.escape(_local(el.tag))}\b", src)
        col = m.start() + 1 if m else 1
        return Span.point(line, col, len(_local(el.tag)) + 1)

    # -- values

    def number(self, el, attrs: dict[str, str], key: str, *, required: bool = False,
               limit: Limit = POWER_FRACTION) -> float | None:
        """The attribute's number, checked against ``limit`` (a row of planc.limits):
        a power is a fraction of FTP, a length what planc.check allows for one step."""
        raw = attrs.get(key.lower())
        if raw is None or not raw.strip():
            if required:
                self.r.error("zwo-attribute", f"<{_local(el.tag)}> has no {key}",
                             self.span(el), f"add {key}=\"...\"")
            return None
        value = finite(raw)
        if value is None or value < 0:
            self.r.error("zwo-attribute", f"<{_local(el.tag)}> {key}=\"{_short(raw)}\" is not a "
                         "valid number", self.span(el))
            return None
        if not limit.contains(value):
            self.r.error("zwo-attribute", f"<{_local(el.tag)}> {key}=\"{_short(raw)}\": "
                         f"{limit.problem(value, _short(raw))}", self.span(el))
            return None
        return value

    def length(self, el, attrs: dict[str, str], key: str, *,
               required: bool = True) -> float | None:
        """A duration (seconds) or, in a distance-based file, a distance (metres)."""
        limit = (Limit("a step length", 0, MAX_STEP_METRES, "m") if self.distance_mode
                 else Limit("a step length", 0, MAX_STEP_SECONDS, "s"))
        return self.number(el, attrs, key, required=required, limit=limit)

    def cadence(self, el, attrs: dict[str, str], key: str = "Cadence") -> CadenceTarget | None:
        low = finite(attrs.get(f"{key.lower()}low")) if key == "Cadence" else None
        high = finite(attrs.get(f"{key.lower()}high")) if key == "Cadence" else None
        if low is not None and high is not None and low > 0 and high > 0:
            if self.plausible(el, low, CADENCE) and self.plausible(el, high, CADENCE):
                return CadenceTarget(Range(float(round(min(low, high))),
                                           float(round(max(low, high)))))
            return None
        value = finite(attrs.get(key.lower()))
        if value is None or value <= 0:  # Cadence="-1" means none in scraped files
            return None
        if not self.plausible(el, value, CADENCE):
            return None
        return CadenceTarget(Range(float(round(value)), float(round(value))))

    def plausible(self, el, value: float, limit: Limit) -> bool:
        """Is an optional value inside ``limit``?  Else it is left out, with a warning."""
        if limit.contains(value):
            return True
        self.r.warn("implausible-value", f"<{_local(el.tag)}>: {limit.problem(value)}; it is "
                    "left out", self.span(el))
        return False

    def target(self, start: float, end: float) -> dict:
        """Power (bike) or pace (run) fields for a start..end fraction."""
        if self.sport == "Run":
            return {"pace": PaceTarget(PaceUnit.THRESHOLD,
                                       Range(fraction(start), fraction(end)))}
        if self.ftp_override:
            w = self.ftp_override
            return {"power": PowerTarget(PowerUnit.WATTS,
                                         Range(round(start * w, 1), round(end * w, 1)))}
        return {"power": PowerTarget(PowerUnit.FTP, Range(fraction(start), fraction(end)))}

    def check_pace(self, el, attrs: dict[str, str]) -> None:
        if self.sport != "Run":
            return  # bike files carry garbage in `pace` (formats.md §1.3)
        raw = finite(attrs.get("pace"))
        index = int(raw) if raw is not None and raw == int(raw) else DEFAULT_PACE_INDEX
        if index != RUN_PACE_INDEX and 0 <= index < len(PACE_REFERENCES):
            self.r.warn(
                "zwo-pace-reference",
                f"run targets in this file are fractions of your {PACE_REFERENCES[index]} pace"
                f"{'' if 'pace' in attrs else ' (no pace attribute)'}; planc reads them as % "
                "of threshold pace, which ZWO files written by planc relate to 10 km pace",
                self.span(el), "check the paces against your threshold pace", once=True)

    def amount(self, length: float) -> Duration | Distance:
        if self.distance_mode:
            return Distance(round(length, 3), DistanceUnit.METRE)
        return Duration(float(length))

    # -- cues

    def cue_events(self, el) -> list[tuple[float, str, Span]]:
        """(offset, message, span) of the text events under a block, in file order."""
        out = []
        for child in el:
            name = _local(child.tag).lower()
            if name != "textevent":
                continue
            a = _attrs(child)
            message = one_line(a.get("message", "") or _text(child))
            if not message:
                continue
            key = "distoffset" if self.distance_mode else "timeoffset"
            other = "timeoffset" if self.distance_mode else "distoffset"
            raw = a.get(key)
            if raw is None:
                if a.get(other) is not None:
                    self.r.warn("zwo-cue", f"cue '{message}' gives a {other} in a "
                                f"{'distance' if self.distance_mode else 'time'}-based "
                                "workout; it is left out", self.span(child))
                    continue
                raw = "0"
            offset = finite(raw)
            if offset is None or offset < 0:
                self.r.warn("zwo-cue", f"cue '{message}' has an invalid offset '{raw}'; it is "
                            "left out", self.span(child))
                continue
            out.append((offset, message, self.span(child)))
        return out

    def workout_cue(self, el) -> list[tuple[float, str, Span]]:
        """A text event directly under <workout>: its offset counts from the workout start."""
        a = _attrs(el)
        message = one_line(a.get("message", "") or _text(el))
        offset = finite(a.get("distoffset" if self.distance_mode else "timeoffset", "0"))
        if not message or offset is None or offset < 0:
            return []
        return [(offset, message, self.span(el))]

    def with_cues(self, step: Step, cues: list[tuple[float, str, Span]]) -> Step:
        length = step.amount.seconds if isinstance(step.amount, Duration) else step.amount.metres
        merged: dict[float, list[str]] = {}
        for offset, message, span in cues:
            at = float(round(offset))
            if at >= length:
                self.r.warn("zwo-cue", f"cue '{message}' at {offset:g} is past the end of its "
                            f"block ({length:g}); it is placed at the last "
                            f"{'metre' if self.distance_mode else 'second'}", span)
                at = float(max(0, int(length) - 1 if length == int(length) else int(length)))
            texts = merged.setdefault(at, [])
            if message not in texts:
                texts.append(message)
        if not merged:
            return step
        new = tuple(Cue(at, " ".join(texts)) for at, texts in sorted(merged.items()))
        return dataclasses.replace(step, cues=step.cues + new)

    # -- blocks

    def block(self, el, rounder: TimeRounder) -> Step | Repeat | list[Step] | None:
        name = _local(el.tag).lower()
        a = _attrs(el)
        span = self.span(el)
        if name == "intervalst":
            return self.intervals(el, a, span, rounder)
        duration = self.length(el, a, "Duration")
        if duration is None or not self.budget.take(1, span):
            return None
        self.check_pace(el, a)
        length = duration if self.distance_mode else rounder.take(duration)
        if length <= 0:
            self.r.warn("zwo-empty-block", f"<{_local(el.tag)}> lasts 0 "
                        f"{'metres' if self.distance_mode else 'seconds'}; it is left out", span)
            return None
        amount = self.amount(length)
        cadence = self.cadence(el, a)
        fields: dict = {}
        ramp = False
        if name in ("freeride", "maxeffort"):
            fields = {"freeride": True} if name == "freeride" else {"maxeffort": True}
        elif name == "steadystate":
            power = self.number(el, a, "Power")
            low = self.number(el, a, "PowerLow")
            high = self.number(el, a, "PowerHigh")
            if power is None and low is not None and high is not None:
                power = (low + high) / 2
                if low != high:
                    self.steady_averaged += 1
                    self.first_averaged = self.first_averaged or span
            elif power is None:
                power = low if low is not None else high
            if power is None:
                self.r.warn("zwo-no-power", "<SteadyState> has no Power; the step is imported "
                            "without a target", span)
            else:
                fields = self.target(power, power)
        else:  # Warmup, Ramp, Cooldown
            low = self.number(el, a, "PowerLow")
            high = self.number(el, a, "PowerHigh")
            if low is None or high is None:
                single = next((v for v in (low, high, self.number(el, a, "Power"))
                               if v is not None), None)
                if single is None:
                    self.r.warn("zwo-no-power", f"<{_local(el.tag)}> has no PowerLow/PowerHigh; "
                                "the step is imported without a target", span)
                else:
                    fields = self.target(single, single)
            else:
                start, end = low, high
                if name == "cooldown":
                    if low < high:
                        self.r.warn(
                            "zwo-cooldown-direction",
                            f"<Cooldown> has PowerLow {low:g} < PowerHigh {high:g}; Zwift shows a "
                            "cool-down descending, so planc reads it from the higher to the lower "
                            "value", span, "write PowerLow as the start value (the higher one)")
                    start, end = max(low, high), min(low, high)
                ramp = fraction(start) != fraction(end)
                fields = self.target(start, end)
        step = Step(amount=amount, ramp=ramp, cadence=cadence, **fields)
        return self.with_cues(step, self.cue_events(el))

    def intervals(self, el, a: dict[str, str], span: Span,
                  rounder: TimeRounder) -> Repeat | list[Step] | None:
        count_raw = self.number(el, a, "Repeat", limit=REPEAT_COUNT)
        count = 1 if count_raw is None else int(round(count_raw))
        on = self.length(el, a, "OnDuration")
        off = self.length(el, a, "OffDuration", required=False) or 0.0
        if on is None:
            return None
        self.check_pace(el, a)
        if count < 1:
            self.r.warn("zwo-empty-block", f"<IntervalsT> repeats {count} times; it is left out",
                        span)
            return None
        if self.distance_mode:
            on_len, off_len = round(on, 3), round(off, 3)
        else:
            on_len, off_len = int(round(on)), int(round(off))
            if on != on_len or off != off_len:
                rounder.fractional = True
            rounder.exact += count * (on + off)
            rounder.rounded += count * (on_len + off_len)
        parts: list[Step] = []
        for kind, length in (("On", on_len), ("Off", off_len)):
            if length <= 0:
                continue
            value = self.number(el, a, f"{kind}Power")
            low = self.number(el, a, f"Power{kind}Low")
            high = self.number(el, a, f"Power{kind}High")
            fields: dict = {}
            ramp = False
            if low is not None and high is not None:
                ramp = fraction(low) != fraction(high)
                fields = self.target(low, high)
            elif value is not None:
                fields = self.target(value, value)
            else:
                self.r.warn("zwo-no-power", f"<IntervalsT> has no {kind}Power; the {kind.lower()} "
                            "part is imported without a target", span)
            cadence = self.cadence(el, a, "Cadence" if kind == "On" else "CadenceResting")
            parts.append(Step(amount=self.amount(length), ramp=ramp, cadence=cadence, **fields))
        if not parts:
            self.r.warn("zwo-empty-block", "<IntervalsT> has no length; it is left out", span)
            return None
        if not self.budget.take(count * len(parts), span):
            return None  # before a set with cues is unrolled below
        events = self.cue_events(el)
        if not events:
            return repeated(count, tuple(parts))
        # A text event counts from the start of the whole set, so it belongs to one
        # repetition, while a cue inside a planc repeat shows in every repetition.  So a
        # set with cues is unrolled and each cue goes on its own step; structure recovery
        # folds the repetitions without cues back into a repeat.
        return place_cues(parts * count, [(o, m) for o, m, _ in events], self.r,
                          "metre" if self.distance_mode else "second")


def read_zwo(data: bytes, path: str) -> ImportResult:
    r = Reader(path)
    m = _DECL_ENCODING_RE.match(data[:300])
    text = decode_text(data, r, m.group(1).decode("ascii") if m else None)
    if not text.strip():
        r.error("empty-file", "the file is empty")
        return r.result(None, "zwo", text)
    root = xml_root(text, r)
    if root is None:
        return r.result(None, "zwo", text)
    z = _ZwoReader(text, r)
    root_name = _local(root.tag)
    if root_name != "workout_file":
        if root_name.lower() == "workout" and root.find(".//workoutstep") is not None:
            r.error("not-zwo", "not a Zwift workout: the root is <workout> with <workoutstep> "
                    "children, a layout some tools invent; Zwift files start with "
                    "<workout_file>", z.span(root),
                    "re-export the workout from Zwift or a ZWO editor")
        else:
            r.error("not-zwo", f"not a Zwift workout: the root element is <{root_name}>, not "
                    "<workout_file>", z.span(root))
        return r.result(None, "zwo", text)
    return _read_workout_file(root, z, r, text)


@dataclass
class _Header:
    """What a ZWO file says around its blocks (the children of the root)."""

    name: str | None = None
    description: str | None = None
    sport: str | None = None
    duration_type: str | None = None
    tags: list[str] = field(default_factory=list)
    workout: Any = None


def _read_header(root, ns: str | None, z: _ZwoReader, r: Reader) -> _Header:
    """The root's children in this namespace; ftpOverride goes to the reader."""
    head = _Header()
    for child in root:
        if not isinstance(child.tag, str) or _namespace(child.tag) != ns:
            continue  # comments, and elements of a foreign namespace
        key = _local(child.tag).lower()
        if key in ("name", "n"):
            head.name = _text(child) or head.name
        elif key == "description":
            head.description = "\n".join(
                line.strip() for line in "".join(child.itertext()).splitlines()).strip()
        elif key in ("sporttype", "sport_type", "sport"):
            head.sport = _text(child)
        elif key == "durationtype":
            head.duration_type = _text(child).lower()
        elif key == "ftpoverride":
            value = finite(_text(child))
            if value and value > 0 and z.plausible(child, value, THRESHOLDS["ftp"]):
                z.ftp_override = value
        elif key == "tags":
            head.tags.extend(t.get("name", "").strip() for t in child
                             if isinstance(t.tag, str) and _local(t.tag).lower() == "tag")
        elif key == "workout":
            if head.workout is None:
                head.workout = child
            else:
                r.warn("zwo-two-workouts", "a second <workout> element is ignored", z.span(child))
    return head  # <author> is not part of a planc header


def _set_sport(raw: str | None, z: _ZwoReader, r: Reader) -> None:
    if raw:
        sport = SPORTS.get(raw.lower())
        if sport is None:
            r.warn("zwo-sport", f"unknown sportType '{raw}'; read as a ride")
            sport = "Ride"
        z.sport = sport


def _set_distance_mode(blocks: list, duration_type: str | None, z: _ZwoReader,
                       r: Reader) -> None:
    """Durations are metres when the file says so, or (a run) when every cue is by distance."""
    if duration_type == "distance":
        z.distance_mode = True
    elif z.sport == "Run" and duration_type != "time":
        events = [e for b in blocks for e in b.iter()
                  if isinstance(e.tag, str) and _local(e.tag).lower() == "textevent"]
        if events and all("distoffset" in _attrs(e) for e in events):
            z.distance_mode = True
            r.warn("zwo-distance", "run workout without <durationType>: its cues use distoffset, "
                   "so durations are read as metres", hint="add <durationType>distance"
                   "</durationType> to say so")


@dataclass
class _Blocks:
    """The steps read from <workout>, which of them are warm-up/cool-down, and the cues."""

    elements: list[Step | Repeat] = field(default_factory=list)
    warm: list[bool] = field(default_factory=list)
    cool: list[bool] = field(default_factory=list)
    cues: list[tuple[float, str, Span]] = field(default_factory=list)


def _read_blocks(blocks: list, z: _ZwoReader, r: Reader, rounder: TimeRounder) -> _Blocks:
    read = _Blocks()
    for el in blocks:
        kind = _local(el.tag).lower()
        if kind == "textevent":
            read.cues.extend(z.workout_cue(el))
            continue
        if kind not in _BLOCKS:
            if kind not in _IGNORED:
                r.warn("zwo-unknown-block", f"unknown block <{_local(el.tag)}> is left out",
                       z.span(el), "planc reads SteadyState, Warmup, Ramp, Cooldown, "
                       "IntervalsT, FreeRide and MaxEffort")
            continue
        node = z.block(el, rounder)
        if z.budget.over:
            break
        if node is None:
            continue
        nodes = node if isinstance(node, list) else [node]
        read.elements.extend(nodes)
        read.warm.extend([kind == "warmup"] * len(nodes))
        read.cool.extend([kind == "cooldown"] * len(nodes))
    return read


def _warn_approximations(z: _ZwoReader, r: Reader, rounder: TimeRounder) -> None:
    if z.steady_averaged:
        n = z.steady_averaged
        r.warn("zwo-steady-range",
               f"{n} SteadyState block{'s' if n != 1 else ''} give{'s' if n == 1 else ''} "
               "PowerLow/PowerHigh instead of Power; planc uses the average of the two "
               "(as Golden Cheetah does)", z.first_averaged or Span(0, 0, 0, 0),
               "write Power=\"...\" for a steady block, or use a Ramp")
    if rounder.fractional:
        r.warn("zwo-fractional", "durations with fractions of a second are rounded to whole "
               "seconds (each boundary to the nearest second, so the total does not drift)")


def _read_workout_file(root, z: _ZwoReader, r: Reader, text: str) -> ImportResult:
    ns = _namespace(root.tag) if isinstance(root.tag, str) else None
    head = _read_header(root, ns, z, r)
    _set_sport(head.sport, z, r)
    if head.workout is None:
        r.error("zwo-no-workout", "the file has no <workout> element (no steps)", z.span(root),
                "a ZWO file lists its blocks inside <workout>...</workout>")
        return r.result(None, "zwo", text)
    blocks = [el for el in head.workout
              if isinstance(el.tag, str) and _namespace(el.tag) == ns]
    if sum(_local(el.tag).lower() in _BLOCKS for el in blocks) > MAX_EXPANDED_STEPS:
        z.budget.take(MAX_EXPANDED_STEPS + 1, z.span(head.workout))  # each block is a step
        return r.result(None, "zwo", text)
    _set_distance_mode(blocks, head.duration_type, z, r)
    if z.ftp_override:
        r.warn("zwo-ftp-override", f"the file sets ftpOverride {z.ftp_override:g} W; its powers "
               "are imported as watts")
    rounder = TimeRounder()
    read = _read_blocks(blocks, z, r, rounder)
    _warn_approximations(z, r, rounder)
    if r.failed:
        return r.result(None, "zwo", text)
    if not read.elements:
        r.error("zwo-no-steps", "the <workout> element has no blocks planc can read",
                z.span(head.workout))
        return r.result(None, "zwo", text)
    elements = read.elements
    if read.cues:
        elements = place_cues(elements, [(o, m) for o, m, _ in read.cues], r,
                              unit="metre" if z.distance_mode else "second")
    lead, trail = edge_runs(elements, read.warm, read.cool)
    workout = assemble(elements, sport=z.sport, name=head.name, description=head.description,
                       tags=head.tags, warmup=lead, cooldown=trail)
    return r.result(workout, "zwo", text)


"""Rewrites shared by several targets: unrolling repeats, one level of repeats,
and the helpers every device lowering needs (time of a step, text for a target
a format cannot carry, the missing-threshold error)."""

from __future__ import annotations

from operator import attrgetter

from planc.ast import (
    NO_SPAN,
    Block,
    Distance,
    Duration,
    HrUnit,
    Node,
    Note,
    PaceUnit,
    PowerUnit,
    Repeat,
    Span,
    Step,
    Workout,
    _Frozen,
    _frozen,
    _set,
)
from planc.athlete import SportThresholds
from planc.diagnostics import Diagnostic, error, warning
from planc.resolve.targets import (
    Missing,
    MissingThreshold,
    hr_bpm,
    pace_band_speed,
    pace_speed,
    power_watts,
)
from planc.syntax.printer import (
    fmt_distance,
    fmt_duration,
    fmt_hr,
    fmt_pace,
    fmt_pace_clock,
    fmt_power,
)
from planc.units import ICU_PACE_UNITS, PACE_PER_METRES, PacePer

_LAYOUTS: dict[type, tuple[attrgetter, dict[str, int]]] = {}


def replaced(node, **changes):
    """``dataclasses.replace(node, **changes)`` for the AST's classes, at a fraction of the
    cost (the lowerings copy steps by the thousand: a ramp's slices, each pass of a repeat).

    Every field is read at once (one ``attrgetter`` per class) and passed to ``__init__``
    in field order, which is the order of each AST class's ``__init__``
    (tests/test_lower_replaced.py checks it against ``dataclasses.replace``).
    """
    layout = _LAYOUTS.get(type(node)) or _layout(type(node))
    values = list(layout[0](node))
    index = layout[1]
    for name, value in changes.items():
        values[index[name]] = value
    return type(node)(*values)


def copies(node, *names: str):
    """A maker of copies of ``node`` that differ from it in the fields ``names`` only:
    ``copies(step, "amount")(piece)`` is ``replaced(step, amount=piece)``, with the
    node's fields read once for all the copies (a ramp's slices, by the dozen).
    tests/test_lower_replaced.py checks it against ``dataclasses.replace``."""
    cls = type(node)
    get, index = _LAYOUTS.get(cls) or _layout(cls)
    base = list(get(node))
    at = [index[name] for name in names]

    def make(*values):
        fields = base.copy()
        for i, value in zip(at, values, strict=True):
            fields[i] = value
        return cls(*fields)

    return make


def _layout(cls: type) -> tuple[attrgetter, dict[str, int]]:
    names = cls._field_names  # every AST class's fields, in order (planc.ast._slotted)
    get = attrgetter(*names) if len(names) > 1 else (lambda node: (getattr(node, names[0]),))
    layout = _LAYOUTS[cls] = (get, {n: i for i, n in enumerate(names)})
    return layout


def _has_nested(rep: Repeat) -> bool:
    return any(isinstance(c, Repeat) for c in rep.children)


def _expanded_children(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """Children with every inner repeat unrolled (notes kept once, in place)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Repeat):
            for _ in range(node.count):
                out.extend(_expanded_children(node.children))
        else:
            out.append(node)
    return tuple(out)


def _line_count(nodes: tuple[Node, ...]) -> int:
    return sum(1 for n in nodes if isinstance(n, Step))


def single_level(body: tuple[Node, ...], target: str) -> tuple[tuple[Node, ...], list[Diagnostic]]:
    """Lower nested repeats to one level (intervals.icu, ZWO), choosing the shorter text.

    Two exact rewrites exist for ``N x [a, M x [b, c], d]``: keep the outer
    repeat and unroll the inner ones inside it, or unroll the outer repeat and
    keep the inner ones as repeats.  planc takes the one with fewer step lines
    (ties keep the outer repeat, which reads closer to the source).
    """
    diags: list[Diagnostic] = []
    out: list[Node] = []
    for node in body:
        if not (isinstance(node, Repeat) and _has_nested(node)):
            out.append(node)
            continue
        keep_outer = Repeat(node.count, _expanded_children(node.children), node.title, node.span)
        unrolled = _unroll_outer(node)
        lines_outer = _line_count(keep_outer.children)
        lines_inner = sum(
            _line_count(n.children) if isinstance(n, Repeat | Block) else 0 for n in unrolled
        )
        if lines_outer <= lines_inner:
            out.append(keep_outer)
            how = "inner repeats unrolled inside it"
        else:
            out.extend(unrolled)
            how = f"the outer repeat unrolled {node.count} times around its inner repeats"
        diags.append(warning(
            "lowered-nesting",
            f"{target} has no nested repeats: '{node.title + ' ' if node.title else ''}"
            f"{node.count}x' is written with {how} (same steps, same order)",
            node.span,
            None,
        ))
    return tuple(out), diags


def _unroll_outer(rep: Repeat) -> list[Node]:
    """The outer repeat expanded; inner repeats kept (recursively single-level)."""
    out: list[Node] = []
    if rep.title:
        out.append(Note(rep.title, rep.span))
    for _ in range(rep.count):
        run: list[Node] = []
        for child in rep.children:
            if isinstance(child, Repeat):
                if run:
                    out.append(Block(tuple(run), None, None, rep.span))
                    run = []
                inner, _ = single_level((child,), "")
                out.extend(inner)
            elif isinstance(child, Step):
                run.append(child)
        if run:
            out.append(Block(tuple(run), None, None, rep.span))
    return out


# ------------------------------------------------------ device lowering --
#
# What the device targets (.zwo, .mrc, .erg, and the .fit lowering) share: the
# result type, turning an amount into time, describing a target a format
# cannot carry as text, the description, and the error for a missing
# threshold.  Everything here is a pure function of the AST and the athlete.

# Flag -> (what the athlete lacks, the athlete-file key that provides it).
_THRESHOLD_WORDS: dict[str, tuple[str, str]] = {
    "--ftp": ("an FTP", "ftp"),
    "--lthr": ("a threshold heart rate (LTHR)", "lthr"),
    "--max-hr": ("a max heart rate", "max_hr"),
    "--threshold-pace": ("a threshold pace", "threshold_pace"),
}


@_frozen
class Lowered(_Frozen):
    """A workout rewritten into what one format can express, and what that cost.

    ``workout`` is a plain :class:`~planc.ast.Workout` in the target's normal
    form (each target module documents its form), so the same measuring code
    (time, work) runs on the source and on the lowered tree.  It is None when
    an error made lowering impossible; ``diagnostics`` then holds the errors.
    """

    workout: Workout | None
    diagnostics: list[Diagnostic]

    def __init__(self, workout: Workout | None,
                 diagnostics: list[Diagnostic] | None = None) -> None:
        _set(self, "workout", workout)
        _set(self, "diagnostics", [] if diagnostics is None else diagnostics)  # a new list


def missing_threshold(target: str, missing: Missing, purpose: str, span) -> Diagnostic:
    """``.erg needs an FTP to turn 75% into watts (pass --ftp or set ftp in --athlete)``."""
    noun, key = _THRESHOLD_WORDS.get(missing.flag, (missing.what, ""))
    how = f"pass {missing.flag}" + (f" or set {key} in --athlete" if key else "")
    return error("missing-threshold", f"{target} needs {noun} {purpose} ({how})", span)


def said_once(diags: list[Diagnostic], code: str, what: str) -> list[Diagnostic]:
    """The warnings with ``code`` as one, at the first, naming the lines of the others:
    a rule that applies to every step of a kind is worth saying once per workout."""
    same = [d for d in diags if d.code == code and not d.is_error]
    if len(same) < 2:
        return diags
    lines = sorted({d.span.line for d in same[1:] if d.span.line})
    where = f" (lines {', '.join(map(str, lines))})" if lines else ""
    first = same[0].but(message=f"{same[0].message}; so do the {len(same) - 1} other {what}{where}")
    return [first if d is same[0] else d for d in diags if d is same[0] or d not in same]


def dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics once each, in order (a step inside a repeat is lowered once per pass).

    Missing-threshold errors are kept once per threshold (the "(pass --flag
    ...)" they end with): the first step that needs an FTP is enough to tell
    the user to pass ``--ftp``.
    """
    seen: set = set()
    out: list[Diagnostic] = []
    for d in diags:
        key = ((d.code, d.message.rpartition("(pass ")[2]) if d.code == "missing-threshold"
               else (d.code, d.span, d.message))
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def note_nodes(nodes: tuple[Node, ...]) -> list[Note]:
    """Every note in source order, inside repeats and blocks too."""
    out: list[Note] = []
    for node in nodes:
        if isinstance(node, Note):
            out.append(node)
        elif isinstance(node, Repeat | Block):
            out.extend(note_nodes(node.children))
    return out


def header_span(workout: Workout) -> Span:
    """Where the header's texts (name, description) are reported: the workout, else line 1."""
    return workout.span if workout.span.line else Span.point(1, 1)


def description_sources(workout: Workout) -> list[tuple[str, Span]]:
    """The header description, then the notes, each with the span it came from."""
    parts = [(workout.description.strip(), header_span(workout))] if workout.description else []
    parts.extend((n.text.strip(), n.span) for n in note_nodes(workout.body))
    return [(text, span) for text, span in parts if text]


def label_text(step: Step) -> str:
    """The step's label and trailing words: shown as a cue at the step start."""
    return " ".join(p.strip() for p in (step.label, step.trailing) if p and p.strip())


def start_cue(parts: list[str]) -> str:
    """``label: what, else`` -- the cue at a step's start (label first, then the rest)."""
    label, rest = parts[0], ", ".join(p for p in parts[1:] if p)
    return f"{label}: {rest}" if label and rest else label or rest


def _band(lo: float, hi: float) -> str:
    """Whole numbers, one value when both ends round alike: ``136-151`` or ``200``."""
    a, b = f"{lo:.0f}", f"{hi:.0f}"
    return a if a == b else f"{a}-{b}"


def describe_targets(step: Step, thr: SportThresholds, *, omit: str | None = None,
                     indoor: bool = False) -> str:
    """The step's targets as the athlete wrote them, with numbers where thresholds allow.

    ``Z2 HR (136-151 bpm)``, ``4:10-4:15/km Pace``, ``80% (200 W)``.  This is
    the text cue that carries a target a format cannot hold; ``omit`` names the
    domain (``power``, ``hr`` or ``pace``) the format does carry.  Never raises:
    without a threshold the text is just what the athlete wrote.
    """
    if not ((omit != "power" and step.power is not None) or (omit != "hr" and step.hr is not None)
            or (omit != "pace" and step.pace is not None)):
        return ""  # the common case, kept cheap: nothing beyond the carried target
    parts: list[str] = []
    if omit != "power" and step.power is not None:
        text = fmt_power(step.power)
        if step.power.unit is not PowerUnit.WATTS:
            try:
                w = power_watts(step.power, thr, indoor)
                text += f" ({_band(w.low, w.high)} W)"
            except MissingThreshold:
                pass
        parts.append(text)
    if omit != "hr" and step.hr is not None:
        text = fmt_hr(step.hr)
        if step.hr.unit is not HrUnit.BPM:
            try:
                bpm = hr_bpm(step.hr, thr)
                text += f" ({_band(bpm.low, bpm.high)} bpm)"
            except MissingThreshold:
                pass
        parts.append(text)
    if omit != "pace" and step.pace is not None:
        text = fmt_pace(step.pace)
        if step.pace.unit is not PaceUnit.SPEED:
            try:
                speed = pace_speed(step.pace, thr)
                text += f" ({_pace_clock(speed.low, speed.high, thr)})"
            except MissingThreshold:
                pass
        parts.append(text)
    return ", ".join(parts)


def cadence_text(step: Step) -> str:
    """``85-95 rpm``: the cadence target as cue text."""
    if step.cadence is None:
        return ""
    return f"{_band(step.cadence.value.low, step.cadence.value.high)} rpm"


def _pace_clock(slow: float, fast: float, thr: SportThresholds) -> str:
    """m/s band -> ``4:10-4:15/km`` in the athlete's pace unit (per km by default)."""
    unit = ICU_PACE_UNITS.get(thr.pace_units or "", PacePer.KM)
    per, metres = unit.value, PACE_PER_METRES[unit]
    a, b = fmt_pace_clock(metres / fast), fmt_pace_clock(metres / slow)
    return f"{a}/{per}" if a == b else f"{a}-{b}/{per}"


@_frozen
class Timed(_Frozen):
    """A step's length in the unit a target counts in, and how to place its cues.

    ``length`` is seconds (or metres for a distance-counted .zwo); ``per_offset``
    converts a cue offset written on the step (seconds, or metres on a distance
    step) into that unit.
    """

    length: float
    per_offset: float

    def __init__(self, length: float, per_offset: float = 1.0) -> None:
        _set(self, "length", length)
        _set(self, "per_offset", per_offset)


def timed_step(step: Step, thr: SportThresholds, target: str,
               diags: list[Diagnostic]) -> Timed | None:
    """The step's duration in seconds; a distance step needs a speed to get one.

    The speed is the middle of the step's pace band: an absolute pace, or a
    relative one with the athlete's threshold pace (as in planc.resolve.metrics, so
    the file's total time is the one ``planc stats`` prints).  A distance step
    with no pace, or a relative pace and no threshold pace, is an error.
    Converting is reported as a ``distance-as-time`` warning.
    """
    amount = step.amount
    if isinstance(amount, Duration):
        return Timed(amount.seconds)
    assert isinstance(amount, Distance)
    dist = fmt_distance(amount)
    if step.pace is None:
        diags.append(error(
            "distance-needs-time",
            f"{target} counts time, and the distance step '{dist}' has no pace to turn it "
            "into a time", step.span,
            "write the step as a time (e.g. '20m'), or give it a pace target"))
        return None
    try:
        speed = pace_band_speed(step.pace, thr)
    except MissingThreshold as exc:
        diags.append(missing_threshold(
            target, exc.missing, f"to turn '{dist} {fmt_pace(step.pace)}' into a time",
            step.pace.span if step.pace.span != NO_SPAN else step.span))
        return None
    seconds = amount.metres / speed
    how = "" if step.pace.value.is_single else " at the middle of the pace band"
    diags.append(warning(
        "distance-as-time",
        f"{target} counts time: '{dist}' at {fmt_pace(step.pace)} is written as "
        f"{fmt_duration(seconds)} ({seconds:.2f}s{how})",
        step.span, None))
    return Timed(seconds, 1.0 / speed)

"""intervals.icu workout text, in the safe canonical form (reference §1.9).

What the canonical form guarantees: blank lines around every block, ``mtr``
for metres, the word ``Pace`` after every pace, ASCII ``-`` only, labels that
cannot be read as a target, and nothing planc-only (comments, cues, nesting,
front matter).  For anything intervals.icu can express,
``parse(emit(w)) == w``, and emitting is a fixed point.
"""

from __future__ import annotations

import re

from planc.ast import (
    Block,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Node,
    Note,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Step,
    Workout,
)
from planc.diagnostics import Diagnostic, warning
from planc.lower import single_level
from planc.units import METRES_PER_UNIT, PACE_PER_METRES, YARD_M, DistanceUnit


def num(x: float) -> str:
    """Shortest decimal that reads back as the same value once scaled (10 significant digits)."""
    text = f"{x:.10g}"
    return "0" if text == "-0" else text


def fmt_duration(seconds: float) -> str:
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return out or "0s"


def fmt_distance(d: Distance) -> str:
    value = d.metres / METRES_PER_UNIT[d.unit]
    return f"{num(round(value, 6))}{d.unit.value}"


def _pct(r: Range) -> str:
    a, b = num(r.start * 100), num(r.end * 100)
    return f"{a}%" if r.is_single else f"{a}-{b}%"


def _zone(r: Range) -> str:
    return f"Z{num(r.start)}" if r.is_single else f"Z{num(r.start)}-Z{num(r.end)}"


def _plain(r: Range, unit: str) -> str:
    return f"{num(r.start)}{unit}" if r.is_single else f"{num(r.start)}-{num(r.end)}{unit}"


def fmt_power(p: PowerTarget) -> str:
    if p.unit is PowerUnit.FTP:
        return _pct(p.value)
    if p.unit is PowerUnit.WATTS:
        return _plain(p.value, "w")
    return _zone(p.value)


def fmt_hr(h: HrTarget) -> str:
    if h.unit is HrUnit.MAX:
        return f"{_pct(h.value)} HR"
    if h.unit is HrUnit.LTHR:
        return f"{_pct(h.value)} LTHR"
    if h.unit is HrUnit.BPM:
        return _plain(h.value, "bpm")
    return f"{_zone(h.value)} HR"


def fmt_pace_clock(seconds: float) -> str:
    s = round(seconds, 1)
    m, sec = divmod(s, 60)
    m = int(m)
    if sec == int(sec):
        return f"{m}:{int(sec):02d}"
    return f"{m}:{sec:04.1f}"


def fmt_pace(p: PaceTarget) -> str:
    if p.unit is PaceUnit.THRESHOLD:
        return f"{_pct(p.value)} Pace"
    if p.unit is PaceUnit.ZONE:
        return f"{_zone(p.value)} Pace"
    assert p.per is not None
    metres = PACE_PER_METRES[p.per]
    a = fmt_pace_clock(metres / p.value.start)
    b = fmt_pace_clock(metres / p.value.end)
    clock = a if a == b else f"{a}-{b}"
    per = f"/{p.per.value}" if p.per_explicit else ""
    return f"{clock}{per} Pace"


def _defuse(word: str) -> str:
    """Break a word that intervals.icu would read as a value: 30s -> 30 s, Z2 -> Z 2."""
    word = re.sub(r"(\d)(?=[^\d\s.,])", r"\1 ", word)
    word = re.sub(r"^([<>~]?[zZ])(\d)", r"\1 \2", word)
    word = word.replace("=", " ").replace(":", " ")
    if word.lower() in ("freeride", "maxeffort", "hidepower"):
        word = word[:4] + "-" + word[4:]
    return word


def safe_label(label: str) -> str:
    """A label intervals.icu reads back whole: no value-like word, no ``<>&``, no 'Press lap'."""
    # the lexer ends a value at ')' ("Z5)5" reads as zone 5), and breaking one word can
    # uncover another ("5z5" -> "5 z5"): repeat until nothing changes
    text = re.sub(r"\)(?=\S)", ") ", label)
    for _ in range(8):
        cleaner = _safe_label_pass(text)
        if cleaner == text:
            break
        text = cleaner
    return text


def _safe_label_pass(label: str) -> str:
    from planc.syntax import is_label_word

    words = [_unglue(w) for w in
             label.replace("<", " ").replace(">", " ").replace("&", " and ").split()]
    words = " ".join(words).split()
    out: list[str] = []
    for i, word in enumerate(words):
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        spans_unit = following[:3] in ("rpm", "bpm") and word[:1].isdigit()
        if not is_label_word(word) or spans_unit:
            word = _defuse(word) if not spans_unit else word + "."
        if word.lower() == "lap" and out and out[-1].lower() == "press":
            out[-1] += "-"
        out.append(word)
    return " ".join(" ".join(out).split())


def _unglue(word: str) -> str:
    """The lexer also ends a word at ',' and ';' ("a;0A" is "a;" and the value-like "0A"):
    a space after such a mark where what follows would not stay in the label."""
    pieces = re.split(r"(?<=[,;])(?=[^,;])", word)
    if len(pieces) == 1:
        return word
    from planc.syntax import is_label_word

    out = pieces[0]
    for piece in pieces[1:]:
        out += (" " if not is_label_word(piece) else "") + piece
    return out


def step_line(step: Step) -> str:
    parts = ["-"]
    if step.label:
        label = safe_label(step.label)
        if label:
            parts.append(label)
    amount = step.amount
    parts.append(fmt_duration(amount.seconds) if isinstance(amount, Duration)
                 else fmt_distance(amount))
    if step.ramp:
        parts.append("ramp")
    if step.power is not None:
        parts.append(fmt_power(step.power))
    if step.hr is not None:
        parts.append(fmt_hr(step.hr))
    if step.pace is not None:
        parts.append(fmt_pace(step.pace))
    if step.cadence is not None:
        parts.append(_plain(step.cadence.value, "rpm"))
    if step.freeride:
        parts.append("freeride")
    if step.maxeffort:
        parts.append("maxeffort")
    if step.hidepower:
        parts.append("hidepower")
    if step.intensity is not None:
        parts.append(f"intensity={step.intensity.value}")
    if step.power_window:
        parts.append(f"power={step.power_window}")
    if step.hr_window:
        parts.append(f"hr={step.hr_window}")
    if step.until_lap_press:
        parts.append("Press lap")
    if step.trailing:
        parts.append(step.trailing)
    return " ".join(parts)


_REPEAT_TAIL = re.compile(r"\d+\s*[xX]\s*$")


def _prose_line(line: str) -> str:
    """A prose line that reads back as prose (not a step, cue, comment, header or repeat)."""
    line = line.strip()
    if line[:1] in ("-", ">", "`") or line.startswith("//"):
        line = "`" + line
    if re.match(r"pool\s+length", line, re.IGNORECASE):
        line = "`" + line
    if _REPEAT_TAIL.search(line):
        line += "."
    return line


def _title(title: str) -> str:
    return _prose_line(title)


def _node_text(node: Node, diags: list[Diagnostic]) -> str:
    if isinstance(node, Note):
        lines = [_prose_line(x) for x in node.text.split("\n") if x.strip()]
        return "\n".join(lines)
    if isinstance(node, Block):
        lines = []
        if node.section is not None:
            lines.append("Warmup" if node.section is Section.WARMUP else "Cooldown")
        elif node.title:
            lines.append(_title(node.title))
        lines.extend(_child_lines(node.children, diags))
        return "\n".join(lines)
    if isinstance(node, Repeat):
        title = _title(node.title) if node.title else ""
        if title.endswith("."):
            title = title[:-1] + ":"
        header = f"{title} {node.count}x" if title else f"{node.count}x"
        return "\n".join([header, *_child_lines(node.children, diags)])
    # a bare step at top level (constructed ASTs): its own block
    return "\n".join(_child_lines((node,), diags))


def _child_lines(nodes, diags: list[Diagnostic]) -> list[str]:
    out = []
    for child in nodes:
        if isinstance(child, Step):
            out.append(step_line(child))
            for cue in child.cues:
                diags.append(warning(
                    "cue-dropped",
                    f"intervals.icu has no timed cues; the cue '{cue.text}' is left out",
                    cue.span, None))
            if isinstance(child.amount, Duration) and child.amount.seconds != round(
                    child.amount.seconds):
                diags.append(warning(
                    "rounded-duration",
                    f"intervals.icu takes whole seconds: {child.amount.seconds:g}s is written "
                    f"as {fmt_duration(child.amount.seconds)}", child.span, None))
        elif isinstance(child, Note):
            out.extend(_prose_line(x) for x in child.text.split("\n") if x.strip())
    return out


def emit_icu_with_diagnostics(workout: Workout) -> tuple[str, list[Diagnostic]]:
    """The text and what had to be approximated (nesting, cues, fractional seconds)."""
    diags: list[Diagnostic] = []
    body, lowered = single_level(workout.body, "intervals.icu")
    diags.extend(lowered)
    chunks = []
    if workout.pool_length is not None:
        pl = workout.pool_length
        unit = "y" if pl.unit is DistanceUnit.YARD else "m"
        value = pl.metres / (YARD_M if unit == "y" else 1.0)
        chunks.append(f"Pool length: {num(round(value, 6))}{unit}")
    for node in body:
        text = _node_text(node, diags)
        if text:
            chunks.append(text)
    return "\n\n".join(chunks) + "\n", diags


def emit_icu(workout: Workout) -> str:
    return emit_icu_with_diagnostics(workout)[0]

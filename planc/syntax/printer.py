"""The way back from the AST to text: one printer, two dialects.

    write(workout, dialect="planc" | "icu") -> str

``planc`` is a planc source file: front matter (name, sport, description,
tags), nested repeats indented under their header, ``> offset text`` cue
lines after their step.  Importers write it, so an imported workout becomes
a file the athlete can edit.

``icu`` is intervals.icu's safe canonical text (reference §1.9): blank lines
around every block, ``mtr`` for metres, the word ``Pace`` after every pace,
ASCII ``-`` only, labels that cannot be read as a target, and nothing
planc-only (no front matter, no cues, no nesting).  It is the planc dialect
without the three planc extensions, so a step, a repeat or a note reads the
same in both.

The printer says exactly what the tree holds and nothing else: it never
approximates and never reports.  What intervals.icu cannot say (nested
repeats, cues, fractional seconds) is rewritten beforehand by
:func:`planc.lower.icu.lower_icu`, which reports the cost; handed such a tree,
the icu dialect raises ValueError.  The contract, tested once for both
dialects: ``parse(write(w, d)) == w``, and writing what was read gives the
same text again.

The ``fmt_*`` helpers are how the language writes a target or an amount;
other stages use them to show one in a message or a cue.
"""

from __future__ import annotations

import re
from itertools import pairwise

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
from planc.syntax.tokens import is_label_word
from planc.units import METRES_PER_UNIT, PACE_PER_METRES, YARD_M, DistanceUnit

TYPE_CHECKING = False  # not typing's: its import is 2 ms of compile's start-up
if TYPE_CHECKING:
    from typing import Literal

    Dialect = Literal["planc", "icu"]
else:
    Dialect = str  # what a Dialect is at run time (annotations are strings)
DIALECTS: tuple[Dialect, ...] = ("planc", "icu")
INDENT = "  "

# ---------------------------------------------------------------- numbers --


def num(x: float) -> str:
    """Shortest decimal that reads back as the same value once scaled (10 significant digits)."""
    text = f"{x:.10g}"
    return "0" if text == "-0" else text


def fmt_duration(seconds: float) -> str:
    """``1h45m``, ``30s``: whole seconds, the only durations the language has.

    A fraction is rounded here only for messages (``504.95s is written as 8m25s``);
    what gets printed was made whole beforehand, by an importer or by lowering."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return out or "0s"


def fmt_distance(d: Distance) -> str:
    """``400mtr``, ``2.5km``: in the unit the author wrote."""
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
    """``75%``, ``200-250w``, ``Z2``."""
    if p.unit is PowerUnit.FTP:
        return _pct(p.value)
    if p.unit is PowerUnit.WATTS:
        return _plain(p.value, "w")
    return _zone(p.value)


def fmt_hr(h: HrTarget) -> str:
    """``70% HR``, ``95% LTHR``, ``140bpm``, ``Z2 HR``."""
    if h.unit is HrUnit.MAX:
        return f"{_pct(h.value)} HR"
    if h.unit is HrUnit.LTHR:
        return f"{_pct(h.value)} LTHR"
    if h.unit is HrUnit.BPM:
        return _plain(h.value, "bpm")
    return f"{_zone(h.value)} HR"


def fmt_pace_clock(seconds: float) -> str:
    """Seconds per pace unit as a clock: ``4:05``, ``1:32.5``."""
    s = round(seconds, 1)
    m, sec = divmod(s, 60)
    m = int(m)
    if sec == int(sec):
        return f"{m}:{int(sec):02d}"
    return f"{m}:{sec:04.1f}"


def fmt_pace(p: PaceTarget) -> str:
    """``90% Pace``, ``Z2 Pace``, ``4:10-4:15/km Pace``."""
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


def fmt_cadence(r: Range) -> str:
    """``90rpm``, ``85-95rpm``."""
    return _plain(r, "rpm")


# ----------------------------------------------------------------- labels --


def _defuse(word: str) -> str:
    """Break a word that intervals.icu would read as a value: 30s -> 30 s, Z2 -> Z 2."""
    word = re.sub(r"(\d)(?=[^\d\s.,])", r"\1 ", word)
    word = re.sub(r"^([<>~]?[zZ])(\d)", r"\1 \2", word)
    word = word.replace("=", " ").replace(":", " ")
    if word.lower() in ("freeride", "maxeffort", "hidepower"):
        word = word[:4] + "-" + word[4:]
    return word


def safe_label(label: str) -> str:
    """A label intervals.icu reads back whole: no value-like word, no ``<>&``, no 'Press lap'.

    Memoised (labels of up to :data:`LABEL_MEMO_CHARS`, :data:`LABEL_MEMO_SIZE` of them):
    a workout repeats its 'Work' and 'Easy' in every set, and each format's text asks."""
    hit = LABEL_MEMO.get(label)
    if hit is None:
        hit = _safe_label(label)
        if len(label) <= LABEL_MEMO_CHARS:
            if len(LABEL_MEMO) >= LABEL_MEMO_SIZE:
                LABEL_MEMO.clear()
            LABEL_MEMO[label] = hit
    return hit


LABEL_MEMO: dict[str, str] = {}
LABEL_MEMO_SIZE = 4096
LABEL_MEMO_CHARS = 200


def _safe_label(label: str) -> str:
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
    out = pieces[0]
    for before, piece in pairwise(pieces):
        # "0%;0" is the value "0%" and a word: the piece before the mark counts too
        apart = not is_label_word(piece) or not is_label_word(before)
        out += (" " if apart else "") + piece
    return out


# ------------------------------------------------------------------ steps --


def _step_words(step: Step, words: list[str]) -> list[str]:
    """``words`` with the targets and options after the amount, in the canonical order."""
    if step.ramp:
        words.append("ramp")
    if step.power is not None:
        words.append(fmt_power(step.power))
    if step.hr is not None:
        words.append(fmt_hr(step.hr))
    if step.pace is not None:
        words.append(fmt_pace(step.pace))
    if step.cadence is not None:
        words.append(fmt_cadence(step.cadence.value))
    if step.freeride:
        words.append("freeride")
    if step.maxeffort:
        words.append("maxeffort")
    if step.hidepower:
        words.append("hidepower")
    if step.intensity is not None:
        words.append(f"intensity={step.intensity.value}")
    if step.power_window:
        words.append(f"power={step.power_window}")
    if step.hr_window:
        words.append(f"hr={step.hr_window}")
    if step.until_lap_press:
        words.append("Press lap")
    if step.trailing:
        words.append(step.trailing)
    return words


def step_line(step: Step) -> str:
    """``- Hard 4m 105% 95rpm``: the step line, the same in both dialects."""
    parts = ["-"]
    label = safe_label(step.label) if step.label else ""
    if label:
        parts.append(label)
    amount = step.amount
    parts.append(fmt_duration(amount.seconds) if isinstance(amount, Duration)
                 else fmt_distance(amount))
    return " ".join(_step_words(step, parts))


def cue_offset(step: Step, offset: float) -> str:
    """A cue's offset: metres on a distance step, a duration otherwise."""
    if isinstance(step.amount, Distance):
        return f"{num(round(offset, 6))}{DistanceUnit.METRE.value}"
    return fmt_duration(offset)


# ------------------------------------------------------------------ prose --

def _ends_like_a_repeat(line: str) -> bool:
    r"""Whether ``line`` ends as a repeat header does (``... 3x``): a digit, maybe spaces,
    an x.  Plain string steps, not a search for ``\d+\s*[xX]\s*$``: that search tries
    every start in a run of digits and took seconds on a long one (fuzzing)."""
    tail = line.rstrip()
    if tail[-1:] not in ("x", "X"):
        return False
    tail = tail[:-1].rstrip()
    return tail[-1:].isdecimal()  # what re's \d is on text: Unicode category Nd


def one_line(text: str) -> str:
    """Collapse white space (newlines included): header values and cues are single lines."""
    return " ".join(text.split())


def prose_line(line: str) -> str:
    """A prose line that reads back as prose (not a step, cue, comment, header or repeat)."""
    line = line.strip()
    if line[:1] in ("-", ">", "`") or line.startswith("//"):
        line = "`" + line
    if re.match(r"pool\s+length", line, re.IGNORECASE):
        line = "`" + line
    if _ends_like_a_repeat(line):
        line += "."
    return line


def _prose_lines(text: str, indent: str) -> list[str]:
    return [indent + prose_line(x) for x in text.split("\n") if x.strip()]


def repeat_header(rep: Repeat) -> str:
    """``Main set 4x``.  A title that prose escaping ends with '.' ("Do 3x.") ends with ':'
    instead, so the header still reads as title + count."""
    title = prose_line(rep.title) if rep.title else ""
    if title.endswith("."):
        title = title[:-1] + ":"
    return f"{title} {rep.count}x" if title else f"{rep.count}x"


def pool_length_line(workout: Workout) -> str | None:
    """``Pool length: 25m`` / ``Pool length: 25y``, or None for a workout without one."""
    pl = workout.pool_length
    if pl is None:
        return None
    unit = "y" if pl.unit is DistanceUnit.YARD else "m"
    value = pl.metres / (YARD_M if unit == "y" else 1.0)
    return f"Pool length: {num(round(value, 6))}{unit}"


# ----------------------------------------------------------- front matter --


def _header_value(value: str) -> str:
    """A header value the front-matter reader returns unchanged (it strips one quote pair)."""
    value = one_line(value)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = f"'{value}'" if value[0] == '"' else f'"{value}"'
    return value


def clean_tag(tag: str) -> str:
    """A tag the ``tags: [a, b]`` reader returns unchanged: no commas, brackets or edge quotes."""
    return one_line(re.sub(r"[,\[\]]", " ", tag)).strip("\"' ")


def front_matter(workout: Workout) -> str:
    """The ``---`` header of a planc file: name, sport, description, tags."""
    lines = ["---"]
    if workout.name and one_line(workout.name):
        lines.append(f"name: {_header_value(workout.name)}")
    lines.append(f"sport: {workout.sport}")
    if workout.description and one_line(workout.description):
        lines.append(f"description: {_header_value(workout.description)}")
    tags = [t for t in (clean_tag(t) for t in workout.tags) if t]
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    lines.append("---")
    return "\n".join(lines)


# ------------------------------------------------------------------- body --


class _Lines:
    """The body lines of one dialect (what differs between the two is here, once)."""

    def __init__(self, dialect: Dialect):
        self.planc = dialect == "planc"

    def node(self, node: Node) -> list[str]:
        if isinstance(node, Note):
            return _prose_lines(node.text, "")
        if isinstance(node, Block):
            return self.block(node)
        if isinstance(node, Repeat):
            return self.repeat(node, "", nested=False)
        return self.step(node, "")  # a bare step at top level (constructed ASTs)

    def block(self, block: Block) -> list[str]:
        lines: list[str] = []
        if block.section is not None:
            lines.append("Warmup" if block.section is Section.WARMUP else "Cooldown")
        elif block.title:
            lines.append(prose_line(block.title))
        for child in block.children:
            if isinstance(child, Repeat):
                raise ValueError("a block holds steps and notes; a repeat is a block of its own")
            lines.extend(self.child(child, ""))
        return lines

    def repeat(self, rep: Repeat, indent: str, nested: bool) -> list[str]:
        """A repeat header and its children.

        The parser nests a header indented deeper than the open repeat's header
        and closes it at a line indented no deeper than that header, so the
        children of a repeat that holds repeats go two spaces in; a flat
        top-level repeat keeps its steps at column 1, as intervals.icu writes it.
        """
        holds_repeats = any(isinstance(c, Repeat) for c in rep.children)
        if holds_repeats and not self.planc:
            raise ValueError("intervals.icu text has no nested repeats: lower the workout "
                             "first (planc.lower.icu.lower_icu)")
        inner = indent + INDENT if (nested or holds_repeats) else indent
        lines = [indent + repeat_header(rep)]
        for child in rep.children:
            if isinstance(child, Repeat):
                lines.extend(self.repeat(child, inner, nested=True))
            else:
                lines.extend(self.child(child, inner))
        return lines

    def child(self, node: Node, indent: str) -> list[str]:
        """A step or a note inside a block or a repeat."""
        if isinstance(node, Note):
            return _prose_lines(node.text, indent)
        if isinstance(node, Block):
            raise ValueError("a block cannot sit inside a block or a repeat")
        assert isinstance(node, Step)
        return self.step(node, indent)

    def step(self, step: Step, indent: str) -> list[str]:
        if not step.cues:
            return [indent + step_line(step)]
        if not self.planc:
            raise ValueError("intervals.icu text has no cues: lower the workout first "
                             "(planc.lower.icu.lower_icu)")
        lines = [indent + step_line(step)]
        lines.extend(f"{indent}> {cue_offset(step, cue.offset)} {one_line(cue.text)}"
                     for cue in step.cues)
        return lines


def write(workout: Workout, dialect: Dialect = "planc") -> str:
    """The workout as text: blocks separated by blank lines, the planc dialect under its
    front matter.  Raises ValueError for what the dialect cannot say."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect '{dialect}'; dialects: {', '.join(DIALECTS)}")
    lines = _Lines(dialect)
    pool = pool_length_line(workout)
    chunks = [pool] if pool is not None else []
    chunks.extend(text for text in ("\n".join(lines.node(n)) for n in workout.body) if text)
    body = "\n\n".join(chunks)
    if dialect == "icu":
        return body + "\n"
    return front_matter(workout) + "\n" + (body + "\n" if body else "")

"""Block structure: blank lines end blocks, indentation nests repeats, cues attach to steps."""

from __future__ import annotations

import math
import re
import sys

from planc.ast import (
    Block,
    Cue,
    Distance,
    Duration,
    Node,
    Note,
    PoolLength,
    Record,
    Repeat,
    Section,
    Span,
    Step,
)
from planc.diagnostics import Diagnostic, error, warning
from planc.syntax.grammar import Line, tok_span
from planc.syntax.steps import StepReader
from planc.syntax.tokens import (
    DISTANCE_UNITS,
    INLINE_REPEAT_RE,
    SECTION_RE,
    parse_duration_token,
)
from planc.units import METRES_PER_UNIT, DistanceUnit

# ---------------------------------------------------------------- blocks --

MAX_REPEAT_COUNT = 200
_STEPS = (Step, Repeat)  # what a repeat repeats
_GLUED_RE = re.compile(r"(?:(?<!\d)\d+[.,]|(?<![^\s])-)$")  # (?<!\d): linear (INLINE_REPEAT_RE)


class _OpenRepeat(Record):
    _fields = ("count", "title", "indent", "span", "children", "lines")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, count: int, title: str, indent: int, span: Span) -> None:
        self.count = count
        self.title = title
        self.indent = indent
        self.span = span
        self.children: list = []
        self.lines = 0  # step lines read under it, kept or not (an error left one out)


class _OpenBlock(Record):
    _fields = ("title", "section", "span", "children")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, title: str | None, section: Section | None, span: Span) -> None:
        self.title = title
        self.section = section
        self.span = span
        self.children: list = []


def _count(digits: str) -> int:
    """The repeat count a run of ASCII digits writes: ``int(digits)``, or for more
    digits than Python converts to and from text (``sys.get_int_max_str_digits``,
    4300) the largest count it does convert (absurd all the same)."""
    significant = digits.lstrip("0") or "0"
    limit = sys.get_int_max_str_digits()
    if limit and len(significant) > limit:
        return 10 ** limit - 1
    return int(significant)


class BlockBuilder:
    """Turns line records into the node tree (blank lines end blocks)."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.diags = diags
        self.steps = StepReader(source, sport, diags)
        self.body: list[Node] = []
        self.pending: list[Line] = []  # prose lines not yet known to be a note or a title
        self.block: _OpenBlock | None = None
        self.repeats: list[_OpenRepeat] = []  # open repeat stack, outermost first
        self.last_step: tuple[list, int] | None = None  # (container, index) of the last step
        self.pool: PoolLength | None = None
        self.step_lines = 0  # step lines read, kept or not
        self.kept_steps = 0

    # -- closing

    def _close_repeats(self, down_to: int = 0) -> None:
        while len(self.repeats) > down_to:
            rep = self.repeats.pop()
            node: Node = Repeat(rep.count, tuple(rep.children), rep.title, rep.span)
            if not any(isinstance(c, _STEPS) for c in rep.children):
                if rep.lines:
                    # its step lines had errors or were dropped, each reported: a repeat of
                    # nothing is no news (and intervals.icu has nothing to repeat)
                    continue
                self.diags.append(error(
                    "empty-repeat",
                    f"repeat '{_header(rep)}' has no steps",
                    rep.span,
                    "put step lines ('- …') directly under the header; nested steps must be "
                    "indented deeper than a nested header",
                ))
            self._place(node)

    def _place(self, node: Node) -> None:
        """A closed repeat goes into the repeat around it, or to the top level."""
        if self.repeats:
            self.repeats[-1].children.append(node)
        else:
            self._top(node)

    def _close_block(self) -> None:
        if self.block is not None:
            b = self.block
            self.block = None
            if b.children:
                self._top(Block(tuple(b.children), b.title, b.section, b.span))
            elif b.title:  # every step under the title was dropped: keep the title as prose
                self._top(Note(b.title, b.span))

    def _top(self, node: Node) -> None:
        self.body.append(node)

    def _flush_pending(self) -> None:
        if self.pending:
            first, last = self.pending[0], self.pending[-1]
            text = "\n".join(_unescape(p.text) for p in self.pending)
            span = Span(first.line, first.column, last.line, last.column + len(last.text))
            self.pending = []
            note = Note(text, span)
            if self.repeats:
                self.repeats[-1].children.append(note)
            else:
                self._top(note)

    def close_all(self) -> None:
        self._close_repeats()
        self._close_block()
        self._flush_pending()
        self.last_step = None

    # -- lines

    def add(self, line: Line) -> None:
        kind = line.kind
        if kind == "comment":
            return
        if kind == "cue":
            self._cue(line)
            return
        self_last = self.last_step
        self.last_step = None
        if kind == "blank":
            self.close_all()
        elif kind == "prose":
            if self.repeats and not self.pending:
                # prose inside a repeat block: a note that travels with the repeat
                if SECTION_RE.match(line.text.strip()):
                    rep = self.repeats[0]
                    self.diags.append(warning(
                        "missing-blank-line",
                        f"'{line.text.strip()}' is inside the repeat "
                        f"'{(rep.title + ' ' if rep.title else '')}{rep.count}x' (no blank line "
                        "before it), so the steps after it are repeated too; intervals.icu may "
                        "merge the blocks",
                        Span(line.line, line.column, line.line, line.column + len(line.text)),
                        "leave a blank line before it"))
                self.repeats[-1].children.append(
                    Note(_unescape(line.text), Span(line.line, line.column, line.line,
                                                    line.column + len(line.text))))
                return
            self._close_block()
            self.pending.append(line)
        elif kind == "pool":
            self._pool(line)
        elif kind == "repeat":
            self._repeat(line, self_last)
        elif kind == "step":
            self._step(line)

    def _pool(self, line: Line) -> None:
        m = re.search(r"(?<!\d)(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", line.text, re.I)
        assert m is not None
        unit_text = m.group(2).lower() or "m"
        span = Span(line.line, line.column, line.line, line.column + len(line.text))
        units = {"m": DistanceUnit.METRE, "mtr": DistanceUnit.METRE, "meters": DistanceUnit.METRE,
                 "metres": DistanceUnit.METRE, "y": DistanceUnit.YARD, "yd": DistanceUnit.YARD,
                 "yrd": DistanceUnit.YARD, "yards": DistanceUnit.YARD}
        if unit_text not in units:
            self.diags.append(error("pool-length", f"unknown pool length unit '{m.group(2)}'",
                                    span, "write 'Pool length: 25m' or 'Pool length: 25y'"))
            return
        unit = units[unit_text]
        metres = float(m.group(1)) * METRES_PER_UNIT[unit]
        if not 10 <= metres <= 100:  # 10 m pools exist (hotels); an Olympic pool is 50 m
            self.diags.append(error(
                "pool-length", f"a pool of {m.group(1)}{m.group(2) or 'm'} is not a pool length",
                span, "pools are 25m, 50m, 25y or 33.3m long: check the number"))
            return
        if self.pool is not None:
            self.diags.append(warning("pool-length", "second 'Pool length' line replaces the "
                                      "first", span, "keep one"))
        self.pool = PoolLength(metres, unit, span)

    def _repeat(self, line: Line, after_step) -> None:
        m = INLINE_REPEAT_RE.search(line.text)
        assert m is not None
        count = _count(m.group(1))
        title = line.text[: m.start()].strip()
        span = Span(line.line, line.column, line.line, line.column + len(line.text))
        above = self._title_above(line) if not title else None
        if above is not None:  # 'Main set' + '3x': intervals.icu's text is "Main set\n3x"
            title = _unescape(above.text).strip()
            span = Span(above.line, above.column, line.line, span.end_column)
        count_span = Span(line.line, line.column + m.start(1), line.line, line.column + m.end(1))
        glued = _glued_count(line.text, m.start(1))
        if glued is not None:  # '2.5x' would read as a 5x repeat titled '2.'
            start = line.column + m.start(1) - len(glued)
            self.diags.append(error(
                "repeat-count", "a repeat count cannot be negative" if glued == "-" else
                f"'{glued}{count}x' is not a whole number of repeats",
                Span(line.line, start, line.line, line.column + m.end(1) + 1),
                "write a whole number, e.g. '3x'"))
        if self.repeats and line.column > self.repeats[0].indent:
            # planc extension: a header indented under an open repeat nests inside it; a
            # header at the same indent as an open inner repeat is its sibling, not its child
            while len(self.repeats) > 1 and line.column <= self.repeats[-1].indent:
                self._close_repeats(len(self.repeats) - 1)
            self._flush_pending()
            self.repeats.append(_OpenRepeat(count, title, line.column, span))
            self._check_count(count, count_span)
            return
        if self.repeats or self.block is not None:
            self.diags.append(warning(
                "missing-blank-line",
                "repeat header follows steps without a blank line; intervals.icu may merge the "
                "blocks or drop the repeat",
                span,
                "leave a blank line before the header (indent it under an open repeat to "
                "nest it)",
            ))
        self._close_repeats()
        self._close_block()
        self._flush_pending()
        self.repeats.append(_OpenRepeat(count, title, line.column, span))
        self._check_count(count, count_span)

    def _title_above(self, line: Line) -> Line | None:
        """The prose line directly above a bare ``Nx`` line, taken off the pending notes
        (a Warmup/Cooldown header stays a header)."""
        if not self.pending or self.repeats or self.block is not None:
            return None
        above = self.pending[-1]
        if above.line != line.line - 1 or SECTION_RE.match(above.text.strip()):
            return None
        return self.pending.pop()

    def _check_count(self, count: int, span: Span) -> None:
        if count < 1:
            self.diags.append(error("repeat-count", f"repeat count {count} repeats nothing",
                                    span, "use 2x or more, or remove the header"))
        elif count == 1:
            self.diags.append(warning("repeat-count", "1x repeats once; the header adds nothing",
                                      span, "remove the header, or use 2x or more"))
        elif count > MAX_REPEAT_COUNT:
            self.diags.append(error(
                "repeat-count", f"repeat count {count} is absurd (planc allows up to "
                f"{MAX_REPEAT_COUNT})", span, "split the set, or check the number"))

    def _step(self, line: Line) -> None:
        # pop nested repeats the step is not indented under
        while len(self.repeats) > 1 and line.column <= self.repeats[-1].indent:
            self._close_repeats(len(self.repeats) - 1)
        self.step_lines += 1
        section = None
        if self.repeats:
            self.repeats[-1].lines += 1
            self._flush_pending()
            container = self.repeats[-1].children
        else:
            if self.block is None:
                self.block = self._open_block(line)
            container = self.block.children
            section = self.block.section
        step = self.steps.read(line, section)
        if step is not None:
            container.append(step)
            self.kept_steps += 1
            self.last_step = (container, len(container) - 1)

    def _open_block(self, line: Line) -> _OpenBlock:
        """The block a step line opens: under the title line just above it, if any."""
        title_line = self.pending.pop() if self.pending else None
        self._flush_pending()
        if title_line is None:
            return _OpenBlock(None, None, Span.point(line.line, line.column))
        title = _unescape(title_line.text)
        start = Span(title_line.line, title_line.column, title_line.line,
                     title_line.column + len(title_line.text))
        section = _section(title)
        if section is None:
            self._near_section(title, start)
            self._near_repeat(title, start)
            return _OpenBlock(title, None, start)
        written, title = title, section.value.capitalize()
        if written != title:
            self.diags.append(warning(
                "section-spelling",
                f"intervals.icu marks steps as {section.value} only under a "
                f"'{title}' header",
                start,
                f"write '{title}'",
            ))
        return _OpenBlock(title, section, start)

    def _near_section(self, title: str, span: Span) -> None:
        """'Warmpu' is a title for intervals.icu, so its steps are not marked: say so."""
        word = re.sub(r"[\s_-]", "", title).lower()
        import difflib  # lazy: only a misspelt header needs it, not every start

        guess = difflib.get_close_matches(word, ("warmup", "cooldown"), n=1, cutoff=0.75)
        if guess and len(title) <= 12:
            name = guess[0].capitalize()
            self.diags.append(warning(
                "section-spelling",
                f"'{title}' is a title for intervals.icu, not a {guess[0]} header, so the "
                f"steps under it are not marked {guess[0]}",
                span,
                f"did you mean '{name}'?",
            ))

    def _near_repeat(self, title: str, span: Span) -> None:
        """'Main set x3' or 'Main set 3x:' is a title for intervals.icu (a repeat line ends
        in 'Nx'), so its steps run once: say so, with the header that repeats them."""
        m = _NEAR_REPEAT_RE.search(title)
        if m is None:
            return
        count = next(g for g in m.groups() if g)
        fixed = f"{title[:m.start()].rstrip()} {count}x".strip()
        self.diags.append(warning(
            "not-a-repeat",
            f"'{title}' is a title for intervals.icu, not a repeat (a repeat line ends in "
            f"'{count}x'), so the steps under it run once",
            span,
            f"did you mean '{fixed}'?",
        ))

    def _cue(self, line: Line) -> None:
        span = Span(line.line, line.column, line.line, line.column + 1)
        if self.last_step is None:
            self.diags.append(error(
                "orphan-cue", "a cue line ('>') must follow a step line", span,
                "put the cue directly under the step it belongs to"))
            return
        container, index = self.last_step
        step: Step = container[index]
        offset = 0.0
        text = ""
        for tok in line.tokens:
            if tok.type == "CUE_AT":
                v = str(tok)
                if re.match(r"\d+(\.\d+)?(km|mtr|mi|yrd)$", v):
                    unit = DISTANCE_UNITS[re.sub(r"[\d.]", "", v)]
                    offset = float(re.match(r"[\d.]+", v).group(0)) * METRES_PER_UNIT[unit]
                    if not isinstance(step.amount, Distance):
                        self.diags.append(error("cue-offset", "a distance offset needs a "
                                                "distance step", tok_span(tok),
                                                "give the offset as a time, e.g. '> 2m …'"))
                        return
                else:
                    offset = parse_duration_token(v)
                    if isinstance(step.amount, Distance):
                        self.diags.append(error("cue-offset", "a time offset on a distance "
                                                "step", tok_span(tok),
                                                "give the offset as a distance, e.g. '> 400mtr …'"))
                        return
            else:
                text = str(tok).strip()
        length = step.amount.seconds if isinstance(step.amount, Duration) else step.amount.metres
        if offset >= length:
            self.diags.append(error(
                "cue-offset", f"cue at {_amount(offset, step.amount)} is past the end of its "
                f"step ({_amount(length, step.amount)})", span,
                "use an offset inside the step"))
            return
        if not text:
            self.diags.append(error("empty-cue", "cue has no text", span,
                                    "write the prompt after the offset: '> 2m Spin up'"))
            return
        cue = Cue(offset, text, Span(line.line, line.column, line.line,
                                     line.column + 2 + len(text)))
        container[index] = _with_cues(step, (*step.cues, cue))
        self.last_step = (container, index)


def _section(title: str) -> Section | None:
    """The section a Warmup/Cooldown header line opens (None for any other title)."""
    if not SECTION_RE.match(title):
        return None
    return Section.WARMUP if title.lower().startswith("w") else Section.COOLDOWN


def _header(rep: _OpenRepeat) -> str:
    return f"{rep.title + ' ' if rep.title else ''}{rep.count}x"


def _with_cues(step: Step, cues: tuple[Cue, ...]) -> Step:
    return step.but(cues=cues)


def _unescape(text: str) -> str:
    """A prose line escaped with a backtick (``\\`- not a step``) reads back without it."""
    if text.startswith("`") and text[1:2] in ("-", ">", "/", "`"):
        return text[1:]
    return text


# a title that ends like a repeat count but is not one: 'x3', '3x:', '3 times', '3×'
_NEAR_REPEAT_RE = re.compile(
    r"(?:(?<![^\s(])[xX×]\s*(\d+)|(?<![\d.,])(\d+)\s*[xX×]\s*[:.,;!]+|(?<![\d.,])(\d+)\s*×"
    r"|(?<![\d.,])(\d+)\s*(?:times|reps|rounds|sets))\s*$", re.IGNORECASE)


def _glued_count(text: str, start: int) -> str | None:
    """What is glued before a repeat count that makes it not a whole number: the
    '2.' of '2.5x', the '2,' of '2,5x', the '-' of '-2x'; None when nothing is."""
    before = text[:start]
    m = _GLUED_RE.search(before)
    return m.group(0) if m else None


def _amount(value: float, like: object) -> str:
    """A cue offset or step length as the author writes one: ``6m``, ``1m30s``, ``400mtr``,
    ``1.5km`` (a message that says 360 makes the reader do the sums)."""
    if isinstance(like, Distance):
        return f"{value / 1000:g}km" if value >= 1000 else f"{value:g}mtr"
    if value == math.inf:  # an offset of hundreds of digits (tokens.whole)
        return "inf"
    whole = round(value)
    h, rem = divmod(whole, 3600)
    m, sec = divmod(rem, 60)
    return ((f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")) \
        or "0s"

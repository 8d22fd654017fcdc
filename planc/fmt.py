"""``planc fmt``: the canonical layout of workout files and plan YAML, meaning unchanged.

Workouts are laid out line by line with the one printer
(:mod:`planc.syntax.printer`): each step, cue, repeat header, section title, note
and pool length line is replaced by what the printer writes for its node, indented
as the printer nests repeats; the front matter is the printer's.  What the AST does
not hold stays as written: ``//`` comments (indented like the line after them) and
the blank lines between blocks (a run of them becomes one).  A blank line is added
where planc already reads one (``missing-blank-line``), unless that would change
the workout.  A file with errors is not
touched: its diagnostics are returned instead.

Plan YAML goes through ruamel.yaml's round trip (comments, key order, flow or block
style and quotes kept) with a fixed indentation (mappings 2, sequences 4 with the
dash at 2) and no line wrapping; a flow collection written over several lines
becomes block style; every workout body without ``{placeholders}`` is laid out as a
workout.  A body with placeholders is a template, not a workout, and stays as written.

Meaning is proven, not assumed: the workout read back from the new text must equal
the one read from the old (the AST ignores positions), and a plan's sessions must
be the same sessions; otherwise :class:`FmtError` (a bug in planc) and nothing is
written.  Formatting twice is formatting once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from planc.ast import Block, Note, Repeat, Step, Workout
from planc.diagnostics import Diagnostic
from planc.syntax.printer import (
    INDENT,
    cue_offset,
    front_matter,
    one_line,
    pool_length_line,
    prose_line,
    repeat_header,
    step_line,
)

PLAN_SUFFIXES = (".yaml", ".yml")


class FmtError(Exception):
    """The new layout would change what the file means: a bug in planc, nothing written."""


@dataclass(slots=True)
class Formatted:
    """The new text (None when the file has errors and is left alone) and the diagnostics."""

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def format_text(text: str, path: str, *, sport: str | None = None) -> Formatted:
    """The canonical layout of a workout or plan file's ``text`` (the kind by ``path``)."""
    if path.lower().endswith(PLAN_SUFFIXES):
        return format_plan(text, path)
    return format_workout(text, path=path, sport=sport)


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)


def is_planc_yaml(text: str) -> bool:
    """Whether a YAML document is planc's: a plan or library (a top-level ``calendar`` or
    ``workouts``) or an athlete file (only athlete sections).  An editor opens every
    YAML file (CI configuration, ...), and those are not planc's to report on."""
    from planc.plan.schema import FIELDS  # the plan layer loads only for YAML

    keys = set(_TOP_KEY.findall(text))
    if keys & {"calendar", "workouts"}:
        return True
    if keys and keys <= set(FIELDS["athlete"]):
        return True
    return text.lstrip().startswith("{") and ("calendar" in text or "workouts" in text)


# --------------------------------------------------------------- workouts --


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def format_workout(text: str, *, path: str = "<input>", sport: str | None = None) -> Formatted:
    """A workout text in the canonical layout; the same text is returned if it has errors
    (as ``None``), with the diagnostics that say why.

    One layout can call for another: a title above its count (``Set 1`` + ``3x``) right
    after a step is printed ``Set 1 3x``, which then wants the blank line before it that
    planc asks of a header after steps.  So the layout is applied until it stops
    changing (twice at most in practice, bounded at three), and fmt of fmt's output
    changes nothing."""
    first = _format_once(_normalise(text), path, sport)
    result = first
    for _ in range(2):
        if result.text is None or result.text == text:
            break
        text, result = result.text, _format_once(result.text, path, sport)
    return Formatted(result.text, first.diagnostics)


def _format_once(text: str, path: str, sport: str | None) -> Formatted:
    """One pass of the canonical layout, proven by reading it back (see format_workout)."""
    from planc.check import read_workout

    parsed = read_workout(text, path=path, sport=sport)
    if parsed.workout is None:
        return Formatted(None, parsed.diagnostics)
    # the blank line planc reads before a header that follows steps is added, one place at
    # a time: where planc reads the header as part of the open repeat, it would change it
    repaired = sorted(d.span.line for d in parsed.diagnostics
                      if d.code == "missing-blank-line")
    for printed_header in (True, False):
        def same(blank_before: set[int], header: bool = printed_header) -> str | None:
            new = _Layout(parsed.workout, text, blank_before, header).render()
            return new if read_workout(new, path=path, sport=sport).workout == \
                parsed.workout else None
        if same(set()) is None:
            continue
        # every blank line at once first: one more parse, where trying them one by one
        # costs a parse each (a 500-line workout with 56 of them took 1.4 s)
        new = same(set(repaired)) if repaired else None
        if new is None:
            kept = {line for line in repaired if same({line}) is not None}
            new = same(kept) or same(set())
        if new is not None:
            return Formatted(new, parsed.diagnostics)
    raise FmtError(f"{path}: the canonical layout would change the workout; "
                   "this is a bug in planc, please report it with the file")


_FRONT = re.compile(r"---[ \t]*\n[ \t]*(?:[A-Za-z_][A-Za-z0-9_-]*[ \t]*:|---)")


class _Layout:
    """The new line for each source line that holds a node, then the file line by line."""

    def __init__(self, workout: Workout, text: str, blank_before: set[int],
                 printed_header: bool = True):
        self.workout = workout
        self.printed_header = printed_header
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.blank_before = blank_before
        self.new: dict[int, str] = {}  # 1-based source line -> its canonical line
        self.dropped: set[int] = set()  # source lines whose node is printed on another line
        self.header_end = self._header_end(text)
        pool = workout.pool_length
        if pool is not None and pool.span.line:
            self.new[pool.span.line] = pool_length_line(workout) or ""
        self.place(workout.body, "", nested=False)

    def _header_end(self, text: str) -> int:
        """The line of the ``---`` that closes the front matter (0: no front matter)."""
        if not _FRONT.match(text):
            return 0
        for number, line in enumerate(self.lines[1:], 2):
            if line.strip() == "---":
                return number
        return 0

    def place(self, nodes, indent: str, nested: bool) -> None:
        for node in nodes:
            if isinstance(node, Step):
                self.step(node, indent)
            elif isinstance(node, Repeat):
                self.repeat(node, indent, nested)
            elif isinstance(node, Block):
                self.block(node, indent)
            elif isinstance(node, Note):
                self.note(node, indent)

    def step(self, step: Step, indent: str) -> None:
        self.new[step.span.line] = indent + step_line(step)
        for cue in step.cues:
            if cue.span.line:
                self.new[cue.span.line] = (f"{indent}> {cue_offset(step, cue.offset)} "
                                           f"{one_line(cue.text)}")

    def repeat(self, rep: Repeat, indent: str, nested: bool) -> None:
        """As the printer nests: a repeat holding repeats (or nested itself) indents its
        children; a flat top-level repeat keeps them at column 1."""
        self.new[rep.span.line] = indent + repeat_header(rep)
        # a title on the line above the count ('Main set' + '3x') is printed on one line,
        # so the count's own line goes
        self.dropped.update(range(rep.span.line + 1, rep.span.end_line + 1))
        holds_repeats = any(isinstance(c, Repeat) for c in rep.children)
        inner = indent + INDENT if (nested or holds_repeats) else indent
        self.place(rep.children, inner, nested=True)

    def block(self, block: Block, indent: str) -> None:
        if block.section is not None:
            self.new[block.span.line] = indent + ("Warmup" if block.section.value == "warmup"
                                                  else "Cooldown")
        elif block.title is not None:
            self.new[block.span.line] = indent + prose_line(block.title)
        self.place(block.children, indent, nested=False)

    def note(self, note: Note, indent: str) -> None:
        """A note's text lines go, in order, to the prose lines its span covers."""
        texts = [t for t in note.text.split("\n") if t.strip()]
        first, last = note.span.line, max(note.span.end_line, note.span.line)
        for number in range(first, min(last, len(self.lines)) + 1):
            src = self.lines[number - 1].strip()
            if not texts or not src or src.startswith("//"):
                continue
            self.new[number] = indent + prose_line(texts.pop(0))

    def header(self) -> list[str]:
        """The printer's front matter; or, where it would read back differently (a value
        with doubled spaces, which the printer writes single), the header as written
        with ``key: value`` spacing."""
        if self.printed_header:
            return front_matter(self.workout).split("\n")
        out = ["---"]
        for src in self.lines[1:self.header_end - 1]:
            key, colon, value = src.partition(":")
            if src.strip():
                out.append(f"{key.strip()}: {value.strip()}" if colon else src.strip())
        return [*out, "---"]

    def render(self) -> str:
        out: list[tuple[str, str]] = []  # (kind, line): kind is node | comment | blank | other
        if self.header_end:
            out.extend(("node", line) for line in self.header())
        for number in range(self.header_end + 1, len(self.lines) + 1):
            src = self.lines[number - 1]
            if number in self.dropped:
                continue
            if number in self.new:
                if number in self.blank_before:  # before the comments that lead into it
                    at = len(out)
                    while at and out[at - 1][0] == "comment":
                        at -= 1
                    out.insert(at, ("blank", ""))
                out.append(("node", self.new[number]))
            elif not src.strip():
                out.append(("blank", ""))
            elif src.strip().startswith("//"):
                out.append(("comment", src.strip()))
            else:
                out.append(("other", src.rstrip()))
        return _join(out)


def _join(entries: list[tuple[str, str]]) -> str:
    """Blank runs collapsed, none at the ends; a comment indented like the line after it."""
    lines: list[str] = []
    for i, (kind, line) in enumerate(entries):
        if kind == "blank":
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if kind == "comment":
            following = next((text for k, text in entries[i + 1:] if k in ("node", "other")),
                             "")
            line = following[:len(following) - len(following.lstrip())] + line
        lines.append(line)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


# ------------------------------------------------------------------ plans --

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def format_plan(text: str, path: str) -> Formatted:
    """A plan, library or athlete file in the canonical YAML layout, bodies laid out."""
    from planc.plan import read_plan

    text = _normalise(text)
    before = read_plan(path, texts={path: text})
    if any(d.is_error for d in before.diagnostics):
        return Formatted(None, before.diagnostics)
    new = _dump_yaml(text, path)
    after = read_plan(path, texts={path: new})
    if _meaning(after) != _meaning(before) or any(d.is_error for d in after.diagnostics):
        raise FmtError(f"{path}: the canonical layout would change the plan; "
                       "this is a bug in planc, please report it with the file")
    return Formatted(new, before.diagnostics)


def _meaning(result) -> tuple:
    """What a plan means: its sessions without positions, and its library workouts."""
    sessions = tuple(
        (s.date, s.time, s.slot, s.week, s.kind, s.sport, s.name, s.workout, s.description,
         s.indoor, s.external_id, s.ref, s.tags, s.distance_m)
        for s in (result.plan.sessions if result.plan else ()))
    library = tuple(sorted((k, lw.sport, tuple(lw.params), lw.indoor, lw.tags, lw.time)
                           for k, lw in result.library.items()))
    return sessions, library


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never wrap: a wrapped scalar loses its column positions
    yaml.preserve_quotes = True
    return yaml


def _dump_yaml(text: str, path: str) -> str:
    yaml = _yaml()
    tree = yaml.load(text)
    _format_bodies(tree, path)
    buf = io.StringIO()
    yaml.dump(tree, buf)
    return _reindent_comments(buf.getvalue())


def _reindent_comments(text: str) -> str:
    """A whole-line ``#`` comment indented like the line after it (ruamel keeps a comment's
    old column when the indentation around it changes); block scalars are not touched."""
    lines = text.split("\n")
    inside = _block_scalar_lines(text)
    for i in range(len(lines) - 1, -1, -1):
        src = lines[i]
        if i in inside or not src.lstrip().startswith("#"):
            continue
        following = next((x for j, x in enumerate(lines[i + 1:], i + 1)
                          if x.strip() and (j in inside or not x.lstrip().startswith("#"))), None)
        if following is not None:
            lines[i] = following[:len(following) - len(following.lstrip())] + src.lstrip()
    return "\n".join(lines)


def _block_scalar_lines(text: str) -> set[int]:
    """0-based lines holding the content of literal or folded scalars."""
    from ruamel.yaml import YAML

    found: set[int] = set()
    stack = [YAML(typ="safe", pure=True).compose(text)]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
        elif node.style in ("|", ">"):
            end = node.end_mark.line + (1 if node.end_mark.column else 0)
            found.update(range(node.start_mark.line + 1, end))
    return found


def _spans_lines(node) -> bool:
    """Whether a flow collection was written over several lines (its items' lines differ)."""
    data = getattr(getattr(node, "lc", None), "data", None)
    if not data:
        return False
    rows = [pos[0] for pos in (data.values() if isinstance(data, dict) else data)]
    return len(set(rows)) > 1


def _format_bodies(node, path: str, sport: str | None = None) -> None:
    """Lay out every ``body:`` literal without placeholders as the workout it is, and turn
    a flow collection written over several lines into block style (ruamel would join it
    into one long line; a collection written on one line stays so)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(node, CommentedMap | CommentedSeq) and node.fa.flow_style() \
            and _spans_lines(node):
        node.fa.set_block_style()
    if isinstance(node, CommentedMap):
        here = node.get("sport") if isinstance(node.get("sport"), str) else sport
        for key, value in node.items():
            if key == "body" and isinstance(value, LiteralScalarString) \
                    and not _PLACEHOLDER.search(str(value)):
                done = format_workout(str(value), path=path, sport=here)
                if done.text is not None and done.text != str(value):
                    node[key] = LiteralScalarString(done.text)
            else:
                _format_bodies(value, path, here)
    elif isinstance(node, CommentedSeq):
        for item in node:
            _format_bodies(item, path, sport)

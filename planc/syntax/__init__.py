"""Syntax: workout text -> typed AST + the diagnostics of reading it.

    parse_workout(text, *, path="<input>", sport=None, name=None) -> Parsed

The stages, one module each: ``grammar`` (grammars/workout.lark classifies
lines and cuts step lines into typed tokens), ``steps`` (intervals.icu's
positional rules: which leading words form the label, what a zone before the
duration does, which target wins), ``blocks`` (a blank line ends a block; a
repeat header indented under an open repeat nests), ``header`` (front matter),
``tokens`` (token values), and ``printer`` (the way back: AST -> text).
Checks that need the whole workout are the next stage (:mod:`planc.check`,
whose :func:`~planc.check.read_workout` runs both).

A text is read line by line with the scanners of Lark's contextual lexer
(``grammar.LineReader``), made from a table stored in planc's cache folder
(:mod:`planc.syntax.learnt`), so a workout is read without importing Lark (front
matter included).  Whatever the line reader is not sure of (every error among them)
goes through Lark's full parse, whose transformer runs inline, so no parse tree is
built; the parser is built once per process, its LALR tables cached on disk.
"""

from __future__ import annotations

import re

from planc.ast import Record, Span, Workout
from planc.diagnostics import Diagnostic, error, sort_key, warning
from planc.sanitise import CONTROL_RE
from planc.syntax import grammar
from planc.syntax.blocks import MAX_REPEAT_COUNT, BlockBuilder
from planc.syntax.grammar import MAX_TEXT_BYTES, fast_records, parser, split_front
from planc.syntax.header import HEADER_KEYS, read_front_matter
from planc.syntax.tokens import (
    default_pace_per,
    is_label_word,
    parse_duration_token,
    parse_pace_seconds,
)

__all__ = [
    "GRAMMAR_PATH",
    "HEADER_KEYS",
    "MAX_REPEAT_COUNT",
    "MAX_TEXT_BYTES",
    "Parsed",
    "default_pace_per",
    "is_label_word",
    "parse_duration_token",
    "parse_pace_seconds",
    "parse_workout",
]

TYPE_CHECKING = False  # not typing's: start-up
if TYPE_CHECKING:
    from pathlib import Path

    GRAMMAR_PATH: Path


def __getattr__(name: str):
    """``GRAMMAR_PATH`` (:mod:`planc.syntax.grammar`'s), made when asked: reading a
    workout does not import pathlib."""
    if name == "GRAMMAR_PATH":
        return grammar.GRAMMAR_PATH
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ------------------------------------------------------------------ entry --

class Parsed(Record):
    """A workout read (None when it has errors) and the diagnostics of reading it."""

    _fields = ("workout", "diagnostics")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, workout: Workout | None, diagnostics: list[Diagnostic]) -> None:
        self.workout = workout
        self.diagnostics = diagnostics

    @property
    def ok(self) -> bool:
        return self.workout is not None and not any(d.is_error for d in self.diagnostics)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.endswith("\n"):
        text += "\n"
    return text


def _syntax_error(exc, text: str) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = getattr(exc, "line", 0) or 0
    column = getattr(exc, "column", 0) or 0
    if (isinstance(exc, UnexpectedToken) and exc.token.type == "$END") or isinstance(
            exc, UnexpectedEOF):
        return error("syntax", "the header opened with '---' is never closed",
                     Span.point(1, 1, 3), "end the header with a line '---'")
    if isinstance(exc, UnexpectedCharacters | UnexpectedToken):
        src = text.split("\n")[line - 1] if line else ""
        if text.startswith("---\n") and line > 1:
            return error("header-syntax", "expected 'key: value' in the header",
                         Span(line, column, line, column + max(1, len(src.strip()))),
                         "header lines look like 'name: Sweet spot'; close the header with "
                         "'---'")
    return error("syntax", "unexpected text", Span.point(max(line, 1), max(column, 1)))


_FRONT_MATTER_START = re.compile(r"---\n[ \t]*([A-Za-z_][A-Za-z0-9_-]*[ \t]*:|---\n)")


def _control_characters(text: str) -> list[Diagnostic]:
    """One warning per line holding invisible control characters (a NUL pasted from a
    binary file, an escape sequence): device files drop them."""
    if CONTROL_RE.search(text) is None:  # the usual case: one scan, no line split
        return []
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        m = CONTROL_RE.search(line)
        if m is None:
            continue
        out.append(warning("control-character", f"invisible control character "
                           f"U+{ord(m.group()):04X} in the text; device files leave it out",
                           Span.point(number, m.start() + 1), "delete it"))
        if len(out) >= 20:
            break
    return out


def _all_dropped(builder: BlockBuilder, lines: list, diags: list[Diagnostic]) -> None:
    """Step lines, none kept: each drop was a warning, but an empty workout is a mistake."""
    if builder.kept_steps or not builder.step_lines or any(d.is_error for d in diags):
        return
    first = next(line for line in lines if line.kind == "step")
    diags.append(error(
        "no-steps", "every step line is dropped (intervals.icu would store an empty workout)",
        Span.point(first.line, first.column),
        "give the steps a duration or distance, e.g. '- 10m 60%'"))


def parse_workout(text: str, *, path: str = "<input>", sport: str | None = None,
                  name: str | None = None) -> Parsed:
    """Read one workout's text.  ``sport``/``name`` override the header.

    The workout is None when the text has errors."""
    parsed = parse_tree(text, path=path, sport=sport, name=name)
    if parsed.workout is not None and any(d.is_error for d in parsed.diagnostics):
        return Parsed(None, parsed.diagnostics)
    return parsed


def parse_tree(text: str, *, path: str = "<input>", sport: str | None = None,
               name: str | None = None) -> Parsed:
    """Like :func:`parse_workout`, but the workout is kept even when some lines had
    errors (the lines with errors are left out), so the checks can still run on it."""
    diags: list[Diagnostic] = []
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        diags.append(error("too-large", f"workout text is larger than {MAX_TEXT_BYTES} bytes",
                           Span.point(1, 1), "split it"))
        return Parsed(None, [d.with_path(path) for d in diags])
    text = _normalise(text)
    if text.startswith("---\n") and not _FRONT_MATTER_START.match(text):
        # a leading '---' divider, not a header: read it as the step line it is for
        # intervals.icu (same length, so every position stays put)
        text = "- -" + text[3:]
    diags.extend(_control_characters(text))
    records = fast_records(text)
    if records is None:  # a line the line reader is not sure of (every error)
        from lark.exceptions import UnexpectedInput  # lazy: only Lark's parse needs it

        try:
            records = parser().parse(text)
        except UnexpectedInput as exc:
            diags.append(_syntax_error(exc, text))
            return Parsed(None, sorted((d.with_path(path) for d in diags), key=sort_key))
    lines, front = split_front(records)
    header = read_front_matter(front, diags) if front is not None else {}
    effective_sport = sport or header.get("sport") or "Ride"
    builder = BlockBuilder(text, effective_sport, diags)
    for line in lines:
        builder.add(line)
    builder.close_all()
    _all_dropped(builder, lines, diags)
    workout = Workout(
        body=tuple(builder.body),
        sport=effective_sport,
        name=name or header.get("name"),
        description=header.get("description"),
        tags=header.get("tags", ()),
        pool_length=builder.pool,
        span=Span(1, 1, text.count("\n") + 1, 1),
    )
    return Parsed(workout, sorted((d.with_path(path) for d in diags), key=sort_key))


"""Loading the Lark grammar once, and the inline transformer that yields line records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from planc.ast import Span
from planc.resources import resource_dir

GRAMMAR_PATH = resource_dir("grammars") / "workout.lark"

MAX_TEXT_BYTES = 1_000_000

_PARSER = None


def parser():
    """The LALR parser, built on first use and reused for the life of the process."""
    global _PARSER
    if _PARSER is None:
        from lark import Lark

        cache_dir = Path.home() / ".cache" / "planc"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache: str | bool = str(cache_dir / "workout-grammar.lark-cache")
        except OSError:
            cache = False
        _PARSER = Lark(
            GRAMMAR_PATH.read_text(encoding="utf-8"),
            parser="lalr",
            lexer="contextual",
            maybe_placeholders=False,
            cache=cache,
            transformer=_make_transformer(),
            # digits, letter case and white space as intervals.icu (Java) reads them:
            # ASCII only, so 'İ' is not an 'i' ('1mİ' is no distance) and '١٠m' no duration
            g_regex_flags=re.ASCII,
        )
    return _PARSER


# ------------------------------------------------------------ line records --


@dataclass(slots=True)
class Line:
    kind: str  # step | cue | comment | repeat | pool | prose | blank | front
    line: int
    column: int  # 1-based column of the first token: the indentation
    tokens: list = field(default_factory=list)
    text: str = ""


def tok_span(tok) -> Span:
    return Span(tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)


def _make_transformer():
    """Inline Lark transformer: line records straight from the parser (no tree is built)."""
    from lark import Transformer

    def record(kind: str, text_line: bool = False, drop_first: bool = False):
        def callback(self, children):
            first = children[0]
            rec = Line(kind, first.line, first.column, children[1:] if drop_first else children)
            if text_line:
                rec.text = str(first).rstrip()
            return rec
        return callback

    class Lines(Transformer):
        step_line = record("step", drop_first=True)
        cue_line = record("cue", drop_first=True)
        prose_line = record("prose", text_line=True)
        repeat_line = record("repeat", text_line=True)
        comment_line = record("comment", text_line=True)
        pool_line = record("pool", text_line=True)

        def blank_line(self, children):
            return Line("blank", 0, 0)

        def fm_entry(self, children):
            return ("fm_entry", children)

        def front_matter(self, children):
            return ("front", [c for c in children if isinstance(c, tuple)])

        def start(self, children):
            return children

    return Lines()


def split_front(records: list) -> tuple[list[Line], list | None]:
    if records and isinstance(records[0], tuple) and records[0][0] == "front":
        return records[1:], records[0][1]
    return records, None



"""Loading the Lark grammar once, and reading a text into line records: line by line
with Lark's own scanners (:class:`LineReader`), or by Lark's full parse with the inline
transformer for what the line reader declines.

The line reader is made from a table stored in planc's cache folder
(:mod:`planc.syntax.learnt`) when it is sound, so a process reading a common workout
never imports Lark; the first process (or one after Lark, the grammar or planc
changed) builds it from Lark's compiled parser and stores the table."""

from __future__ import annotations

import os
import re
import time
import zlib

from planc.ast import Record, Span
from planc.resources import cache_root, resource_path
from planc.syntax import learnt as learnt_table
from planc.syntax.linetoken import LineToken
from planc.syntax.starts import FirstCharScanner

GRAMMAR_FILE = os.path.join(resource_path("grammars"), "workout.lark")

TYPE_CHECKING = False  # not typing's: start-up
if TYPE_CHECKING:
    from pathlib import Path

    GRAMMAR_PATH: Path


def __getattr__(name: str):
    """``GRAMMAR_PATH``, :data:`GRAMMAR_FILE` as a Path, made when asked (reading a
    workout does not import pathlib)."""
    if name == "GRAMMAR_PATH":
        from pathlib import Path

        return Path(GRAMMAR_FILE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _grammar_text() -> str:
    if not _GRAMMAR:
        with open(GRAMMAR_FILE, encoding="utf-8") as fh:
            _GRAMMAR.append(fh.read())
    return _GRAMMAR[0]


_GRAMMAR: list[str] = []  # the grammar's text, read once

MAX_TEXT_BYTES = 1_000_000

_PARSER = None
# Lark's tables and the line reader's (:mod:`planc.syntax.learnt`), in planc's cache
# folder.  Each file is named after its key (see :func:`cache_file`), so two planc
# versions or checkouts sharing the folder keep a file each instead of rewriting one
_LARK_CACHE = "workout-grammar-{key}.lark-cache"
_LEARNT = "workout-grammar-{key}.reader"
# what planc asks of Lark besides the grammar, its cache and the transformer: part of
# the key of the line reader's stored table.  Digits, letter case and white space as
# intervals.icu (Java) reads them: ASCII only, so 'İ' is not an 'i' ('1mİ' is no
# distance) and '١٠m' no duration
_LARK_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False,
                 "g_regex_flags": re.ASCII}


def _cache_dir() -> str | None:
    """planc's cache folder, made if need be (None when there is none, or it cannot be)."""
    root = cache_root()
    if root is None:
        return None
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return None
    return root


def parser():
    """The LALR parser, built on first use and reused for the life of the process."""
    global _PARSER
    if _PARSER is None:
        from lark import Lark  # lazy: a common workout is read without Lark

        cache_dir = _cache_dir()
        _PARSER = Lark(
            _grammar_text(),
            cache=_lark_cache_file(cache_dir) if cache_dir is not None else False,
            transformer=_make_transformer(),
            **_LARK_OPTIONS,
        )
    return _PARSER


def cache_file(root: str, pattern: str, key: str) -> str:
    """The file in ``root`` named by ``pattern`` for ``key``: a CRC-32 of the key names
    it.  The key is still stored in the file and compared whole (a CRC names, it does
    not prove), so a clash costs one rebuild, never a wrong table."""
    return os.path.join(root, pattern.format(key=f"{zlib.crc32(key.encode()):08x}"))


def _lark_cache_file(root: str) -> str:
    """Where Lark keeps its tables: keyed by what they are built from (Lark checks the
    same again inside the file)."""
    key = f"lark {learnt_table.lark_version()}|{_LARK_OPTIONS!r}|{_grammar_text()}"
    return cache_file(root, _LARK_CACHE, key)


def learnt_file(root: str) -> tuple[str, str | None]:
    """The line reader's stored table in ``root``, and its key (None when it cannot be
    told: then nothing is read or stored)."""
    table_key = learnt_table.key(_grammar_text(), _LARK_OPTIONS,
                                 (_SAMPLE_LINES, _SAMPLE_HEADERS, _LINE_RULES))
    return cache_file(root, _LEARNT, table_key or ""), table_key


OLD_TABLE_DAYS = 30
"""A stored table or Lark cache not rewritten for this long is removed when a new table
is stored (another planc that still uses it only learns it again)."""


def _forget_old_tables(root: str) -> None:
    """Remove the parser files other keys left behind, best effort: each version or
    checkout of planc leaves its own, and the folder must not grow for ever."""
    too_old = time.time() - OLD_TABLE_DAYS * 86400
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if name.startswith("workout-grammar") and name.endswith((".reader", ".lark-cache")):
            path = os.path.join(root, name)
            try:
                if os.lstat(path).st_mtime < too_old:
                    os.unlink(path)
            except OSError:
                pass


# ------------------------------------------------------------ line records --


class Line(Record):
    """One line of a workout, as the grammar classifies it."""

    _fields = ("kind", "line", "column", "tokens", "text")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, kind: str, line: int, column: int, tokens: list | None = None,
                 text: str = "") -> None:
        self.kind = kind  # step | cue | comment | repeat | pool | prose | blank | front
        self.line = line
        self.column = column  # 1-based column of the first token: the indentation
        self.tokens = [] if tokens is None else tokens
        self.text = text


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




# ------------------------------------------------------- the fast line path --

# The grammar is line oriented: every line is one of the rules below, and which one is
# decided by its first token.  So a text can be read line by line with Lark's own
# scanners (the per-state regular expressions of its contextual lexer, in its priority
# order), without feeding each token through the LALR machinery and the tree builder's
# callbacks.  Whatever that reading is not sure of (a header never closed, a character no scanner
# takes, a token the parse table has no transition for) goes through the full Lark parse,
# so every error is still Lark's.  Tests switch it off to prove both paths agree.
USE_FAST_PATH = True

_LINE_RULES = {  # rule -> (record kind, keeps its text, drops its first token)
    "step_line": ("step", False, True),
    "cue_line": ("cue", False, True),
    "prose_line": ("prose", True, False),
    "repeat_line": ("repeat", True, False),
    "comment_line": ("comment", True, False),
    "pool_line": ("pool", True, False),
    "front_matter": ("front", False, False),  # its '---' lines (see LineReader._front)
    "fm_entry": ("fm_entry", False, False),
}


def fast_records(text: str) -> list | None:
    """The line records of a normalised text read without Lark's parse, or None when
    Lark must read it (anything the line reader is not sure of, every
    error): then ``parser().parse(text)`` gives them, or raises Lark's error."""
    if not USE_FAST_PATH:
        return None
    fast = _fast_reader()
    return fast.read(text) if fast is not None else None


_BLANKS = " \t\r\f\v"  # what white space after a token may start with (:meth:`_skips`)

_FAST: list = []  # [the reader, or None when the compiled grammar does not allow one]


def _fast_reader():
    """The process's line reader: from the stored table when it is sound (no Lark),
    else built from Lark's parser and its table stored for the next process."""
    if not _FAST:
        root = cache_root()
        path, table_key = learnt_file(root) if root is not None else (None, None)
        stored = learnt_table.load(path, table_key) if table_key is not None else None
        reader = LineReader.from_table(stored) if stored is not None else None
        if reader is None:
            reader = LineReader.build(parser())
            if reader is not None and table_key is not None and _cache_dir() is not None:
                learnt_table.save(path, table_key, reader.table())
                _forget_old_tables(root)
        _FAST.append(reader)
    return _FAST[0]


def terminal_regexps(names: tuple[str, ...]) -> dict[str, str]:
    """The regular expressions of the grammar's terminals ``names`` (at least), as Lark
    compiles them: from the line reader's scanners when they hold every one of them, so
    that a printer asking what a word would read as does not import Lark; else from
    Lark's compiled grammar."""
    reader = _fast_reader() if USE_FAST_PATH else None
    if reader is not None:
        found: dict[str, str] = {}
        for scanner in reader.scanners:
            for name, regexp in scanner.terminals:
                found.setdefault(name, regexp)
        if all(name in found for name in names):
            return found
    return {t.name: t.pattern.to_regexp() for t in parser().terminals}


class LineReader:
    """Reads a text line by line with the scanners of Lark's contextual lexer.

    ``scanners[i]`` is the scanner for one set of terminals the parser accepts;
    ``moves[i]`` says, for each terminal that scanner yields, which scanner reads the
    next token (Lark's parser state after it, reduced to the terminal set its lexer
    uses).  Both come from the compiled parser (:meth:`build`), or from the table a
    reader built so gave (:meth:`table`, :meth:`from_table`)."""

    def __init__(self, scanners: list, moves: list[dict], first: int, starts: dict,
                 ignore: frozenset, newline: str):
        self.scanners = scanners
        self.moves = moves
        self.first = first
        self.starts = starts  # first terminal of a line -> its record (kind, text, drop)
        self.ignore = ignore
        self.newline = newline  # :func:`_newline_suffix`
        self.token_class = LineToken
        self.skips: dict[str, bool] = {}  # character -> whether :meth:`_skips` holds

    @classmethod
    def build(cls, lark) -> LineReader | None:
        """The reader for a compiled parser, or None when its lexer is not one this
        reader can drive exactly (callbacks, several regexes per scanner, ...)."""
        try:
            return cls._build(lark)
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    @classmethod
    def _build(cls, lark) -> LineReader | None:
        from lark import Token  # lark is loaded: this reads its compiled parser

        lexer = lark.parser.lexer
        starts = {}
        for rule in lark.rules:
            if rule.origin.name in _LINE_RULES:
                starts[rule.expansion[0].name] = _LINE_RULES[rule.origin.name]
        scanners = _Scanners(lexer)
        table = _walk(lark, scanners, Token)
        if table is None:
            return None
        first, moves = table
        ignore = frozenset(lexer.root_lexer.ignore_types)
        newline = _newline_suffix(lexer.root_lexer, ignore, scanners.scanners)
        for scanner in scanners.scanners:
            scanner.newline = newline
        reader = cls(scanners.scanners, moves, first, starts, ignore, newline)
        for ch in _BLANKS:  # known now, so a reader made from the table never parses
            reader._skips(ch)  # a regexp to learn them (re._parser: ~1 ms)
        return reader

    def table(self) -> tuple:
        """What :meth:`from_table` makes this reader again from (plain data, for
        :mod:`planc.syntax.learnt`)."""
        skip = self.scanners[0].skip_regexp
        return ([(list(s.terminals), int(s.flags)) for s in self.scanners], skip, self.newline,
                self.first, self.moves, self.starts, sorted(self.ignore), dict(self.skips))

    @classmethod
    def from_table(cls, table: tuple) -> LineReader:
        """The reader a :meth:`table` describes; its scanners compile when first used."""
        scanners, skip, newline, first, moves, starts, ignore, skips = table
        made = [FirstCharScanner(terminals, flags, None, skip, newline)
                for terminals, flags in scanners]
        reader = cls(made, moves, first, starts, frozenset(ignore), newline)
        reader.skips.update(skips)
        return reader

    def read(self, text: str) -> list | None:
        """The records of ``text``, or None when Lark must read it."""
        moves, ignore, skips = self.moves, self.ignore, self.skips
        token_class, new_token = self.token_class, str.__new__
        tables = [scanner.by_char for scanner in self.scanners]
        narrow = [scanner.matcher for scanner in self.scanners]
        records: list = []
        tokens: list = []
        current = self.first
        pos = line_start = 0
        number = 1
        end = len(text)
        while pos < end:
            ch = text[pos]
            m = (tables[current].get(ch) or narrow[current](ch))(text, pos)
            if m is None:
                return None
            kind = m.lastgroup
            if kind in ignore:
                pos = m.end(kind)  # not what the match took after it: a newline is a token
                continue
            nxt = moves[current].get(kind)
            if nxt is None:
                return None
            stop = m.end(kind)
            after = m.end()
            if kind == "_NL":
                records.append(self._record(tokens) if tokens else Line("blank", 0, 0))
                tokens = []
                number += 1
                line_start = stop
                if after != stop and not (skips.get(text[stop]) or self._skips(text[stop])):
                    after = stop  # white space no scanner can be sure of: lexed on its own
                current, pos = nxt, after
                continue
            value = m.group(kind)
            tok = new_token(token_class, value)  # what Token(...) does, without its checks
            tok.type, tok.value, tok.start_pos, tok.end_pos = kind, value, pos, stop
            tok.line = tok.end_line = number
            tok.column, tok.end_column = pos - line_start + 1, stop - line_start + 1
            tokens.append(tok)
            if after != stop:  # the match took the blanks after the token, and the newline
                # reading goes on after it when that ended the line right after the token,
                # or when white space at ``stop`` is surely skipped; else what no scanner
                # can be sure of is given back, to be lexed on its own
                newline = text[after - 1] == "\n"
                if not (newline and after - 1 == stop):
                    ch = text[stop]
                    if not (skips.get(ch) or self._skips(ch)):
                        after, newline = stop, False
                if newline:
                    nxt = moves[nxt].get("_NL")
                    if nxt is None:
                        return None
                    records.append(self._record(tokens))
                    tokens = []
                    number += 1
                    line_start = after
            current, pos = nxt, after
        return None if tokens else self._front(records)

    @staticmethod
    def _front(records: list) -> list | None:
        if records and records[0] is _DELIMITER:
            return _front_records(records)
        return records

    def _skips(self, ch: str) -> bool:
        """Whether white space starting with ``ch`` after a token can be skipped with it:
        in every scanner only the ignored terminal can start with ``ch``."""
        ignored = tuple(self.ignore)
        self.skips[ch] = all(scanner.only(ch) == ignored for scanner in self.scanners)
        return self.skips[ch]

    def _record(self, tokens: list):
        first = tokens[0]
        kind, text_line, drop_first = self.starts[first.type]
        if kind == "fm_entry":  # what Lark's transformer makes of a header line
            return ("fm_entry", tokens)
        if kind == "front":
            return _DELIMITER
        record = Line(kind, first.line, first.column, tokens[1:] if drop_first else tokens)
        if text_line:
            record.text = str(first).rstrip()
        return record


_DELIMITER = ("front", None)  # a front matter's '---' line, until :meth:`LineReader._front`


def _front_records(records: list) -> list | None:
    """The records of a text whose first line opens front matter: the header's entries
    as one ``("front", entries)`` record (Lark's transformer's), its blank lines left
    out, then the body's; None when the header is never closed (Lark says so)."""
    try:
        end = records.index(_DELIMITER, 1)
    except ValueError:
        return None
    entries = [r for r in records[1:end] if r.__class__ is tuple]
    return [("front", entries), *records[end + 1:]]


class _Scanners:
    """The narrowed scanners of a compiled parser, one per set of terminals, made as
    parser states are reached."""

    def __init__(self, lexer):
        self.lexer = lexer
        ignored = [t for t in lexer.root_lexer.terminals
                   if t.name in lexer.root_lexer.ignore_types]
        self.skip = ignored[0].pattern.to_regexp() if len(ignored) == 1 else None
        self.scanners: list[FirstCharScanner] = []
        self._ids: dict[tuple[frozenset, bool], int] = {}
        self._by_position: dict[tuple[int, bool], int | None] = {}

    def of(self, position: int, header: bool = False) -> int | None:
        """The scanner for a parser state, in the front matter or not (None when it
        cannot be narrowed exactly)."""
        if (position, header) not in self._by_position:
            self._by_position[position, header] = self._new(position, header)
        return self._by_position[position, header]

    def _new(self, position: int, header: bool) -> int | None:
        basic = self.lexer.lexers[position]
        names = frozenset(t.name for t in basic.terminals)
        if (names, header) not in self._ids:
            scanner = basic.scanner
            if basic.callback or len(scanner._mres) != 1:
                return None
            full = scanner._mres[0]
            narrowed = FirstCharScanner(
                [(t.name, t.pattern.to_regexp()) for t in scanner.terminals],
                scanner.g_regex_flags, full.match, self.skip)
            if narrowed.full_pattern() != full.pattern or full.flags != re.compile(
                    "", scanner.g_regex_flags).flags:
                return None  # not Lark's alternation: narrowing it would not be exact
            self._ids[names, header] = len(self.scanners)
            self.scanners.append(narrowed)
        return self._ids[names, header]


def _newline_suffix(root, ignore: frozenset, scanners: list[FirstCharScanner]) -> str:
    """``\n?`` when a scanner may take the end of a line after its token: the line
    ends in a ``_NL`` of one ``\n`` that, in every scanner, only ``_NL`` can start
    with, and the ignored white space never holds a newline."""
    nl = [t for t in root.terminals if t.name == "_NL"]
    exact = len(nl) == 1 and nl[0].pattern.to_regexp() in ("\n", "\\n")
    if (not exact or ignore & root.newline_types
            or not all(s.only("\n") == ("_NL",) for s in scanners)):
        return ""
    return "\n?"


def _walk(lark, scanners: _Scanners, token_class) -> tuple[int, list[dict]] | None:
    """(first scanner, moves) learnt by feeding one line of each kind to Lark's parser."""
    root = lark.parse_interactive("")
    first = scanners.of(root.parser_state.position)
    if first is None:
        return None
    moves: list[dict] = []
    after_a_line = root.copy()
    walks = [(root.copy(), walk) for walk in (*_SAMPLE_LINES, *_SAMPLE_HEADERS)]
    walks += [(after_a_line, ("_NL", *walk)) for walk in _SAMPLE_LINES]
    for interactive, walk in walks:
        state = interactive.parser_state
        header = False  # inside front matter: from its first '---' to its last
        for kind in walk:
            before = scanners.of(state.position, header)
            interactive.feed_token(token_class(kind, "x"))
            header = header != (kind == "FM_DELIM")
            after = scanners.of(state.position, header)
            if before is None or after is None:
                return None
            while len(moves) < len(scanners.scanners):
                moves.append({})
            if moves[before].setdefault(kind, after) != after:
                return None  # one scanner, one terminal, two next scanners
    return first, moves


# Front matter, fed from the start of a text: its scanners are told apart from the
# body's of the same terminals (after its first '---' a newline leads into the header,
# after its last one into the body).
_SAMPLE_HEADERS = (
    ("FM_DELIM", "_NL", "FM_KEY", "FM_VALUE", "_NL", "_NL", "FM_KEY", "_NL", "FM_DELIM", "_NL",
     "DASH", "_NL"),
    ("FM_DELIM", "_NL", "FM_DELIM", "_NL", "_NL"),
)

# One of each kind of line, fed to Lark's parser to learn which scanner follows which
# token (a step line's items loop on one scanner).
_SAMPLE_LINES = (
    ("DASH", "DURATION", "DISTANCE", "POWER_PCT", "POWER_W", "POWER_ZONE", "HR_PCT", "HR_ZONE",
     "HR_BPM", "PACE_PCT", "PACE_ZONE", "PACE_ABS", "PACE_NO_KEYWORD", "CADENCE", "PRESS_LAP",
     "OPTION", "INLINE_REPEAT", "WORD", "PUNCT", "DURATION", "_NL"),
    ("DASH", "_NL"),
    ("CUE_MARK", "CUE_AT", "CUE_TEXT", "_NL"),
    ("CUE_MARK", "CUE_TEXT", "_NL"),
    ("CUE_MARK", "CUE_AT", "_NL"),
    ("CUE_MARK", "_NL"),
    ("COMMENT", "_NL"),
    ("REPEAT_HEADER", "_NL"),
    ("POOL_LENGTH", "_NL"),
    ("PROSE", "_NL"),
    ("_NL",),
)

"""The fast line path reads every text exactly as the full Lark parse does.

planc.syntax.grammar.LineReader lexes a workout line by line with the scanners of
Lark's own contextual lexer instead of feeding every token through the LALR
parser (issue 14, "warm parse").  What proves it is the same parse:

* on generated texts built from the grammar's whole vocabulary (every token kind,
  odd spacing, tabs, unknown words, bad tokens, cues, comments, repeats, nested
  repeats, pool lines, prose, front matter, CRLF, non-ASCII, control characters,
  long lines), the reader yields the very line records Lark's parse yields (token
  types, texts and every position), or declines (None) and Lark reads the text;
* it declines only what it must: every text Lark reads without error and with no
  front matter is read by the fast path;
* the whole pipeline (AST with its spans, diagnostics, printer output) is the same
  with the fast path on and off;
* the reader's transition table is the parse table's: every parser state that
  accepts a step token uses one scanner, the one the reader loops on.
"""

from __future__ import annotations

import marshal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planc.syntax import grammar, learnt, linememo, parse_tree
from planc.syntax.grammar import LineReader, parser
from planc.syntax.printer import write
from planc.syntax.starts import FirstCharScanner, may_start_with
from planc.syntax.starts import parse as parse_regexp

# -- the vocabulary: what each token kind of grammars/workout.lark looks like, and near misses

VALUES = [
    "10m", "30s", "1h", "1m30", "2m30s", "1h45m", "5'", "30\"", "1'30\"", "0m", "400m", "0s",
    "2km", "0.8km", "400mtr", "1mi", "100yrd", "50yd", "3yards", "1.5KM",
    "75%", "88-92%", "50%-75%", "88–92%", "200w", "200-240w", "157w-213w", "Z2", "Z3-Z4",
    "z2", "Z3-4", "70% HR", "75-80% HR", "95% LTHR", "Z2 HR", "145bpm", "140-150 bpm",
    "70% Pace", "80-110% Pace", "Z2 Pace", "5:00/km Pace", "5:10-5:30 Pace",
    "1:45/100m Pace", "5:00/km", "4:30/mi", "90rpm", "90 rpm", "85-95rpm", "40-50 rpm",
    "press lap", "Press  Lap", "intensity=rest", "intensity=warmup", "power=lap", "hr=1s",
    "foo=bar", "x=", "3x", "2X", "ramp", "freeride", "maxeffort", "hidepower", "Ramp",
]
NEAR_MISSES = [
    "20min", "10 min", "2 km", "4.30/km", "1mİ", "١٠m", "-50%", "50 %", "50-60-70%",
    "(200w)", "<40%", "Z2HR", "200", "200-250", "0.33s", "64x16", "500w+", "109", "rpm",
    "Pace", "5:00", "1.5h", "2.5m", "rampp", "freerde", "---", "-", "=", "~", "%",
    "ä", "日本", "e\u0301", "\u00a0", "\u2028", "a\x0cb", "a\x0bb", "\x00", "\x1b[0m",
]
WORDS = ["Work", "Easy", "Openers", "Spin", "up", "high", "cadence", "Main", "set", "é"]
SEPARATORS = [" ", " ", " ", "  ", "\t", " \t ", ",", ", ", ";", " ; ", "", "\r"]
INDENTS = ["", "", "", " ", "  ", "    ", "\t", " \t"]

token = st.sampled_from(VALUES + NEAR_MISSES + WORDS)
separator = st.sampled_from(SEPARATORS)
indent = st.sampled_from(INDENTS)


@st.composite
def step_line(draw) -> str:
    words = draw(st.lists(st.tuples(separator, token), max_size=9))
    dash = draw(st.sampled_from(["-", "-", "-", "--", "- -", "-\t"]))
    return draw(indent) + dash + "".join(s + w for s, w in words) + draw(
        st.sampled_from(["", "", " ", "\t", " \r"]))


@st.composite
def cue_line(draw) -> str:
    at = draw(st.sampled_from(["", "2m ", "30s ", "400mtr ", "1.5km ", "20min ", "2m"]))
    text = draw(st.sampled_from(["", "Spin up", "stand", "Z2 90rpm", "> x", "日本"]))
    return draw(indent) + ">" + draw(st.sampled_from(["", " ", "  "])) + at + text


repeat_line = st.tuples(indent, st.sampled_from(["", "Main set ", "Set x", "2.", "-"]),
                        st.sampled_from(["3x", "2X", "10 x", "1x", "0x", "300x", "x3", "3x:"]),
                        st.sampled_from(["", " ", "\t"])).map("".join)


PROSE = ["Warmup", "Cooldown", "Warm up", "cool-down", "Warmpu", "Main set", "Notes: easy",
         "`- not a step", "Pool length: 25m", "pool length 50", "Pool length: 25y",
         "Pool Length: 12 furlongs", "// a comment", "//", "Some words 20min", "日本語",
         "Main set x3", "Main set 3 times", "---", "--- ", "-->", ">>", "`"]

line = st.one_of(
    step_line(), step_line(), step_line(), cue_line(), repeat_line,
    st.tuples(indent, st.sampled_from(PROSE)).map("".join),
    st.just(""), st.just(""), st.sampled_from(["  ", "\t", " \r"]),
    st.text(alphabet="- >/:%x0123zZ\t,;aé\x0c\u2028", max_size=12),
)

FRONT = ["---\nname: Sweet spot\nsport: Ride\n---\n", "---\nsport: Run\ntags: [a, b]\n---\n",
         "---\nnmae: x\n---\n", "---\nname: never closed\n", "---\n\n---\n", "---\n---\n",
         "---   \n- 10m 50%\n", "---\nsport: Swim\ndescription: 'quoted'\n---\n"]


@st.composite
def workout_text(draw) -> str:
    lines = draw(st.lists(line, max_size=14))
    if draw(st.integers(0, 9)) == 0:  # a hostile long line
        lines.append("- " + " ".join(draw(st.lists(token, min_size=150, max_size=300))))
    text = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])).join(lines)
    if draw(st.integers(0, 5)) == 0:
        text = draw(st.sampled_from(FRONT)) + text
    if draw(st.booleans()):
        text += "\n"
    return text


# -- comparing the two paths


def _records(records: list) -> list:
    """Every field of every line record and token, so that a position that differs fails."""
    out = []
    for rec in records:
        if isinstance(rec, tuple):  # front matter: ("front", [("fm_entry", tokens), ...])
            out.append((rec[0], [(kind, _tokens(toks)) for kind, toks in rec[1]]))
            continue
        out.append((rec.kind, rec.line, rec.column, rec.text, _tokens(rec.tokens)))
    return out


def _tokens(tokens: list) -> list:
    return [(t.type, str(t), t.value, type(t.value), t.start_pos, t.line, t.column,
             t.end_line, t.end_column, t.end_pos, repr(t)) for t in tokens]


def _prepared(text: str) -> str:
    """The text as parse_tree hands it to the grammar (normalised, '---' divider read)."""
    from planc.syntax import _FRONT_MATTER_START, _normalise

    text = _normalise(text)
    if text.startswith("---\n") and not _FRONT_MATTER_START.match(text):
        text = "- -" + text[3:]
    return text


@pytest.fixture(autouse=True)
def _narrowing_from_the_first_match(monkeypatch):
    """The reader these tests use narrows its scanners from the first match on (in use,
    the first 400 matches of a process read with the full scanners)."""
    monkeypatch.setattr(FirstCharScanner, "WARM_UP", 0)
    monkeypatch.setattr(grammar, "_FAST", [LineReader.build(parser())])


def _stored_reader() -> LineReader:
    """A reader made as a process makes it without Lark: from the table a reader built
    from Lark's parser gives, stored and loaded again (planc.syntax.learnt)."""
    table = marshal.loads(marshal.dumps(LineReader.build(parser()).table()))
    assert learnt.shaped(table)
    return LineReader.from_table(table)


def _reader() -> LineReader:
    reader = grammar._fast_reader()
    assert reader is not None, "the compiled grammar no longer allows the fast line path"
    return reader


def _pipeline(text: str, fast: bool) -> tuple:
    saved = grammar.USE_FAST_PATH
    grammar.USE_FAST_PATH = fast
    try:
        parsed = parse_tree(text, sport="Run" if "pace" in text.lower() else None)
    finally:
        grammar.USE_FAST_PATH = saved
    diags = [(d.severity, d.code, d.message, d.span, d.hint) for d in parsed.diagnostics]
    workout = parsed.workout
    spans = _spans(workout) if workout is not None else None
    printed = write(workout) if workout is not None else None
    return workout, spans, diags, printed


def _spans(node) -> list:
    """Every span in the tree (AST equality leaves spans out)."""
    import dataclasses

    found = []
    for f in dataclasses.fields(node) if dataclasses.is_dataclass(node) else ():
        value = getattr(node, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if type(item).__name__ == "Span":
                found.append((f.name, item))
            elif dataclasses.is_dataclass(item):
                found.append((f.name, _spans(item)))
    return found


PINNED = [
    "Warmup\n- 10m ramp 50-75% 85-95rpm\n- Openers 3m 95%\n\nMain set 4x\n- 5m 100%\n",
    "- 10m 70% HR\n  > 2m Spin up\n",
    "---\nname: x\n---\n- 10m 50%\n",
    "- 10m 50%\n---\n",
    "---   \n- 10m 50%\n",
    "- 10m\x0c50%\n",
    "- a\u2028b 10m\n",
    "  Main set 3x\n    Inner 2x\n    - 1m 100%\n  - 2m 50%\n",
    "Pool length: 25m\n- 100mtr Z2 Pace\n",
    "- 10m 50%\r\n\r\n- 5m 60%",
    "",
    "\n\n\n",
    "> orphan\n",
    "- 5:00/km 10m\n- 20min 50%\n- Ramp 1 10m 50 %\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workout_text())
@example(PINNED[0])
@example(" ---\n---")
def test_reader_yields_the_records_lark_yields(text: str) -> None:
    from lark.exceptions import UnexpectedInput

    prepared = _prepared(text)
    fast = _reader().read(prepared)
    stored = _stored_reader().read(prepared)
    assert (_records(stored) if stored is not None else None) == (
        _records(fast) if fast is not None else None), "the stored table reads otherwise"
    try:
        slow = parser().parse(prepared)
    except UnexpectedInput:
        assert fast is None, "the fast path read a text Lark refuses"
        return
    assert fast is not None, "the fast path declined a text Lark reads"
    if fast is not None:
        assert _records(fast) == _records(slow)


@pytest.mark.parametrize("text", PINNED)
def test_pinned_texts_read_the_same_both_ways(text: str) -> None:
    assert _pipeline(text, True) == _pipeline(text, False)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workout_text())
def test_pipeline_is_the_same_both_ways(text: str) -> None:
    assert _pipeline(text, True) == _pipeline(text, False)


def test_every_step_state_uses_the_scanner_the_reader_loops_on() -> None:
    """The reader assumes a step line's items all lex with one scanner (the grammar's
    ``DASH _item* _NL``): check it against every state of the parse table."""
    reader = _reader()
    lark = parser()
    table = lark.parser.parser.parser.parse_table
    lexer = lark.parser.lexer
    step_terminals = set(reader.moves[reader.moves[reader.first]["DASH"]])
    for state, actions in table.states.items():
        terminals = {name for name in actions if name.isupper()}
        if terminals & (step_terminals - {"_NL"}):
            assert terminals - {"$END"} == step_terminals, state
            names = {t.name for t in lexer.lexers[state].terminals} - lexer.root_lexer.ignore_types
            assert names == step_terminals


def test_errors_go_through_lark() -> None:
    reader = _reader()
    assert reader.read("---\nname: x\n- 10m 50%\n") is None  # a header never closed
    assert reader.read("- 10m\x0c50%\n") is None
    assert reader.read("- 10m 50%\n") is not None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    [*"0123456789 \t\n\r,;:%'\"-–/.=_()<>xXzZwWhHmMsSkKpPaAcCeErRbBlLtTyYdD",
     "ä", "İ", "ſ", "K", "ß", "ŉ", "١", "\x0c", "\u2028"]), min_size=1, max_size=14))
def test_a_terminal_said_not_to_start_with_a_character_never_matches_there(text: str) -> None:
    """The narrowing's soundness: every terminal of the grammar, on any text."""
    import re

    lark = parser()
    flags = lark.parser.lexer.root_lexer.g_regex_flags
    for terminal in lark.terminals:
        regexp = terminal.pattern.to_regexp()
        if re.match(regexp, text, flags):
            assert may_start_with(parse_regexp(regexp, flags), flags, text[0]), terminal.name


@pytest.mark.parametrize("ch", ["ß", "ŉ", "İ", "ﬀ"])
def test_a_character_whose_case_form_is_two_characters_narrows(ch: str) -> None:
    """'ß'.upper() is 'SS': narrowing a scanner at such a character raised TypeError
    (an internal error on '- 1m ß' once the scanners had warmed up)."""
    lark = parser()
    flags = lark.parser.lexer.root_lexer.g_regex_flags
    for terminal in lark.terminals:
        may_start_with(parse_regexp(terminal.pattern.to_regexp(), flags), flags, ch)
        may_start_with(parse_regexp(terminal.pattern.to_regexp(), flags), flags | 2, ch)
    for blank_lines in range(40):  # past the warm-up, so the narrowed scanner is asked
        assert parse_tree(f"- 1m {ch}\n" + "\n" * blank_lines).workout is not None


def test_a_character_whose_case_is_two_letters_may_start_a_folded_range() -> None:
    """'ß'.upper() is 'SS': no single code point to compare, so the narrowing cannot be
    sure (re matches 'ß' to a range holding U+1E9E, its capital, when folding)."""
    import re

    assert re.match("[\u1e9e]", "ß", re.IGNORECASE)
    assert may_start_with(parse_regexp("[\u1e9e]", re.IGNORECASE), re.IGNORECASE, "ß")
    assert may_start_with(parse_regexp("[a-z]+", re.IGNORECASE), re.IGNORECASE, "ß")
    assert not may_start_with(parse_regexp("[a-z]+", 0), 0, "ß")


LOOK_AHEADS = ["(?=[^\\s\\->])[^\\n]*\\d[xX]", "a?(?=b)[a-z]+", "(?=a|)[^\\n]+",
               "(?!a)[^\\n]+", "(?<=a)b|c", "(?=[0-9])\\w+|-", "x*(?=\\d)y*\\d"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LOOK_AHEADS), st.text(alphabet=st.sampled_from([*"ab1 -x\ty\n", "ä"]),
                                             min_size=1, max_size=6))
def test_a_look_ahead_narrows_soundly(regexp: str, text: str) -> None:
    """A look-ahead the character at hand fails is no match there (REPEAT_HEADER starts
    with one); one it may pass, or one that may match nothing, narrows nothing.  (A
    terminal is never empty: Lark refuses one, so patterns that may match nothing at
    all are left out.)"""
    import re

    for flags in (re.ASCII, re.ASCII | re.IGNORECASE):
        if re.match(regexp, text, flags):
            assert may_start_with(parse_regexp(regexp, flags), flags, text[0]), regexp


def test_white_space_after_a_token_is_taken_with_it() -> None:
    """In no scanner can a terminal but the ignored white space start with a blank, so
    the reader takes the blanks after a token in the same match: REPEAT_HEADER's
    look-ahead for its first character counts (without it, every blank was 'maybe a
    repeat header' and each was lexed on its own)."""
    reader = LineReader.build(parser())
    assert {ch: reader.skips[ch] for ch in " \t\r"} == {" ": True, "\t": True, "\r": True}
    flags = parser().parser.lexer.root_lexer.g_regex_flags
    repeat = next(t for t in parser().terminals if t.name == "REPEAT_HEADER")
    parsed = parse_regexp(repeat.pattern.to_regexp(), flags)
    assert [may_start_with(parsed, flags, ch) for ch in " -1M"] == [False, False, True, True]


# -- the line memo (planc.syntax.linememo): a line read before reads the same again


def _with_memo(text: str, on: bool) -> tuple:
    saved = linememo.USE_MEMO
    linememo.USE_MEMO = on
    try:
        return _pipeline(text, True)
    finally:
        linememo.USE_MEMO = saved


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workout_text(), st.integers(0, 3))
@example("Warmup\n- 10m 50%\n\n- 10m 50%\n- 20min 10m\n- 20min 10m\n", 2)
def test_lines_recalled_from_the_memo_read_as_if_read_anew(text: str, shift: int) -> None:
    """Every line read once, then the text read again lower down (blank lines above
    it): recalled steps and diagnostics carry the spans of where they are now."""
    linememo.forget()
    _with_memo(text, True)
    moved = text if text.lstrip("\ufeff").startswith("---") else "\n" * shift + text
    assert _with_memo(moved, True) == _with_memo(moved, False)
    assert _with_memo(text, True) == _with_memo(text, False)


def test_the_memo_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(linememo, "SIZE", 3)
    linememo.forget()
    _with_memo("".join(f"- {n}m 50%\n" for n in range(1, 8)), True)
    assert len(linememo.MEMO) <= 3


def test_a_text_of_countless_characters_reads_with_the_full_scanner(monkeypatch) -> None:
    monkeypatch.setattr(FirstCharScanner, "MAX_CHARS", 4)
    reader = LineReader.build(parser())
    text = "- " + " ".join(chr(c) + "x" for c in range(0x4E00, 0x4E40)) + " 10m\n"
    records = reader.read(text)
    assert records is not None and _records(records) == _records(parser().parse(text))
    assert all(len(s.by_char) <= 4 for s in reader.scanners)


def test_long_lines_are_not_kept() -> None:
    linememo.forget()
    _with_memo("- 10m " + "word " * 100 + "\n- 5m\n", True)
    assert [key[0] for key in linememo.MEMO] == ["- 5m"]


@pytest.mark.parametrize("text", PINNED)
def test_a_reader_from_the_stored_table_reads_as_lark_does(text: str, monkeypatch) -> None:
    """The whole pipeline with the reader a process makes from the stored table (its
    scanners compiled on first use, read with the full scanners as in use), against
    the pipeline with no line reader at all."""
    monkeypatch.setattr(FirstCharScanner, "WARM_UP", 400)
    monkeypatch.setattr(grammar, "_FAST", [_stored_reader()])
    assert _pipeline(text, True) == _pipeline(text, False)


# -- front matter, read by the line reader too

_HEADER_LINES = ["name: Sweet spot", "sport: Run", "sport : Ride", "tags: [a, b]", "nmae: x",
                 "description: 'quoted'", "", "   ", "\t", "name:", "name:   ", "a_b-c:1",
                 "name: x: y", "key", "- 10m 50%", ": x", "9name: x", "name: ---", "---  ",
                 "---\t", "--- x", "  name: x", "name:\tx", "Name: x ", "\u00e9t\u00e9: x", "x:\r"]


@st.composite
def with_front_matter(draw) -> str:
    header = draw(st.lists(st.sampled_from(_HEADER_LINES), max_size=6))
    close = draw(st.sampled_from(["---", "---   ", "--- \t", "", "----"]))
    body = draw(st.lists(line, max_size=5))
    parts = [draw(st.sampled_from(["---", "---  ", "---\t"])), *header]
    if close:
        parts.append(close)
    return "\n".join([*parts, *body]) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_front_matter())
@example("---\nname: x\n\nsport : Run\n---\n- 10m 50%\n")
def test_front_matter_reads_as_lark_reads_it(text: str) -> None:
    """A header is read by the line reader as Lark reads it (the entries, every token's
    position), a header Lark refuses is declined, and the pipeline is the same."""
    from lark.exceptions import UnexpectedInput

    prepared = _prepared(text)
    fast = _reader().read(prepared)
    stored = _stored_reader().read(prepared)
    try:
        slow = parser().parse(prepared)
    except UnexpectedInput:
        assert fast is None and stored is None, "the fast path read a text Lark refuses"
        return
    assert fast is not None and stored is not None, "the fast path declined a text Lark reads"
    assert _records(fast) == _records(slow) == _records(stored)
    assert _pipeline(text, True) == _pipeline(text, False)

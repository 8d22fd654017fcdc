"""Which of Lark's terminals can start at a given character: a scanner per first character.

Lark's scanner for a parser state is one alternation of its terminals, in priority
order, and Python's regex engine tries the alternatives one by one: at a space it
tries every step-token pattern before the ignored white space matches.  A terminal
whose pattern cannot match a text starting with the character at hand cannot be the
match there, so leaving it out of the alternation changes nothing but the time: the
first alternative that matches is the same.  :class:`FirstCharScanner` keeps, for each
character met, the alternation of the terminals that may start with it (Lark's own
regular expressions, in Lark's order, compiled with Lark's flags).

"May start with" is read off the pattern's parse (``re._parser``); whatever the
analysis does not know answers "yes", so a doubt keeps a terminal in.
"""

from __future__ import annotations

import re
from re import _constants as sre  # the opcodes of re._parser's parse tree
from re import _parser as sre_parse

_DIGITS = frozenset("0123456789")
_SPACE = frozenset(" \t\n\r\f\v")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _same_char(code: int, ch: str, fold: bool) -> bool:
    other = chr(code)
    return other == ch or (fold and other.lower() == ch.lower())


def _category(cat, ch: str) -> bool | None:
    """Whether ``ch`` is in an ASCII-mode category (None: a category this does not know)."""
    word = ch.isascii() and (ch.isalnum() or ch == "_")
    return {sre.CATEGORY_DIGIT: ch in _DIGITS, sre.CATEGORY_NOT_DIGIT: ch not in _DIGITS,
            sre.CATEGORY_SPACE: ch in _SPACE, sre.CATEGORY_NOT_SPACE: ch not in _SPACE,
            sre.CATEGORY_WORD: word, sre.CATEGORY_NOT_WORD: not word}.get(cat)


def _in_range(bounds: tuple[int, int], ch: str, fold: bool) -> bool:
    """Whether ``ch`` (ignoring case: one of its cases) is in ``bounds``; True when a
    case of ``ch`` is no single character (``'ß'.upper()`` is ``'SS'``): re's case
    folding is then not str's, so this cannot be sure."""
    low, high = bounds
    if not fold:
        return low <= ord(ch) <= high
    cases = {ch, ch.lower(), ch.upper()}
    return any(len(c) != 1 or low <= ord(c) <= high for c in cases)


def _in_set(items, ch: str, fold: bool) -> bool:
    """Whether ``ch`` is in a character class (True when unsure)."""
    negate, found = False, False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            found = found or _same_char(av, ch, fold)
        elif op is sre.RANGE:
            found = found or _in_range(av, ch, fold)
        elif op is sre.CATEGORY:
            known = _category(av, ch)
            found = found or known is None or known
        else:
            return True
    return found != negate or (negate and fold)


def _atom(op, av, ch: str, fold: bool) -> tuple[bool, bool]:
    """(may start with ``ch``, may match nothing) for one item of a parsed pattern."""
    if op is sre.LITERAL:
        return _same_char(av, ch, fold), False
    if op is sre.NOT_LITERAL:
        return fold or chr(av) != ch, False
    if op is sre.IN:
        return _in_set(av, ch, fold), False
    if op is sre.SUBPATTERN:
        _group, add, _remove, sub = av
        return _sequence(sub, ch, fold or bool(add & re.IGNORECASE))
    if op is sre.BRANCH:
        results = [_sequence(alt, ch, fold) for alt in av[1]]
        return any(r[0] for r in results), any(r[1] for r in results)
    if op in _REPEATS:
        low, _high, sub = av
        may, empty = _sequence(sub, ch, fold)
        return may, empty or low == 0
    if op in _ZERO_WIDTH:
        return False, True  # a look-around only narrows what follows: ignoring it is safe
        # (but a look-ahead the character at hand fails is no match: :func:`_sequence`)
    return True, True  # anything else: assume it may


def _sequence(items, ch: str, fold: bool) -> tuple[bool, bool]:
    may = False
    for op, av in items:
        if op is sre.ASSERT and av[0] == 1:  # a look-ahead, here where the text is at ``ch``
            ahead, nothing = _sequence(av[1], ch, fold)
            if not (ahead or nothing):
                return may, False  # it fails at ``ch``: nothing from here on matches
            continue
        first, empty = _atom(op, av, ch, fold)
        may = may or first
        if not empty:
            return may, False
    return may, True


def parse(regexp: str, flags: int):
    """The parse tree of ``regexp`` (None when re's parser does not take it)."""
    try:
        return sre_parse.parse(regexp, flags)
    except (re.error, TypeError, ValueError, IndexError):
        return None


def may_start_with(parsed, flags: int, ch: str) -> bool:
    """Could the pattern parsed as ``parsed`` (with ``flags``) match a text that starts
    with ``ch``?  False only when it certainly cannot."""
    if parsed is None:
        return True
    return _sequence(parsed, ch, bool(flags & re.IGNORECASE))[0]


class FirstCharScanner:
    """Lark's scanner for one parser state, narrowed to the terminals that can start at
    the character to be read.

    A narrowed scanner may also take the white space after its token (``skip``, the
    regexp of the grammar's ignored terminal, as an optional unnamed suffix: it always
    matches, so it changes neither which terminal matches nor how much of the text that
    terminal takes), and the end of the line after that (``newline``, an optional
    ``\n``): ``m.end()`` is then past them, ``m.end(m.lastgroup)`` is the token's end,
    and the caller decides whether taking them was safe (:meth:`only`).

    Narrowing a character costs a regex compile, which pays after some hundred tokens:
    the first ``WARM_UP`` matches use the full scanner, so a single cold ``planc check``
    does not pay for it."""

    WARM_UP = 400
    MAX_CHARS = 1024  # characters with a narrowed scanner of their own, at most

    def __init__(self, terminals: list[tuple[str, str]], flags: int, full=None,
                 skip: str | None = None, newline: str = ""):
        self.terminals = terminals  # (name, regexp), in Lark's order
        self.flags = flags
        # Lark's compiled scanner's match; None: compiled from the terminals on first use
        # (a reader made from a stored table: a scanner no line needs costs nothing)
        self.full = full if full is not None else self._first_full
        self.skip_regexp = skip
        self.skip = f"(?:{skip})?" if skip is not None and "(" not in skip else ""
        self.newline = newline  # the suffix that also takes the line's end (or "")
        self._warm_up = self.WARM_UP
        self._parsed: list | None = None
        self.by_char: dict[str, object] = {}  # character -> narrowed match function
        self._by_names: dict[tuple[str, ...], object] = {}

    def _first_full(self, text: str, pos: int):
        self.full = re.compile(self.full_pattern(), self.flags).match
        return self.full(text, pos)

    def full_pattern(self) -> str:
        """The alternation of every terminal, written as Lark writes its scanner's."""
        return "|".join(f"(?P<{name}>{regexp})" for name, regexp in self.terminals)

    def match(self, text: str, pos: int):
        """Like the full scanner's ``match(text, pos)``: the same match, or None."""
        ch = text[pos]
        return (self.by_char.get(ch) or self.matcher(ch))(text, pos)

    def only(self, ch: str) -> tuple[str, ...]:
        """The terminals that may start with ``ch``, in Lark's order."""
        if self._parsed is None:
            self._parsed = [parse(regexp, self.flags) for _, regexp in self.terminals]
        return tuple(name for (name, _), parsed in zip(self.terminals, self._parsed, strict=True)
                     if may_start_with(parsed, self.flags, ch))

    def matcher(self, ch: str):
        """The match function for a text at ``ch`` (kept in ``by_char`` once narrowed)."""
        if self._warm_up > 0:
            self._warm_up -= 1
            return self.full
        if len(self.by_char) >= self.MAX_CHARS:
            return self.full  # a text of countless distinct characters: no table for each
        names = self.only(ch)
        matcher = self._by_names.get(names)
        if matcher is None:
            chosen = [(n, r) for n, r in self.terminals if n in names] or [("_NONE", "(?!)")]
            pattern = "|".join(f"(?P<{n}>{r})" for n, r in chosen)
            ends_line = self.newline if self.skip and "_NL" not in names else ""
            if len(chosen) > 1 or self.skip:
                pattern = f"(?:{pattern}){self.skip}{ends_line}"
            matcher = self._by_names[names] = re.compile(pattern, self.flags).match
        self.by_char[ch] = matcher
        return matcher

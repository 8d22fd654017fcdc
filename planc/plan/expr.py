"""Progression expressions: ``= 2 + n``, ``= 40m + 10m * (week - 1)``, ``= round(8km * 1.1, 500mtr)``.

A workout argument may be a small arithmetic expression of the plan week
(``week``, 1-based) and of ``n``, the position of that week among the weeks
the calendar entry covers (1-based).  Values are numbers, durations (``90s``,
``10m``, ``1h30m``) and distances (``400mtr``, ``2km``, ``1mi``); the units
check like physics (a duration plus a number is an error).  Operators:
``+ - * / // %``, parentheses, unary minus; functions ``min``, ``max`` and
``round(x)`` / ``round(x, step)``.

This is a hand-written recursive-descent evaluator, not ``eval``: a plan file
is data, and a typo must become a positioned diagnostic, never code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from planc.diagnostics import did_you_mean
from planc.units import METRES_PER_UNIT

NUM, DUR, DIST = "number", "duration", "distance"

DIST_UNITS = {unit.value: metres for unit, metres in METRES_PER_UNIT.items()}
_DUR_RE = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!i|t))?(?:(\d+(?:\.\d+)?)s)?")
_TOKEN_RE = re.compile(
    r"\s*(?:"
    r"(?P<qty>\d+(?:\.\d+)?(?:h|m(?!i|t)|s|km|mtr|mi|yrd)(?:\d+(?:\.\d+)?(?:m(?!i|t)|s))*)"
    r"|(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>//|[-+*/%(),])"
    r")"
)


class ExprError(Exception):
    """A mistake in an expression; ``offset`` and ``length`` are in the expression text."""

    def __init__(self, message: str, offset: int, length: int = 1, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.length = max(1, length)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number, a duration (seconds) or a distance (metres, with the unit to write it in)."""

    kind: str
    value: float
    unit: str = ""  # for distances: km | mtr | mi | yrd

    def text(self) -> str:
        """As the workout language writes it (what a ``{placeholder}`` receives)."""
        if self.kind == DUR:
            return format_duration(self.value)
        if self.kind == DIST:
            return format_distance(self.value, self.unit or "mtr")
        return format_number(self.value)


def format_number(x: float) -> str:
    if x == int(x):
        return str(int(x))
    return f"{x:.3f}".rstrip("0").rstrip(".")


def format_duration(seconds: float) -> str:
    """``1h30m``, ``5m30s``, ``45s``: the canonical intervals.icu forms (zero parts omitted)."""
    total = int(round(seconds))
    if total <= 0:
        return "0s"
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (s, "s")) if v)


def format_distance(metres: float, unit: str) -> str:
    if unit == "mtr" or (unit == "km" and metres < 1000 and metres == int(metres)):
        return f"{format_number(round(metres, 1))}mtr"
    return f"{format_number(round(metres / DIST_UNITS[unit], 3))}{unit}"


def parse_quantity(text: str) -> Quantity | None:
    """``10m`` -> 600 s, ``1h30m``, ``2km``, ``400mtr``, ``3`` -> number; None if not one."""
    text = text.strip()
    if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return Quantity(NUM, float(text))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(km|mtr|mi|yrd)", text)
    if m:
        return Quantity(DIST, float(m.group(1)) * DIST_UNITS[m.group(2)], m.group(2))
    m = _DUR_RE.fullmatch(text)
    if m and any(m.groups()):
        h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return Quantity(DUR, h * 3600 + mi * 60 + s)
    return None


_TOKENS: dict[str, tuple[tuple[str, str, int], ...]] = {}
_TOKENS_SIZE = 1024


def _tokens(text: str) -> tuple[tuple[str, str, int], ...]:
    """The tokens of an expression, (kind, text, offset) each; ExprError at a character
    that starts none.  Remembered per text: a plan evaluates the same few expressions
    for every week (a text that fails is scanned, and fails, every time)."""
    found = _TOKENS.get(text)
    if found is not None:
        return found
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            start = len(text) - len(text[pos:].lstrip())
            word = text[start:].split()[0]
            bad = word if word[0].isalnum() else word[0]
            raise ExprError(f"unexpected '{bad}' in expression", start, len(bad),
                            "use numbers, durations (10m), distances (2km), week, n, "
                            "+ - * / // %, min, max, round")
        kind = m.lastgroup or ""
        start = m.start(kind)
        tokens.append((kind, m.group(kind), start))
        pos = m.end()
    if len(_TOKENS) >= _TOKENS_SIZE:
        _TOKENS.clear()
    found = _TOKENS[text] = tuple(tokens)
    return found


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'//'|'%') unary)* ;
    unary := '-' unary | atom ; atom := qty | num | name | name '(' args ')' | '(' expr ')'."""

    def __init__(self, text: str, variables: Mapping[str, float | Quantity]):
        self.text = text
        self.vars = variables
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise ExprError("expression ends too early", len(self.text), 1)
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.peek()
        if tok is None or tok[1] != op:
            where = tok[2] if tok else len(self.text)
            raise ExprError(f"expected '{op}'", where, len(tok[1]) if tok else 1)
        self.i += 1

    def parse(self) -> Quantity:
        if not self.tokens:
            raise ExprError("empty expression", 0, 1, "write e.g. '= 2 + n'")
        value = self.expr()
        tok = self.peek()
        if tok is not None:
            raise ExprError(f"unexpected '{tok[1]}'", tok[2], len(tok[1]))
        return value

    def expr(self) -> Quantity:
        left = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.i += 1
            right = self.term()
            if left.kind != right.kind:
                raise ExprError(f"cannot {'add' if tok[1] == '+' else 'subtract'} a {right.kind} "
                                f"{'to' if tok[1] == '+' else 'from'} a {left.kind}", tok[2])
            sign = 1 if tok[1] == "+" else -1
            left = Quantity(left.kind, left.value + sign * right.value, left.unit or right.unit)
        return left

    def term(self) -> Quantity:
        left = self.unary()
        while (tok := self.peek()) and tok[1] in ("*", "/", "//", "%"):
            self.i += 1
            right = self.unary()
            left = _mul_div(tok[1], left, right, tok[2])
        return left

    def unary(self) -> Quantity:
        tok = self.peek()
        if tok and tok[1] == "-":
            self.i += 1
            q = self.unary()
            return Quantity(q.kind, -q.value, q.unit)
        return self.atom()

    def atom(self) -> Quantity:
        kind, text, pos = self.take()
        if kind == "num":
            return Quantity(NUM, float(text))
        if kind == "qty":
            q = parse_quantity(text)
            if q is None:
                raise ExprError(f"'{text}' is not a duration or distance", pos, len(text),
                                "durations: 90s, 10m, 1h30m; distances: 400mtr, 2km, 1mi")
            return q
        if text == "(":
            value = self.expr()
            self.expect(")")
            return value
        if kind == "name":
            nxt = self.peek()
            if nxt and nxt[1] == "(":
                return self.call(text, pos)
            if text in self.vars:
                value = self.vars[text]
                return value if isinstance(value, Quantity) else Quantity(NUM, float(value))
            guess = did_you_mean(text, [*self.vars, "min", "max", "round"])
            raise ExprError(f"unknown name '{text}' in expression", pos, len(text),
                            f"did you mean '{guess}'?" if guess else
                            f"expressions know {', '.join(self.vars)}")
        raise ExprError(f"unexpected '{text}'", pos, len(text))

    def call(self, name: str, pos: int) -> Quantity:
        self.expect("(")
        args = [self.expr()]
        while (tok := self.peek()) and tok[1] == ",":
            self.i += 1
            args.append(self.expr())
        self.expect(")")
        if name in ("min", "max"):
            if any(a.kind != args[0].kind for a in args):
                raise ExprError(f"{name}() needs values of one kind", pos, len(name))
            pick = min if name == "min" else max
            best = pick(args, key=lambda a: a.value)
            return best
        if name == "round":
            x = args[0]
            if len(args) == 1:
                return Quantity(x.kind, float(round(x.value)), x.unit)
            if len(args) != 2:
                raise ExprError("round() takes a value and an optional step", pos, len(name))
            step = args[1]
            if step.kind not in (x.kind, NUM) or step.value <= 0:
                raise ExprError("round(x, step): step must be positive and of x's kind",
                                pos, len(name))
            return Quantity(x.kind, math.floor(x.value / step.value + 0.5) * step.value,
                            x.unit or step.unit)
        raise ExprError(f"unknown function '{name}'", pos, len(name),
                        "functions: min, max, round")


def _mul_div(op: str, a: Quantity, b: Quantity, pos: int) -> Quantity:
    if op == "*":
        if a.kind != NUM and b.kind != NUM:
            raise ExprError(f"cannot multiply a {a.kind} by a {b.kind}", pos)
        kind = a.kind if a.kind != NUM else b.kind
        return Quantity(kind, a.value * b.value, a.unit or b.unit)
    if b.value == 0:
        raise ExprError("division by zero", pos, len(op))
    if op == "%":
        if a.kind != b.kind:
            raise ExprError(f"cannot take a {a.kind} modulo a {b.kind}", pos)
        return Quantity(a.kind, math.fmod(a.value, b.value) % b.value, a.unit)
    if b.kind == NUM:
        value = a.value / b.value
        if op == "//":
            value = math.floor(value)
        return Quantity(a.kind, value, a.unit)
    if a.kind == b.kind:
        value = a.value / b.value
        return Quantity(NUM, math.floor(value) if op == "//" else value)
    raise ExprError(f"cannot divide a {a.kind} by a {b.kind}", pos, len(op))


def evaluate(text: str, variables: Mapping[str, float | Quantity]) -> Quantity:
    """Evaluate an expression (without its leading ``=``).  Raises ExprError.

    ``variables`` are the names it may use: ``week`` and ``n``, and the plan's
    parameters (numbers, durations or distances)."""
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is {len(text)} characters long (planc allows "
                        f"{MAX_LENGTH})", 0, 1, "simplify it")
    try:
        return _Parser(text, variables).parse()
    except RecursionError:  # a recursive-descent parser: '((((…' or '----…' thousands deep
        raise ExprError("the expression is nested too deeply", 0, 1, "simplify it") from None


MAX_LENGTH = 500  # characters: a progression is a short formula

"""Typed reads from the positioned YAML tree, each mistake a diagnostic.

``Reader`` collects diagnostics instead of raising, so one run reports every
mistake in a file.  A read that fails returns None and the caller goes on with
what it has.
"""

from __future__ import annotations

import datetime as dt
import math

from planc.ast import NO_SPAN, Span
from planc.diagnostics import Diagnostic, did_you_mean, error, sport_guess, warning
from planc.limits import Limit, as_float
from planc.plan.schema import DATE_RE, FIELDS, TIME_RE
from planc.plan.yamlsrc import YMap, YNode, YScalar, YSeq, describe
from planc.units import SPORTS

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def span_of(node: YNode | None) -> Span:
    return node.span if node is not None else NO_SPAN


def value_span(node: YScalar) -> Span:
    """The span of a scalar's first line only (a block scalar's span covers its whole body)."""
    if node.is_block:
        return Span.point(node.span.line, node.span.column, 1)
    return node.span


class Reader:
    def __init__(self, path: str):
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    # ------------------------------------------------------------ reporting --

    def error(self, code: str, message: str, node_or_span: YNode | Span | None,
              hint: str | None = None, path: str | None = None) -> None:
        span, where = self._where(node_or_span)
        self.diagnostics.append(error(code, message, span, hint, path or where or self.path))

    def warn(self, code: str, message: str, node_or_span: YNode | Span | None,
             hint: str | None = None, path: str | None = None) -> None:
        span, where = self._where(node_or_span)
        self.diagnostics.append(warning(code, message, span, hint, path or where or self.path))

    @staticmethod
    def _where(target: YNode | Span | None) -> tuple[Span, str | None]:
        if target is None:
            return NO_SPAN, None
        if isinstance(target, Span):
            return target, None
        span = value_span(target) if isinstance(target, YScalar) else _head(target)
        return span, target.path

    def expected(self, what: str, node: YNode | None, hint: str | None = None) -> None:
        self.error("wrong-type", f"expected {what}, got {describe(node)}", node, hint)

    # -------------------------------------------------------------- mappings --

    def mapping(self, node: YNode | None, kind: str, *, what: str | None = None,
                extra_ok: bool = False) -> YMap | None:
        """A mapping of ``kind`` (see schema.FIELDS): unknown and missing keys reported."""
        if not isinstance(node, YMap):
            self.expected(what or f"a mapping ({kind.replace('_', ' ')})", node)
            return None
        fields = FIELDS[kind]
        if not extra_ok:
            for key, (knode, _) in node.items.items():
                if key not in fields:
                    self.unknown_key(key, knode, list(fields), what or kind.replace("_", " "))
        for name, f in fields.items():
            if f.required and name not in node:
                self.error("missing-key", f"{what or kind.replace('_', ' ')} needs '{name}'",
                           _head(node), f"add '{name}:' ({f.doc})", node.path)
        return node

    def unknown_key(self, key: str, knode: YScalar, choices: list[str], where: str) -> None:
        guess = did_you_mean(key, choices)
        hint = f"did you mean '{guess}'?" if guess else f"known keys: {', '.join(choices)}"
        self.error("unknown-key", f"unknown key '{key}' in {where}", knode, hint)

    # --------------------------------------------------------------- scalars --

    def string(self, node: YNode | None, what: str) -> str | None:
        if isinstance(node, YScalar) and isinstance(node.value, str) and node.value.strip():
            return node.value
        if isinstance(node, YScalar) and node.value is not None and not isinstance(node.value, bool):
            return node.text  # a number where text is fine (a name like 2024)
        self.expected(what, node)
        return None

    def choice(self, node: YNode | None, what: str, choices: tuple[str, ...],
               code: str) -> str | None:
        """One of ``choices`` exactly (intervals.icu's enums are case-sensitive); ``code``
        names the mistake (each field has its own, declared in planc.codes)."""
        text = self.string(node, what)
        if text is None or text in choices:
            return text
        guess = did_you_mean(text, choices)
        self.error(code, f"'{text}' is not {what}", node,
                   f"did you mean '{guess}'?" if guess else "one of: " + ", ".join(choices))
        return None

    def sport(self, node: YNode | None) -> str | None:
        """An intervals.icu activity type, with a did-you-mean for near misses."""
        if node is None:
            return None
        if isinstance(node, YScalar) and isinstance(node.value, str):
            if node.value in SPORTS:
                return node.value
            lower = {s.lower(): s for s in SPORTS}
            exact = lower.get(node.value.lower().replace(" ", ""))
            guess = exact or sport_guess(node.value)
            self.error("unknown-sport", f"unknown sport '{node.value}'", node,
                    f"did you mean '{guess}'?" if guess else
                    "intervals.icu types: " + ", ".join(SPORTS))
            return None
        self.expected("a sport such as Ride, Run or Swim", node)
        return None

    def integer(self, node: YNode | None, what: str, lo: int | None = None,
                hi: int | None = None) -> int | None:
        if (isinstance(node, YScalar) and isinstance(node.value, int)
                and not isinstance(node.value, bool)):
            if (lo is not None and node.value < lo) or (hi is not None and node.value > hi):
                rng = f"{lo}..{hi}" if hi is not None else f"at least {lo}"
                self.error("out-of-range", f"{what} must be {rng}, got {node.value}", node)
                return None
            return node.value
        self.expected(what, node)
        return None

    def number(self, node: YNode | None, what: str, positive: bool = False) -> float | None:
        value = as_float(node.value) if (isinstance(node, YScalar) and isinstance(
            node.value, int | float)) else None
        if value is not None and math.isfinite(value):  # a 400-digit integer is not a float
            if positive and value <= 0:
                self.error("out-of-range", f"{what} must be positive, got {node.text}", node)
                return None
            return value
        self.expected(what, node)
        return None

    def bounded(self, node: YNode | None, what: str, limit: Limit) -> float | None:
        """A number inside ``limit`` (a row of planc.limits), else a positioned error."""
        value = self.number(node, what)
        if value is None:
            return None
        problem = limit.problem(value, node.text if isinstance(node, YScalar) else None)
        if problem:
            self.error("out-of-range", problem, node, f"{what}: {limit.range_text}")
            return None
        return value

    def boolean(self, node: YNode | None, what: str) -> bool | None:
        if isinstance(node, YScalar) and isinstance(node.value, bool):
            return node.value
        hint = None
        if isinstance(node, YScalar) and str(node.value).lower() in ("yes", "no", "on", "off"):
            hint = "YAML 1.2 booleans are true and false"
        self.expected(what, node, hint)
        return None

    def strings(self, node: YNode | None, what: str) -> tuple[str, ...] | None:
        """A list of strings; a single string is accepted as a list of one."""
        if isinstance(node, YScalar) and isinstance(node.value, str):
            return (node.value,)
        if isinstance(node, YSeq):
            out = [self.string(item, f"{what} item") for item in node.items]
            return tuple(s for s in out if s is not None)
        self.expected(f"a list of {what}", node)
        return None

    def date(self, node: YNode | None, what: str) -> dt.date | None:
        if isinstance(node, YScalar) and isinstance(node.value, str):
            return self.date_text(node.text, node, what)
        self.expected(f"{what} (YYYY-MM-DD)", node)
        return None

    def date_text(self, text: str, node: YNode | Span, what: str) -> dt.date | None:
        if not DATE_RE.match(text):
            self.error("bad-date", f"{what} '{text}' is not a date", node,
                       "write dates as YYYY-MM-DD, e.g. 2027-01-04")
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            self.error("bad-date", f"{what} '{text}' is not a valid date ({exc})", node)
            return None

    def time(self, node: YNode | None, what: str = "a time") -> str | None:
        if isinstance(node, YScalar) and isinstance(node.value, str):
            text = node.value.strip()
            if len(text) == 4 and text[1] == ":":
                text = "0" + text
            if TIME_RE.match(text):
                return text
        self.error("bad-time", f"expected {what} as HH:MM (24 h), got {describe(node)}", node,
                   "e.g. time: \"07:00\" or time: \"18:30\"")
        return None


def _head(node: YNode) -> Span:
    """A mapping's or list's span reduced to its first line (carets stay readable)."""
    s = node.span
    if isinstance(node, YMap) and node.items:
        first_key = next(iter(node.items.values()))[0].span
        return Span(first_key.line, first_key.column, first_key.line, first_key.end_column)
    return Span(s.line, s.column, s.line, s.column + 1)

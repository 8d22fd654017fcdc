"""A memo of what a step line says, kept across workouts, moved to where the line is.

Plans repeat lines: the same warm-up, the same ``- 5m Z2`` in session after
session.  What a step line yields (its step and its diagnostics) depends only on the
line's own text (indentation included), the sport and the Warmup/Cooldown section it
is under, never on the lines around it; only the line number in its spans differs.
So the memo keeps the first reading and hands out copies whose spans are moved to
the line at hand (every span of a step line is on that line).

Bounded: it forgets everything when it holds ``SIZE`` lines (a plan has far fewer
distinct step lines), and keeps no line longer than ``LONGEST``.  ``USE_MEMO``
switches it off (tests compare both ways).
"""

from __future__ import annotations

from planc.ast import Span
from planc.diagnostics import Diagnostic

USE_MEMO = True
SIZE = 4096
LONGEST = 240  # characters: a longer line (no real step line is) is not kept

MEMO: dict[tuple, tuple] = {}  # (line text, sport, section) -> (step, diagnostics, line)
_set = object.__setattr__  # how the frozen AST nodes assign (planc.ast does the same)


def recall(key: tuple):
    """What the memo holds for ``key`` (None when nothing, or when switched off)."""
    return MEMO.get(key) if USE_MEMO else None


def recalled(hit: tuple, line: int, diags: list[Diagnostic]):
    """The step of a memo ``hit``, moved to ``line``, its diagnostics appended to
    ``diags``."""
    step, said, at = hit
    lines = line - at
    if lines == 0:
        diags.extend(said)
        return step
    diags.extend(d.shifted(lines) for d in said)
    return moved(step, lines) if step is not None else None


def remember(key: tuple, line: int, step, said: list[Diagnostic]) -> None:
    if not USE_MEMO or len(key[0]) > LONGEST:
        return
    if len(MEMO) >= SIZE:
        MEMO.clear()
    MEMO[key] = (step, said, line)  # ``said`` is the caller's own slice, never changed


def moved(node, lines: int):
    """A copy of an AST node with every span in it ``lines`` further down."""
    cls = node.__class__
    copy = object.__new__(cls)
    for name in cls._field_names:
        value = getattr(node, name)
        kind = value.__class__
        if kind is Span:
            value = Span(value.line + lines, value.column, value.end_line + lines,
                         value.end_column)
        elif _spanned(kind):
            value = moved(value, lines)
        elif kind is tuple and value:
            value = tuple(moved(v, lines) if _spanned(v.__class__) else v for v in value)
        _set(copy, name, value)
    return copy


_SPANNED: dict[type, bool] = {}


def _spanned(kind: type) -> bool:
    """Whether a value of this class is an AST node with a span (so it moves)."""
    known = _SPANNED.get(kind)
    if known is None:
        known = _SPANNED[kind] = "span" in kind.__dict__.get("_field_names", ())
    return known


def forget() -> None:
    MEMO.clear()

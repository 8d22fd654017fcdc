"""A readable, stable dump of a workout AST with its spans, for the stage goldens.

One node per line, indented under its parent, in the shape of the tree::

    Workout sport="Ride" name="Sweet spot 3x15" @1:1-20:1
      body:
        Block title="Warmup" section=warmup @9:1-9:7
          children:
            Step amount=Duration(seconds=600.0 @10:3-10:6) ramp=True ... @10:1-10:27

A field that holds nodes (``body``, ``children``, ``cues``) lists them on the lines
below; every other field is written inline.  Only fields that differ from their
default are written, so a field added to the AST with a default leaves every golden
as it was.  The walk is generic over dataclasses: the AST can grow without a change
here, and an unknown kind of value fails loudly instead of being dumped ambiguously.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from enum import Enum
from typing import Any

from planc.ast import Span, Workout
from planc.diagnostics import Diagnostic

INDENT = "  "


def span_text(span: Span) -> str:
    return f"@{span.line}:{span.column}-{span.end_line}:{span.end_column}"


def _is_node(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _holds_nodes(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(_is_node(v) for v in value)


def _fields(node: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of the fields of ``node`` that differ from their defaults."""
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if field.default is not dataclasses.MISSING and value == field.default:
            continue
        if field.default_factory is not dataclasses.MISSING and value == field.default_factory():
            continue
        yield field.name, value


def inline(value: Any) -> str:
    """``value`` on one line: nodes as ``Name(field=value, ... @span)``."""
    if isinstance(value, Span):
        return span_text(value)
    if _is_node(value):
        parts = [inline(v) if isinstance(v, Span) else f"{k}={inline(v)}"
                 for k, v in _fields(value)]
        return f"{type(value).__name__}({' '.join(parts)})"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"no dump for {type(value).__name__}")  # the AST grew a new kind


def node_lines(node: Any, depth: int = 0) -> Iterator[str]:
    """``node`` and, indented below it, the nodes its fields hold."""
    head, below = [type(node).__name__], []
    for name, value in _fields(node):
        if _holds_nodes(value):
            below.append((name, value))
        elif isinstance(value, Span):
            head.append(span_text(value))
        else:
            head.append(f"{name}={inline(value)}")
    yield INDENT * depth + " ".join(head)
    for name, children in below:
        yield INDENT * (depth + 1) + f"{name}:"
        for child in children:
            yield from node_lines(child, depth + 2)


def dump_workout(workout: Workout) -> str:
    """The AST stage golden: the whole tree, spans included."""
    return "".join(line + "\n" for line in node_lines(workout))


def dump_lowered(workout: Workout | None, diagnostics: list[Diagnostic]) -> str:
    """The lowered stage golden: the lowered tree or, when lowering refused the workout,
    the errors that stopped it (the warnings are in the emitted goldens' diagnostics)."""
    if workout is not None:
        return dump_workout(workout)
    errors = [f"error[{d.code}] {span_text(d.span)}" for d in diagnostics if d.is_error]
    return "".join(line + "\n" for line in ["no lowered form", *errors])

"""``{param}`` placeholders in workout bodies and names, with a position map back.

A library workout body is a template; a calendar session supplies the values.
The filled text goes to the workout parser, whose diagnostics are positioned in
the *filled* text.  ``Filled.locate`` maps such a position back: a position in
a substituted value belongs to the argument that supplied it (and the
placeholder is named in a note); any other position moves left by the length
difference of the substitutions before it on that line.

``{{`` and ``}}`` write literal braces.  Values never contain line breaks, so
line numbers never move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planc.ast import Span

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a substituted value was written (an argument, a list item, a default)."""

    path: str
    span: Span
    what: str  # e.g. "argument 'reps'" — for messages


@dataclass(frozen=True, slots=True)
class Region:
    """A substituted value: line and columns (1-based, end exclusive) in the filled text."""

    line: int
    start: int
    end: int
    delta: int  # len(value) - len(placeholder text)
    name: str
    template_col: int  # column of the '{' in the template line
    origin: Origin | None


@dataclass(slots=True)
class Filled:
    text: str
    regions: list[Region] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def region_at(self, line: int, col: int) -> Region | None:
        for r in self.regions:
            if r.line == line and r.start <= col < max(r.end, r.start + 1):
                return r
        return None

    def template_column(self, line: int, col: int) -> int:
        """The template column of filled position (line, col) outside any region."""
        shift = 0
        for r in self.regions:
            if r.line == line and r.end <= col:
                shift += r.delta
        return col - shift


@dataclass(frozen=True, slots=True)
class Unknown:
    """A placeholder naming no parameter (line/column in the template, 1-based)."""

    name: str
    line: int
    column: int
    length: int


def placeholders(template: str) -> list[Unknown]:
    """Every ``{name}`` in a template with its position (for 'unused parameter' checks)."""
    out = []
    for lineno, line in enumerate(template.split("\n"), 1):
        for m in _PLACEHOLDER.finditer(line):
            if m.group(1) is not None:
                out.append(Unknown(m.group(1).strip(), lineno, m.start() + 1, m.end() - m.start()))
    return out


def fill(template: str, values: dict[str, tuple[str, Origin | None]]) -> tuple[Filled, list[Unknown]]:
    """Substitute ``values`` (name -> (text, origin)); return the result and unknown names."""
    if "{" not in template and "}" not in template:  # most names, many bodies: as is
        return Filled(template), []
    out_lines: list[str] = []
    filled = Filled("")
    unknown: list[Unknown] = []
    for lineno, line in enumerate(template.split("\n"), 1):
        if "{" not in line and "}" not in line:
            out_lines.append(line)
            continue
        parts: list[str] = []
        pos = 0
        out_col = 1
        for m in _PLACEHOLDER.finditer(line):
            literal = line[pos:m.start()]
            parts.append(literal)
            out_col += len(literal)
            token = m.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
                filled.regions.append(Region(lineno, out_col, out_col + 1, -1, "", m.start() + 1, None))
                out_col += 1
            else:
                name = (m.group(1) or "").strip()
                if name in values:
                    text, origin = values[name]
                    filled.used.add(name)
                else:
                    unknown.append(Unknown(name, lineno, m.start() + 1, len(token)))
                    text, origin = token, None
                parts.append(text)
                filled.regions.append(Region(lineno, out_col, out_col + len(text),
                                             len(text) - len(token), name, m.start() + 1, origin))
                out_col += len(text)
            pos = m.end()
        parts.append(line[pos:])
        out_lines.append("".join(parts))
    filled.text = "\n".join(out_lines)
    return filled, unknown

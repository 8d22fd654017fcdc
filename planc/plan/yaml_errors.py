"""YAML syntax errors in planc's words, with a hint about indentation when that is the cause.

The parser's own text (``expected <block end>, but found '?'``) names its internal
tokens; a coach needs to know which line is out of line and where it should start.
:func:`explain` turns the parser's problem and context into a message and a hint,
looking at the indentation of the lines above the error.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"expected <block end>, but found '(?P<found>[^']*)'")


def explain(problem: str, context: str | None, text: str, line: int) -> tuple[str, str | None]:
    """``(message, hint)`` for the parser's ``problem`` (and ``context``) at 1-based
    ``line`` of ``text``; unknown problems keep the parser's words."""
    lines = text.splitlines()
    indent = _indentation(lines, line)
    if "'\\t'" in problem or "\\t" in problem:
        return ("a tab character: YAML indents with spaces only",
                "replace the tab with spaces (2 per level, as in planc's examples)")
    if problem.startswith("mapping values are not allowed"):
        return ("a 'key: value' cannot start here",
                indent or "if the value contains ': ', put it in quotes: name: \"Run: easy\"")
    if _TOKEN.match(problem) or problem.startswith("did not find expected key"):
        return ("this line is out of line with the ones above it",
                indent or "items of one list or mapping start in the same column")
    if problem.startswith("could not find expected ':'"):
        return ("a key without ':' after it", "write 'key: value', or quote a text "
                "that spans lines")
    if "end of stream" in problem and context and "quoted" in context:
        return ("a quote is not closed", "end the text with the quote it starts with")
    if context and "flow mapping" in context:
        return ("a { … } mapping is not closed, or lacks a ',' between its entries",
                "write {key: value, other: value}")
    if context and "flow sequence" in context:
        return ("a [ … ] list is not closed, or lacks a ',' between its items",
                "write [a, b, c]")
    return f"YAML syntax error: {problem}", context


def _indentation(lines: list[str], line: int) -> str | None:
    """A hint naming the columns the lines above start in, when ``line`` starts in none
    of them (the usual cause of a 'block end' error), else None."""
    if not 1 <= line <= len(lines):
        return None
    this = _indent(lines[line - 1])
    above = [(n, _indent(s)) for n, s in enumerate(lines[:line - 1], 1)
             if s.strip() and not s.lstrip().startswith("#")]
    if this is None or not above:
        return None
    columns = sorted({i for _, i in above if i is not None})
    if this in columns:
        previous_n, previous = above[-1]
        if previous is not None and this > previous:
            return (f"line {line} is indented {this} spaces, more than line {previous_n} "
                    f"({previous}): a value goes on its key's line, or indented under a key "
                    "that ends with ':'")
        return None
    nearest = min(columns, key=lambda c: (abs(c - this), c))
    where = next(n for n, i in reversed(above) if i == nearest)
    return (f"line {line} is indented {this} space{'s' * (this != 1)}; the lines above "
            f"start in column{'s' * (len(columns) > 1)} "
            f"{', '.join(str(c + 1) for c in columns)}: line it up with line {where} "
            f"({nearest} spaces)")


def _indent(text: str) -> int | None:
    stripped = text.lstrip(" ")
    return None if not stripped else len(text) - len(stripped)

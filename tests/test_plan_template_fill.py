"""Template filling skips lines without braces (issue 14: 1,090 fills per read of a 52-week
plan); the result, regions and unknown names are those of filling every line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planc.plan.expr import ExprError, evaluate
from planc.plan.template import _PLACEHOLDER, Filled, Region, Unknown, fill

VALUES = {"reps": ("4", None), "work": ("8m", None), "n": ("12", None)}


def _every_line(template: str, values) -> tuple[Filled, list[Unknown]]:
    """The fill without shortcuts: every line through the placeholder scan."""
    out_lines, filled, unknown = [], Filled(""), []
    for lineno, line in enumerate(template.split("\n"), 1):
        parts, pos, out_col = [], 0, 1
        for m in _PLACEHOLDER.finditer(line):
            literal = line[pos:m.start()]
            parts.append(literal)
            out_col += len(literal)
            token = m.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
                filled.regions.append(Region(lineno, out_col, out_col + 1, -1, "",
                                             m.start() + 1, None))
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
                                             len(text) - len(token), name, m.start() + 1,
                                             origin))
                out_col += len(text)
            pos = m.end()
        parts.append(line[pos:])
        out_lines.append("".join(parts))
    filled.text = "\n".join(out_lines)
    return filled, unknown


@given(st.lists(st.sampled_from(["- 10m 60%", "{reps}x", "{{", "}}", "{work}", "{ n }",
                                 "{nope}", "\n", " ", "Main set", "{", "}", "85 rpm"]),
                max_size=12).map("".join))
def test_filling_is_filling_every_line(template):
    assert fill(template, VALUES) == _every_line(template, VALUES)


def test_an_expression_read_again_gives_the_same_value_and_the_same_error():
    """Expressions' tokens are remembered per text (issue 14): values still come from the
    variables of each evaluation, and a text that fails fails every time."""
    assert evaluate("2 + n // 13", {"n": 1.0}) != evaluate("2 + n // 13", {"n": 40.0})
    for _ in range(2):
        with pytest.raises(ExprError) as caught:
            evaluate("2 + $n", {"n": 1.0})
        assert (caught.value.message, caught.value.offset) == ("unexpected '$' in expression", 4)

"""planc.lower.common.replaced copies AST nodes exactly as dataclasses.replace does.

The lowerings copy steps by the thousand with it; it passes every field to the class's
``__init__`` in field order, so an AST class whose ``__init__`` took its fields in
another order would be copied wrong: this checks every class the lowerings copy.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT

from planc import ast
from planc.check import read_workout
from planc.lower.common import copies, replaced


def _nodes():
    """Every node of every example workout, and the targets and amounts inside them."""
    for path in sorted((ROOT / "plans").rglob("*.workout")):
        workout = read_workout(path.read_text(encoding="utf-8")).workout
        yield workout
        stack = list(workout.body)
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, ast.Repeat | ast.Block):
                stack.extend(node.children)
            if isinstance(node, ast.Step):
                yield node.amount
                yield from (t for t in (node.power, node.hr, node.pace, node.cadence) if t)
                yield from node.cues


def test_a_copy_with_each_field_changed_is_dataclasses_replace():
    classes = set()
    for node in _nodes():
        classes.add(type(node))
        assert replaced(node) == node
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            other = None if value is not None else 1  # any other value will do
            mine = replaced(node, **{f.name: other})
            theirs = dataclasses.replace(node, **{f.name: other})
            assert [getattr(mine, g.name) for g in dataclasses.fields(node)] == \
                [getattr(theirs, g.name) for g in dataclasses.fields(node)], (type(node), f.name)
    assert {ast.Workout, ast.Step, ast.Repeat, ast.Duration, ast.PowerTarget} <= classes


def test_an_unknown_field_is_refused():
    with pytest.raises(KeyError):
        replaced(ast.Duration(60.0), minutes=1)


def test_a_maker_of_copies_is_dataclasses_replace():
    for node in _nodes():
        names = [f.name for f in dataclasses.fields(node)]
        for some in (names[:1], names[-2:], names):
            values = [None if getattr(node, n) is not None else 1 for n in some]
            made = copies(node, *some)
            for _ in range(2):  # the maker's fields are not changed by a copy it made
                mine = made(*values)
                theirs = dataclasses.replace(node, **dict(zip(some, values, strict=True)))
                assert [getattr(mine, n) for n in names] == [getattr(theirs, n) for n in names]
    with pytest.raises(ValueError):
        copies(ast.Duration(60.0), "seconds")()  # one value for each field named

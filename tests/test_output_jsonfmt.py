"""The manifests' JSON writer gives exactly the standard library's text (issue 14: the
manifest of a 52-week plan was written twice a build, 7 ms each, by json's pure-Python
indenting encoder)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from planc.output.jsonfmt import dumps_pretty
from planc.output.tree import dumps_manifest

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
KEYS = st.text() | st.integers() | st.booleans() | st.none()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=4)
                      | st.tuples(inner, inner), max_leaves=30)


def _stdlib(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@given(VALUES)
def test_the_text_is_the_standard_library_s(value):
    try:
        expected = _stdlib(value)
    except TypeError:  # keys of mixed types json cannot sort: the same error either way
        return
    assert dumps_pretty(value) == expected


@given(st.dictionaries(st.text(), st.dictionaries(st.text(), SCALARS), max_size=5))
def test_a_manifest_shaped_document_never_needs_the_fallback(value):
    assert dumps_manifest(value) == (_stdlib(value) + "\n").encode()


def test_subclasses_and_special_floats_are_left_to_the_standard_library():
    class Ordered(dict):
        pass

    for value in (Ordered(b=1, a=2), [float("nan"), float("inf")], {"a": (1, 2)},
                  {"a": {}, "b": []}, True, "é\n\"\\"):
        assert dumps_pretty(value) == _stdlib(value)

"""The manifests' JSON text, byte for byte what ``json.dumps(value, indent=2,
sort_keys=True, ensure_ascii=False)`` gives, at a fraction of its cost.

With ``indent`` the standard library leaves its C encoder for a pure-Python one
made of nested generators: 13 ms for a 52-week plan's manifest, paid on every
build that writes.  Manifests hold only dicts with string keys, lists, strings,
whole numbers, floats, booleans and None; for those this writer appends to one
list, and each string goes through the C string encoder.  Anything else (a key
that is not a string, another type) is handed to ``json.dumps`` whole, so the
text is the same in every case (a property test compares the two).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

TYPE_CHECKING = False  # not typing's (2 ms of start-up): Any is for annotations only
if TYPE_CHECKING:
    from typing import Any


class _Unusual(Exception):
    """A value this writer does not handle: the standard library writes the document."""


def dumps_pretty(value: Any) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``."""
    out: list[str] = []
    try:
        _write(value, "\n", out)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    """Append ``value``'s text; ``newline`` is a newline and the current indent."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        _write_dict(value, newline, out)
    elif kind is list:
        _write_list(value, newline, out)
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        out.append(float.__repr__(value))
    else:
        raise _Unusual


def _write_dict(value: dict[Any, Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    if any(type(k) is not str for k in value):
        raise _Unusual  # json turns such keys into strings and sorts them its own way
    inner = newline + "  "
    sep = "{" + inner
    for key in sorted(value):
        out.append(sep)
        out.append(encode_basestring(key))
        out.append(": ")
        _write(value[key], inner, out)
        sep = "," + inner
    out.append(newline + "}")


def _write_list(value: list[Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    sep = "[" + inner
    for item in value:
        out.append(sep)
        _write(item, inner, out)
        sep = "," + inner
    out.append(newline + "]")

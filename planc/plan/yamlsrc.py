"""YAML 1.2 source loading that keeps a position for every key and value.

Plan files are YAML, but planc must point at the exact character of every
mistake, including mistakes inside workout bodies embedded as block scalars.
So instead of ruamel's round-trip *objects* we use its *composer*: the node
graph carries start/end marks for every scalar, and the raw scalar text, which
lets planc do its own typing (``2027-01-04`` stays a string to be checked as a
date by the plan loader, ``4:30`` and ``no`` stay strings under YAML 1.2).

The tree here (``YMap``, ``YSeq``, ``YScalar``) is deliberately tiny and has no
ruamel types in it, so the rest of ``planc.plan`` never touches ruamel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planc.ast import NO_SPAN, Span
from planc.diagnostics import Diagnostic, error
from planc.plan.yaml_errors import explain

Scalar = str | int | float | bool | None

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class YScalar:
    """A scalar: ``value`` is typed per the YAML 1.2 core schema, ``text`` is as written."""

    value: Scalar
    text: str
    span: Span
    path: str
    style: str | None = None  # None (plain), "'", '"', "|", ">"
    # For a literal block scalar: where its first content line sits in the file,
    # so diagnostics on the embedded text can be shifted (1-based line offset,
    # 0-based column offset of the content indentation).
    content_line_shift: int = 0
    content_col_shift: int = 0
    # False when the value is not the source text character for character (escapes like
    # "\n" in a quoted scalar, or a flow scalar folded over several lines): positions
    # inside the value cannot be mapped back to columns of the file.
    verbatim: bool = True

    @property
    def is_block(self) -> bool:
        return self.style in ("|", ">")


@dataclass(slots=True)
class YMap:
    """A mapping; ``items`` keeps source order.  Keys are always strings here."""

    items: dict[str, tuple[YScalar, YNode]]
    span: Span
    path: str

    def get(self, key: str) -> YNode | None:
        item = self.items.get(key)
        return item[1] if item else None

    def key_span(self, key: str) -> Span:
        item = self.items.get(key)
        return item[0].span if item else self.span

    def __contains__(self, key: str) -> bool:
        return key in self.items


@dataclass(slots=True)
class YSeq:
    items: list[YNode] = field(default_factory=list)
    span: Span = NO_SPAN
    path: str = "<input>"


YNode = YMap | YSeq | YScalar

_TAG = "tag:yaml.org,2002:"


def _span(node: Any) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _typed(tag: str, text: str) -> Scalar:
    """Plain scalars resolved by ruamel's YAML 1.2 resolver, turned into Python values."""
    kind = tag.removeprefix(_TAG)
    if kind == "int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if kind == "float":
        low = text.lower()
        if low in (".inf", "+.inf"):
            return float("inf")
        if low == "-.inf":
            return float("-inf")
        if low == ".nan":
            return float("nan")
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    if kind == "bool":
        return text.lower() == "true"
    if kind == "null":
        return None
    return text  # str, timestamp (checked later as a date), anything else


class _Converter:
    def __init__(self, text: str, path: str):
        self.text = text
        self.lines = text.splitlines()
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def convert(self, node: Any) -> YNode:
        kind = type(node).__name__
        if kind == "MappingNode":
            return self._map(node)
        if kind == "SequenceNode":
            return YSeq([self.convert(item) for item in node.value], _span(node), self.path)
        return self._scalar(node)

    def _scalar(self, node: Any) -> YScalar:
        tag = str(getattr(node.tag, "value", node.tag))
        style = node.style
        text = node.value
        if style == '"' and _SURROGATE.search(text):  # only a '\u' escape makes one
            text = self._whole_characters(text, node)
        value: Scalar = _typed(tag, text) if style is None else text
        scalar = YScalar(value, text, _span(node), self.path, style)
        if style == "|":
            self._block_position(scalar, node)
        elif style != ">":
            start, end = node.start_mark, node.end_mark
            raw = self.text[start.index:end.index]
            if style in ("'", '"'):
                raw = raw[1:-1]
            scalar.verbatim = start.line == end.line and raw == text
        return scalar

    def _whole_characters(self, text: str, node: Any) -> str:
        """A double-quoted scalar's escaped UTF-16 pairs (``"\\ud83d\\ude00"``) joined into
        their character, as JSON (a subset of YAML 1.2) reads them; a lone half of a pair is
        no character, which no file planc writes could hold: an error, read as U+FFFD."""
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        if "\ufffd" in joined and joined.count("\ufffd") > text.count("\ufffd"):
            lone = _first_lone_half(text)
            self.diagnostics.append(error(
                "yaml-surrogate", f"'\\u{ord(lone):04x}' is half of a UTF-16 surrogate pair, "
                "not a character", _span(node), path=self.path,
                hint="write the character itself, or its '\\U' escape (e.g. '\\U0001F600')"))
        return joined

    def _block_position(self, scalar: YScalar, node: Any) -> None:
        """Find where a literal block's content lines sit: the indicator's next line,
        indented by the block's indentation (measured on the first non-empty line)."""
        first = node.start_mark.line  # 0-based line of the "|" indicator
        scalar.content_line_shift = first + 1
        for k, content in enumerate(scalar.text.split("\n")):
            if content.strip():
                row = first + 1 + k
                if row < len(self.lines):
                    scalar.content_col_shift = max(0, len(self.lines[row]) - len(content))
                return

    def _map(self, node: Any) -> YMap:
        items: dict[str, tuple[YScalar, YNode]] = {}
        for knode, vnode in node.value:
            key = self.convert(knode)
            if not isinstance(key, YScalar):
                self.diagnostics.append(
                    error("yaml-key", "a key must be a plain word, not a mapping or list",
                          key.span, path=self.path))
                continue
            name = key.text  # as written: `2027-01-04:` and `1:` stay text
            if name in items:
                first = items[name][0].span
                self.diagnostics.append(
                    error("yaml-duplicate-key", f"key '{name}' appears twice in this mapping",
                          key.span, hint=f"the first '{name}' is on line {first.line}; "
                          "keep one", path=self.path))
                continue
            items[name] = (key, self.convert(vnode))
        return YMap(items, _span(node), self.path)


_MEMO: dict[tuple[str, str], tuple[YNode | None, tuple[Diagnostic, ...]]] = {}
_MEMO_SIZE = 64


def _first_lone_half(text: str) -> str:
    """The first surrogate of ``text`` that is not in a high-low pair."""
    i = 0
    while i < len(text):
        ch = text[i]
        if "\ud800" <= ch <= "\udbff" and i + 1 < len(text) and "\udc00" <= text[i + 1] <= "\udfff":
            i += 2
            continue
        if "\ud800" <= ch <= "\udfff":
            return ch
        i += 1
    return "\ufffd"


def parse_yaml(text: str, path: str) -> tuple[YNode | None, list[Diagnostic]]:
    """Compose one YAML document into a positioned tree.

    Returns ``(None, [diagnostic])`` on a YAML syntax error and ``(None, [])``
    for an empty document.  Never raises for bad input.

    Memoised by (text, path): nothing changes a tree once built, and an editor reads
    a plan again on every keystroke while its libraries stay the same (``planc lsp``).
    """
    key = (text, path)
    hit = _MEMO.get(key)
    if hit is None:
        tree, diags = _parse_yaml(text, path)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        hit = _MEMO[key] = (tree, tuple(diags))
    return hit[0], list(hit[1])


def _parse_yaml(text: str, path: str) -> tuple[YNode | None, list[Diagnostic]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)  # YAML 1.2 resolution; no comment gathering (faster)
    deep = _too_deep(text)
    if deep is not None:  # before the parser's recursion finds it, seconds later
        return None, [error("yaml-too-deep", f"the YAML opens more than {MAX_FLOW_DEPTH} "
                            "'{' or '[' without closing them", deep,
                            "a plan nests a few levels; close the brackets", path)]
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span.point(mark.line + 1, mark.column + 1) if mark else NO_SPAN
        problem = exc.problem or exc.context or "invalid YAML"
        message, hint = explain(problem, exc.context if exc.problem else None, text,
                                span.line)
        return None, [error("yaml-syntax", message, span, hint, path)]
    except YAMLError as exc:  # e.g. a second document in the stream
        return None, [error("yaml-syntax", f"YAML error: {exc}", NO_SPAN, path=path)]
    except RecursionError:
        return None, [error("yaml-too-deep", "the YAML is nested too deeply to read",
                            NO_SPAN, path=path)]
    if node is None:
        return None, []
    try:
        size = _expanded_size(node, {})
        if size > MAX_NODES:  # aliases can make a few lines expand to billions of nodes
            return None, [error(
                "yaml-too-large", f"the YAML expands to more than {MAX_NODES:,} values "
                "through its aliases", NO_SPAN, "use fewer nested aliases ('*name')",
                path)]
        conv = _Converter(text, path)
        tree = conv.convert(node)
    except RecursionError:
        return None, [error("yaml-too-deep", "the YAML is nested too deeply to read",
                            NO_SPAN, path=path)]
    return tree, conv.diagnostics


MAX_NODES = 200_000  # values after alias expansion; a 52-week plan has a few thousand
MAX_FLOW_DEPTH = 200  # unclosed '{'/'[': a plan nests a few; 12,000 took the parser 2 s
_BRACKETS = re.compile(r"[{}\[\]\n]")


def _too_deep(text: str) -> Span | None:
    """Where the text first has more than MAX_FLOW_DEPTH brackets open, counting every
    '{' and '[' (in quotes too: an over-count only on text no plan has), in one scan."""
    depth = line = 0
    start = 0
    for m in _BRACKETS.finditer(text):
        c = m.group()
        if c == "\n":
            line, start = line + 1, m.end()
        elif c in "{[":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return Span.point(line + 1, m.start() - start + 1)
        else:
            depth = max(depth - 1, 0)
    return None


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """How many values the tree holds once every alias is expanded, in time linear in
    the composed graph (an alias is the same node object, counted once per use)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle (not possible in safe YAML) would count once
    value = node.value
    total = 1
    if isinstance(value, list):
        for item in value:
            if isinstance(item, tuple):  # mapping: (key, value) node pairs
                total += _expanded_size(item[0], memo) + _expanded_size(item[1], memo)
            else:
                total += _expanded_size(item, memo)
            if total > MAX_NODES:
                break
    memo[key] = total
    return total


def to_plain(node: YNode | None) -> Any:
    """The tree as plain JSON-like data (for JSON Schema validation)."""
    if node is None:
        return None
    if isinstance(node, YMap):
        return {k: to_plain(v) for k, (_, v) in node.items.items()}
    if isinstance(node, YSeq):
        return [to_plain(v) for v in node.items]
    return node.value


def describe(node: YNode | None) -> str:
    """A short noun for 'expected X, got <describe>' messages."""
    if node is None:
        return "nothing"
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    v = node.value
    if v is None:
        return "an empty value"
    if isinstance(v, bool):
        return f"the boolean {node.text}"
    if isinstance(v, int | float):
        return f"the number {node.text}"
    return f"the text '{node.text}'" if len(node.text) < 40 else "a text"


# ------------------------------------------------------------ stored trees --
# A build keeps the trees of the files it read (planc.plan.load.Recall), so that the
# next one, after an edit, composes only the files that changed: ruamel's pure-Python
# composer is most of reading a plan.  Compact lists, one per node; spans as 4 numbers.


def tree_to_data(node: YNode) -> list[Any]:
    """``node`` as JSON-ready lists (the path is the file's, not stored per node)."""
    if isinstance(node, YMap):
        return ["m", _span_data(node.span),
                [[tree_to_data(k), tree_to_data(v)] for k, v in node.items.values()]]
    if isinstance(node, YSeq):
        return ["q", _span_data(node.span), [tree_to_data(v) for v in node.items]]
    return ["s", node.value, node.text, _span_data(node.span), node.style,
            node.content_line_shift, node.content_col_shift, node.verbatim]


def tree_from_data(data: Any, path: str) -> YNode:
    """The tree :func:`tree_to_data` stored; ValueError (or TypeError) for anything else."""
    kind = data[0]
    if kind == "m":
        items: dict[str, tuple[YScalar, YNode]] = {}
        for kdata, vdata in data[2]:
            key = tree_from_data(kdata, path)
            if not isinstance(key, YScalar) or key.text in items:
                raise ValueError("not a stored mapping")
            items[key.text] = (key, tree_from_data(vdata, path))
        return YMap(items, _stored_span(data[1]), path)
    if kind == "q":
        return YSeq([tree_from_data(v, path) for v in data[2]], _stored_span(data[1]), path)
    if kind != "s" or len(data) != 8:
        raise ValueError("not a stored node")
    _, value, text, span, style, line_shift, col_shift, verbatim = data
    if not (isinstance(text, str) and (value is None or type(value) in _SCALARS)
            and style in _STYLES and type(line_shift) is int and type(col_shift) is int
            and type(verbatim) is bool):
        raise ValueError("not a stored scalar")
    return YScalar(value, text, _stored_span(span), path, style, line_shift, col_shift,
                   verbatim)


_SCALARS = (str, int, float, bool)
_STYLES = (None, "'", '"', "|", ">")


def _span_data(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _stored_span(data: Any) -> Span:
    if not (isinstance(data, list) and len(data) == 4 and all(type(n) is int for n in data)):
        raise ValueError("not a stored span")
    return Span(*data)

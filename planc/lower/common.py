"""Rewrites shared by several targets: unrolling repeats, one level of repeats."""

from __future__ import annotations

from collections.abc import Iterator

from planc.ast import Block, Node, Note, Repeat, Step
from planc.diagnostics import Diagnostic, warning


def unrolled_steps(nodes: tuple[Node, ...]) -> Iterator[Step]:
    """Every step in execution order, repeats expanded."""
    for node in nodes:
        if isinstance(node, Step):
            yield node
        elif isinstance(node, Repeat):
            for _ in range(node.count):
                yield from unrolled_steps(node.children)
        elif isinstance(node, Block):
            yield from unrolled_steps(node.children)


def _has_nested(rep: Repeat) -> bool:
    return any(isinstance(c, Repeat) for c in rep.children)


def _expanded_children(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """Children with every inner repeat unrolled (notes kept once, in place)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Repeat):
            for _ in range(node.count):
                out.extend(_expanded_children(node.children))
        else:
            out.append(node)
    return tuple(out)


def _line_count(nodes: tuple[Node, ...]) -> int:
    return sum(1 for n in nodes if isinstance(n, Step))


def single_level(body: tuple[Node, ...], target: str) -> tuple[tuple[Node, ...], list[Diagnostic]]:
    """Lower nested repeats to one level (intervals.icu, ZWO), choosing the shorter text.

    Two exact rewrites exist for ``N x [a, M x [b, c], d]``: keep the outer
    repeat and unroll the inner ones inside it, or unroll the outer repeat and
    keep the inner ones as repeats.  planc takes the one with fewer step lines
    (ties keep the outer repeat, which reads closer to the source).
    """
    diags: list[Diagnostic] = []
    out: list[Node] = []
    for node in body:
        if not (isinstance(node, Repeat) and _has_nested(node)):
            out.append(node)
            continue
        keep_outer = Repeat(node.count, _expanded_children(node.children), node.title, node.span)
        unrolled = _unroll_outer(node)
        lines_outer = _line_count(keep_outer.children)
        lines_inner = sum(
            _line_count(n.children) if isinstance(n, Repeat | Block) else 0 for n in unrolled
        )
        if lines_outer <= lines_inner:
            out.append(keep_outer)
            how = "inner repeats unrolled inside it"
        else:
            out.extend(unrolled)
            how = f"the outer repeat unrolled {node.count} times around its inner repeats"
        diags.append(warning(
            "lowered-nesting",
            f"{target} has no nested repeats: '{node.title + ' ' if node.title else ''}"
            f"{node.count}x' is written with {how} (same steps, same order)",
            node.span,
            None,
        ))
    return tuple(out), diags


def _unroll_outer(rep: Repeat) -> list[Node]:
    """The outer repeat expanded; inner repeats kept (recursively single-level)."""
    out: list[Node] = []
    if rep.title:
        out.append(Note(rep.title, rep.span))
    for _ in range(rep.count):
        run: list[Node] = []
        for child in rep.children:
            if isinstance(child, Repeat):
                if run:
                    out.append(Block(tuple(run), None, None, rep.span))
                    run = []
                inner, _ = single_level((child,), "")
                out.extend(inner)
            elif isinstance(child, Step):
                run.append(child)
        if run:
            out.append(Block(tuple(run), None, None, rep.span))
    return out

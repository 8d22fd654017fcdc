"""The repeat-recovery rule as first written: plain, quadratic, obviously the rule.

planc.importers.structure finds the same repeats in linear time with a heap of
candidate runs; this is the reference it is compared with on small lists
(tests/test_structure_oracle.py).  Kept here, out of the package, because it is too
slow for real input: 2,000 one-second blocks took 24 s.
"""

from __future__ import annotations

from collections.abc import Sequence

from planc.ast import Repeat, Step
from planc.importers.structure import MAX_COUNT, MAX_PERIOD

Element = Step | Repeat


def _level(node: Element) -> float:
    if isinstance(node, Repeat):
        return max((_level(c) for c in node.children if isinstance(c, Step | Repeat)),
                   default=float("-inf"))
    for target in (node.power, node.pace, node.hr):
        if target is not None:
            return target.value.high
    return float("-inf")


def _primitive(seq: Sequence[Element], s: int, k: int) -> bool:
    """Is seq[s:s+k] not itself a repetition of a shorter block?"""
    return not any(k % d == 0 and all(seq[s + j] == seq[s + j + d] for j in range(k - d))
                   for d in range(1, k // 2 + 1))


def best_run(seq: Sequence[Element]) -> tuple[int, int, int] | None:
    """(start, period, count) of the winning run: every start and period, keyed by the rule."""
    n = len(seq)
    best_key, best = None, None
    for k in range(2, min(n // 2, MAX_PERIOD) + 1):
        for s in range(n - 2 * k + 1):
            t = 0
            while s + t + k < n and seq[s + t] == seq[s + t + k]:
                t += 1
            if t < k or not _primitive(seq, s, k):
                continue
            cover = min((k + t) // k, MAX_COUNT) * k
            body = seq[s:s + k]
            key = (cover, -k, _level(body[0]) >= max(_level(b) for b in body), -s)
            if best_key is None or key > best_key:
                best_key, best = key, (s, k, cover // k)
    return best


def merge_adjacent(nodes: list[Element]) -> list[Element]:
    out: list[Element] = []
    for node in nodes:
        prev = out[-1] if out else None
        if (isinstance(node, Repeat) and isinstance(prev, Repeat)
                and prev.children == node.children and prev.title == node.title
                and prev.count + node.count <= MAX_COUNT):
            out[-1] = Repeat(prev.count + node.count, prev.children, prev.title, prev.span)
        else:
            out.append(node)
    return out


def recover_repeats(seq: Sequence[Element]) -> list[Element]:
    seq = list(seq)
    found = best_run(seq) if len(seq) >= 4 else None
    if found is None:
        return merge_adjacent(seq)
    s, k, count = found
    return merge_adjacent([*recover_repeats(seq[:s]), Repeat(count, tuple(recover_repeats(
        seq[s:s + k]))), *recover_repeats(seq[s + k * count:])])

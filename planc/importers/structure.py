"""Recovering repeats from flat step lists (.mrc/.erg points, SteadyState runs in .zwo).

Flat formats unroll every repeat, so ``5x (3m 115%, 3m 50%)`` arrives as ten
steps.  Reading it back as ten steps would be correct but useless to a coach;
this module finds the repeats again.  The rule:

1. A *run* is two or more consecutive, identical copies of a body of two or more
   elements (a body of one step is never a repeat: in .erg it is one longer step,
   in .zwo it is two blocks the author kept apart).  Elements are equal when
   everything planc keeps about them is equal: amount, targets, label, cues, ...
2. The run covering the most elements wins (a body that is itself a repetition,
   ``(a b a b)``, does not count: ``(a b)`` says it).  Ties go to the shorter body (more
   repetitions), then to the phase whose body starts with its hardest step
   ("work first": ``B A B A B`` with A harder is ``B, 2x (A B)``), then to the
   earliest start.
3. The winning run becomes ``Nx body`` (at most 200 repetitions, the language's
   limit), and the same search runs again inside the body (nested repeats) and on
   the parts before and after it.  Bodies of up to 256 elements are searched.
4. Adjacent repeats with identical bodies merge (``3x (a b)`` then ``2x (a b)`` is
   ``5x (a b)``): nothing in a flat timeline separates them.

Existing ``Repeat`` nodes (IntervalsT, FIT repeat steps) are elements like
steps, so a run of sets with the same rest between them nests around them.
"""

from __future__ import annotations

from collections.abc import Sequence

from planc.ast import Repeat, Step

Element = Step | Repeat

MAX_COUNT = 200  # planc.syntax.MAX_REPEAT_COUNT: more is an error in the language
MAX_PERIOD = 256  # longest body searched: keeps a many-point .erg to O(n * MAX_PERIOD)


def _level(node: Element) -> float:
    """How hard an element is, for the work-first tie-break (only compared within a body)."""
    if isinstance(node, Repeat):
        levels = [_level(c) for c in node.children if isinstance(c, Step | Repeat)]
        return max(levels, default=float("-inf"))
    for target in (node.power, node.pace, node.hr):
        if target is not None:
            return target.value.high
    return float("-inf")


def _ids(seq: Sequence[Element]) -> list[int]:
    """Each element as a small int (equal elements, equal ints): fast comparisons."""
    table: dict[Element, int] = {}
    return [table.setdefault(x, len(table)) for x in seq]


def _primitive(ids: list[int], s: int, k: int) -> bool:
    """Is ids[s:s+k] not itself a repetition of a shorter block?"""
    for d in range(1, k // 2 + 1):
        if k % d == 0 and all(ids[s + j] == ids[s + j + d] for j in range(k - d)):
            return False
    return True


def _best_run(seq: Sequence[Element]) -> tuple[int, int, int] | None:
    """(start, period, count) of the winning run, or None.  O(n^2) over all periods."""
    ids = _ids(seq)
    n = len(ids)
    best_key: tuple | None = None
    best = None
    best_cover, best_k = 0, 0
    for k in range(2, min(n // 2, MAX_PERIOD) + 1):
        # trues[j]: how many consecutive j' >= j have ids[j'] == ids[j' + k]
        trues = [0] * (n - k + 1)
        for j in range(n - k - 1, -1, -1):
            if ids[j] == ids[j + k]:
                trues[j] = trues[j + 1] + 1
        for s in range(n - 2 * k + 1):
            t = trues[s]
            if t < k:
                continue  # fewer than two copies
            cover = min((k + t) // k, MAX_COUNT) * k
            if cover < best_cover or (cover == best_cover and k > best_k):
                continue
            if not _primitive(ids, s, k):
                continue  # (a b a b) x 2 is (a b) x 4: the shorter body says it
            body = seq[s:s + k]
            work_first = _level(body[0]) >= max(_level(b) for b in body)
            key = (cover, -k, work_first, -s)
            if best_key is None or key > best_key:
                best_key, best = key, (s, k, cover // k)
                best_cover, best_k = cover, k
    return best


def _merge_adjacent(nodes: list[Element]) -> list[Element]:
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
    """The sequence with its runs folded into (possibly nested) repeats; same timeline."""
    seq = list(seq)
    if len(seq) < 4:
        return _merge_adjacent(seq)
    found = _best_run(seq)
    if found is None:
        return _merge_adjacent(seq)
    s, k, count = found
    body = tuple(recover_repeats(seq[s:s + k]))
    return _merge_adjacent([
        *recover_repeats(seq[:s]),
        Repeat(count, body),
        *recover_repeats(seq[s + k * count:]),
    ])

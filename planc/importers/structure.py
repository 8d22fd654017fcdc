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

How it stays fast (a 10,000-block file in well under a second; the search used to be
quadratic): the runs of every body length are found once for the whole list, in C
(``bytes(map(operator.eq, ...))`` and a regular expression), not again for every
part the list is cut into.  Within one run every start gives a rotation of the same
body, so whether the body is primitive, and its hardest step, are known per run; a
run's best start is found in at most one body length of steps.  The candidates wait
in one heap ordered by the rule; a candidate that a chosen repeat has cut is cut to
its part and put back (cutting only lowers its rank), so each part of the list gets
exactly the run the rule picks for it.  The parts are joined back at their edges
only (the smaller side is copied), keeping the merge rule of point 4.
"""

from __future__ import annotations

import bisect
import heapq
import operator
import re
from collections import deque
from collections.abc import Sequence

from planc.ast import Repeat, Step
from planc.syntax import MAX_REPEAT_COUNT

Element = Step | Repeat

MAX_COUNT = MAX_REPEAT_COUNT  # more is an error in the language
MAX_PERIOD = 256  # longest body searched: keeps the search to O(n * MAX_PERIOD) comparisons
_PRIMES = (2, 3, 5, 7, 11, 13)  # every body length up to MAX_PERIOD has at most four of them


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


def _prime_factors(k: int) -> list[int]:
    out = [p for p in _PRIMES if k % p == 0]
    rest = k
    for p in out:
        while rest % p == 0:
            rest //= p
    return [*out, rest] if rest > 1 else out


class _Search:
    """The runs of a list and the rule's choice among them, part by part.

    ``same[k][j]`` is 1 when element j equals element j + k; a run of body length k
    is a stretch ``[a, b)`` of ones at least k long in ``same[k]``: every start s in
    ``[a, b - k]`` begins ``(b - s) // k + 1`` copies of a length-k body.
    """

    def __init__(self, seq: Sequence[Element]):
        self.ids = _ids(seq)
        by_id: dict[int, float] = {}
        for i, x in zip(self.ids, seq, strict=True):
            if i not in by_id:
                by_id[i] = _level(x)
        self.levels = [by_id[i] for i in self.ids]
        self.same: dict[int, bytes] = {}

    def runs(self) -> list[tuple[int, int, int]]:
        """(k, a, b) for every run whose body is primitive (not itself a repetition)."""
        n = len(self.ids)
        found = []
        for k in range(2, min(n // 2, MAX_PERIOD) + 1):
            same = bytes(map(operator.eq, self.ids, self.ids[k:]))
            self.same[k] = same
            for m in re.finditer(rb"(?<!\x01)\x01{%d,}" % k, same):
                if self._primitive(m.start(), k):
                    found.append((k, m.start(), m.end()))
        return found

    def _primitive(self, a: int, k: int) -> bool:
        """A body has a shorter period d only if d divides k, and then also k // p for a
        prime p of k: checking those few periods is enough."""
        for p in _prime_factors(k):
            d = k // p
            if d >= 2 and self.same[d].find(0, a, a + k - d) == -1:
                return False
            if d == 1 and self.ids[a:a + k].count(self.ids[a]) == k:
                return False
        return True

    def rank(self, k: int, a: int, b: int) -> tuple[tuple, int]:
        """The rule's key for the best start of run (k, a, b), and that start."""
        copies = min((b - a) // k + 1, MAX_COUNT)
        last = b + k - copies * k  # the latest start that still gives as many copies
        top = max(self.levels[a:a + k])
        start = next((s for s in range(a, min(last, a + k - 1) + 1)
                      if self.levels[s] >= top), None)
        work_first = start is not None
        s = start if work_first else a
        return (copies * k, -k, work_first, -s), s


class _Parts:
    """The parts of the list still searched: disjoint [lo, hi) ranges by their start."""

    def __init__(self, n: int):
        self.starts = [0]
        self.ends = {0: n}

    def find(self, j: int) -> tuple[int, int] | None:
        """The part holding position j, else the next one after j (None: none left)."""
        i = bisect.bisect_right(self.starts, j) - 1
        if i >= 0 and j < self.ends[self.starts[i]]:
            lo = self.starts[i]
            return lo, self.ends[lo]
        if i + 1 < len(self.starts):
            lo = self.starts[i + 1]
            return lo, self.ends[lo]
        return None

    def cut(self, lo: int, start: int, end: int) -> None:
        """Part [lo, hi) becomes [lo, start) and [end, hi): [start, end) is a repeat."""
        hi = self.ends.pop(lo)
        self.starts.remove(lo)
        for a, b in ((lo, start), (end, hi)):
            if b - a >= 4:  # two copies of a two-element body at least
                bisect.insort(self.starts, a)
                self.ends[a] = b


def _choose(search: _Search, n: int) -> dict[tuple[int, int], tuple[int, int, int]]:
    """For each part the rule cuts, its repeat: (lo, hi) -> (start, body length, count)."""
    heap = []
    for k, a, b in search.runs():
        key, _ = search.rank(k, a, b)
        heap.append((tuple(-x for x in key), k, a, b))
    heapq.heapify(heap)
    parts = _Parts(n)
    chosen: dict[tuple[int, int], tuple[int, int, int]] = {}

    def push(k: int, a: int, b: int) -> None:
        if b - a >= k:
            key, _ = search.rank(k, a, b)
            heapq.heappush(heap, (tuple(-x for x in key), k, a, b))

    while heap:
        _, k, a, b = heapq.heappop(heap)
        part = parts.find(a)
        if part is None:
            continue
        lo, hi = part
        if a < lo:  # inside a repeat already chosen: what is left starts at the next part
            push(k, lo, b)
            continue
        inside = min(b, hi - k)  # same[k][j] compares j with j + k: both must be in the part
        if inside < b:
            push(k, hi, b)
            push(k, a, inside)
            continue
        _, s = search.rank(k, a, b)
        count = min((b - s) // k + 1, MAX_COUNT)
        chosen[(lo, hi)] = (s, k, count)
        parts.cut(lo, s, s + k * count)
        push(k, s + k * count, b)
    return chosen


def _mergeable(prev: Element, node: Element) -> bool:
    return (isinstance(node, Repeat) and isinstance(prev, Repeat)
            and prev.children == node.children and prev.title == node.title
            and prev.count + node.count <= MAX_COUNT)


def _merged(prev: Repeat, node: Repeat) -> Repeat:
    return Repeat(prev.count + node.count, prev.children, prev.title, prev.span)


def _merge_adjacent(nodes: Sequence[Element]) -> deque[Element]:
    out: deque[Element] = deque()
    for node in nodes:
        if out and _mergeable(out[-1], node):
            out[-1] = _merged(out[-1], node)  # type: ignore[arg-type]
        else:
            out.append(node)
    return out


def _join(left: deque[Element], repeat: Repeat, right: deque[Element]) -> deque[Element]:
    """``_merge_adjacent(left + [repeat] + right)`` for two already merged sides.

    Only the edges can merge: a side's own neighbours were compared already, and an
    element that did not merge with its neighbour does not merge with a larger repeat
    of the same body either.  The shorter side is copied onto the longer one.
    """
    if left and _mergeable(left[-1], repeat):
        repeat = _merged(left.pop(), repeat)  # type: ignore[arg-type]
    if right and _mergeable(repeat, right[0]):
        repeat = _merged(repeat, right.popleft())  # type: ignore[arg-type]
    if len(left) >= len(right):
        left.append(repeat)
        left.extend(right)
        return left
    right.appendleft(repeat)
    right.extendleft(reversed(left))
    return right


def recover_repeats(seq: Sequence[Element]) -> list[Element]:
    """The sequence with its runs folded into (possibly nested) repeats; same timeline."""
    seq = list(seq)
    if len(seq) < 4:
        return list(_merge_adjacent(seq))
    chosen = _choose(_Search(seq), len(seq))
    done: dict[tuple[int, int], deque[Element]] = {}
    todo = [(0, len(seq), False)]
    while todo:  # parts after their sub-parts, without recursion (a long list has many)
        lo, hi, ready = todo.pop()
        if (lo, hi) not in chosen:
            done[(lo, hi)] = _merge_adjacent(seq[lo:hi])
            continue
        s, k, count = chosen[(lo, hi)]
        end = s + k * count
        if not ready:
            todo.append((lo, hi, True))
            todo.extend(part for part in ((lo, s, False), (end, hi, False)) if part[0] < part[1])
            continue
        body = tuple(recover_repeats(seq[s:s + k]))
        done[(lo, hi)] = _join(done.pop((lo, s), deque()), Repeat(count, body),
                               done.pop((end, hi), deque()))
    return list(done[(0, len(seq))])

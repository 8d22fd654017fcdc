"""Warm parse + check of a 15-step workout, per workout, over 1,000 generated workouts.

    .venv/bin/python bench/bench_parse.py [--quick] [--baseline DIR [--rounds N]]

Prints issue 14's row "warm parse + check, 15-step workout" (target <= 250 us),
and beside it what the parse alone costs, what a new workout made of lines read
before costs (planc.syntax.linememo: a plan repeats its warm-ups and sets), and
what a memo hit costs (a plan that repeats a session parses it once).  In the
first two rows every text is new to planc in every round and every cache is
cleared (bench/_timing.forget_caches); the parser itself is built before the
clock starts.  Figures are the best of 5 rounds of the mean, wall and CPU.

``--baseline DIR`` (an unpacked older commit, e.g. ``git archive e6d4822 | tar -x -C
/tmp/base``) times the same rows side by side, in two warm worker processes asked
for one round each in turn; each row's figure is the median of the per-round CPU
ratios this tree / baseline (bench/_workers.py).  Issue 14's target is 250 us
against 650 us at the round's start: a ratio of at most 0.38.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# a side-by-side worker imports planc from the tree it is given (bench/_workers.py)
sys.path.insert(0, os.environ.get("PLANC_BENCH_TREE") or str(Path(__file__).resolve().parents[1]))
from _gen import workout_text
from _timing import forget_caches, per_item_us, row
from _workers import baseline_args, side_by_side, worker

from planc.check import _MEMO as check_memo
from planc.check import read_workout
from planc.syntax import parse_workout

TARGET_US = 250.0
ISSUE_ROW = "parse + check (issue 14 row)"


def rows(count: int) -> dict:
    """Each row's name -> (function of one text, the texts it runs over)."""
    texts = [workout_text(seed, 15) for seed in range(count)]
    for t in texts[:50]:  # warm up: the parser, the caches of the regular expressions
        assert read_workout(t).ok, t
    forget_caches()

    def parse_check(text):
        forget_caches()
        return read_workout(text)

    def parse_only(text):
        forget_caches()
        return parse_workout(text)

    # the same lines in other workouts, at other line numbers: each text's blocks in
    # the reverse order (a plan's sessions share warm-ups, sets and cool-downs)
    reordered = ["\n\n".join(reversed(t.split("\n\n"))) for t in texts]
    for t in reordered + texts:
        read_workout(t)

    def lines_known(text):  # a new text, every line of it read before in another workout
        check_memo.clear()
        return read_workout(text)

    return {ISSUE_ROW: (parse_check, texts),
            "  of which parse (planc.syntax)": (parse_only, texts),
            "parse + check, lines seen before": (lines_known, reordered),
            "read_workout, memo hit": (read_workout, texts)}


def main(argv: list[str]) -> int:
    count = 200 if "--quick" in argv else 1000
    extra = ["--quick"] if count == 200 else []
    if "--worker" in argv:
        table = rows(count)
        return worker({name: (lambda fn=fn, items=items: per_item_us(fn, items, 1))
                       for name, (fn, items) in table.items()})
    if (side := baseline_args(argv)) is not None:
        side_by_side(__file__, extra, side[0], list(rows(20)), side[1])
        return 0
    table = rows(count)
    print(f"warm, per 15-step workout, mean over {count} generated workouts, best of 5:")
    for name, (fn, items) in table.items():
        print(row(name, *per_item_us(fn, items), TARGET_US if name == ISSUE_ROW else None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

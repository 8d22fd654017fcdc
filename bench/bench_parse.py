"""Warm parse + check of a 15-step workout, per workout, over 1,000 generated workouts.

    .venv/bin/python bench/bench_parse.py [--quick]

Prints issue 14's row "warm parse + check, 15-step workout" (target <= 250 us),
and beside it what the parse alone costs, what a new workout made of lines read
before costs (planc.syntax.linememo: a plan repeats its warm-ups and sets), and
what a memo hit costs (a plan that repeats a session parses it once).  In the
first two rows every text is new to planc in every round and every cache is
cleared (bench/_timing.forget_caches); the parser itself is built before the
clock starts.  Figures are the best of 5 rounds of the mean, wall and CPU.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _gen import workout_text
from _timing import forget_caches, per_item_us, row

from planc.check import _MEMO as check_memo
from planc.check import read_workout
from planc.syntax import parse_workout

TARGET_US = 250.0


def main(argv: list[str]) -> int:
    count = 200 if "--quick" in argv else 1000
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

    print(f"warm, per 15-step workout, mean over {count} generated workouts, best of 5:")
    print(row("parse + check (issue 14 row)", *per_item_us(parse_check, texts), TARGET_US))
    print(row("  of which parse (planc.syntax)", *per_item_us(parse_only, texts), None))
    def lines_known(text):  # a new text, every line of it read before in another workout
        check_memo.clear()
        return read_workout(text)

    print(row("parse + check, lines seen before", *per_item_us(lines_known, reordered), None))
    print(row("read_workout, memo hit", *per_item_us(read_workout, texts), None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Warm parse + check + intervals.icu emit, per workout, over 1,000 generated workouts.

Target (issue 2): under 300 us for a 15-step workout.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _gen import workout_text

from planc import check as parse_module
from planc.check import read_workout
from planc.emit.icu import emit_icu_with_diagnostics as emit_icu_text


def main() -> None:
    texts = [workout_text(seed, 15) for seed in range(1000)]
    for t in texts[:50]:  # warm up: parser tables, caches
        emit_icu_text(read_workout(t).workout)
    best = {}
    def cold(t):
        parse_module._MEMO.clear()  # every text is new: measures the parser, not the memo
        return read_workout(t)

    def cold_emit(t):
        parse_module._MEMO.clear()
        return emit_icu_text(read_workout(t).workout)

    for label, fn in (
        ("parse+check", cold),
        ("parse+check+emit", cold_emit),
        ("memo hit+emit", lambda t: emit_icu_text(read_workout(t).workout)),
    ):
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            runs.append((time.perf_counter() - t0) / len(texts) * 1e6)
        best[label] = min(runs)
    w = read_workout(texts[0]).workout
    t0 = time.perf_counter()
    for _ in range(1000):
        emit_icu_text(w)
    emit_only = (time.perf_counter() - t0) / 1000 * 1e6
    for label, us in best.items():
        print(f"{label:<18} {us:8.1f} us/workout (15 steps, best of 3 x 1000)")
    print(f"{'emit only':<18} {emit_only:8.1f} us/workout")


if __name__ == "__main__":
    main()

"""Warm parse + every format, per 15-step workout, over 1,000 generated rides.

    .venv/bin/python bench/bench_emit.py [--quick] [--baseline DIR [--rounds N]]

Prints issue 14's row "warm parse + all five formats, 15-step workout" (target
<= 0.7 ms): for each workout never seen before, parse + check and then emit
intervals.icu text, .zwo, .mrc, .erg and .fit through the registry's ``emit``,
exactly as ``planc compile --to all`` calls it, with a fixed athlete.  Above it,
each format alone (lowering + writing, on an already parsed workout).

Workouts come from bench/_gen.py (15 step lines: warmup ramp, repeats,
cooldown ramp).  Every format is emitted before the clock starts (imports, the
jinja2 templates, lxml), and every memo is dropped before each workout
(bench/_timing.forget_caches), so nothing is reused between workouts.  Figures
are the best of 5 rounds of the mean, wall and CPU.

``--baseline DIR`` (an unpacked older commit, e.g. ``git archive e6d4822 | tar -x -C
/tmp/base``) times the same rows side by side: one worker process per tree, each
with its workouts loaded and warm, asked for one round of a row in turn (the order
alternating), and each row's figure is the median over ``--rounds`` of the per-round
ratio of CPU times this tree / baseline, which a busy machine slows alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# a side-by-side worker imports planc from the tree it is given (bench/_workers.py)
sys.path.insert(0, os.environ.get("PLANC_BENCH_TREE") or str(Path(__file__).resolve().parents[1]))
from _gen import workout_text
from _timing import forget_caches, per_item_us
from _timing import row as row_line
from _workers import baseline_args, side_by_side, worker

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import emit
from planc.lower.formats import EmitOptions

ATHLETE = Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190)})
OPTIONS = EmitOptions(date="2026-01-05")
FORMATS = ("icu", "zwo", "mrc", "erg", "fit")
TARGET_US = 700.0


def rows(count: int) -> dict:
    """Each row's name -> (function of one item, the items it runs over)."""
    texts = [workout_text(seed, 15) for seed in range(count)]
    workouts = [read_workout(t).workout for t in texts]
    for fmt in FORMATS:  # warm up, and never time a failing emitter
        for w in workouts[:20]:
            data, diags = emit(fmt, w, ATHLETE, OPTIONS)
            assert data and not any(d.is_error for d in diags), (fmt, diags)
    out: dict = {}
    for fmt in FORMATS:
        def one(w, fmt=fmt):
            forget_caches()
            return emit(fmt, w, ATHLETE, OPTIONS)
        out[f"  {fmt} alone (lower + write)"] = (one, workouts)

    dates = [EmitOptions(date=f"2026-{m:02d}-{d:02d}") for m in (2, 5, 9) for d in (3, 17)]

    def other_dates(w):  # a plan's sessions of one workout: only the date differs
        for options in dates:
            emit("fit", w, ATHLETE, options)

    def dated_fit(w):  # each workout encoded once, for its first date
        return emit("fit", w, ATHLETE, OPTIONS)

    # over at most 256 workouts: planc.emit.fit keeps 512 prepared (a 52-week plan has 75
    # distinct), and cycling through more would time the lowering again, not a date
    out[DATES_ROW] = (other_dates, workouts[:256], dated_fit, len(dates))

    def parse_and_all(text):
        forget_caches()
        w = read_workout(text).workout
        for fmt in FORMATS:
            emit(fmt, w, ATHLETE, OPTIONS)

    out[ISSUE_ROW] = (parse_and_all, texts)
    return out


DATES_ROW = "  fit, each further session date of a workout"
ISSUE_ROW = "parse + all five formats (issue 14 row)"


def timed(row: tuple, rounds: int) -> tuple[float, float]:
    if len(row) == 4:  # the dates row: every workout prepared first, per date figures
        fn, items, first, per = row
        forget_caches()
        for item in items:
            first(item)
        wall, cpu = per_item_us(fn, items, rounds)
        return wall / per, cpu / per
    return per_item_us(row[0], row[1], rounds)


def main(argv: list[str]) -> int:
    count = 200 if "--quick" in argv else 1000
    extra = ["--quick"] if count == 200 else []
    if "--worker" in argv:
        table = rows(count)
        return worker({name: (lambda r=r: timed(r, 1)) for name, r in table.items()})
    if (side := baseline_args(argv)) is not None:
        names = [*(f"  {f} alone (lower + write)" for f in FORMATS), DATES_ROW, ISSUE_ROW]
        side_by_side(__file__, extra, side[0], names, side[1])
        return 0
    table = rows(count)
    print(f"warm, per 15-step workout, mean over {count} generated rides, best of 5:")
    for name, row in table.items():
        print(row_line(name, *timed(row, 5), TARGET_US if name == ISSUE_ROW else None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

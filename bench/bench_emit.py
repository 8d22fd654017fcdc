"""Warm parse + every format, per 15-step workout, over 1,000 generated rides.

    .venv/bin/python bench/bench_emit.py [--quick]

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
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _gen import workout_text
from _timing import forget_caches, per_item_us, row

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import emit
from planc.lower.formats import EmitOptions

ATHLETE = Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190)})
OPTIONS = EmitOptions(date="2026-01-05")
FORMATS = ("icu", "zwo", "mrc", "erg", "fit")
TARGET_US = 700.0


def main(argv: list[str]) -> int:
    count = 200 if "--quick" in argv else 1000
    texts = [workout_text(seed, 15) for seed in range(count)]
    workouts = [read_workout(t).workout for t in texts]
    for fmt in FORMATS:  # warm up, and never time a failing emitter
        for w in workouts[:20]:
            data, diags = emit(fmt, w, ATHLETE, OPTIONS)
            assert data and not any(d.is_error for d in diags), (fmt, diags)
    print(f"warm, per 15-step workout, mean over {count} generated rides, best of 5:")
    for fmt in FORMATS:
        def one(w, fmt=fmt):
            forget_caches()
            return emit(fmt, w, ATHLETE, OPTIONS)
        print(row(f"  {fmt} alone (lower + write)", *per_item_us(one, workouts), None))

    dates = [EmitOptions(date=f"2026-{m:02d}-{d:02d}") for m in (2, 5, 9) for d in (3, 17)]

    def other_dates(w):  # a plan's sessions of one workout: only the date differs
        for options in dates:
            emit("fit", w, ATHLETE, options)

    forget_caches()
    for w in workouts:
        emit("fit", w, ATHLETE, OPTIONS)
    wall, cpu = per_item_us(other_dates, workouts)
    print(row("  fit, each further session date of a workout", wall / len(dates),
              cpu / len(dates), None))

    def parse_and_all(text):
        forget_caches()
        w = read_workout(text).workout
        for fmt in FORMATS:
            emit(fmt, w, ATHLETE, OPTIONS)

    print(row("parse + all five formats (issue 14 row)", *per_item_us(parse_and_all, texts),
              TARGET_US))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

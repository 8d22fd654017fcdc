"""Warm device emit (lowering + file bytes) per workout and format, over 1,000 generated rides.

Run as ``.venv/bin/python bench/bench_emit.py [--quick]``.  Workouts come from
bench/_gen.py (15 step lines each: warmup ramp, repeats, cooldown ramp), are
parsed once outside the clock, and every format is emitted once before timing
(imports, the jinja2 environment and its compiled templates, lxml).  Each figure
is the best of three rounds (the usual way to discount scheduler noise) of the
mean over all workouts, through the registry's ``emit`` exactly as ``planc
compile`` calls it, with a fixed athlete.

Target (issue 3): all four device formats (.zwo, .mrc, .erg, .fit) together for a
15-step workout under 1 ms.  .fit is included when planc.emit.fit exists.
"""

from __future__ import annotations

import sys
import time
from importlib.util import find_spec
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _gen import workout_text

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import emit
from planc.lower.formats import EmitOptions

ATHLETE = Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190)})
OPTIONS = EmitOptions(date="2026-01-05")
ROUNDS = 3
TARGET_US = 1000.0


def formats() -> list[str]:
    return ["zwo", "mrc", "erg"] + (["fit"] if find_spec("planc.emit.fit") else [])


def cold_emit(fmt: str, workout):
    """Emit as for a workout never seen before: a plan build shares the FIT lowering
    between sessions of one workout (planc.emit.fit._PREPARED); here each is new."""
    if fmt == "fit":
        from planc.emit import fit

        fit._PREPARED.clear()
    return emit(fmt, workout, ATHLETE, OPTIONS)


def per_workout_us(fn, items) -> tuple[float, float]:
    """(wall, CPU) microseconds per item, each the best of ROUNDS rounds.

    CPU time (this thread only) is printed beside wall time because the
    benchmark machine is often shared: waiting for a core inflates wall time
    but not the work done.
    """
    wall = cpu = float("inf")
    for _ in range(ROUNDS):
        t0, c0 = time.perf_counter(), time.thread_time()
        for item in items:
            fn(item)
        wall = min(wall, (time.perf_counter() - t0) / len(items) * 1e6)
        cpu = min(cpu, (time.thread_time() - c0) / len(items) * 1e6)
    return wall, cpu


def main(argv: list[str]) -> int:
    count = 100 if "--quick" in argv else 1000
    workouts = [read_workout(workout_text(seed, 15)).workout for seed in range(count)]
    fmts = formats()
    for fmt in fmts:  # warm up, and never time a failing emitter
        for w in workouts[:20]:
            data, diags = emit(fmt, w, ATHLETE, OPTIONS)
            assert data and not any(d.is_error for d in diags), (fmt, diags)
    print(f"device emit, warm, per 15-step workout (mean over {count} generated rides, "
          f"best of {ROUNDS}; wall / CPU):")
    for fmt in fmts:
        wall, cpu = per_workout_us(lambda w, f=fmt: cold_emit(f, w), workouts)
        print(f"  {fmt:<4} {wall:8.1f} us  / {cpu:8.1f} us")

    def all_formats(w):
        for f in fmts:
            cold_emit(f, w)

    wall, cpu = per_workout_us(all_formats, workouts)
    verdict = "ok" if min(wall, cpu) < TARGET_US else "OVER TARGET"
    print(f"all device formats together ({'+'.join(fmts)}) for a 15-step workout: "
          f"{wall:.1f} us wall / {cpu:.1f} us CPU (target < {TARGET_US:.0f} us: {verdict})")
    if "fit" not in fmts:
        print("  (.fit skipped: planc.emit.fit is not present in this build)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: the whole .fit emitter (FIT lowering + step mapping + encoding, twice for
the content-derived serial) on the example workouts and on generated ones.

Run as ``.venv/bin/python bench/bench_fit_emit.py [--quick]``.  Parsing is done once,
outside the timed call, so the figures are the cost of ``planc.emit.fit.emit`` alone.
Each figure is the best of several rounds (the usual way to discount scheduler
noise).  Every output is decoded by garmin-fit-sdk before timing, so we never time an
emitter that wrote a broken file.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _gen import workout_text  # noqa: E402

from planc.athlete import Athlete, SportThresholds  # noqa: E402
from planc.check import read_workout  # noqa: E402
from planc.emit.fit import _PREPARED, emit  # noqa: E402
from planc.lower.formats import EmitOptions  # noqa: E402

THR = SportThresholds(ftp=250, lthr=170, max_hr=190, threshold_pace=1000 / 255)
ATHLETE = Athlete({"ride": THR, "run": THR,
                   "swim": SportThresholds(ftp=250, lthr=170, max_hr=190,
                                           threshold_pace=100 / 105),
                   "other": THR})
OPTIONS = EmitOptions()


def check(data: bytes) -> int:
    from garmin_fit_sdk import Decoder, Stream

    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert not errors, errors
    return len(messages["workout_step_mesgs"])


def best_us(fn: Callable[[], object], number: int, rounds: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number * 1e6


def main(argv: Sequence[str]) -> int:
    quick = "--quick" in argv
    rounds = 3 if quick else 7
    number = 20 if quick else 200
    print(f"python {sys.version.split()[0]}, best of {rounds} rounds, x{number} per round")
    cases = [(p.stem, p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "plans" / "workouts").glob("*.workout"))]
    cases += [(f"generated-{n}-lines", workout_text(7, n)) for n in (15, 60, 240)]
    total = 0.0
    for name, text in cases:
        workout = read_workout(text).workout
        assert workout is not None, name
        data, diags = emit(workout, ATHLETE, OPTIONS)
        assert data and not any(d.is_error for d in diags), (name, diags)
        steps = check(data)
        us = best_us(lambda w=workout: (_PREPARED.clear(), emit(w, ATHLETE, OPTIONS)),
                     number, rounds)  # a new workout each time: no shared lowering
        total += us
        print(f"{name:28s} {us:9.1f} µs  {steps:4d} FIT steps  {len(data):6d} bytes")
    print(f"{'all cases':28s} {total:9.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

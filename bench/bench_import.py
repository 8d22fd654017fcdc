"""Import time against file size: must grow linearly (issue 11: 2,000 one-second .zwo
blocks took 24 s, 10,000 blocks 83 s; target: a 10,000-block .zwo in under 2 s).

Prints, for .zwo files of N blocks in three shapes (identical blocks, on/off pairs,
pseudo-random blocks), the median CPU time (the machine is shared: wall time measures
the neighbours) of a full ``import_file`` (XML, structure
recovery, the read-back check), and the time per block, which should stay flat.  Then
the repeat search alone against the reference rule (tests/support/structure_oracle.py),
interleaved, as the median of the ratios.

    .venv/bin/python bench/bench_import.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.structure_oracle import recover_repeats as reference

from planc.ast import Duration, PowerTarget, PowerUnit, Range, Step
from planc.check import _MEMO
from planc.importers import import_file
from planc.importers.structure import recover_repeats


def zwo(blocks: list[tuple[int, float]]) -> bytes:
    body = "".join(f'<SteadyState Duration="{d}" Power="{p:.2f}"/>' for d, p in blocks)
    return f"<workout_file><workout>{body}</workout></workout_file>".encode()


def shapes(n: int) -> dict[str, bytes]:
    rng = random.Random(n)
    return {
        "identical": zwo([(1, 0.5)] * n),
        "on/off": zwo([(30, 1.2), (30, 0.5)] * (n // 2)),
        "random": zwo([(rng.randint(1, 9) * 10, rng.choice((0.5, 0.7, 0.9, 1.1)))
                       for _ in range(n)]),
    }


def timed(fn, *args, **kwargs) -> float:
    t0 = time.process_time()
    fn(*args, **kwargs)
    return time.process_time() - t0


def main() -> None:
    print(f"{'blocks':>7} {'shape':<10} {'CPU s':>9} {'us/block':>9}")
    for n in (1000, 2000, 5000, 10000):
        for name, data in shapes(n).items():
            runs = []
            for _ in range(3):
                _MEMO.clear()
                runs.append(timed(import_file, data, path="bench.zwo"))
            t = statistics.median(runs)
            print(f"{n:>7} {name:<10} {t:>9.3f} {t / n * 1e6:>9.1f}")
    rng = random.Random(7)
    steps = [Step(Duration(60.0), power=PowerTarget(PowerUnit.FTP, Range(p, p)))
             for p in (0.5, 0.9, 1.2)]
    seq: list[Step] = []
    while len(seq) < 300:
        body = [rng.choice(steps) for _ in range(rng.randint(1, 4))]
        seq += body * rng.randint(1, 5)
    ratios = []
    for _ in range(5):  # interleaved: the same load on both
        ratios.append(timed(reference, seq) / timed(recover_repeats, seq))
    print(f"repeat search on {len(seq)} steps: the reference rule takes "
          f"{statistics.median(ratios):.0f}x as long (median of 5 interleaved ratios)")


if __name__ == "__main__":
    main()

"""In-process benchmarks side by side: one warm worker process per source tree.

A warm figure (microseconds per workout) cannot be compared across two processes
started minutes apart on a shared machine: the load drifts by 2x.  So each tree
gets a worker process (this same script, run with ``PLANC_BENCH_TREE`` naming the
tree it imports planc from), the workers load their workouts and warm up, and then
they are asked for one round of a row in turn, alternating which goes first.  A
row's figure is the median over the rounds of the per-round ratio of CPU times
(this tree / baseline), which a busy neighbour slows alike.

A benchmark script puts ``PLANC_BENCH_TREE`` (else the checkout) first on
``sys.path`` before it imports planc, and hands :func:`main` its table of rows: name -> a function of no
arguments that times one round and returns ``(wall_us, cpu_us)``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Row = Callable[[], tuple[float, float]]

HERE = Path(__file__).resolve().parents[1]


def worker(table: dict[str, Row]) -> int:
    """Answer one round of the row named on each line of stdin with ``wall cpu``."""
    print("ready", flush=True)
    for line in sys.stdin:
        wall, cpu = table[line.rstrip("\n")]()
        print(f"{wall} {cpu}", flush=True)
    return 0


def side_by_side(script: str, args: list[str], baseline: Path, names: list[str],
                 rounds: int) -> None:
    """Print each row of ``names`` for this tree against ``baseline``, interleaved."""
    trees = {"this tree": str(HERE), "baseline": str(baseline.resolve())}
    workers = {}
    for label, tree in trees.items():
        env = dict(os.environ, PLANC_BENCH_TREE=tree)
        workers[label] = subprocess.Popen([sys.executable, script, "--worker", *args],
                                          env=env, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True)
    for w in workers.values():
        assert w.stdout.readline().strip() == "ready"
    print(f"side by side, {rounds} interleaved rounds; CPU us per item, medians; "
          "ratio = median of per-round this tree / baseline")
    for name in names:
        cpu: dict[str, list[float]] = {label: [] for label in workers}
        for r in range(rounds):
            for label in (list(workers) if r % 2 else list(workers)[::-1]):
                w = workers[label]
                w.stdin.write(name + "\n")
                w.stdin.flush()
                cpu[label].append(float(w.stdout.readline().split()[1]))
        ratio = statistics.median(a / b for a, b in zip(cpu["this tree"], cpu["baseline"],
                                                          strict=True))
        print(f"{name:<48} {statistics.median(cpu['baseline']):8.1f} -> "
              f"{statistics.median(cpu['this tree']):8.1f} us CPU  ratio {ratio:.2f}",
              flush=True)
    for w in workers.values():
        w.stdin.close()
        w.wait()


def baseline_args(argv: list[str]) -> tuple[Path, int] | None:
    """``--baseline DIR [--rounds N]`` from the command line (rounds default 7)."""
    if "--baseline" not in argv:
        return None
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 7
    return Path(argv[argv.index("--baseline") + 1]), rounds

"""Side-by-side timing of commands: interleaved runs, medians of per-pair ratios.

The development machine is shared (two cores, several busy neighbours), so an
absolute time drifts by 2x within a minute.  Running A and B alternately and
taking the median of the per-pair ratios A/B cancels most of that drift: both
commands of a pair see the same load.  Each pair also records the CPU time
(user + system) the two children used, which waiting for a core does not
inflate; the report prints both.

Commands run as a user runs them: bytecode caches are written and used
(the sandbox's ``PYTHONDONTWRITEBYTECODE`` is removed from the children's
environment) and every command runs ``WARMUP`` times before the clock starts.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

WARMUP = 3


def user_env() -> dict[str, str]:
    """The environment a user's shell has: bytecode caches on."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass(frozen=True, slots=True)
class Sample:
    wall_ms: float
    cpu_ms: float


def run_once(cmd: list[str], env: dict[str, str]) -> Sample:
    """Wall and CPU time of one fresh process; a failing command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): "
                         f"{done.stderr.decode(errors='replace')[:400]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(wall * 1000, cpu * 1000)


@dataclass(frozen=True, slots=True)
class Pair:
    """The medians of N interleaved pairs: A's and B's times and the ratio A/B."""

    a_ms: float
    b_ms: float
    ratio: float
    a_cpu_ms: float
    b_cpu_ms: float
    cpu_ratio: float


def side_by_side(a: list[str], b: list[str], pairs: int, env: dict[str, str],
                 before_a: Callable[[], None] | None = None) -> Pair:
    """Run A, B, A, B, ... ``pairs`` times each (after a warm-up) and compare;
    ``before_a`` runs (untimed) before each run of A, e.g. to give it a text it has not
    seen."""
    def a_once() -> Sample:
        if before_a is not None:
            before_a()
        return run_once(a, env)

    for _ in range(WARMUP):
        a_once()
        run_once(b, env)
    samples = [(a_once(), run_once(b, env)) for _ in range(pairs)]
    med = statistics.median
    return Pair(
        a_ms=med(s.wall_ms for s, _ in samples),
        b_ms=med(s.wall_ms for _, s in samples),
        ratio=med(s.wall_ms / t.wall_ms for s, t in samples),
        a_cpu_ms=med(s.cpu_ms for s, _ in samples),
        b_cpu_ms=med(s.cpu_ms for _, s in samples),
        cpu_ratio=med(s.cpu_ms / max(t.cpu_ms, 0.01) for s, t in samples),
    )


def report_line(figure: str, pair: Pair, target: float | None) -> str:
    """One row of the issue's target table: the ratio (wall, CPU) and the verdict."""
    if target is None:
        verdict = "(no target)"
    else:
        ok = min(pair.ratio, pair.cpu_ratio) <= target
        verdict = f"target <= {target}: {'ok' if ok else 'OVER TARGET'}"
    return (f"{figure:<40} {pair.ratio:5.2f} (CPU {pair.cpu_ratio:5.2f})  {verdict:<26}"
            f" [{pair.a_ms:6.1f} ms vs {pair.b_ms:6.1f} ms wall; "
            f"{pair.a_cpu_ms:6.1f} vs {pair.b_cpu_ms:6.1f} ms CPU]")

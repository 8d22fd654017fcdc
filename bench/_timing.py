"""In-process (warm) timing: microseconds per item, wall and CPU, best of a few rounds.

The machine is shared, so CPU time (this thread only, which waiting for a core
does not inflate) is printed beside wall time; a verdict passes when either
meets the target.  Each round is the mean over all items; the best round
discounts the rounds a neighbour slowed down.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

ROUNDS = 5


def per_item_us(fn: Callable, items: list, rounds: int = ROUNDS) -> tuple[float, float]:
    """(wall, CPU) microseconds per item, each the best of ``rounds`` rounds."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.thread_time()
        for item in items:
            fn(item)
        wall = min(wall, (time.perf_counter() - t0) / len(items) * 1e6)
        cpu = min(cpu, (time.thread_time() - c0) / len(items) * 1e6)
    return wall, cpu


def forget_caches() -> None:
    """Drop every per-process memo planc keeps, so the next workout is really new.

    The benchmarks cycle through a fixed set of texts; without this a second
    round would measure the memos, not the work."""
    import importlib

    for module, names in _MEMOS:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        for name in names:
            memo = getattr(mod, name, None)
            if memo is not None:
                memo.clear()


_MEMOS: Iterable[tuple[str, tuple[str, ...]]] = (
    ("planc.check", ("_MEMO",)),
    ("planc.syntax.linememo", ("MEMO",)),
    ("planc.emit.fit", ("_PREPARED",)),
    ("planc.lower.trainer", ("_SHOWN",)),
    ("planc.syntax.printer", ("LABEL_MEMO",)),
)


def row(figure: str, wall: float, cpu: float, target_us: float | None) -> str:
    """One line of the issue's target table."""
    if target_us is None:
        verdict = ""
    else:
        verdict = f"target <= {target_us:.0f} us: " + (
            "ok" if min(wall, cpu) <= target_us else "OVER TARGET")
    return f"{figure:<48} {wall:8.1f} us wall / {cpu:8.1f} us CPU  {verdict}"

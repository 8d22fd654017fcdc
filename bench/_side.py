"""Side-by-side timing of planc commands: interleaved runs, medians of ratios.

A benchmark names one or more *trees* (a planc source folder: this checkout, or
an unpacked older commit given with ``--baseline DIR``) and runs the same
command line from each in fresh processes, alternating trees within every round
so that a busy machine slows them alike.  Each tree is run as ``python -m planc``
with ``PYTHONPATH`` set to the tree, so the same interpreter and libraries serve
both; figures are medians of the rounds, and a comparison is the median of the
per-round ratios (not the ratio of medians), which is what survives noise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Tree:
    """A planc source folder to run commands from."""

    label: str
    path: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(self.path)
        env.pop("SOURCE_DATE_EPOCH", None)
        return env


def trees(baseline: str | None) -> list[Tree]:
    """This checkout, and the baseline first when one is given."""
    found = [Tree("this", ROOT)]
    if baseline:
        found.insert(0, Tree("baseline", Path(baseline).resolve()))
    return found


def run(tree: Tree, args: list[str], cwd: Path, expect: int = 0) -> tuple[float, str]:
    """Seconds one ``planc ARGS`` process took, and its standard error."""
    cmd = [sys.executable, "-m", "planc", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=tree.env(), cwd=cwd)
    elapsed = time.perf_counter() - t0
    if proc.returncode != expect:
        sys.exit(f"[{tree.label}] planc {' '.join(args)} exited {proc.returncode}:\n"
                 f"{proc.stderr}")
    return elapsed, proc.stderr


def bare_python() -> float:
    """Seconds of ``python -c pass``: the floor every command stands on."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - t0


def median_ratio(a: list[float], b: list[float]) -> float:
    """Median of a[i] / b[i] over rounds run side by side."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def table(figures: dict[str, dict[str, list[float]]], labels: list[str],
          targets: dict[str, str]) -> str:
    """One line per figure: each tree's median, then this/baseline and this/python."""
    names = [t for t in labels if t != "python"]
    head = f"{'figure':<28}" + "".join(f"{n + ' (ms)':>16}" for n in names)
    if "baseline" in names:
        head += f"{'this/baseline':>15}"
    head += f"{'this/python':>13}   target"
    lines = [head]
    bare = figures.get("python", {}).get("python")
    for figure, per_tree in figures.items():
        if figure == "python":
            continue
        line = f"{figure:<28}" + "".join(
            f"{statistics.median(per_tree[n]) * 1000:>16.1f}" for n in names)
        if "baseline" in names:
            line += f"{median_ratio(per_tree['this'], per_tree['baseline']):>15.2f}"
        line += f"{median_ratio(per_tree['this'], bare):>13.1f}" if bare else f"{'':>13}"
        lines.append(line + f"   {targets.get(figure, '')}")
    if bare:
        lines.append(f"{'python -c pass':<28}{statistics.median(bare) * 1000:>16.1f}")
    return "\n".join(lines)

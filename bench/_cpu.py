"""Side-by-side runs that also say how much of the time is planc's own work.

``_side.run`` times a process by the wall clock, which on a shared machine and a
busy disk mixes planc's work with the kernel's and the neighbours'.  This module
adds, for the same runs:

* the process's CPU time (user + system, from ``getrusage`` of the children): what
  planc itself made the machine do, kernel work for its syscalls included;
* bytecode as an installed planc has it: the trees are run with
  ``PYTHONDONTWRITEBYTECODE`` removed and ``PYTHONPYCACHEPREFIX`` pointing at a
  folder of the benchmark's own per tree, so no tree is written into (a baseline
  unpacked read-only stays as it is) and no run compiles planc's sources again
  (that costs ~90 ms a run, which a user never pays);
* a scratch folder on tmpfs (``/dev/shm``) when asked, to separate planc's work from
  the disk's (creating a thousand files on a disk that has just deleted as many
  costs 150-450 ms of kernel time, whoever creates them).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _side import Tree


@dataclass(frozen=True, slots=True)
class CachedTree(Tree):
    """A tree run with its bytecode cached in ``pycache`` (outside the tree)."""

    pycache: Path = Path()

    def env(self) -> dict[str, str]:
        env = Tree.env(self)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env


def cached(chosen: list[Tree], folder: Path) -> list[Tree]:
    """``chosen``, each with a bytecode folder of its own under ``folder``."""
    return [CachedTree(t.label, t.path, folder / f"pycache-{t.label}") for t in chosen]


def scratch_root(tmpfs: bool) -> str | None:
    """Where the benchmark's temporary folder goes: tmpfs when asked (and there)."""
    if tmpfs and os.path.isdir("/dev/shm"):
        return "/dev/shm"
    return None


def run_cpu(tree: Tree, args: list[str], cwd: Path,
            expect: int = 0) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and standard error of one ``planc ARGS``
    process."""
    cmd = [sys.executable, "-m", "planc", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=tree.env(), cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != expect:
        sys.exit(f"[{tree.label}] planc {' '.join(args)} exited {proc.returncode}:\n"
                 f"{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr


def warm(chosen: list[Tree], args: list[str], cwd: Path) -> None:
    """One untimed ``planc ARGS`` per tree, so that timed runs find their bytecode."""
    for tree in chosen:
        subprocess.run([sys.executable, "-m", "planc", *args], env=tree.env(), cwd=cwd,
                       capture_output=True, check=False)

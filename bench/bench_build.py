"""Benchmark ``planc build`` on a 52-week plan (~360 sessions, every format), side by side.

    .venv/bin/python bench/bench_build.py [--runs 7] [--baseline DIR]

Generates the plan in a temporary directory (the example libraries are
included, with weekly progressions so most sessions are distinct texts).  Each
round times, in fresh processes and for each tree in turn (this checkout, and
``--baseline DIR``, e.g. an older commit unpacked with ``git archive``):

* a cold build into an empty folder;
* a rebuild with nothing changed;
* a rebuild after an edit that changes one session (week 52's long ride);
* a rebuild after every output's mtime changed (a fresh ``git checkout``, ten
  seconds ago): nothing may be written, and the files' bytes must be compared;
* the same command once more: the first run recorded the new mtimes, so this
  one is a plain no-change rebuild again;

and bare ``python -c pass``.  Prints medians and medians of per-round ratios, of
the wall time and (rows marked CPU) of the processes' CPU time, user + system:
planc's own work, the kernel's for its syscalls included (bench/_cpu.py).  The
trees run with their bytecode cached outside them, as an installed planc has it;
``--tmpfs`` puts the scratch folder on /dev/shm, to tell planc's work from the
disk's; ``--busy-disk`` keeps the disk busy while the rounds run (a process writing
200 MB and fsyncing it, over and over, in the scratch folder: issue 14's "busy
disk").  Targets (issue 14): cold <= 0.4 s (<= 0.6 s on a busy disk), no-change
rebuild <= 60 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _cpu import cached, run_cpu, scratch_root, warm
from _side import ROOT, Tree, bare_python, table, trees

PLAN = """\
id: bench-52w
name: Benchmark, 52 weeks
start: 2027-01-04
weeks: 52
athlete:
  ride: {ftp: 270, lthr: 168, max_hr: 186}
  run: {threshold_pace: "4:15/km", lthr: 172}
  swim: {threshold_pace: "1:45/100m"}
fitness: {ctl: 50, atl: 50}
include: [library/cycling.yaml, library/running.yaml, library/swim.yaml]
calendar:
  - mon: rest
    tue: {workout: sweetspot, reps: "= 2 + n // 13", work: "= 8m + 1m * (n % 8)"}
    wed: [{workout: swim-css, reps: "= 6 + week % 4", time: "07:00"},
          {workout: easy-run, duration: "= 30m + 5m * (n % 4)", time: "19:00"}]
    thu: {workout: vo2max, reps: "= 4 + n % 3", work: "= 2m + 30s * (n % 4)"}
    fri: {workout: threshold-run, reps: "= 3 + n % 3", work: 1km}
    sat: {workout: long-ride, duration: "= 1h30m + 5m * (n % 12)"}
    sun: {workout: long-run, duration: "= 1h + 5m * (n % 10)"}
  - weeks: [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52]
    mon: {note: "Recovery week {week}", description: Easy.}
    wed: {workout: recovery, duration: 45m}
    thu: {workout: endurance, duration: 1h}
"""

EDIT = "  - weeks: [52]\n    sat: {workout: long-ride, duration: 2h50m}\n"
"""Appended to the calendar: week 52's Saturday ride changes, nothing else."""

TARGETS = {"cold build": "<= 400 ms", "no-change rebuild": "<= 60 ms"}


def write_plan(folder: Path) -> Path:
    """The 52-week plan and the libraries it includes, in ``folder``."""
    shutil.copytree(ROOT / "plans" / "library", folder / "library", dirs_exist_ok=True)
    plan = folder / "bench.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    return plan


def touch_all(out: Path) -> None:
    """Give every file a new mtime and the same bytes (what a checkout does), ten seconds
    ago (planc records an mtime only once it is a few seconds old)."""
    when = time.time_ns() - 10_000_000_000
    for path in out.rglob("*"):
        if path.is_file() and ".planc-cache" not in path.parts:
            os.utime(path, ns=(when, when))


NAMES = ["cold build", "no-change rebuild", "one-session edit", "outputs touched",
         "touched, again"]


def one_round(tree: Tree, plan: Path, out: Path, figures: dict) -> None:
    args = ["build", str(plan), "-o", str(out), "--formats", "all", "-q"]

    def timed(name: str) -> None:
        wall, cpu, _ = run_cpu(tree, args, plan.parent)
        figures[name][tree.label].append(wall)
        figures[f"{name} (CPU)"][tree.label].append(cpu)

    shutil.rmtree(out, ignore_errors=True)
    plan.write_text(PLAN, encoding="utf-8")
    timed("cold build")
    timed("no-change rebuild")
    plan.write_text(PLAN + EDIT, encoding="utf-8")
    timed("one-session edit")
    touch_all(out)
    timed("outputs touched")
    timed("touched, again")


def busy_disk(folder: Path) -> subprocess.Popen:
    """A process that keeps the disk under ``folder`` busy: 200 MB written and fsynced,
    then again, until it is killed (``dd ... conv=fsync`` in a loop, in Python)."""
    code = ("import os\nblock = b'\\0' * (1 << 20)\nwhile True:\n"
            f"    with open({str(folder / 'busy.bin')!r}, 'wb') as fh:\n"
            "        for _ in range(200):\n            fh.write(block)\n"
            "        fh.flush()\n        os.fsync(fh.fileno())\n")
    return subprocess.Popen([sys.executable, "-c", code])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds (medians are reported)")
    parser.add_argument("--baseline", metavar="DIR",
                        help="another planc source tree to run side by side")
    parser.add_argument("--tmpfs", action="store_true",
                        help="build on /dev/shm: planc's work without the disk's")
    parser.add_argument("--busy-disk", action="store_true",
                        help="time the rounds while another process writes and fsyncs "
                             "200 MB at a time to the same disk")
    args = parser.parse_args()
    names = [*NAMES, *(f"{n} (CPU)" for n in NAMES)]
    labels = [t.label for t in trees(args.baseline)]
    figures: dict[str, dict[str, list[float]]] = {n: {label: [] for label in labels}
                                                  for n in names}
    figures["python"] = {"python": []}
    with tempfile.TemporaryDirectory(dir=scratch_root(args.tmpfs)) as tmp:
        folder = Path(tmp)
        chosen = cached(trees(args.baseline), folder)
        plan = write_plan(folder)
        warm(chosen, ["build", str(plan), "-o", str(folder / "warm"), "-q"], folder)
        writer = busy_disk(folder) if args.busy_disk else None
        try:
            for i in range(args.runs):
                order = chosen if i % 2 == 0 else chosen[::-1]
                for tree in order:
                    one_round(tree, plan, folder / f"out-{tree.label}", figures)
                figures["python"]["python"].append(bare_python())
        finally:
            if writer is not None:
                writer.kill()
                writer.wait()
        out = folder / f"out-{chosen[-1].label}"
        files = sum(1 for p in out.rglob("*") if p.is_file() and ".planc-cache" not in p.parts)
    where = ("tmpfs" if args.tmpfs else "disk") + (", kept busy" if args.busy_disk else "")
    print(f"plan: 52 weeks, every format, {files} files; {args.runs} rounds, interleaved, "
          f"on {where}")
    print(table(figures, labels, TARGETS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark ``planc build`` on a 52-week plan (~300 sessions), as a user runs it.

    .venv/bin/python bench/bench_build.py [--runs 3]

Generates the plan in a temporary directory (the example libraries are
included, with weekly progressions so most sessions are distinct texts), then
times, in a subprocess each: a cold build to every available format, and a
rebuild with nothing changed.  Targets: cold < 2 s, no-change rebuild < 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def run_build(plan: Path, out: Path) -> float:
    cmd = [str(Path(sys.executable).with_name("planc")), "build", str(plan), "-o", str(out),
           "--formats", "all", "-q"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"planc build failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions (best is reported)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from planc.lower.formats import FORMATS
    from planc.plan.load import load_plan

    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        shutil.copytree(ROOT / "plans" / "library", tmp_path / "library")
        plan = tmp_path / "bench.yaml"
        plan.write_text(PLAN, encoding="utf-8")
        loaded = load_plan(plan)
        sessions = len(loaded.sessions)
        distinct = len({s.text for s in loaded.sessions if s.text})
        for i in range(args.runs):
            out = tmp_path / f"out{i}"
            cold.append(run_build(plan, out))
            warm.append(run_build(plan, out))
        files = sum(1 for p in (tmp_path / "out0").rglob("*") if p.is_file())
    print(f"plan: 52 weeks, {sessions} sessions ({distinct} distinct workout texts), "
          f"formats: {', '.join(FORMATS)}, {files} files")
    print(f"cold build:       best {min(cold):.3f} s  (runs: "
          + ", ".join(f"{x:.3f}" for x in cold) + ")   target < 2 s")
    print(f"no-change build:  best {min(warm):.3f} s  (runs: "
          + ", ".join(f"{x:.3f}" for x in warm) + ")   target < 0.5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark ``planc render`` on the 12-week half-marathon plan, as a user runs it.

    .venv/bin/python bench/bench_render.py [--runs 3] [--plan PATH]

Times, in a subprocess each (start-up included): a cold render into an empty
folder, and a re-render with nothing changed (which must write nothing).
Then reports the size of the site: files, bytes, and the parts (pages, inline
profiles, compiled files), plus the in-process time of the SVG drawing alone.
Targets: cold < 2 s, no-change re-render < 1 s, plan page < 250 kB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "half-marathon-12w.yaml"


def render(plan: Path, out: Path) -> tuple[float, str]:
    cmd = [str(Path(sys.executable).with_name("planc")), "render", str(plan), "-o", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"planc render failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, proc.stderr.strip().splitlines()[-1]


def site_size(out: Path) -> dict[str, tuple[int, int]]:
    groups: dict[str, tuple[int, int]] = {}
    for p in out.rglob("*"):
        if not p.is_file():
            continue
        kind = {".html": "pages", ".css": "css", ".json": "manifest"}.get(p.suffix, "files")
        if p.name == "index.html":
            kind = "plan page"
        n, b = groups.get(kind, (0, 0))
        groups[kind] = (n + 1, b + p.stat().st_size)
    return groups


def drawing_time(plan: Path) -> tuple[int, float]:
    """Seconds to draw every distinct workout of the plan in the three styles (in-process)."""
    from planc.emit.svgdraw import CARD, LARGE, THUMB, render_svg
    from planc.plan.load import load_plan
    from planc.resolve.profile import build_profile

    loaded = load_plan(plan)
    workouts = {id(s.workout): s for s in loaded.sessions if s.workout is not None}
    t0 = time.perf_counter()
    for s in workouts.values():
        profile = build_profile(s.workout, loaded.athlete, s.indoor)
        for style in (CARD, THUMB, LARGE):
            render_svg(s.workout, loaded.athlete, style=style, profile=profile)
    return len(workouts), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--plan", type=Path, default=PLAN)
    args = ap.parse_args()
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            out = Path(tmp) / f"site-{i}"
            t, _ = render(args.plan, out)
            cold.append(t)
            t, line = render(args.plan, out)
            warm.append(t)
            if " 0 written" not in line:
                sys.exit(f"a re-render with nothing changed wrote files: {line}")
        groups = site_size(Path(tmp) / "site-0")
    files = sum(n for n, _ in groups.values())
    total = sum(b for _, b in groups.values())
    n, draw = drawing_time(args.plan)
    print(f"plan: {args.plan.relative_to(ROOT) if args.plan.is_relative_to(ROOT) else args.plan}")
    print(f"cold render:      median {statistics.median(cold):.2f} s  (runs: "
          + ", ".join(f"{t:.2f}" for t in cold) + ")")
    print(f"no-change render: median {statistics.median(warm):.2f} s  (runs: "
          + ", ".join(f"{t:.2f}" for t in warm) + ")")
    print(f"site: {files} files, {total / 1024:.0f} kB")
    for kind, (count, size) in sorted(groups.items()):
        print(f"  {kind:<10} {count:>4} files {size / 1024:>8.1f} kB")
    print(f"drawing: {n} distinct workouts x 3 styles in {draw * 1000:.0f} ms "
          f"({draw / (3 * n) * 1000:.2f} ms per picture)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

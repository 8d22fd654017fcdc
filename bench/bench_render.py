"""Benchmark ``planc render`` on the 12-week half-marathon plan, side by side.

    .venv/bin/python bench/bench_render.py [--runs 7] [--plan PATH] [--baseline DIR]

Each round times, in fresh processes and for each tree in turn (this checkout,
and ``--baseline DIR``, e.g. an older commit unpacked with ``git archive``): a
cold render into an empty folder, a re-render with nothing changed (which must
write nothing), and a re-render after every file's mtime changed (a checkout:
nothing may be written); and bare ``python -c pass``.  Prints medians and
medians of per-round ratios (bench/_side.py), of the wall time and (rows marked
CPU) of the processes' CPU time; the trees run with their bytecode cached outside
them, as an installed planc has it (bench/_cpu.py).  Then reports the size of the
site: files, bytes, and the parts (pages, inline profiles, compiled files),
plus the in-process time of the SVG drawing alone.
Targets: cold < 2 s, no-change re-render <= 100 ms (issue 14), plan page < 250 kB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _cpu import cached, run_cpu, warm
from _side import ROOT, Tree, bare_python, table, trees

PLAN = ROOT / "plans" / "half-marathon-12w.yaml"
TARGETS = {"cold render": "< 2000 ms", "no-change render": "<= 100 ms"}
NAMES = ["cold render", "no-change render", "outputs touched"]


def run(tree: Tree, args: list[str], cwd: Path, figures: dict, name: str) -> str:
    """Time ``planc ARGS`` into ``figures[name]`` (wall) and ``figures[name + " (CPU)"]``;
    what it printed."""
    wall, cpu, err = run_cpu(tree, args, cwd)
    figures[name][tree.label].append(wall)
    figures[f"{name} (CPU)"][tree.label].append(cpu)
    return err


def one_round(tree: Tree, plan: Path, out: Path, figures: dict) -> None:
    args = ["render", str(plan), "-o", str(out)]
    shutil.rmtree(out, ignore_errors=True)
    run(tree, args, plan.parent, figures, "cold render")
    err = run(tree, args, plan.parent, figures, "no-change render")
    if " 0 written" not in err:
        sys.exit(f"[{tree.label}] a re-render with nothing changed wrote files: {err}")
    for path in out.rglob("*"):
        if path.is_file() and ".planc-cache" not in path.parts:
            os.utime(path)
    run(tree, args, plan.parent, figures, "outputs touched")


def site_size(out: Path) -> dict[str, tuple[int, int]]:
    groups: dict[str, tuple[int, int]] = {}
    for p in out.rglob("*"):
        if not p.is_file() or ".planc-cache" in p.parts:
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
    ap.add_argument("--runs", type=int, default=7, help="rounds (medians are reported)")
    ap.add_argument("--plan", type=Path, default=PLAN)
    ap.add_argument("--baseline", metavar="DIR",
                    help="another planc source tree to run side by side")
    args = ap.parse_args()
    labels = [t.label for t in trees(args.baseline)]
    figures: dict[str, dict[str, list[float]]] = {
        n: {label: [] for label in labels} for n in [*NAMES, *(f"{m} (CPU)" for m in NAMES)]}
    figures["python"] = {"python": []}
    plan = args.plan.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        chosen = cached(trees(args.baseline), Path(tmp))
        warm(chosen, ["render", str(plan), "-o", str(Path(tmp) / "warm")], plan.parent)
        for i in range(args.runs):
            for tree in (chosen if i % 2 == 0 else chosen[::-1]):
                one_round(tree, plan, Path(tmp) / f"site-{tree.label}", figures)
            figures["python"]["python"].append(bare_python())
        groups = site_size(Path(tmp) / f"site-{chosen[-1].label}")
    files = sum(n for n, _ in groups.values())
    total = sum(b for _, b in groups.values())
    n, draw = drawing_time(plan)
    print(f"plan: {plan.relative_to(ROOT) if plan.is_relative_to(ROOT) else plan}; "
          f"{args.runs} rounds, interleaved")
    print(table(figures, labels, TARGETS))
    print(f"site: {files} files, {total / 1024:.0f} kB")
    for kind, (count, size) in sorted(groups.items()):
        print(f"  {kind:<10} {count:>4} files {size / 1024:>8.1f} kB")
    print(f"drawing: {n} distinct workouts x 3 styles in {draw * 1000:.0f} ms "
          f"({draw / (3 * n) * 1000:.2f} ms per picture)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

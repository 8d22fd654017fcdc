"""Duration, distance, intensity and load of workouts (or of a plan, week by week).

Load is TSS-style: hours x IF^2 x 100, from the planned second-by-second
profile (README "Metrics" has the formulas).  --json prints
{"workouts": [{"name", "sport", "duration_s", "distance_m", "load", "intensity", …}]}.
"""

from __future__ import annotations

import argparse
import json
import sys

from planc.commands import ExitCode
from planc.commands._common import (
    InputError,
    add_athlete_args,
    add_sport_arg,
    add_week_arguments,
    athlete_from_args,
    expand_paths,
    is_plan,
    plan_path_problem,
    read_source,
    report,
    selection_from_args,
)
from planc.limits import TRAINING_LOAD, as_float


def load_value(text: str) -> float:
    """A CTL or ATL: a number in planc.limits.TRAINING_LOAD (the highest ever seen are ~200)."""
    value = as_float(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number")
    problem = TRAINING_LOAD.problem(value, f"'{text}'")
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="workout files, a plan file, directories, or - for standard input")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_sport_arg(p)
    add_athlete_args(p)
    add_week_arguments(p)
    p.add_argument("--ctl", type=load_value, help="starting fitness (CTL) for the projection")
    p.add_argument("--atl", type=load_value, help="starting fatigue (ATL) for the projection")


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _fmt(value, spec: str, empty: str = "-") -> str:
    return empty if value is None else format(value, spec)


def run(args: argparse.Namespace) -> int:
    try:
        paths = expand_paths(args.paths)
    except InputError as exc:
        print(f"planc stats: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if any(is_plan(p) for p in paths):
        if len(paths) != 1:
            print("planc stats: error: give one plan file at a time", file=sys.stderr)
            return ExitCode.USAGE
        if (problem := plan_path_problem(paths[0])) is not None:
            print(f"planc stats: error: {problem}", file=sys.stderr)
            return ExitCode.USAGE
        return run_plan(args, paths[0])
    return run_workouts(args, paths)


def run_plan(args: argparse.Namespace, path: str) -> int:
    """``planc stats PLAN [--week …] [--from D --to D] [--json] [--ctl X --atl Y]``."""
    from planc.plan.load import read_plan
    from planc.plan.stats import format_stats_table, plan_report
    from planc.plan.weeks import SelectionError

    result = read_plan(path, need_plan=True)
    found = athlete_from_args(args, result.plan.athlete if result.plan else None)
    sources = {**result.sources, **found.sources}
    diags = result.diagnostics + found.diagnostics
    if diags:
        report(diags, sources)
    if not result.ok or result.plan is None or any(d.is_error for d in found.diagnostics):
        return ExitCode.DIAGNOSTICS
    try:
        selection = selection_from_args(args, result.plan)
    except SelectionError as exc:
        print(f"planc stats: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    plan_stats = plan_report(result.plan, selection, found.athlete, args.ctl, args.atl)
    if args.json:
        print(json.dumps(plan_stats, indent=2, sort_keys=True))
    else:
        sys.stdout.write(format_stats_table(plan_stats))
    return ExitCode.OK


def run_workouts(args: argparse.Namespace, paths: list[str]) -> int:
    """``planc stats WORKOUT...``: one row per workout."""
    from planc.check import read_workout
    from planc.resolve.metrics import workout_metrics
    from planc.units import is_indoor

    athlete_result = athlete_from_args(args)
    diags = list(athlete_result.diagnostics)
    sources: dict[str, str] = dict(athlete_result.sources)
    rows = []
    failed = False
    for path in paths:
        try:
            src = read_source(path)
        except InputError as exc:
            print(f"planc stats: error: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        sources[src.path] = src.text
        parsed = read_workout(src.text, path=src.path, sport=args.sport)
        diags.extend(parsed.diagnostics)
        if parsed.workout is None:
            failed = True
            continue
        w = parsed.workout
        m = workout_metrics(w, athlete_result.athlete, indoor=is_indoor(w.sport))
        rows.append({"path": src.path, "name": w.name, "sport": w.sport, **m.as_dict()})
    failed = report(diags, sources) or failed
    if failed:
        return ExitCode.DIAGNOSTICS
    if args.json:
        print(json.dumps({"workouts": rows}, indent=2, sort_keys=True))
        return ExitCode.OK
    header = f"{'workout':<32} {'sport':<14} {'time':>8} {'dist km':>8} {'IF':>5} {'load':>6}"
    print(header)
    print("-" * len(header))
    for r in rows:
        name = (r["name"] or r["path"])[:32]
        dist = None if r["distance_m"] is None else r["distance_m"] / 1000
        print(f"{name:<32} {r['sport']:<14} {_hms(r['duration_s']):>8} {_fmt(dist, '.2f'):>8} "
              f"{_fmt(r['intensity'], '.2f'):>5} {_fmt(r['load'], '.0f'):>6}")
    if len(rows) > 1:
        total = sum(r["duration_s"] for r in rows)
        load = sum(r["load"] or 0 for r in rows)
        print("-" * len(header))
        print(f"{'total':<32} {'':<14} {_hms(total):>8} {'':>8} {'':>5} {load:>6.0f}")
    return ExitCode.OK

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
    BadEncoding,
    CommandFailed,
    InputError,
    add_athlete_args,
    add_for_arguments,
    add_sport_arg,
    add_week_arguments,
    athlete_from_args,
    expand_paths,
    is_plan,
    limited_number,
    plan_path_problem,
    read_source,
    report,
    roster_without_for,
    selection_from_args,
    squad_plans,
)
from planc.limits import TRAINING_LOAD

# a CTL or ATL: a number in planc.limits.TRAINING_LOAD (the highest ever seen are ~200)
load_value = limited_number(TRAINING_LOAD, "load_value")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="workout files, a plan file, directories, or - for standard input")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_sport_arg(p)
    add_athlete_args(p)
    add_week_arguments(p)
    p.add_argument("--ctl", type=load_value, help="starting fitness (CTL) for the projection")
    p.add_argument("--atl", type=load_value, help="starting fatigue (ATL) for the projection")
    add_for_arguments(p)


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _fmt(value, spec: str, empty: str = "-") -> str:
    return empty if value is None else format(value, spec)


def run(args: argparse.Namespace) -> int:
    if (problem := roster_without_for(args)) is not None:
        print(f"planc stats: error: {problem}", file=sys.stderr)
        return ExitCode.USAGE
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
    if args.squad:
        print("planc stats: error: --for works on a plan (each athlete's plan); for workout "
              "files use --athlete FILE", file=sys.stderr)
        return ExitCode.USAGE
    return run_workouts(args, paths)


def run_plan(args: argparse.Namespace, path: str) -> int:
    """``planc stats PLAN [--week …] [--from D --to D] [--json] [--ctl X --atl Y]``."""
    from planc.plan.load import read_plan
    from planc.plan.stats import format_stats_table, plan_report
    from planc.plan.weeks import SelectionError

    if args.squad:
        return run_squad(args, path)
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


def run_squad(args: argparse.Namespace, path: str) -> int:
    """``planc stats PLAN --for WHO``: each athlete's weeks, side by side."""
    from planc.plan.load import read_plan
    from planc.plan.stats import format_squad_table, plan_report
    from planc.plan.weeks import SelectionError

    result = read_plan(path, need_plan=True)
    sources = dict(result.sources)
    if result.diagnostics:
        report(result.diagnostics, sources)
    if not result.ok or result.plan is None:
        return ExitCode.DIAGNOSTICS
    try:
        _, plans = squad_plans(args, path, result.plan, sources, result.diagnostics)
        reports = []
        for mp in plans:
            plan = mp.result.plan
            selection = selection_from_args(args, plan)
            found = plan_report(plan, selection, None, args.ctl, args.atl)
            found["id"] = mp.member.id
            reports.append(found)
    except CommandFailed as exc:
        return exc.exit("stats")
    except SelectionError as exc:
        print(f"planc stats: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    plan = result.plan
    if args.json:
        print(json.dumps({"plan": {"id": plan.id, "name": plan.name}, "athletes": reports},
                         indent=2, sort_keys=True))
    else:
        sys.stdout.write(format_squad_table(plan.name, plan.id, reports))
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
        except BadEncoding as exc:
            sources[exc.source.path] = exc.source.text
            diags.append(exc.diagnostic)
            failed = True
            continue
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
    sys.stdout.write(workouts_table(rows))
    return ExitCode.OK


UNKNOWN = "?"  # a figure that needs a threshold the athlete does not have


def _figure(row: dict, key: str, unknown_key: str, spec: str, scale: float = 1.0) -> str:
    """A table cell: the value, '?' when it is unknown, '-' when there is none."""
    value = row[key]
    if value is None:
        return UNKNOWN if row.get(unknown_key) else "-"
    return format(value / scale, spec)


def _unknown_note(row: dict) -> str | None:
    """'ride.workout: 2 steps' time, 1 step's load need a threshold pace (--threshold-pace)'."""
    parts = []
    for key, what in (("unknown_duration_steps", "time"), ("unknown_distance_steps",
                                                           "distance"),
                      ("unknown_load_steps", "load")):
        n = row.get(key) or 0
        if n:
            parts.append(f"{n} step{'s' * (n != 1)}' {what}" if n != 1 else f"1 step's {what}")
    if not parts:
        return None
    needs = " and ".join(row.get("missing") or ["a threshold"])
    verb = "needs" if len(parts) == 1 else "need"
    return f"{row['name'] or row['path']}: {', '.join(parts)} {verb} {needs}"


def workouts_table(rows: list[dict]) -> str:
    """One line per workout; unknown figures are '?' (never a partial sum), explained
    below the table; totals of known figures are marked '+' when some are unknown."""
    header = f"{'workout':<32} {'sport':<14} {'time':>8} {'dist km':>8} {'IF':>5} {'load':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        name = (r["name"] or r["path"])[:32]
        time = UNKNOWN if r["duration_s"] is None else _hms(r["duration_s"])
        lines.append(f"{name:<32} {r['sport']:<14} {time:>8} "
                     f"{_figure(r, 'distance_m', 'unknown_distance_steps', '.2f', 1000):>8} "
                     f"{_figure(r, 'intensity', 'unknown_load_steps', '.2f'):>5} "
                     f"{_figure(r, 'load', 'unknown_load_steps', '.0f'):>6}")
    if len(rows) > 1:
        partial_time = any(r["duration_s"] is None for r in rows)
        partial_load = any(r["load"] is None and r.get("unknown_load_steps") for r in rows)
        total = _hms(sum(r["duration_s"] or 0 for r in rows)) + ("+" if partial_time else "")
        load = f"{sum(r['load'] or 0 for r in rows):.0f}" + ("+" if partial_load else "")
        lines += ["-" * len(header), f"{'total':<32} {'':<14} {total:>8} {'':>8} {'':>5} "
                  f"{load:>6}"]
    notes = [n for n in map(_unknown_note, rows) if n]
    if notes:
        lines.append(f"{UNKNOWN} unknown (give the threshold with the flag or --athlete"
                     + (", '+' totals count the known figures only" if len(rows) > 1 else "")
                     + "):")
        lines += [f"  {n}" for n in notes]
    return "\n".join(lines) + "\n"

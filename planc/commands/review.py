"""Review a plan against what the athlete did on intervals.icu.

    planc review PLAN [--week N|N-M|YYYY-Www]… [--from DATE] [--to DATE] [--today DATE]
                      [--for NAME[,NAME…]|tag:TAG|all] [--roster FILE] [--json]

For each planned session in the dates (default: the plan's weeks up to the end
of this week), the activity that was done for it: the one intervals.icu paired
with the event planc published, else one of the same sport on the same day (or
the next day / the day before: moved), said so.  Per session: planned and done
time, distance and load, compliance (100 x done / planned load, else time, else
distance) and a status: done, partial (under 80 %), missed, moved, planned (not
yet due); activities in no session are listed as extra.  Then per week and
sport the planned and done totals, and actual CTL/ATL/TSB from intervals.icu's
wellness beside the plan's projection and the plan re-projected from them.

--json prints the review (README "Reviewing a plan" documents its versioned
shape); with --for, {"version", "plan", "athletes": [{"athlete", "id",
"review"} | {"athlete", "id", "error"}]}; as a table, one section per athlete
and a summary table (sessions by status, extra activities, load done against
load due, latest CTL).  Three GETs per athlete; nothing is written.  With --for, an athlete whose data cannot be read is reported and the
others still appear.

Exit status: 0 reviewed, 1 the plan has errors, 2 bad command line or missing
key, 3 intervals.icu unreachable or refused a request (for any athlete).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from planc.commands import ExitCode


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import (
        _date_arg,
        add_connection_arguments,
        add_for_arguments,
        add_week_arguments,
    )

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    add_week_arguments(p)
    p.add_argument("--today", type=_date_arg, metavar="DATE",
                   help="review as of this date: sessions before it without an activity are "
                   "missed (default: the athlete's today)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_for_arguments(p)
    add_connection_arguments(p)


def _fail(message: str, code: int) -> int:
    print(f"planc review: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from planc.commands._common import plan_path_problem, report, roster_without_for
    from planc.plan.load import read_plan

    if (problem := roster_without_for(args) or plan_path_problem(args.plan)) is not None:
        return _fail(problem, ExitCode.USAGE)
    result = read_plan(args.plan, need_plan=True)
    sources = dict(result.sources)
    if result.diagnostics:
        report(result.diagnostics, sources)
    if not result.ok or result.plan is None:
        return ExitCode.DIAGNOSTICS
    if result.plan.roster and not args.squad:
        return _fail(f"{args.plan} has a roster ({result.plan.roster}): say whose plans "
                     "with --for NAME[,NAME…], --for tag:TAG or --for all", ExitCode.USAGE)
    if args.squad:
        return _run_squad(args, result, sources)
    return _run_one(args, result.plan)


def _run_one(args: argparse.Namespace, plan) -> int:
    from planc.commands._common import client_from_args, selection_from_args
    from planc.plan.weeks import SelectionError
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError
    from planc.publish.review import review_online
    from planc.publish.review_table import format_review

    try:
        selection = selection_from_args(args, plan)
        client = client_from_args(args)
    except SelectionError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    with client:
        try:
            found = review_online(client, plan, selection, args.today or dt.date.today())
        except ServiceError as exc:
            return _fail(str(exc), ExitCode.SERVICE)
    if args.json:
        print(json.dumps(found, indent=2, sort_keys=True))
    else:
        sys.stdout.write(format_review(found))
    return ExitCode.OK


def _run_squad(args: argparse.Namespace, result, sources: dict[str, str]) -> int:
    """``--for``: one section per athlete; a failing athlete is reported, not fatal."""
    from planc.commands._common import (
        CommandFailed,
        client_from_args,
        selection_from_args,
        squad_plans,
        today_in,
    )
    from planc.plan.weeks import SelectionError
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError
    from planc.publish.review import review_online

    try:
        roster, plans = squad_plans(args, args.plan, result.plan, sources, result.diagnostics)
        selections = [selection_from_args(args, mp.result.plan) for mp in plans]
        client = client_from_args(args)
    except CommandFailed as exc:
        return exc.exit("review")
    except SelectionError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    entries: list[dict[str, Any]] = []
    with client:
        for mp, selection in zip(plans, selections, strict=True):
            member = mp.member
            entry: dict[str, Any] = {"athlete": member.name, "id": member.id}
            today = args.today or today_in(member.timezone or roster.timezone)
            try:
                if member.id is None:
                    raise ServiceError("no intervals.icu id in the roster")
                entry["review"] = review_online(client.for_athlete(member.id),
                                              mp.result.plan, selection, today)
            except ServiceError as exc:
                entry["error"] = str(exc)
                print(f"planc review: error: {member.label}: {exc}", file=sys.stderr)
            entries.append(entry)
    _print_squad(args, result.plan, entries)
    return ExitCode.SERVICE if any("error" in e for e in entries) else ExitCode.OK


def _print_squad(args: argparse.Namespace, plan, entries: list[dict[str, Any]]) -> None:
    from planc.publish.review import REVIEW_VERSION
    from planc.publish.review_table import format_review, format_squad_summary

    if args.json:
        print(json.dumps({"version": REVIEW_VERSION, "plan": {"id": plan.id, "name": plan.name},
                          "athletes": entries}, indent=2, sort_keys=True))
        return
    for e in entries:
        label = f"{e['athlete']} ({e['id']})" if e["id"] else e["athlete"]
        print(f"\n== {label} ==")
        if "error" in e:
            print(f"not reviewed: {e['error']}")
        else:
            sys.stdout.write(format_review(e["review"], e["athlete"]))
    print()
    sys.stdout.write(format_squad_summary(entries))
    failed = [e["athlete"] for e in entries if "error" in e]
    if failed:
        print(f"\n{len(failed)} of {len(entries)} athletes not reviewed: {', '.join(failed)}")

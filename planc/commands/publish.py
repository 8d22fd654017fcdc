"""Publish plan sessions to an intervals.icu calendar, idempotently.

    planc publish PLAN [--week N|N-M|YYYY-Www]… [--from DATE] [--to DATE]
                       [--dry-run] [--prune] [--yes] [--base-url URL] [--verbose]

Reads the calendar over the selected dates (default: the whole plan), prints
a plan of action — one line per event: create, update (with the fields that
change), unchanged, and with --prune delete — then writes it with one bulk
upsert per 50 events.  Unchanged events are not sent.  Every event carries the
external id planc:<plan id>:<date>:<slot>, so publishing again updates in place
and an interrupted run is fixed by running it again.  Events created by hand or
by other tools are never touched; --prune deletes only this plan's events that
the plan no longer has in the selected dates.

After writing, every returned event is checked: its external id came back and
intervals.icu parsed the workout into the steps and duration planc compiled.

Asks for confirmation on a terminal; elsewhere pass --yes (or --dry-run).
The API key comes from INTERVALS_ICU_API_KEY (or ~/.config/planc/config.toml);
INTERVALS_ICU_ATHLETE_ID defaults to 0, the key's own athlete.

Exit status: 0 published (or nothing to do), 1 the plan has errors or
intervals.icu stored something other than what planc sent, 2 bad command line
or missing key, 3 intervals.icu unreachable or refused the request.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import add_connection_arguments, add_week_arguments

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    add_week_arguments(p)
    g = p.add_argument_group("what to do")
    g.add_argument("-n", "--dry-run", action="store_true",
                   help="print the plan of action and stop (reads the calendar, writes nothing)")
    g.add_argument("--prune", action="store_true",
                   help="also delete this plan's events in the selected dates that the plan "
                   "no longer has (never events made by hand or by other tools)")
    g.add_argument("-y", "--yes", action="store_true",
                   help="do not ask for confirmation (needed when not on a terminal)")
    add_connection_arguments(p)


def _fail(message: str, code: int) -> int:
    print(f"planc publish: error: {message}", file=sys.stderr)
    return code


def _confirm(count: int) -> bool:
    print(f"Apply these {count} change{'s' * (count != 1)} to intervals.icu? [y/N] ",
          end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _sport_change_message(n: int) -> str:
    return (f"{n} update{'s' * (n != 1)} would change an event's sport (SPORT CHANGES above); "
            "intervals.icu may have paired a done activity with "
            f"{'those events' if n != 1 else 'that event'}: pass --yes to re-type "
            f"{'them' if n != 1 else 'it'}, or give the session a new 'key:' to publish it "
            "as a new event")


def run(args: argparse.Namespace) -> int:

    from planc.commands._common import client_from_args, report, selection_from_args
    from planc.plan.load import read_plan
    from planc.plan.weeks import SelectionError
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError, describe
    from planc.publish.events import build_events
    from planc.publish.publisher import PartialPublish, apply, read_calendar, window

    interactive = sys.stdin.isatty()
    if not (args.yes or args.dry_run or interactive):
        return _fail("standard input is not a terminal, so planc cannot ask before writing "
                     "to intervals.icu: pass --yes to publish, or --dry-run to see the plan "
                     "of action", 2)
    from planc.commands._common import plan_path_problem

    if (problem := plan_path_problem(args.plan)) is not None:
        return _fail(problem, 2)
    result = read_plan(args.plan, need_plan=True)
    sources = dict(result.sources)
    if not result.ok or result.plan is None:
        report(result.diagnostics, sources)
        return 1
    plan = result.plan
    try:
        selection = selection_from_args(args, plan)
    except SelectionError as exc:
        return _fail(str(exc), 2)
    events = build_events(selection.sessions(plan.sessions))
    if report(result.diagnostics + events.diagnostics, sources):
        return 1
    try:
        client = client_from_args(args)
    except ConnectError as exc:
        return _fail(str(exc), 2)
    with client:
        oldest, newest = window(plan, selection)
        try:
            changes = read_calendar(client, plan, selection, events, args.prune)
        except ServiceError as exc:
            return _fail(str(exc), 3)
        print(f"plan of action for {plan.id}, {oldest} to {newest}, on {describe(client)}:")
        for action in changes.actions:
            print(action.line())
        print(changes.summary(args.prune))
        if changes.stale:
            n = len(changes.stale)
            print(f"{n} event{'s' * (n != 1)} of this plan in these dates "
                  f"{'are' if n != 1 else 'is'} no longer in it; --prune deletes "
                  f"{'them' if n != 1 else 'it'}")
        if args.dry_run:
            print("dry run: nothing was written")
            return 0
        if changes.nothing_to_do:
            print("nothing to publish: the calendar is up to date")
            return 0
        if changes.sport_changes and not args.yes:
            return _fail(_sport_change_message(len(changes.sport_changes)), 2)
        count = changes.count
        if not args.yes and not _confirm(count):
            print("not published", file=sys.stderr)
            return 0
        try:
            outcome = apply(client, changes, plan, selection)
        except PartialPublish as exc:
            if not exc.written:
                return _fail(str(exc.cause), 3)
            return _fail(f"{exc.cause}\n{exc.written} of {exc.total} created/updated events "
                         "were saved before the failure; running the same command again is "
                         "safe and finishes the job", 3)
    print(f"published to intervals.icu: {outcome.summary()}")
    if report(outcome.problems, sources):
        return 1
    return 0

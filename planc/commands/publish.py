"""Publish plan sessions to an intervals.icu calendar, idempotently.

    planc publish PLAN [--week N|N-M|YYYY-Www]… [--from DATE] [--to DATE]
                       [--for NAME[,NAME…]|tag:TAG|all] [--roster FILE]
                       [--targets] [--dry-run] [--prune] [--yes] [--base-url URL] [--verbose]
    planc publish PLAN --library | --as-plan …   (planc.commands.publish_library)

Reads the calendar over the selected dates (default: the whole plan), prints
a plan of action — one line per event: create, update (with the fields that
change), unchanged, adopt (an event of an older planc id taken over in place),
and with --prune delete — then writes it with one bulk upsert per 50 events.
Unchanged events are not sent.  Every event carries the external id
planc:<plan id>:<date>:<session key>, so publishing again updates in place and
an interrupted run is fixed by running it again.  Events created by hand or by
other tools are never touched; --prune deletes only this plan's events that
the plan no longer has in the selected dates.  An update that would change an
event's sport needs --yes, even on a terminal.

With --for, the plan goes to each chosen athlete of the roster (the plan's
'roster:' or --roster): their own thresholds, start date, days and parameters,
to their own calendar (the roster's id), with the coach's API key.  External
ids carry the athlete (planc:<plan>:<athlete>:…), and a calendar that holds
another athlete's planc events is refused.  One plan of action per athlete; an
athlete that fails (403, 5xx after retries) does not stop the others; a summary
table ends the run.

With --targets, each selected week also gets one TARGET event per sport with
the load, time and distance planc computes for it (planc.publish.targets).

After writing, every returned event is checked: its external id came back and
intervals.icu parsed the workout into the steps and duration planc compiled.

Asks for confirmation on a terminal; elsewhere pass --yes (or --dry-run).
The API key comes from INTERVALS_ICU_API_KEY (or ~/.config/planc/config.toml);
INTERVALS_ICU_ATHLETE_ID defaults to 0, the key's own athlete (--for uses the
roster's ids instead).

Exit status: 0 published (or nothing to do), 1 the plan has errors, a calendar
was refused, you answered no at the prompt, or intervals.icu stored something
other than what planc sent, 2 bad
command line or missing key, 3 intervals.icu unreachable or refused a request
(for any athlete).  With --dry-run --detailed-exitcode: 0 the calendar is up
to date, 2 changes are pending, 1 any error.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

from planc.commands import ExitCode


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import (
        add_connection_arguments,
        add_for_arguments,
        add_week_arguments,
    )
    from planc.commands.publish_library import add_library_arguments

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    add_week_arguments(p)
    g = p.add_argument_group("what to do")
    g.add_argument("-n", "--dry-run", action="store_true",
                   help="print the plan of action and stop (reads the calendar, writes nothing)")
    g.add_argument("--prune", action="store_true",
                   help="also delete this plan's events in the selected dates that the plan "
                   "no longer has (never events made by hand or by other tools)")
    g.add_argument("--detailed-exitcode", action="store_true",
                   help="with --dry-run: exit 0 when the calendar is up to date, 2 when "
                   "changes are pending, 1 on any error (for scripts and CI)")
    g.add_argument("--json", action="store_true",
                   help="print the plan of action and the outcome as one JSON document on "
                   "standard output (README, 'Machine-readable output')")
    g.add_argument("-y", "--yes", action="store_true",
                   help="do not ask for confirmation (needed when not on a terminal, and for "
                   "updates that change an event's sport)")
    g.add_argument("--targets", action="store_true",
                   help="also publish each week's TARGET events, one per sport: the load, "
                   "time and distance planc computes for that week")
    add_library_arguments(p)
    add_for_arguments(p)
    add_connection_arguments(p)


def _fail(message: str, code: int) -> int:
    print(f"planc publish: error: {message}", file=sys.stderr)
    return code


def _sport_change_message(n: int) -> str:
    return (f"{n} update{'s' * (n != 1)} would change an event's sport (SPORT CHANGES above); "
            "intervals.icu may have paired a done activity with "
            f"{'those events' if n != 1 else 'that event'}: pass --yes to re-type "
            f"{'them' if n != 1 else 'it'}, or give the session a new 'key:' to publish it "
            "as a new event")


@dataclass
class _Target:
    """One calendar to publish to: a plan (the plan as written, or one athlete's)."""

    plan: Any  # planc.plan.model.Plan
    selection: Any
    events: Any  # planc.publish.events.Events
    member: Any = None  # planc.plan.roster.Member in coach mode
    client: Any = None
    changes: Any = None
    result: str = ""  # the summary table's words
    failed: bool = False  # intervals.icu failed (exit 3)
    problems: list = field(default_factory=list)  # refused calendar, verification (exit 1)

    @property
    def name(self) -> str:
        return self.member.name if self.member is not None else self.plan.id


def run(args: argparse.Namespace) -> int:
    from planc.commands import detailed

    if args.detailed_exitcode and not args.dry_run:
        _fail("--detailed-exitcode goes with --dry-run (it says whether changes are pending)",
              ExitCode.USAGE)
        return detailed(ExitCode.USAGE, False)
    args.pending, args.calendars = False, []  # set by _decide and _run (not --targets)
    code = _json_run(args) if args.json else _run(args)
    return detailed(code, args.pending) if args.detailed_exitcode else code


def _json_run(args: argparse.Namespace) -> int:
    """--json: the human plan of action goes to standard error, the document to stdout."""
    import contextlib

    from planc.commands.output import action_json, diagnostics_json, gathered, print_json

    stdout = sys.stdout
    with gathered() as found, contextlib.redirect_stdout(sys.stderr):
        code = _run(args)
    calendars = [{"plan": t.plan.id, "athlete": t.member.name if t.member else None,
                  "calendar": t.client.athlete_id if t.client else None,
                  "result": t.result or None,
                  "actions": [action_json(a) for a in (t.changes.actions if t.changes else [])],
                  "stale": len(t.changes.stale) if t.changes else 0}
                 for t in args.calendars]
    print_json({"exit_code": int(code), "dry_run": args.dry_run, "calendars": calendars,
                **diagnostics_json(found)}, stdout)
    return code


def _run(args: argparse.Namespace) -> int:
    from planc.commands._common import (
        CommandFailed,
        plan_path_problem,
        report,
        roster_without_for,
    )
    from planc.commands.publish_library import library_usage_problem, publish_library
    from planc.plan.load import read_plan

    if (problem := roster_without_for(args)) is not None \
            and not (args.apply_to or args.share_with):  # they say whose, like --for
        return _fail(problem, ExitCode.USAGE)
    interactive = sys.stdin.isatty()
    if not (args.yes or args.dry_run or interactive):
        return _fail("standard input is not a terminal, so planc cannot ask before writing "
                     "to intervals.icu: pass --yes to publish, or --dry-run to see the plan "
                     "of action", ExitCode.USAGE)
    if (problem := plan_path_problem(args.plan)) is not None:
        return _fail(problem, ExitCode.USAGE)
    if (problem := library_usage_problem(args)) is not None:
        return _fail(problem, ExitCode.USAGE)
    result = read_plan(args.plan, need_plan=True)
    sources = dict(result.sources)
    if not result.ok or result.plan is None:
        report(result.diagnostics, sources)
        return ExitCode.DIAGNOSTICS
    if args.library or args.as_plan:
        return publish_library(args, result, sources)
    if result.plan.roster and not args.squad:
        return _fail(f"{args.plan} has a roster ({result.plan.roster}): say whose calendars "
                     "with --for NAME[,NAME…], --for tag:TAG or --for all", ExitCode.USAGE)
    try:
        targets = _targets(args, result, sources)
    except CommandFailed as exc:
        return exc.exit("publish")
    args.calendars = targets
    return _publish(args, targets, sources, coach=bool(args.squad))


def _targets(args: argparse.Namespace, result, sources: dict[str, str]) -> list[_Target]:
    """The calendars to write, each with its plan, selection and events (diagnostics
    printed; CommandFailed on errors)."""
    from planc.commands._common import CommandFailed, report, selection_from_args, squad_plans
    from planc.commands.publish_library import no_id
    from planc.plan.weeks import SelectionError
    from planc.publish.events import build_events
    from planc.publish.targets import add_targets

    if args.squad:
        _, plans = squad_plans(args, args.plan, result.plan, sources, result.diagnostics)
        chosen = [(mp.result.plan, mp.member) for mp in plans]
        missing = [no_id(m) for _, m in chosen if m.id is None]
        if missing:
            report(missing, sources)
            raise CommandFailed(ExitCode.DIAGNOSTICS)
    else:
        chosen = [(result.plan, None)]
    targets = []
    diags = list(result.diagnostics)
    for plan, member in chosen:
        try:
            selection = selection_from_args(args, plan)
        except SelectionError as exc:
            raise CommandFailed(ExitCode.USAGE, str(exc)) from None
        events = build_events(selection.sessions(plan.sessions))
        if args.targets:
            add_targets(events, plan, selection)
        diags.extend(events.diagnostics)
        targets.append(_Target(plan, selection, events, member))
    if report(diags, sources):
        raise CommandFailed(ExitCode.DIAGNOSTICS)
    return targets


def _publish(args: argparse.Namespace, targets: list[_Target], sources: dict[str, str],
             coach: bool) -> int:
    """Read every calendar, show the plans of action, ask, write, summarise."""
    from planc.commands._common import client_from_args
    from planc.publish.connect import ConnectError

    try:
        client = client_from_args(args)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    with client:
        for t in targets:
            t.client = client.for_athlete(t.member.id) if coach else client
            _read(t, args, sources, coach)
            if t.failed and not coach:
                return ExitCode.SERVICE
        ready = [t for t in targets if t.changes is not None and not t.problems]
        code = _decide(args, ready, coach)
        if code is None:
            for t in ready:
                if not t.changes.nothing_to_do:
                    _write(t, sources, coach)
                    if t.failed and not coach:
                        return ExitCode.SERVICE
        elif not coach or code != ExitCode.OK:
            return code
    if coach:
        _summary(targets, dry_run=args.dry_run)
    if any(t.failed for t in targets):
        return ExitCode.SERVICE
    return ExitCode.DIAGNOSTICS if any(t.problems for t in targets) else ExitCode.OK


def _read(t: _Target, args: argparse.Namespace, sources: dict[str, str], coach: bool) -> None:
    """GET the window, work out the plan of action and print it (one section)."""
    from planc.commands._common import report
    from planc.commands.output import change_lines
    from planc.publish.client import ServiceError
    from planc.publish.connect import describe
    from planc.publish.publisher import doubled_warning, read_calendar, window, wrong_calendar

    oldest, newest = window(t.plan, t.selection)
    if coach:
        print(f"\n== {t.member.label} ==", flush=True)
    try:
        t.changes = read_calendar(t.client, t.plan, t.selection, t.events, args.prune)
    except ServiceError as exc:
        t.failed, t.result = True, f"FAILED: {exc}"
        _fail(f"{t.member.label}: {exc}" if coach else str(exc), ExitCode.SERVICE)
        return
    print(f"plan of action for {t.plan.id}, {oldest} to {newest}, on {describe(t.client)}:",
          flush=True)
    refused = wrong_calendar(t.changes, t.plan, t.client.athlete_id,
                             t.member.path if t.member else t.plan.path,
                             t.member.id_span if t.member else None)
    if refused is not None:
        t.problems.append(refused)
        t.result = "refused: " + refused.message.split(" (e.g.")[0]
        sys.stdout.flush()
        report([refused], sources)
        return
    for action in t.changes.actions:
        print(action.line())
        if action.fields and action.existing is not None:
            for line in change_lines(action):
                print(line)
    print(t.changes.summary(args.prune))
    doubled = doubled_warning(t.changes, t.plan, t.member.path if t.member else t.plan.path)
    if doubled is not None:
        sys.stdout.flush()
        report([doubled], sources)
    if t.changes.stale:
        n = len(t.changes.stale)
        print(f"{n} event{'s' * (n != 1)} of this plan in these dates "
              f"{'are' if n != 1 else 'is'} no longer in it; --prune deletes "
              f"{'them' if n != 1 else 'it'}")
    t.result = "up to date" if t.changes.nothing_to_do else t.changes.summary(args.prune)


def _decide(args: argparse.Namespace, ready: list[_Target], coach: bool) -> int | None:
    """None: go ahead and write; else the exit code to stop with (after printing why)."""
    from planc.commands.publish_library import confirm

    count = sum(t.changes.count for t in ready)
    if args.dry_run:
        args.pending = count > 0
        print("dry run: nothing was written")
        return ExitCode.OK
    if count == 0:
        print("nothing to publish: the calendar" + ("s are" if coach else " is") + " up to date")
        return ExitCode.OK
    changes = sum(len(t.changes.sport_changes) for t in ready)
    if changes and not args.yes:
        return _fail(_sport_change_message(changes), ExitCode.USAGE)
    calendars = sum(1 for t in ready if not t.changes.nothing_to_do)
    if not args.yes and not confirm(count, calendars):
        print("not published: nothing was written", file=sys.stderr)
        return ExitCode.DIAGNOSTICS
    return None


def _write(t: _Target, sources: dict[str, str], coach: bool) -> None:
    """Apply one calendar's plan of action and say how it went."""
    from planc.commands._common import report
    from planc.publish.publisher import PartialPublish, apply

    who = f"{t.member.label}: " if coach else ""
    try:
        outcome = apply(t.client, t.changes, t.plan, t.selection)
    except PartialPublish as exc:
        t.failed = True
        if not exc.written:
            t.result = f"FAILED: {exc.cause}"
            _fail(f"{who}{exc.cause}", ExitCode.SERVICE)
            return
        t.result = f"FAILED after {exc.written} of {exc.total} events: {exc.cause}"
        _fail(f"{who}{exc.cause}\n{exc.written} of {exc.total} created/updated events "
              "were saved before the failure; running the same command again is "
              "safe and finishes the job", ExitCode.SERVICE)
        return
    print(f"{who}published to intervals.icu: {outcome.summary()}", flush=True)
    t.result = f"published: {outcome.summary()}"
    if outcome.problems:
        t.problems.extend(outcome.problems)
        t.result += f" ({len(outcome.problems)} problem{'s' * (len(outcome.problems) != 1)})"
        report(outcome.problems, sources)


def _summary(targets: list[_Target], dry_run: bool) -> None:
    """One row per athlete: where, and what happened (or would, on a dry run)."""
    width = max(len("athlete"), *(len(t.name) for t in targets))
    print(f"\n{'athlete':<{width}}  {'calendar':<10}  {'would do' if dry_run else 'result'}")
    for t in targets:
        calendar = t.member.id if t.member is not None else "-"
        print(f"{t.name:<{width}}  {calendar:<10}  {t.result}")
    failed = [t.name for t in targets if t.failed or t.problems]
    if failed:
        print(f"{len(failed)} of {len(targets)} athletes not published: {', '.join(failed)}; "
              "running the same command again is safe")

"""``planc publish PLAN --library | --as-plan``: the plan in intervals.icu's workout library.

    planc publish PLAN --library [--folder NAME] [--dry-run] [--prune] [--yes]
    planc publish PLAN --as-plan [--folder NAME] [--apply-to WHO] [--share-with WHO] …

``--library`` writes each distinct workout of the plan into a workout folder;
``--as-plan`` writes the whole plan as an intervals.icu training plan (every
session at its day, notes and races included).  ``--apply-to`` then puts the
training plan on roster athletes' calendars from each one's start date
(intervals.icu's apply-plan), ``--share-with`` shares the folder with them.
The plan of action, ``--dry-run``, ``--prune`` and confirmation are those of
calendar publishing (see :mod:`planc.publish.library` for how planc knows what
it owns).  Applying is done once per athlete and plan: an athlete whose
calendar already holds workouts applied from this training plan is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass

from planc.commands import ExitCode

IDENTITY = (0, 1, 2, 3, 4, 5, 6)  # a roster entry that moves no weekday


def add_library_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("the workout library (README 'Workout library and training plans')")
    shape = g.add_mutually_exclusive_group()
    shape.add_argument("--library", action="store_true",
                       help="publish the plan's workouts (each distinct one once) as a "
                       "workout folder instead of calendar events")
    shape.add_argument("--as-plan", action="store_true",
                       help="publish the plan as an intervals.icu training plan: every session "
                       "a workout at its day from the plan's start, notes and races included")
    g.add_argument("--folder", metavar="NAME",
                   help="the folder's or training plan's name (default: the plan's name)")
    g.add_argument("--apply-to", metavar="WHO",
                   help="with --as-plan: apply the training plan to these roster athletes' "
                   "calendars (NAME[,NAME…], tag:TAG or all) from each one's start date")
    g.add_argument("--share-with", metavar="WHO",
                   help="with --library or --as-plan: share the folder with these roster "
                   "athletes (NAME[,NAME…], tag:TAG or all)")


def library_usage_problem(args: argparse.Namespace) -> str | None:
    """Flag combinations that make no sense, as one sentence (None: fine)."""
    shelf = args.library or args.as_plan
    if not shelf:
        for flag, value in (("--folder", args.folder), ("--apply-to", args.apply_to),
                            ("--share-with", args.share_with)):
            if value:
                return f"{flag} goes with --library or --as-plan"
        return None
    if args.apply_to and not args.as_plan:
        return "--apply-to applies a training plan: use it with --as-plan"
    if args.squad:
        return ("--library and --as-plan publish the plan as written; name the athletes "
                "with --apply-to or --share-with instead of --for")
    if args.targets:
        return "--targets are calendar events: publish them without --library/--as-plan"
    if args.week or args.date_from or args.date_to:
        return "--library and --as-plan publish the whole plan: leave out --week, --from, --to"
    return None


@dataclass
class _Apply:
    """One athlete to put the training plan on (``skip``: why not)."""

    member: object  # planc.plan.roster.Member
    start: dt.date
    skip: str | None = None

    @property
    def note(self) -> str | None:
        """What of the roster entry a training plan cannot carry."""
        lost = [what for what, there in (("moved days", self.member.moves != IDENTITY),
                                         ("params", bool(self.member.params))) if there]
        if not lost:
            return None
        return (f"the plan as written: {' and '.join(lost)} of the roster need "
                "'planc publish --for'")

    def line(self) -> str:
        change = "unchanged" if self.skip else "apply"
        text = f"  {change:<9}  {self.start.isoformat()}        {self.member.label}"
        notes = [n for n in (self.skip, self.note) if n]
        return text + (f"  ({'; '.join(notes)})" if notes else "")


def confirm(count: int, calendars: int) -> bool:
    where = f" in {calendars} calendars" if calendars > 1 else ""
    print(f"Apply these {count} change{'s' * (count != 1)}{where} to intervals.icu? [y/N] ",
          end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def no_id(member):
    from planc.diagnostics import error

    return error("publish-no-id", f"{member.name} has no intervals.icu id in the roster, so "
                 "planc does not know their calendar", member.span, path=member.path,
                 hint=f"add 'id: i12345' (the athlete's id) under {member.name}")


def _fail(message: str, code: int) -> int:
    print(f"planc publish: error: {message}", file=sys.stderr)
    return code


def publish_library(args: argparse.Namespace, result, sources: dict[str, str]) -> int:
    """Build, read, show, ask, write; then apply and share."""
    from planc.commands._common import CommandFailed, client_from_args, report
    from planc.publish.connect import ConnectError
    from planc.publish.library import FOLDER, PLAN, build_shelf

    shelf = build_shelf(result.plan, PLAN if args.as_plan else FOLDER, args.folder)
    if report([*result.diagnostics, *shelf.diagnostics], sources):
        return ExitCode.DIAGNOSTICS
    try:
        applies = _members(args, result.plan, sources, args.apply_to)
        shares = _members(args, result.plan, sources, args.share_with)
        client = client_from_args(args)
    except CommandFailed as exc:
        return exc.exit("publish")
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    with client:
        return _run(args, client, shelf, applies, shares, sources)


def _members(args, plan, sources, spec: str | None) -> list:
    """The roster athletes ``spec`` names, each with an intervals.icu id."""
    from planc.commands._common import CommandFailed, report, squad_from_args

    if not spec:
        return []
    _, members = squad_from_args(args, plan.roster, sources, spec)
    missing = [no_id(m) for m in members if m.id is None]
    if missing:
        report(missing, sources)
        raise CommandFailed(ExitCode.DIAGNOSTICS)
    return members


def _run(args, client, shelf, applies, shares, sources) -> int:
    from planc.publish.client import ServiceError
    from planc.publish.library import ForeignFolder, read_library

    try:
        lc = read_library(client, shelf, args.prune)
        pending = _pending_applies(client, lc, applies)
        to_share = _pending_shares(client, lc, shares)
    except ForeignFolder as exc:
        return _fail(str(exc), ExitCode.DIAGNOSTICS)
    except ServiceError as exc:
        return _fail(str(exc), ExitCode.SERVICE)
    _show(lc, pending, to_share, client, args.prune)
    count = lc.count + sum(1 for a in pending if not a.skip) + bool(to_share)
    if args.dry_run:
        print("dry run: nothing was written")
        return ExitCode.OK
    if count == 0:
        print("nothing to publish: intervals.icu is up to date")
        return ExitCode.OK
    if not args.yes and not confirm(count, 1):
        print("not published", file=sys.stderr)
        return ExitCode.OK
    return _write(client, lc, pending, to_share, sources)


def _pending_applies(client, lc, applies: list) -> list[_Apply]:
    """Who gets the plan, from when; an athlete whose calendar already holds workouts
    applied from this training plan is skipped (applying twice would double them)."""
    out = []
    for member in applies:
        start = member.start or lc.shelf.plan.start
        item = _Apply(member, start)
        if lc.folder is not None:
            end = start + dt.timedelta(days=7 * lc.shelf.plan.weeks - 1)
            there = [e for e in client.for_athlete(member.id).list_events(start, end)
                     if e.get("plan_folder_id") == lc.folder["id"]]
            if there:
                item.skip = (f"already applied: {len(there)} workouts of this plan on the "
                             "calendar; intervals.icu's 'apply plan changes' updates them")
        out.append(item)
    return out


def _pending_shares(client, lc, shares: list) -> list:
    """The athletes the folder is not yet shared with."""
    if not shares:
        return []
    have = set()
    if lc.folder is not None:
        have = {str(s.get("id")) for s in client.shared_with(lc.folder["id"])}
    return [m for m in shares if m.id not in have]


def _show(lc, pending: list[_Apply], to_share: list, client, prune: bool) -> None:
    from planc.publish.connect import describe

    what = "a training plan" if lc.shelf.kind == "PLAN" else "a workout folder"
    print(f"plan of action for {lc.shelf.plan.id} as {what}, on {describe(client)}:",
          flush=True)
    print(lc.folder_line())
    for action in lc.actions:
        print(action.line())
    print(lc.summary(prune))
    if lc.stale:
        n = len(lc.stale)
        print(f"{n} workout{'s' * (n != 1)} of this plan in the folder "
              f"{'are' if n != 1 else 'is'} no longer in it; --prune deletes "
              f"{'them' if n != 1 else 'it'}")
    for item in pending:
        print(item.line())
    if to_share:
        print(f"  share      with {', '.join(m.label for m in to_share)}")


def _apply_one(client, lc, item: _Apply) -> None:
    """Apply the plan to one calendar, then count what arrived there (one GET)."""
    calendar = client.for_athlete(item.member.id)
    calendar.apply_plan(lc.folder["id"], item.start)
    end = item.start + dt.timedelta(days=7 * lc.shelf.plan.weeks - 1)
    arrived = sum(1 for e in calendar.list_events(item.start, end)
                  if e.get("plan_folder_id") == lc.folder["id"])
    wanted = len(lc.shelf.planned)
    print(f"applied to {item.member.label} from {item.start.isoformat()}: {arrived} of "
          f"{wanted} workouts on the calendar", flush=True)
    if arrived < wanted:
        print(f"planc publish: warning: intervals.icu put {arrived} of the plan's {wanted} "
              f"workouts on {item.member.label}'s calendar (it may skip days in the past)",
              file=sys.stderr)


def _write(client, lc, pending: list[_Apply], to_share: list, sources) -> int:
    from planc.commands._common import report
    from planc.publish.client import ServiceError
    from planc.publish.library import apply_library
    from planc.publish.publisher import PartialPublish

    what = lc.folder_line().split("(id")[0].split(None, 1)[1].strip()  # before it changes
    try:
        outcome = apply_library(client, lc)
    except PartialPublish as exc:
        return _fail(f"{exc.cause}\n{exc.written} of {exc.total} changes were made before the "
                     "failure; running the same command again is safe and finishes the job",
                     ExitCode.SERVICE)
    print(f"published to intervals.icu: {what}: {outcome.summary()}", flush=True)
    if outcome.problems:
        report(outcome.problems, sources)
    failed = False
    for item in (a for a in pending if not a.skip):
        try:
            _apply_one(client, lc, item)
        except ServiceError as exc:
            failed = True
            _fail(f"{item.member.label}: {exc}", ExitCode.SERVICE)
    if to_share:
        try:
            current = client.shared_with(lc.folder["id"])
            client.share_folder(lc.folder["id"], current + [
                {"id": m.id, "name": m.full_name or m.name} for m in to_share])
            print(f"shared with {', '.join(m.label for m in to_share)}")
        except ServiceError as exc:
            failed = True
            _fail(str(exc), ExitCode.SERVICE)
    if failed:
        return ExitCode.SERVICE
    return ExitCode.DIAGNOSTICS if outcome.problems else ExitCode.OK

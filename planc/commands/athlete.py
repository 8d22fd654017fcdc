"""Athlete thresholds and fitness from intervals.icu.

    planc athlete pull [--sport SPORT]… [-o FILE] [--base-url URL] [--verbose]
    planc athlete pull --for NAME[,NAME…]|tag:TAG|all --roster FILE [-o DIR]

Fetches the athlete's sport settings (FTP, indoor FTP, LTHR, max HR,
threshold pace, zones) and today's fitness (CTL and ATL from the wellness
records) and writes them as the athlete file that --athlete, a plan's
athlete: and a roster's athlete: read: one section per family (ride, run,
swim, other), intervals.icu's field names and units, and fitness: {ctl, atl,
date}, from which a plan's projection starts.  Without -o the file goes to
standard output; with -o it is written atomically, and not rewritten when
nothing changed.  --sport keeps only some families (ride, run, swim, other, or
a sport type such as Run; repeat it or separate with commas).

With --for, each chosen athlete of the roster is pulled with the coach's key
(the roster's ids) into the file the roster names for them (athletes/<name>.yaml
beside the roster for 'pull' or inline thresholds; -o DIR: DIR/<name>.yaml).
"Today" is the athlete's own date (the roster's time zone).  An athlete that
fails does not stop the others; a summary table ends the run.

Exit status: 0 written, 1 no matching sport settings, 2 bad command line or
missing key, 3 intervals.icu unreachable or refused the request (for any athlete).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from planc.commands import ExitCode


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import add_connection_arguments, add_for_arguments

    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    pull = sub.add_parser("pull", help="write intervals.icu sport settings as an athlete file",
                          description=__doc__,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    pull.add_argument("--sport", action="append", metavar="SPORT",
                      help="only these families: ride, run, swim, other, or a sport type "
                      "(Run, VirtualRide, ...); may be repeated")
    pull.add_argument("-o", "--output", metavar="FILE",
                      help="write the athlete file here (default: standard output); with "
                      "--for, a folder for one <name>.yaml each")
    add_for_arguments(pull, roster_required=True)
    add_connection_arguments(pull)


def _fail(message: str, code: int) -> int:
    print(f"planc athlete pull: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.action != "pull":
        print("planc athlete: say what to do: planc athlete pull [-o FILE]", file=sys.stderr)
        return ExitCode.USAGE
    return pull(args)


class _Failed(Exception):
    """One athlete could not be pulled: ``code`` and what the summary says."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _athlete_file(client, families, today: dt.date) -> tuple[str, list[str], str]:
    """(file text, notes, families) for the client's athlete; _Failed if unusable."""
    from planc.publish.client import ServiceError
    from planc.publish.sport_settings import convert, fitness_from_wellness, to_yaml

    try:
        settings = client.sport_settings()
    except ServiceError as exc:
        raise _Failed(ExitCode.SERVICE, str(exc)) from None
    source = f"athlete {client.athlete_id}"
    pulled = convert(settings, families)
    if not pulled.sections:
        wanted = f" for {', '.join(sorted(families))}" if families else ""
        raise _Failed(ExitCode.DIAGNOSTICS,
                      f"intervals.icu has no usable sport settings{wanted} ({source})")
    notes = list(pulled.notes)
    fitness = None
    try:
        fitness = fitness_from_wellness(client.wellness(today - dt.timedelta(days=6), today),
                                        today)
    except ServiceError as exc:
        notes.append(f"no fitness pulled ({exc})")
    if fitness is None:
        notes.append(f"intervals.icu has no CTL/ATL for {today} or the 6 days before: the "
                     "file has no fitness")
    return to_yaml(pulled, source, fitness), notes, ", ".join(pulled.sections)


def _write(text: str, output: str) -> str:
    """Write the file (atomically); the words to say about it."""
    from planc.output.files import write_atomic

    try:
        written = write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        raise _Failed(ExitCode.USAGE, f"cannot write {output}: {exc.strerror or exc}") from None
    return "wrote" if written else "unchanged:"


def pull(args: argparse.Namespace) -> int:
    from planc.commands._common import client_from_args, roster_without_for
    from planc.publish.connect import ConnectError
    from planc.publish.sport_settings import parse_sport_filter

    if (problem := roster_without_for(args)) is not None:
        return _fail(problem, ExitCode.USAGE)
    try:
        families = parse_sport_filter(args.sport)
    except ValueError as exc:
        return _fail(f"--sport: {exc}", ExitCode.USAGE)
    if args.squad:
        return _pull_squad(args, families)
    try:
        client = client_from_args(args)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    with client:
        try:
            text, notes, what = _athlete_file(client, families, dt.date.today())
        except _Failed as exc:
            return _fail(exc.message, exc.code)
    for note in notes:
        print(f"planc athlete pull: warning: {note}", file=sys.stderr)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return ExitCode.OK
    try:
        said = _write(text, args.output)
    except _Failed as exc:
        return _fail(exc.message, exc.code)
    print(f"{said} {args.output} ({what})", file=sys.stderr)
    return ExitCode.OK


def _pull_squad(args: argparse.Namespace, families) -> int:
    """``--for``: one athlete file each, then a summary table."""
    from planc.commands._common import CommandFailed, client_from_args, squad_from_args
    from planc.publish.connect import ConnectError

    sources: dict[str, str] = {}
    try:
        roster, members = squad_from_args(args, None, sources)
    except CommandFailed as exc:
        return exc.exit("athlete pull")
    if args.output and args.output != "-" and Path(args.output).is_file():
        return _fail(f"-o {args.output}: with --for, -o names a folder", ExitCode.USAGE)
    try:
        client = client_from_args(args)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    rows: list[tuple[str, str, str]] = []
    codes: list[int] = []
    with client:
        for member in members:
            code, said = _pull_member(args, client, roster, member, families)
            codes.append(code)
            rows.append((member.name, member.id or "-", said))
    width = max(len("athlete"), *(len(name) for name, _, _ in rows))
    print(f"\n{'athlete':<{width}}  {'calendar':<10}  result", file=sys.stderr)
    for name, calendar, said in rows:
        print(f"{name:<{width}}  {calendar:<10}  {said}", file=sys.stderr)
    if ExitCode.SERVICE in codes:
        return ExitCode.SERVICE
    return max(codes, default=ExitCode.OK)


def _pull_member(args: argparse.Namespace, client, roster, member, families) -> tuple[int, str]:
    """Pull one athlete: (exit code, what the summary says)."""
    from planc.commands._common import today_in

    if member.id is None:
        print(f"planc athlete pull: error: {member.name} has no intervals.icu id in the roster "
              f"({member.path})", file=sys.stderr)
        return ExitCode.DIAGNOSTICS, "no id in the roster"
    target = (str(Path(args.output) / f"{member.name}.yaml") if args.output
              else member.athlete_file
              or str(Path(roster.path).parent / "athletes" / f"{member.name}.yaml"))
    try:
        text, notes, what = _athlete_file(client.for_athlete(member.id), families,
                                          today_in(member.timezone or roster.timezone))
        said = _write(text, target)
    except _Failed as exc:
        print(f"planc athlete pull: error: {member.name}: {exc.message}", file=sys.stderr)
        return exc.code, f"FAILED: {exc.message}"
    for note in notes:
        print(f"planc athlete pull: warning: {member.name}: {note}", file=sys.stderr)
    if member.athlete is not None and member.athlete_file is None and not args.output:
        print(f"planc athlete pull: note: {member.name}'s thresholds are inline in the roster; "
              f"point its athlete: at {target} to use this file", file=sys.stderr)
    return ExitCode.OK, f"{said} {target} ({what})"

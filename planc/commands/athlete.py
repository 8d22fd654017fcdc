"""Athlete thresholds from intervals.icu.

    planc athlete pull [--sport SPORT]… [-o FILE] [--base-url URL] [--verbose]

Fetches the athlete's sport settings (FTP, indoor FTP, LTHR, max HR,
threshold pace, zones) and writes them as the athlete file that --athlete
reads: one section per family (ride, run, swim, other), intervals.icu's field
names and units.  Without -o the file goes to standard output; with -o it is
written atomically, and not rewritten when nothing changed.  --sport keeps
only some families (ride, run, swim, other, or a sport type such as Run;
repeat it or separate with commas).

Exit status: 0 written, 1 no matching sport settings, 2 bad command line or
missing key, 3 intervals.icu unreachable or refused the request.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import add_connection_arguments

    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    pull = sub.add_parser("pull", help="write intervals.icu sport settings as an athlete file",
                          description=__doc__,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    pull.add_argument("--sport", action="append", metavar="SPORT",
                      help="only these families: ride, run, swim, other, or a sport type "
                      "(Run, VirtualRide, ...); may be repeated")
    pull.add_argument("-o", "--output", metavar="FILE",
                      help="write the athlete file here (default: standard output)")
    add_connection_arguments(pull)


def _fail(message: str, code: int) -> int:
    print(f"planc athlete pull: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.action != "pull":
        print("planc athlete: say what to do: planc athlete pull [-o FILE]", file=sys.stderr)
        return 2
    return pull(args)


def pull(args: argparse.Namespace) -> int:
    from planc.commands._common import client_from_args
    from planc.output.files import write_atomic
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError
    from planc.publish.sport_settings import convert, parse_sport_filter, to_yaml

    try:
        families = parse_sport_filter(args.sport)
    except ValueError as exc:
        return _fail(f"--sport: {exc}", 2)
    try:
        client = client_from_args(args)
    except ConnectError as exc:
        return _fail(str(exc), 2)
    with client:
        try:
            settings = client.sport_settings()
        except ServiceError as exc:
            return _fail(str(exc), 3)
        source = f"athlete {client.athlete_id}"
    pulled = convert(settings, families)
    for note in pulled.notes:
        print(f"planc athlete pull: warning: {note}", file=sys.stderr)
    if not pulled.sections:
        wanted = f" for {', '.join(sorted(families))}" if families else ""
        return _fail(f"intervals.icu has no usable sport settings{wanted} ({source})", 1)
    text = to_yaml(pulled, source)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        written = write_atomic(args.output, text.encode("utf-8"))
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}", 2)
    what = ", ".join(pulled.sections)
    print(f"{'wrote' if written else 'unchanged:'} {args.output} ({what})", file=sys.stderr)
    return 0

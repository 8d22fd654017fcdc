"""Check workout files (*.workout), plan files and rosters (*.yaml) and report every mistake.

A plan that names a roster (``roster: squad.yaml``), or one checked with
``--for``, is also checked as each athlete of the roster does it (their
thresholds, start, days and parameters); a roster file on its own is checked
with every athlete's thresholds file.

Exit status: 0 when there is no error (warnings are printed to stderr),
1 when there is at least one error, 2 for a bad command line or unreadable file.
"""

from __future__ import annotations

import argparse
import os
import sys

from planc.commands import ExitCode
from planc.commands._common import (
    BadEncoding,
    CommandFailed,
    InputError,
    add_for_arguments,
    add_no_cache,
    add_sport_arg,
    is_plan,
    read_source,
    report,
    squad_plans,
)
from planc.commands._paths import expand_one


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="workout, plan or roster files, directories, or - for standard input")
    add_sport_arg(p)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when all is well")
    p.add_argument("--json", action="store_true",
                   help="print the diagnostics as one JSON document on standard output "
                   "(README, 'Machine-readable output')")
    add_for_arguments(p)
    add_no_cache(p)


def cacheable(args: argparse.Namespace, code: int) -> bool:
    """Whether the result cache may replay this run (planc.output.results): not standard
    input, not coach mode, and no plan (or roster) with an error: a plan names athlete and
    roster files by path, and a missing one is an error the log of files read cannot see
    (planc.plan.load asks os.path.isfile)."""
    if args.squad or args.roster or "-" in args.paths:
        return False
    return not getattr(args, "_plan_failed", True)


def run(args: argparse.Namespace) -> int:
    if not args.json:
        return _run(args, [])
    from planc.commands.output import diagnostics_json, gathered, print_json

    checked: list[str] = []
    with gathered() as found:
        code = _run(args, checked)
    print_json({**diagnostics_json(found), "files": checked})
    return code


def _run(args: argparse.Namespace, paths: list[str]) -> int:
    """Check every file (``paths`` receives those expanded from the arguments)."""
    from planc.check import read_workout
    from planc.commands.output import say

    diags = []
    sources: dict[str, str] = {}
    unreadable = 0  # files that cannot be read: reported, and the others still checked
    failed = False
    args._listed, args._plan_failed = {}, False  # for cacheable() and the result cache
    for given in args.paths:
        try:
            paths.extend(expand_one(given, args._listed))
        except InputError as exc:
            print(f"planc check: error: {exc}", file=sys.stderr)
            unreadable += 1
    for path in paths:
        if is_plan(path) and not os.path.isfile(path):  # pathlib is not loaded
            print(f"planc check: error: {path}: no such file", file=sys.stderr)
            unreadable += 1
            continue
        if is_plan(path):
            try:
                plan_failed = _check_yaml(args, path, sources)
            except CommandFailed as exc:
                if exc.code != ExitCode.DIAGNOSTICS:
                    return exc.exit("check")
                plan_failed = True
            failed = failed or plan_failed
            args._plan_failed = args._plan_failed or plan_failed  # for cacheable()
            continue
        try:
            src = read_source(path)
        except BadEncoding as exc:
            sources[exc.source.path] = exc.source.text
            diags.append(exc.diagnostic)
            continue
        except InputError as exc:
            print(f"planc check: error: {exc}", file=sys.stderr)
            unreadable += 1
            continue
        sources[src.path] = src.text
        diags.extend(read_workout(src.text, path=src.path, sport=args.sport).diagnostics)
    failed = report(diags, sources, strict=args.strict) or failed
    if unreadable:
        return ExitCode.USAGE
    if not failed and not args.json:
        say(f"ok: {len(paths)} file{'s' * (len(paths) != 1)} checked")
    return ExitCode.DIAGNOSTICS if failed else ExitCode.OK


def _check_yaml(args: argparse.Namespace, path: str, sources: dict[str, str]) -> bool:
    """A plan (and its athletes) or a roster, reported here; True if any error."""
    from planc.plan.load import read_plan
    from planc.plan.rejections import check_findings
    from planc.plan.roster import check_roster, is_roster
    from planc.plan.yamlsrc import parse_yaml

    try:
        tree, _ = parse_yaml(read_source(path).text, path)
    except InputError:
        tree = None
    if is_roster(tree):
        found = check_roster(path)
        sources.update(found.sources)
        return report(found.diagnostics, sources, strict=args.strict)
    result = read_plan(path)
    sources.update(result.sources)
    plan = result.plan
    # what `stats` could not know and what build would stop at, said before they run
    # (a roster's athletes: squad_plans)
    failed = report(check_findings(result), sources, strict=args.strict)
    if plan is None or not (args.squad or plan.roster or args.roster):
        return failed
    squad_plans(args, path, plan, sources, result.diagnostics, strict=args.strict,
                spec=args.squad or "all")
    return failed

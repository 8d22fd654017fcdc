"""Check workout files (*.workout) and plan files (*.yaml) and report every mistake.

Exit status: 0 when there is no error (warnings are printed to stderr),
1 when there is at least one error, 2 for a bad command line or unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planc.commands._common import (
    BadEncoding,
    InputError,
    add_sport_arg,
    expand_paths,
    is_plan,
    read_source,
    report,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="workout or plan files, directories, or - for standard input")
    add_sport_arg(p)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when all is well")


def run(args: argparse.Namespace) -> int:
    from planc.check import read_workout

    diags = []
    sources: dict[str, str] = {}
    unreadable = 0  # files that cannot be read: reported, and the others still checked
    paths: list[str] = []
    for given in args.paths:
        try:
            paths.extend(expand_paths([given]))
        except InputError as exc:
            print(f"planc check: error: {exc}", file=sys.stderr)
            unreadable += 1
    for path in paths:
        if is_plan(path) and not Path(path).is_file():
            print(f"planc check: error: {path}: no such file", file=sys.stderr)
            unreadable += 1
            continue
        if is_plan(path):
            from planc.plan import check_plan

            diags.extend(check_plan(path))
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
    failed = report(diags, sources, strict=args.strict)
    if unreadable:
        return 2
    if not failed and not args.quiet:
        print(f"ok: {len(paths)} file{'s' * (len(paths) != 1)} checked", file=sys.stderr)
    return 1 if failed else 0

"""Lay out workout files and plan YAML the canonical way (meaning unchanged).

    planc fmt [PATH…] [--check] [--diff]

Rewrites each file in place (atomically, keeping its permissions; a file that
is already canonical is not touched).  Comments and the blank lines between
blocks are kept; the workout read back must be the one that was read, or
nothing is written.  A file with errors is left alone and its errors printed.
Directories stand for the workout and plan files below them (as for 'planc
check': files git ignores and planc's output folders are skipped); the default
is the current directory; - formats standard input to standard output.

--check writes nothing and exits 1 when a file would change (for CI);
--diff prints what would change as a unified diff and writes nothing.

Exit status: 0 done (or nothing to change), 1 a file would change (--check) or
has errors, 2 bad command line or unreadable file.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path

from planc.commands import ExitCode
from planc.commands._common import InputError, add_sport_arg, expand_paths, read_source, report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", default=["."],
                   help="workout or plan files, directories (default .), or - for standard "
                   "input")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if any file would be reformatted")
    p.add_argument("--diff", action="store_true",
                   help="write nothing; print a unified diff of what would change")
    add_sport_arg(p)


def _error(message: str) -> None:
    print(f"planc fmt: error: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from planc.fmt import FmtError, format_text

    try:
        paths = expand_paths(args.paths)
    except InputError as exc:
        _error(str(exc))
        return ExitCode.USAGE
    counts = {"changed": 0, "same": 0, "failed": 0, "unreadable": 0}
    for path in paths:
        if path != "-" and os.path.islink(path):
            _error(f"{path} is a symbolic link; planc fmt rewrites files, not links "
                   "(format the file it points to)")
            counts["unreadable"] += 1
            continue
        try:
            src = read_source(path)
        except InputError as exc:
            _error(str(exc))
            counts["unreadable"] += 1
            continue
        kind = "plan.yaml" if path == "-" and _looks_like_yaml(src.text) else src.path
        try:
            done = format_text(src.text, kind if path == "-" else path, sport=args.sport)
        except FmtError as exc:
            _error(str(exc))
            counts["failed"] += 1
            continue
        if done.text is None:
            report([d for d in done.diagnostics if d.is_error], {src.path: src.text})
            counts["failed"] += 1
            continue
        counts[_apply(args, path, src.text, done.text)] += 1
    _summary(args, counts)
    if counts["unreadable"]:
        return ExitCode.USAGE
    if counts["failed"] or (args.check and counts["changed"]):
        return ExitCode.DIAGNOSTICS
    return ExitCode.OK


def _looks_like_yaml(text: str) -> bool:
    from planc.fmt import is_planc_yaml

    return is_planc_yaml(text)


def _apply(args: argparse.Namespace, path: str, old: str, new: str) -> str:
    """Print, diff or write one file's new layout; ``changed`` or ``same``."""
    if path == "-":
        if not (args.check or args.diff):
            sys.stdout.write(new)
        elif args.diff and new != old:
            sys.stdout.writelines(_diff(path, old, new))
        return "same" if new == old else "changed"
    if new == old:
        return "same"
    if args.diff:
        sys.stdout.writelines(_diff(path, old, new))
    elif args.check:
        print(f"would reformat {path}", file=sys.stderr)
    else:
        _write(Path(path), new)
    return "changed"


def _diff(path: str, old: str, new: str) -> list[str]:
    return list(difflib.unified_diff(old.splitlines(keepends=True),
                                     new.splitlines(keepends=True), f"{path}", f"{path}"))


def _write(path: Path, text: str) -> None:
    """Atomically, keeping the file's permission bits (write_atomic would make it 0644)."""
    from planc.output.files import write_atomic

    mode = path.stat().st_mode & 0o7777
    write_atomic(path, text.encode("utf-8"))
    os.chmod(path, mode)


def _summary(args: argparse.Namespace, counts: dict[str, int]) -> None:
    from planc.commands.output import say

    changed, same = counts["changed"], counts["same"]
    verb = "would be reformatted" if (args.check or args.diff) else "reformatted"
    parts = [f"{changed} file{'s' * (changed != 1)} {verb}",
             f"{same} file{'s' * (same != 1)} already formatted"]
    if counts["failed"]:
        parts.append(f"{counts['failed']} with errors left alone")
    say(", ".join(parts))  # -q: the exit status says it

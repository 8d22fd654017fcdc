"""Import .zwo, .mrc, .erg, .fit or intervals.icu workouts as planc workout text.

Each file is read by its content, not its extension, and becomes planc text
with a header (name, sport, description, tags), repeats recovered, and cues.
One file without -o prints to standard output; with -o DIR every file becomes
DIR/<name>.workout (a safe slug of the workout name), written atomically; an
existing file with other content (perhaps your edits) is kept unless --force.
A file that cannot be imported gets one error naming it and what is wrong, and
the command exits 1 (2 when a file cannot be read at all, as for every command);
the other files are still imported, and several files end with a count of how
many were imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planc.commands import ExitCode

IMPORT_SUFFIXES = (".zwo", ".mrc", ".erg", ".fit")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import sport_name, threshold_flag
    from planc.commands.import_icu import add_icu_arguments

    p.add_argument("paths", nargs="*", metavar="FILE",
                   help="workout files (.zwo .mrc .erg .fit or intervals.icu text), "
                   "directories (their .zwo/.mrc/.erg/.fit files), or - for standard input")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="write one .workout file per input into DIR (needed for several files)")
    p.add_argument("--force", action="store_true",
                   help="replace existing .workout files in DIR that differ from the import")
    p.add_argument("--name", help="workout name (replaces the file's own)")
    p.add_argument("--sport", metavar="SPORT", type=sport_name,
                   help="sport (replaces the file's; intervals.icu text has none: default Ride)")
    p.add_argument("--ftp", type=threshold_flag("ftp"), metavar="W",
                   help="FTP for .erg files without an 'FTP =' line: watts become %% FTP")
    p.add_argument("--cue-times", choices=("auto", "seconds", "minutes"), default="auto",
                   help="unit of .mrc/.erg [COURSE TEXT] cue times (default auto: seconds, "
                   "unless the times have fractions and fit the workout in minutes)")
    add_icu_arguments(p)


def _expand(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files to import, and problems with the arguments (a directory with nothing in it)."""
    out: list[str] = []
    problems: list[str] = []
    for p in paths:
        if p != "-" and Path(p).is_dir():
            found = sorted(str(f) for f in Path(p).rglob("*")
                           if f.is_file() and f.suffix.lower() in IMPORT_SUFFIXES)
            if not found:
                problems.append(f"{p}: no .zwo, .mrc, .erg or .fit files in this directory")
            out.extend(found)
        else:
            out.append(p)
    return out, problems


def _usage_problem(args: argparse.Namespace, paths: list[str]) -> str | None:
    """What makes this command line unusable once the files are known (exit 2)."""
    out_dir = Path(args.output) if args.output else None
    if out_dir is None and len(paths) > 1:
        return "several files need -o DIR (one .workout file each)"
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        return f"-o {out_dir}: not a directory"
    if paths.count("-") > 1:
        return "standard input can be read once"
    return None


class _Outcome:
    """What one file's import came to: imported, failed (exit 1), unreadable (exit 2),
    or a write problem that stops the command."""

    OK, FAILED, UNREADABLE, STOP = range(4)


def _import_one(args: argparse.Namespace, path: str, used: set[str]) -> int:
    """Import one file: print it, or write it into -o DIR under a name not yet ``used``."""
    from planc.commands._common import report
    from planc.commands.import_icu import write_file
    from planc.commands.output import say
    from planc.importers import import_file
    from planc.names import slugify
    from planc.output.files import inside

    cue_minutes = {"auto": None, "seconds": False, "minutes": True}[args.cue_times]
    result = import_file(path, path="<stdin>" if path == "-" else None, name=args.name,
                         ftp=args.ftp, sport=args.sport, cue_minutes=cue_minutes)
    sources = {result.path: result.source} if result.source is not None else {}
    report(result.diagnostics, sources)
    if not result.ok:
        unreadable = any(d.code == "unreadable" for d in result.diagnostics)
        return _Outcome.UNREADABLE if unreadable else _Outcome.FAILED
    if not args.output:
        sys.stdout.write(result.text)
        return _Outcome.OK
    out_dir = Path(args.output)
    stem = slugify(result.workout.name or Path(path).stem)
    base, n = stem, 2
    while base in used:
        base, n = f"{stem}-{n}", n + 1
    used.add(base)
    dest = out_dir / f"{base}.workout"
    if not inside(out_dir, dest):  # slugify already forbids this; belt and braces
        print(f"planc import: error: refusing to write outside {out_dir}", file=sys.stderr)
        return _Outcome.STOP
    if (problem := write_file(dest, result.text.encode("utf-8"), args.force)) is not None:
        print(f"planc import: error: {problem}", file=sys.stderr)
        return _Outcome.STOP if problem.startswith("cannot write") else _Outcome.FAILED
    say(f"{result.path} -> {dest}")
    return _Outcome.OK


def run(args: argparse.Namespace) -> int:
    from planc.commands.import_icu import files_usage_problem, run_from_icu
    from planc.commands.output import VERBOSITY

    if args.from_icu:
        return run_from_icu(args)
    if (problem := files_usage_problem(args)) is not None:
        print(f"planc import: error: {problem}", file=sys.stderr)
        return 2
    paths, problems = _expand(args.paths)
    if not problems and (problem := _usage_problem(args, paths)) is not None:
        problems = [problem]
    for problem in problems:
        print(f"planc import: error: {problem}", file=sys.stderr)
    if problems:
        return ExitCode.USAGE
    failed = unreadable = 0
    used: set[str] = set()
    for path in paths:
        outcome = _import_one(args, path, used)
        if outcome == _Outcome.STOP:
            return ExitCode.USAGE
        failed += outcome != _Outcome.OK
        unreadable += outcome == _Outcome.UNREADABLE
    if len(paths) > 1 and (failed or not VERBOSITY.quiet):
        print(f"{len(paths) - failed} of {len(paths)} files imported"
              + (f"; {failed} failed (above)" if failed else ""), file=sys.stderr)
    if unreadable:
        return ExitCode.USAGE
    return ExitCode.DIAGNOSTICS if failed else ExitCode.OK

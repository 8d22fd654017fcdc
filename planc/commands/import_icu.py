"""``planc import --from-icu --folder NAME``: an intervals.icu folder or plan into files.

    planc import --from-icu --folder NAME [-o DIR] [--start DATE] [--force]

Reads the library in one request (``GET folders``), picks the folder or
training plan named NAME (or with that id), and writes planc files into DIR
(default: the current directory): a training plan becomes ``<slug>.yaml`` (its
workouts as the plan's library, its days as dated calendar entries from the
plan's start date, or ``--start``), a workout folder one ``.workout`` file per
workout.  An existing file with other content is kept unless ``--force``.
Exit status: 0 written, 1 a workout did not read as intervals.icu text (the
other files are still written) or a file was kept, 2 usage (no such folder,
two folders with the name), 3 intervals.icu unreachable.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from planc.commands import ExitCode


def add_icu_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import _date_arg, add_connection_arguments

    g = p.add_argument_group("from intervals.icu's workout library")
    g.add_argument("--from-icu", action="store_true",
                   help="read a workout folder or training plan from intervals.icu "
                   "(with --folder) instead of files")
    g.add_argument("--folder", metavar="NAME",
                   help="the folder's or training plan's name (or its id)")
    g.add_argument("--start", metavar="DATE", type=_date_arg,
                   help="the imported plan's start date (default: the training plan's own, "
                   "else the coming Monday)")
    g.add_argument("--athlete", metavar="FILE",
                   help="the thresholds file the imported plan names as its 'athlete:' "
                   "(e.g. one 'planc athlete pull' wrote); intervals.icu plans carry none")
    add_connection_arguments(p)


def files_usage_problem(args: argparse.Namespace) -> str | None:
    """Why an import of files (no --from-icu) cannot start, or None."""
    if args.folder or args.start or args.athlete or args.base_url:
        return "--folder, --start, --athlete and --base-url go with --from-icu"
    if not args.paths:
        return "name the files to import (or --from-icu --folder NAME)"
    if args.paths.count("-") > 1:
        return "standard input can be read once"
    return None


def _fail(message: str, code: int) -> int:
    print(f"planc import: error: {message}", file=sys.stderr)
    return code


def pick_folder(folders: list[dict], wanted: str) -> dict | str:
    """The folder named (or numbered) ``wanted``, or why there is none."""
    found = [f for f in folders if str(f.get("id")) == wanted] or \
        [f for f in folders if f.get("name") == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(str(f.get("id")) for f in found)
        return f"{len(found)} folders are named '{wanted}' (ids {ids}): pass --folder ID"
    names = ", ".join(sorted(f"'{f.get('name')}'" for f in folders)) or "none"
    return f"intervals.icu has no folder or training plan named '{wanted}' (there are: {names})"


def write_file(dest: Path, data: bytes, force: bool) -> str | None:
    """Write ``dest`` atomically; why not (an existing file that differs, an OSError)."""
    from planc.output.files import same_content, write_atomic

    if not force and dest.exists() and not same_content(dest, data):
        return (f"{dest} exists and differs from this import (it may hold your edits); "
                "pass --force to replace it")
    try:
        write_atomic(dest, data)
    except OSError as exc:
        return f"cannot write {dest}: {exc.strerror or exc}"
    return None


def run_from_icu(args: argparse.Namespace) -> int:
    from planc.commands._common import client_from_args, report
    from planc.importers.icu_folder import folder_files, plan_yaml
    from planc.output.files import inside
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError

    if args.paths or not args.folder:
        return _fail("--from-icu reads one folder: give --folder NAME and no files",
                     ExitCode.USAGE)
    try:
        with client_from_args(args) as client:
            chosen = pick_folder(client.folders(), args.folder)
    except ConnectError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except ServiceError as exc:
        return _fail(str(exc), ExitCode.SERVICE)
    if isinstance(chosen, str):
        return _fail(chosen, ExitCode.USAGE)
    out_dir = Path(args.output or ".")
    athlete = None
    if args.athlete:
        athlete = os.path.relpath(Path(args.athlete).resolve(), out_dir.resolve())
    imported = plan_yaml(chosen, args.start, athlete) if chosen.get("type") == "PLAN" \
        else folder_files(chosen)
    report(imported.diagnostics, {})
    failed = not imported.ok
    for name, text in sorted(imported.files.items()):
        dest = out_dir / name
        if not inside(out_dir, dest):  # names are slugs; belt and braces
            return _fail(f"refusing to write outside {out_dir}", ExitCode.USAGE)
        if (problem := write_file(dest, text.encode("utf-8"), args.force)) is not None:
            _fail(problem, ExitCode.DIAGNOSTICS)
            failed = True
            continue
        print(f"intervals.icu folder {chosen.get('id')} -> {dest}", file=sys.stderr)
    return ExitCode.DIAGNOSTICS if failed else ExitCode.OK

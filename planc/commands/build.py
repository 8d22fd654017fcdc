"""Compile every session of a plan: one folder per week, one file per format, a manifest.

    planc build PLAN [-o DIR] [--formats icu,zwo,…|all] [--week N|N-M|YYYY-Www]…
                     [--from DATE] [--to DATE]

Output goes to out/<plan id> unless -o says otherwise; with --for (coach mode),
each athlete's plan goes to out/<plan id>/<athlete>/ (-o DIR: DIR/<athlete>/).
Files are named <date>-<slot>-<name>.<ext> inside week-NN-<monday>/ folders; manifest.json
lists every session (date, time, sport, kind, external id, files, duration,
distance, load).  Rebuilding with no change rewrites nothing, and costs little
more than reading the plan's bytes (.planc-cache/ in the folder keeps what that
takes; with --for, each athlete's folder keeps its own and the squad folder one
over all of them); after an edit only the sessions that changed are compiled
and measured again.  A file from an
earlier build is removed only if that build's manifest lists it; a file planc
did not write is never replaced (--force replaces it), and nothing is written
through a symbolic link.  Formats are chosen with --formats (default: all
available) because --from/--to select dates here, as in stats and publish.

Exit status: 0 built, 1 the plan has errors or the folder holds what planc must
not replace, 2 bad command line.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path
from typing import TextIO

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
"""Colour codes: printed on a terminal, left out of what a no-change rebuild prints."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import (
        add_athlete_args,
        add_fit_max_steps,
        add_for_arguments,
        add_week_arguments,
    )
    from planc.lower.formats import FORMATS

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output directory (default: out/<plan id>)")
    p.add_argument("--formats", default="all", metavar="FORMATS",
                   help="comma-separated formats, or all (default: every format but svg): "
                   + ", ".join(FORMATS))
    add_week_arguments(p)
    add_athlete_args(p)
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (approximations a format forces) as errors")
    p.add_argument("--force", action="store_true",
                   help="replace files in the output folder that planc did not write")
    add_fit_max_steps(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list every approximation a format forces (default: one line per kind)")
    p.add_argument("--json", action="store_true",
                   help="print the diagnostics and where the files went as one JSON document "
                   "on standard output (README, 'Machine-readable output')")
    add_for_arguments(p)


def run(args: argparse.Namespace) -> int:
    if not args.json:
        return _run(args)
    from planc.commands.output import diagnostics_json, gathered, print_json

    args.output_dir = None  # set by _run once the plan is read
    with gathered() as found:
        code = _run(args)
    out = args.output_dir
    manifest = out / "manifest.json" if out is not None and not args.squad else None
    print_json({"exit_code": int(code), "output": str(out) if out is not None else None,
                "manifest": str(manifest) if manifest and manifest.is_file() else None,
                **diagnostics_json(found)})
    return code


def _run(args: argparse.Namespace) -> int:
    from planc.commands._common import (
        athlete_from_args,
        cache_stamp,
        plan_path_problem,
        report,
        roster_without_for,
    )
    from planc.lower.formats import parse_formats
    from planc.output.cache import default_folder
    from planc.plan.load import read_plan

    stamp = cache_stamp("build", args)
    if (problem := roster_without_for(args)) is not None:
        print(f"planc build: error: {problem}", file=sys.stderr)
        return 2
    try:
        formats = parse_formats(args.formats)
    except ValueError as exc:
        print(f"planc build: error: --formats: {exc}", file=sys.stderr)
        return 2
    if (problem := plan_path_problem(args.plan)) is not None:
        print(f"planc build: error: {problem}", file=sys.stderr)
        return 2
    result = read_plan(args.plan, need_plan=True, known=_recalled(args))
    sources = dict(result.sources)
    found = athlete_from_args(args, result.plan.athlete if result.plan else None)
    athlete, athlete_diags = found.athlete, found.diagnostics
    sources.update(found.sources)
    diags = result.diagnostics + athlete_diags
    # under --strict a warning in the plan is an error: nothing is built
    if not result.ok or result.plan is None or any(d.is_error for d in athlete_diags) \
            or (args.strict and diags):
        report(diags, sources, strict=args.strict)
        return 1
    plan = result.plan
    out_dir = Path(args.output or default_folder("build", plan.id))
    args.output_dir = out_dir
    if not args.squad:
        return _build_one(args, plan, athlete, out_dir, formats, diags, sources,
                          stamp=stamp)[0]
    return _build_squad(args, plan, out_dir, formats, diags, sources, stamp)


def _recalled(args: argparse.Namespace):
    """What the last build into the output folder learnt reading its plan (YAML trees,
    workout parses), so that what it saw is not composed or parsed again (None for
    --for: each athlete's plan is read apart, as before)."""
    if args.squad:
        return None
    from planc.output.cache import candidate_folders
    from planc.plan.build import recalled
    from planc.plan.load import Recall

    folders = [args.output] if args.output else candidate_folders("build", [args.plan])
    return recalled(folders[0]) if folders else Recall()


def _build_squad(args: argparse.Namespace, plan, out_dir: Path, formats: list[str],
                 diags: list, sources: dict[str, str], stamp) -> int:
    """--for: each athlete's plan into <out>/<athlete>/ (their thresholds, dates, days).

    Each athlete's folder keeps its own cache state (an edit re-emits only the sessions
    it changes); once every one is written, one state over all of them and the text
    printed make a no-change rebuild of the squad as cheap as a plain one's."""
    from planc.commands._common import CommandFailed, report, squad_plans
    from planc.output.tree import OutputRefused, held

    with _Recorder() as recorder:
        try:
            _, plans = squad_plans(args, args.plan, plan, sources, diags, strict=args.strict)
        except CommandFailed as exc:
            return exc.exit("build")
        try:
            with held(out_dir):  # the squad folder and its state: one squad build at a time
                return _build_members(args, plans, out_dir, formats, diags, sources, stamp,
                                      recorder)
        except OutputRefused as exc:
            report(diags + exc.diagnostics, sources, strict=args.strict)
            return 1
        except OSError as exc:
            print(f"planc build: error: cannot write {exc.filename or out_dir}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            return 2


def _build_members(args: argparse.Namespace, plans: list, out_dir: Path, formats: list[str],
                   diags: list, sources: dict[str, str], stamp, recorder: _Recorder) -> int:
    """Each athlete's folder, then (all built) the squad's cache state and transcript."""
    from planc.output.cache import Stamp, forget, save_transcript
    from planc.output.tree import store_squad_state

    if stamp is not None:
        forget(str(out_dir), stamp.command)
    own = Stamp("build", stamp.argv, stamp.reads) if stamp is not None else None
    approximations: list = []  # summarised once for the squad, not once per athlete
    built = [_build_one(args, mp.result.plan, None, out_dir / mp.member.name, formats,
                        diags if n == 0 else [], sources, approximations,
                        mp.member.label, stamp=own, recorder=recorder)
             for n, mp in enumerate(plans)]
    if approximations:
        _summarise(approximations, sys.stderr)
    code = max(c for c, _ in built)
    keys = {mp.member.name: key for mp, (_, key) in zip(plans, built, strict=True)}
    if stamp is not None and code == 0 and not recorder.spoiled \
            and all(k is not None for k in keys.values()):
        key = store_squad_state(out_dir, stamp, keys)
        if key is not None:
            save_transcript(str(out_dir), stamp, key, recorder.again())
    return code


class _Recorder:
    """Standard error while a squad builds, and what a no-change rebuild prints again:
    the same text (without colour), each athlete's closing line as nothing changed."""

    def __init__(self) -> None:
        self.live = sys.stderr
        self._again = io.StringIO()
        self.spoiled = False  # something was printed that a rebuild would not print

    def __enter__(self) -> _Recorder:
        sys.stderr = self  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stderr = self.live

    def write(self, text: str) -> int:
        self._again.write(_ANSI.sub("", text))
        return self.live.write(text)

    def flush(self) -> None:
        self.live.flush()

    def isatty(self) -> bool:
        return self.live.isatty()

    def differently(self, now: str, again: str) -> None:
        """Print ``now``; a no-change rebuild prints ``again`` in its place."""
        self.live.write(now)
        self._again.write(again)

    def only_now(self) -> TextIO:
        """Where to print what a no-change rebuild would not print (nor be answered for)."""
        self.spoiled = True
        return self.live

    def again(self) -> str:
        return self._again.getvalue()

    def __getattr__(self, name: str) -> object:  # encoding, errors, …: the real stream's
        return getattr(self.live, name)


def _build_one(args: argparse.Namespace, plan, athlete, out_dir: Path, formats: list[str],
               diags: list, sources: dict[str, str], approximations: list | None = None,
               who: str | None = None, stamp=None,
               recorder: _Recorder | None = None) -> tuple[int, str | None]:
    """Build one plan (the plan as written, or one athlete's) into ``out_dir``: the exit
    status and the cache key stored with the files.  The formats' approximations go to
    ``approximations`` when given (else summarised here).  With ``stamp``, the folder
    keeps a cache state; without ``recorder`` (one plan), what is printed is stored
    beside it for a no-change rebuild to print again."""
    from planc.commands._common import report, selection_from_args
    from planc.output.cache import save_transcript
    from planc.output.tree import OutputRefused
    from planc.plan.build import build_plan
    from planc.plan.weeks import SelectionError

    try:
        selection = selection_from_args(args, plan)
    except SelectionError as exc:
        print(f"planc build: error: {exc}", file=sys.stderr)
        return 2, None
    try:
        built = build_plan(plan, out_dir, formats, selection, athlete, strict=args.strict,
                           fit_max_steps=args.fit_max_steps, force=args.force, stamp=stamp)
    except OutputRefused as exc:
        report(diags + exc.diagnostics, sources, strict=args.strict)
        return 1, None
    except OSError as exc:
        print(f"planc build: error: cannot write {exc.filename or out_dir}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2, None
    # the build's own warnings (about manifest.json) are shown in full and not kept for a
    # no-change rebuild; the formats' approximations repeat week after week and are
    # summarised unless -v
    own = [d for d in built.diagnostics if d.code.startswith("manifest-")]
    lowering = [d for d in built.diagnostics if not d.code.startswith("manifest-")]
    shown = io.StringIO()  # what a no-change rebuild prints again
    if not args.verbose and not args.strict and not any(d.is_error for d in lowering):
        if approximations is None:
            _summarise(lowering, shown)
        else:
            approximations.extend(lowering)
        lowering = []
    now = recorder.only_now() if recorder is not None and own else sys.stderr
    if who and (own or lowering):
        print(f"for {who}:", file=now)
    if own:
        report(own, sources, stream=now)
    failed = report(diags + lowering, sources, stream=shown, strict=args.strict)
    sys.stderr.write(shown.getvalue())
    if failed:
        return 1, built.files.key
    weeks = len({s.week for s in selection.sessions(plan.sessions)})

    def closing(files) -> str:
        return "" if args.quiet else (
            f"built {built.sessions} session{'s' * (built.sessions != 1)} in {weeks} "
            f"week{'s' * (weeks != 1)} to {out_dir}: {files.summary()}\n")

    if recorder is not None:
        recorder.differently(closing(built.files), closing(built.files.no_change()))
    else:
        sys.stderr.write(closing(built.files))
    if stamp is not None and recorder is None and built.files.key is not None:
        save_transcript(str(out_dir), stamp, built.files.key,
                        shown.getvalue() + closing(built.files.no_change()))
    return 0, built.files.key


def _summarise(diagnostics, stream) -> None:
    """One line per kind of approximation: a plan repeats the same ones week after week."""
    from planc.commands._common import summarise

    summarise(diagnostics, "build", stream)

"""Compile workout files to intervals.icu text and device files.

One workout in one text format and no -o goes to standard output (several would
read back as one, so they need -o DIR).  With -o
DIR every workout gets one file per format, named from a safe slug of its name
(or of the input file name), written atomically; unchanged files are not
rewritten.  A file in DIR that planc did not write there (or that was edited
since) is never replaced unless --force, and nothing is written through a
symbolic link; DIR/.planc-cache/ keeps the record of what planc wrote.  -o FILE
names one file: it is replaced, unless it is a link.  Approximations a format
forces (nested repeats, dropped cues, …) are warnings naming the source line;
--strict makes them errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from planc.ast import Record
from planc.commands._common import (
    BadEncoding,
    InputError,
    add_athlete_args,
    add_fit_max_steps,
    add_no_cache,
    add_sport_arg,
    athlete_from_args,
    is_plan,
    read_source,
    report,
)
from planc.commands._paths import expand_one
from planc.output.files import path_text, stem, suffix
from planc.units import is_indoor

TYPE_CHECKING = False  # not typing's: its import is 2 ms of start-up
if TYPE_CHECKING:  # types only: the library is imported lazily, for start-up
    from planc.ast import Workout
    from planc.athlete import Athlete
    from planc.diagnostics import Diagnostic
    from planc.lower.formats import EmitOptions


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.lower.formats import FORMATS

    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="workout files, directories, or - for standard input")
    p.add_argument("--to", default="icu", metavar="FORMATS",
                   help="comma-separated formats, or all: " + ", ".join(FORMATS)
                   + " (default icu)")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="output directory (or a file, for one input and one format)")
    p.add_argument("--name", help="workout name (overrides the header)")
    add_sport_arg(p)
    add_athlete_args(p)
    p.add_argument("--indoor", action="store_true",
                   help="use indoor_ftp where set (always for VirtualRide/VirtualRun/VirtualRow)")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings (approximations a format forces) as errors")
    p.add_argument("--force", action="store_true",
                   help="replace files in -o DIR that planc did not write")
    add_fit_max_steps(p)
    p.add_argument("--zwo-max-effort", choices=("max-effort", "free-ride"),
                   default="max-effort",
                   help=".zwo max efforts: MaxEffort blocks (Zwift), or FreeRide blocks with a "
                        "'Max effort' cue for apps that drop MaxEffort (Golden Cheetah)")
    add_no_cache(p)


def cacheable(args: argparse.Namespace, code: int) -> bool:
    """Whether the result cache may replay this run (planc.output.results): not standard
    input; to standard output, or into -o DIR once written (``args._written``: the files
    it must find there again).  (A plan is refused with exit 2, never stored.)"""
    return "-" not in args.paths and (
        args.output is None or getattr(args, "_written", None) is not None)


class _Compiled(Record):
    """What a compile run has made so far: the files, the texts, and what it must say.
    (A Record, not a dataclass: no dataclasses module on a compile's start-up.)"""

    _fields = __slots__ = ("files", "texts", "notes", "used_names", "failed")

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}  # -o DIR: name -> bytes
        self.texts: list[bytes] = []  # stdout, or the one -o FILE
        self.notes: list[str] = []  # skipped / not written
        self.used_names: set[str] = set()
        self.failed = False

    def file_stem(self, name: str | None, path: str) -> str:
        """The workout's slug, else (nothing to spell in it) the input file's, else
        'workout'; a second workout of the same name gets '-2'."""
        from planc.names import slugify

        slug = (slugify(name or "", default="")
                or slugify(stem(path) if path != "-" else "", default="") or "workout")
        base, n = slug, 2
        while base in self.used_names:
            base, n = f"{slug}-{n}", n + 1
        self.used_names.add(base)
        return base


def run(args: argparse.Namespace) -> int:
    from planc.check import read_workout
    from planc.lower.formats import EmitOptions, parse_formats

    all_formats = "all" in [p.strip().lower() for p in args.to.split(",")]
    try:
        formats = parse_formats(args.to)
    except ValueError as exc:
        print(f"planc compile: error: --to: {exc}", file=sys.stderr)
        return 2
    try:
        args._listed = {}  # a folder's files, for the result cache
        paths = [f for given in args.paths for f in expand_one(given, args._listed)]
    except InputError as exc:
        print(f"planc compile: error: {exc}", file=sys.stderr)
        return 2
    try:
        out_dir, out_file = _destination(args.output, len(paths), formats)
    except ValueError as exc:
        print(f"planc compile: error: {exc}", file=sys.stderr)
        return 2

    athlete_result = athlete_from_args(args)
    diags = list(athlete_result.diagnostics)
    sources: dict[str, str] = dict(athlete_result.sources)
    if any(d.is_error for d in diags):
        report(diags, sources)
        return 1
    options = EmitOptions(strict=args.strict, indoor=args.indoor,
                          fit_max_steps=args.fit_max_steps,
                          zwo_max_effort_as_free_ride=args.zwo_max_effort == "free-ride")
    done = _Compiled()
    lowered: list[Diagnostic] = []  # the formats' approximations, grouped unless -v
    for path in paths:
        try:
            if is_plan(path):
                print(f"planc compile: error: {path} is a plan; use 'planc build'",
                      file=sys.stderr)
                return 2
            src = read_source(path)
        except BadEncoding as exc:
            sources[exc.source.path] = exc.source.text
            diags.append(exc.diagnostic)
            done.failed = True
            continue
        except InputError as exc:
            print(f"planc compile: error: {exc}", file=sys.stderr)
            return 2
        sources[src.path] = src.text
        parsed = read_workout(src.text, path=src.path, sport=args.sport, name=args.name)
        diags.extend(parsed.diagnostics)
        if parsed.workout is None:
            done.failed = True
            continue
        lowered += _compile_workout(done, parsed.workout, src.path, formats, all_formats,
                                  athlete_result.athlete, options, to_dir=out_dir is not None)
    diags = _grouped(diags, lowered, args)
    failed = report(diags, sources, strict=args.strict) or done.failed
    for note in done.notes:
        print(note, file=sys.stderr)
    if failed and args.strict:  # --strict: all or nothing
        return 1
    # each workout x format that compiled is written, even when another failed
    written = _write(done.files, done.texts, out_dir, out_file, args.force) if done.files or done.texts else 0
    if out_dir is not None and done.files and not written and not failed:
        args._written = (str(out_dir), sorted(done.files))  # for the result cache
    return 1 if failed and not written else written


def _compile_workout(done: _Compiled, workout: Workout, path: str, formats: list[str],
                     all_formats: bool, athlete: Athlete, options: EmitOptions,
                     to_dir: bool) -> list[Diagnostic]:
    """Lower and emit one workout in each format into ``done``; its diagnostics.

    ``--to all`` means every format that can express the sport, and a note says which
    it skips; a format named on its own is honoured (its emitter explains why a run
    has no .erg).  A format whose lowering fails (it said why) is noted as not written;
    the others are still written."""
    from planc.emit import emit
    from planc.lower.formats import FORMATS, formats_for

    base = done.file_stem(workout.name, path)
    chosen = formats_for(workout.sport, formats) if all_formats else formats
    if skipped := [FORMATS[f].extension for f in formats if f not in chosen]:
        done.notes.append(f"{path}: {' '.join(skipped)} skipped: no form for {workout.sport}")
    # a virtual sport is indoors (indoor_ftp), as in plan builds; --indoor forces it
    options = options.but(indoor=is_indoor(workout.sport, options.indoor))
    diags: list[Diagnostic] = []
    not_written: list[str] = []
    for fmt in chosen:
        data, emitted = emit(fmt, workout, athlete, options)
        diags.extend(d.with_path(path) if d.path == "<input>" else d for d in emitted)
        if not data:
            not_written.append(FORMATS[fmt].extension)
        elif to_dir:
            done.files[f"{base}{FORMATS[fmt].extension}"] = data
        else:
            done.texts.append(data)
    if not_written:
        done.failed = True
        if len(chosen) > 1:  # with one format the error says it all
            done.notes.append(f"{path}: {' '.join(not_written)} not written (the errors above "
                              "say why)")
    return diags


def _grouped(diags: list, lowered: list, args: argparse.Namespace) -> list:
    """The diagnostics to print in full: the formats' approximations (the same warning
    once per format) become one line per kind, as in build, unless -v, --strict or an
    error among them asks for each."""
    from planc.commands._common import summarise

    if args.verbose or args.strict or any(d.is_error for d in [*diags, *lowered]):
        return diags + lowered
    summarise(lowered, "compile")
    return diags


def _destination(output: str | None, inputs: int,
                 formats: list[str]) -> tuple[str | None, str | None]:
    """Where ``-o`` sends the files: ``(folder, None)``, ``(None, file)`` for one input in
    one format, or ``(None, None)`` for standard output; ValueError says why not.
    The paths are text as ``str(Path(output))`` spells it (no pathlib: 4 ms of start-up)."""
    from planc.lower.formats import FORMATS  # lazy, like run's: start-up of other commands

    if output is None:
        if len(formats) > 1 or FORMATS[formats[0]].binary:
            raise ValueError("binary or several formats need -o DIR")
        if inputs > 1:  # one after another they would read as one workout (or bad XML)
            raise ValueError(f"{inputs} workouts need -o DIR: standard output takes one")
        return None, None
    target = path_text(output)
    single = inputs == 1 and len(formats) == 1
    if single and not os.path.isdir(target) and not output.endswith(("/", "\\")) \
            and suffix(target):
        return None, target
    if os.path.exists(target) and not os.path.isdir(target):
        raise ValueError(f"-o {output} is a file, not a directory "
                         "(several files are written into a directory)")
    return target, None


def _write(files: dict[str, bytes], texts: list[bytes], out_dir: str | None,
           out_file: str | None, force: bool) -> int:
    """Write the compiled files: into -o DIR (no manifest: the folder may hold the coach's
    own files, and each compile writes only what it was given), to -o FILE, or to stdout."""
    # imported here, not at the top: json and tempfile cost ~15 ms of start-up that
    # compiling to standard output does not need
    from planc.output.tree import OutputRefused, OutputTree, write_file

    try:
        if out_dir is not None:
            with OutputTree.open(out_dir, force=force) as tree:
                tree.write(files)
        for data in texts:
            if out_file is not None:
                write_file(out_file, data)
            else:
                sys.stdout.write(data.decode("utf-8"))
    except OutputRefused as exc:
        report(exc.diagnostics, {})
        return 1
    except OSError as exc:
        print(f"planc compile: error: cannot write {exc.filename or out_dir or out_file}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0

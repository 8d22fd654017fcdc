"""Compile workout files to intervals.icu text and device files.

With one text format and no -o, the result goes to standard output.  With -o
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
import dataclasses
import sys
from pathlib import Path

from planc.commands._common import (
    BadEncoding,
    InputError,
    add_athlete_args,
    add_fit_max_steps,
    add_sport_arg,
    athlete_from_args,
    expand_paths,
    is_plan,
    read_source,
    report,
)
from planc.units import is_indoor


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


def run(args: argparse.Namespace) -> int:
    from planc.check import read_workout
    from planc.emit import emit
    from planc.lower.formats import FORMATS, EmitOptions, formats_for, parse_formats
    from planc.names import slugify

    all_formats = "all" in [p.strip().lower() for p in args.to.split(",")]
    try:
        formats = parse_formats(args.to)
    except ValueError as exc:
        print(f"planc compile: error: --to: {exc}", file=sys.stderr)
        return 2
    try:
        paths = expand_paths(args.paths)
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
                          fit_max_steps=args.fit_max_steps)
    files: dict[str, bytes] = {}  # -o DIR: file name -> bytes
    texts: list[bytes] = []  # standard output, or the one -o FILE
    used_names: set[str] = set()
    lowered: list = []  # the formats' approximations, grouped unless -v
    failed = False
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
            failed = True
            continue
        except InputError as exc:
            print(f"planc compile: error: {exc}", file=sys.stderr)
            return 2
        sources[src.path] = src.text
        parsed = read_workout(src.text, path=src.path, sport=args.sport, name=args.name)
        diags.extend(parsed.diagnostics)
        if parsed.workout is None:
            failed = True
            continue
        workout = parsed.workout
        stem = slugify(workout.name or (Path(path).stem if path != "-" else "workout"))
        base = stem
        n = 2
        while base in used_names:
            base = f"{stem}-{n}"
            n += 1
        used_names.add(base)
        # 'all' means every format that can express this sport; a named format is honoured
        # (and its emitter explains why a run has no .erg)
        chosen = formats_for(workout.sport, formats) if all_formats else formats
        # a virtual sport is indoors (indoor_ftp), as in plan builds; --indoor forces it
        indoor = is_indoor(workout.sport, options.indoor)
        workout_options = dataclasses.replace(options, indoor=indoor)
        for fmt in chosen:
            data, emitted = emit(fmt, workout, athlete_result.athlete, workout_options)
            lowered.extend(d.with_path(src.path) if d.path == "<input>" else d for d in emitted)
            if out_dir is not None:
                files[f"{base}{FORMATS[fmt].extension}"] = data
            else:
                texts.append(data)
    diags = _grouped(diags, lowered, args)
    failed = report(diags, sources, strict=args.strict) or failed
    if failed:
        return 1
    return _write(files, texts, out_dir, out_file, args.force)


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
                 formats: list[str]) -> tuple[Path | None, Path | None]:
    """Where ``-o`` sends the files: ``(folder, None)``, ``(None, file)`` for one input in
    one format, or ``(None, None)`` for standard output; ValueError says why not."""
    from planc.lower.formats import FORMATS  # lazy, like run's: start-up of other commands

    if output is None:
        if len(formats) > 1 or FORMATS[formats[0]].binary:
            raise ValueError("binary or several formats need -o DIR")
        return None, None
    target = Path(output)
    single = inputs == 1 and len(formats) == 1
    if single and not target.is_dir() and not output.endswith(("/", "\\")) and target.suffix:
        return None, target
    if target.exists() and not target.is_dir():
        raise ValueError(f"-o {output} is a file, not a directory "
                         "(several files are written into a directory)")
    return target, None


def _write(files: dict[str, bytes], texts: list[bytes], out_dir: Path | None,
           out_file: Path | None, force: bool) -> int:
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

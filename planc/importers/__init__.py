"""Importers: existing workout files (.zwo, .mrc, .erg, .fit, intervals.icu text) -> planc.

    import_file(path_or_bytes, *, name=None, ftp=None) -> ImportResult

One entry point for every format.  The format is sniffed from the content
(planc.importers.detect), so a misnamed file is still read right; each reader
turns its format into planc's AST with positioned diagnostics (line/column for
the text formats), recovers the repeats a flat format lost
(planc.importers.structure), and the result's ``text`` is planc source: front
matter, canonical steps, nested repeats and ``>`` cues.

Guarantees, checked here for every import: bad input is diagnostics, never an
exception; and the planc text written for a workout parses back to exactly
that workout, without errors (a failure is reported as an ``import-internal``
error, a planc bug, instead of writing text that means something else).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from planc.diagnostics import sort_key
from planc.importers.common import ImportResult
from planc.importers.detect import NAMES, sniff
from planc.inputs import InputError, read_bytes, shown_name
from planc.units import SPORTS

__all__ = ["FORMATS", "ImportResult", "import_file"]

FORMATS = ("zwo", "mrc", "erg", "fit", "icu")

def _read(source: str | Path | bytes, path: str | None) -> tuple[bytes | None, str, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), path or "<input>", None
    shown = path or shown_name(source)
    try:
        return read_bytes(source), shown, None
    except InputError as exc:
        return None, shown, str(exc)


def import_file(source: str | Path | bytes, *, name: str | None = None,
                ftp: float | None = None, sport: str | None = None,
                cue_minutes: bool | None = None, path: str | None = None,
                fmt: str | None = None) -> ImportResult:
    """Import one workout file (a path, or its bytes with ``path`` as the name to show).

    ``name`` replaces the file's workout name (else the file's own, else the file
    name); ``ftp`` turns .erg watts into % FTP when the file has no ``FTP =`` line;
    ``sport`` replaces the sport (intervals.icu text has none of its own);
    ``cue_minutes`` reads .mrc/.erg cue times as minutes (True), seconds (False), or
    decides from the times (None); ``fmt`` skips sniffing.
    """
    from planc.importers.common import Reader

    data, shown, problem = _read(source, path)
    r = Reader(shown)
    if data is None:
        r.error("unreadable", f"cannot read the file: {problem}")
        return r.result(None, fmt or "", None)
    if fmt is None:
        found = sniff(data, shown)
        if found.kind is None:
            if found.reason == "empty":
                r.error("empty-file", "the file is empty")
            else:
                r.error("not-a-workout", "not a workout file: binary data that is not FIT",
                        hint="planc imports .zwo, .mrc, .erg, .fit and intervals.icu text")
            return r.result(None, "", None)
        fmt = found.kind
        mismatch = found.mismatch
        by_extension = found.by_extension
    else:
        mismatch, by_extension = False, None
    if fmt not in FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; formats: {', '.join(FORMATS)}")
    if sport is not None and sport not in SPORTS:
        raise ValueError(f"unknown sport {sport!r}; sports: {', '.join(SPORTS)}")
    result = _dispatch(fmt, data, shown, ftp=ftp, sport=sport, cue_minutes=cue_minutes)
    if mismatch and by_extension:
        from planc.diagnostics import warning

        result.diagnostics.insert(0, warning(
            "extension-mismatch", f"the file name says {NAMES[by_extension]}, but it holds "
            f"{NAMES[fmt]}; it is read as {NAMES[fmt]}", path=shown))
    if result.workout is not None:
        result = _finish(result, name=name, sport=sport, stem=_stem(shown))
    result.diagnostics.sort(key=sort_key)
    return result


def _stem(shown: str) -> str | None:
    if shown.startswith("<"):
        return None
    return Path(shown).stem or None


def _dispatch(fmt: str, data: bytes, path: str, *, ftp: float | None, sport: str | None,
              cue_minutes: bool | None) -> ImportResult:
    try:
        if fmt == "zwo":
            from planc.importers.zwo import read_zwo

            return read_zwo(data, path)
        if fmt in ("mrc", "erg"):
            from planc.importers.trainer import read_trainer

            return read_trainer(data, path, kind=fmt, ftp=ftp, cue_minutes=cue_minutes)
        if fmt == "fit":
            from planc.importers.fit import read_fit

            return read_fit(data, path)
        from planc.importers.icu import read_icu

        return read_icu(data, path, sport=sport)
    except RecursionError:
        from planc.importers.common import Reader

        r = Reader(path)
        r.error("too-deep", "the file is nested too deeply to read")
        return r.result(None, fmt, None)


def _finish(result: ImportResult, *, name: str | None, sport: str | None,
            stem: str | None) -> ImportResult:
    """Apply the overrides, then check that the planc text reads back as this workout."""
    from planc.check import read_workout
    from planc.diagnostics import error
    from planc.syntax.printer import one_line

    w = result.workout
    assert w is not None
    if name and one_line(name):
        w = dataclasses.replace(w, name=one_line(name))
    elif not w.name and stem and one_line(stem):
        w = dataclasses.replace(w, name=one_line(stem))
    if sport:
        w = dataclasses.replace(w, sport=sport)
    result.workout = w
    back = read_workout(result.text, path=result.path)
    if result.format == "icu" and back.workout is not None and back.workout != w:
        # Text that is not yet canonical (a label with '<', odd spacing kept in a label):
        # the canonical writer's form is the import, as for any other re-emitted text.
        w = result.workout = back.workout
        back = read_workout(result.text, path=result.path)
    errors = [d for d in back.diagnostics if d.is_error]
    if errors:
        for d in errors:
            result.diagnostics.append(error(
                d.code, f"the imported workout is not valid planc: {d.message}",
                path=result.path, hint=d.hint))
        result.workout = None
    elif back.workout != w:
        result.diagnostics.append(error(
            "import-internal", "the planc text written for this workout does not read back "
            "as the same workout; this is a bug in planc, please report it with the file",
            path=result.path))
        result.workout = None
    return result

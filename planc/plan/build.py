"""Build a plan into files: one folder per week, one file per session and format,
and ``manifest.json``.

Layout (stable, so the output can live in git)::

    out/<plan id>/manifest.json
    out/<plan id>/week-01-2027-01-04/2027-01-05-1-sweet-spot-3x10m.txt

The folder is written by :class:`planc.output.tree.OutputTree` (the writer
``render`` and ``compile -o`` share): atomic writes, unchanged files untouched,
``manifest.json`` last, and a file removed only when the previous manifest lists
it and this one does not (an emptied week folder goes with it).  A partial build
(``--week``) keeps the manifest rows of the other weeks, so their files stay
listed and are never removed.

Rebuilds recompile only what changed.  A rebuild with nothing changed never
gets here (:func:`planc.output.cache.up_to_date`); otherwise each session has a
key (:func:`session_key`: planc itself, the formats and options, the workout
text and tree, the athlete, the file names), stored with the cache state, and a
session whose key is unchanged and whose files are as the last build left them
is not lowered or emitted again: its files are kept, and the warnings its
formats gave are stored and reported again.

Formats come from ``planc.lower.formats`` (one table): adding a format there
adds it here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planc.ast import Span, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, Severity
from planc.emit import emit
from planc.inputs import digest
from planc.lower.formats import FORMATS, EmitOptions, formats_for
from planc.names import slugify
from planc.output.cache import Stamp, fingerprint, read_any_data
from planc.output.results import libraries
from planc.output.tree import KEEP, Keep, ManifestKind, OutputTree, TreeResult
from planc.plan.instantiate import ParseRecord
from planc.plan.load import Recall
from planc.plan.model import Kind, Plan, Session
from planc.plan.weeks import Selection
from planc.resolve.metrics import workout_metrics

MANIFEST_VERSION = 1


def _listed_files(manifest: Any) -> list[str]:
    """The files a build manifest lists: every session row's ``files`` values."""
    rows = manifest["sessions"]
    if not isinstance(rows, list):
        raise TypeError("sessions is not a list")
    return [rel for row in rows if isinstance(row, dict) and isinstance(row.get("files"), dict)
            for rel in row["files"].values() if isinstance(rel, str)]


BUILD_MANIFEST = ManifestKind(
    name="manifest.json", product="build",
    hint="build each plan into its own folder (the default is out/<id>)",
    owner=lambda manifest: manifest["plan"]["id"], files=_listed_files)


@dataclass(slots=True)
class BuildResult:
    """What a build did: sessions seen, diagnostics, and the files (nothing on an error)."""

    files: TreeResult = field(default_factory=TreeResult)
    sessions: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def week_folder(plan: Plan, week: int) -> str:
    return f"week-{week:02d}-{plan.week_start(week).isoformat()}"


def file_stem(session: Session) -> str:
    return f"{session.date.isoformat()}-{session.slot}-{slugify(session.name)}"


def _round(x: float | None, digits: int = 1) -> float | int | None:
    if x is None:
        return None
    y = round(x, digits)
    return int(y) if y == int(y) else y


def _manifest_row(plan: Plan, s: Session, files: dict[str, str],
                  measured: list[Any] | None) -> dict[str, Any]:
    """A session's row; ``measured`` is :func:`measures` of its workout (None without)."""
    row: dict[str, Any] = {
        "date": s.date.isoformat(), "time": s.time, "slot": s.slot, "week": s.week,
        "sport": s.sport, "name": s.name, "kind": str(s.kind), "external_id": s.external_id,
        "indoor": s.indoor, "files": files,
        "duration_s": None, "distance_m": _round(s.distance_m), "load": None,
        "intensity": None,
    }
    if measured is not None:
        duration, distance, load, intensity = measured
        row["duration_s"] = _round(duration)
        row["distance_m"] = _round(distance)
        row["load"] = _round(load)
        row["intensity"] = _round(intensity, 3)
    if s.kind is not Kind.WORKOUT:
        row["description"] = s.description
    if s.ref:
        row["workout"] = s.ref
    return row


def measures(metrics: Any) -> list[Any]:
    """What a manifest row shows of a workout's metrics (stored per session in the cache,
    so that a kept session is not measured again)."""
    return [metrics.duration_s, metrics.distance_m, metrics.load, metrics.intensity]


def _stored_measures(value: Any) -> list[Any] | None:
    """``value`` if it is measures a cache state could hold, else None."""
    if isinstance(value, list) and len(value) == 4 and all(
            v is None or (type(v) in (int, float)) for v in value):
        return value
    return None


def _previous_rows(tree: OutputTree) -> list[dict[str, Any]]:
    """The session rows of the manifest a previous build of *this* plan left (else none)."""
    if tree.previous.data is None:
        return []
    return [r for r in tree.previous.data["sessions"] if isinstance(r, dict)]


def _row_date(row: dict[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(row.get("date")))
    except ValueError:
        return None


class MetricsCache:
    """Metrics per distinct Workout object (the compiler shares them between weeks);
    ``realise`` turns a placeholder workout into the parsed one (``build``'s plans)."""

    def __init__(self, athlete: Athlete | None,
                 realise: Callable[[Workout], Workout] | None = None):
        self.athlete = athlete
        self.realise = realise or _itself
        self._cache: dict[tuple[int, bool], Any] = {}

    def get(self, s: Session) -> Any:
        if s.workout is None:
            return None
        key = (id(s.workout), s.indoor)
        if key not in self._cache:
            self._cache[key] = workout_metrics(self.realise(s.workout), self.athlete,
                                               indoor=s.indoor)
        return self._cache[key]


def _itself(workout: Workout) -> Workout:
    return workout


def realiser(plan: Plan) -> Callable[[Workout], Workout]:
    """What turns the plan's placeholder workouts into parsed ones (see
    :func:`planc.plan.load.read_plan`'s ``known``); for any other plan, the identity."""
    return getattr(plan.parses, "realise", None) or _itself


def parse_stamp(planc_itself: list[Any] | None = None) -> str:
    """What a parse record depends on beside its text and sport: planc itself and the
    libraries installed with it (Lark parses): ``planc_itself`` if given (as
    :func:`_planc_itself` made it), else made now."""
    return digest(json.dumps(planc_itself or _planc_itself()).encode())


def _planc_itself() -> list[Any]:
    """planc's fingerprint and the libraries beside it (each a look at many files)."""
    return [fingerprint(), libraries()]


def recalled(root: str) -> Recall:
    """What the last build into ``root`` learnt reading its plan, if this planc made it
    (:func:`parse_stamp`); records of any other shape are left out (made again)."""
    data = read_any_data(root, "build")
    if data.get("parsed_with") != parse_stamp():
        return Recall()
    trees = data.get("trees")
    return Recall(_parse_records(data.get("parsed")),
                  trees if isinstance(trees, dict) else {})


def _parse_records(records: Any) -> dict[str, ParseRecord]:
    if not isinstance(records, dict):
        return {}
    found: dict[str, ParseRecord] = {}
    for name, record in records.items():
        try:
            sport, rows = record
            if not isinstance(sport, str) or not isinstance(rows, list):
                continue
            found[name] = (sport, tuple(_diagnostic(row) for row in rows))
        except (TypeError, ValueError):
            continue
    return found


def _learnt(plan: Plan) -> dict[str, Any]:
    """What reading the plan learnt, to store for the next build (:func:`recalled`)."""
    learnt = getattr(plan.parses, "learnt", None)
    if learnt is None or not getattr(plan.parses, "keeping", False):
        return {}  # (a plan read without records, as each athlete's of a squad)
    found = learnt()
    return {"parsed": _parse_rows(found.parses), "trees": dict(found.trees)}


def _parse_rows(records: Mapping[str, ParseRecord]) -> dict[str, Any]:
    """The records to store: only those whose diagnostics come back the same from JSON
    (a diagnostic with more to it than :func:`_stored` keeps is parsed again)."""
    rows: dict[str, Any] = {}
    for name, (sport, diags) in records.items():
        stored = [_stored(d) for d in diags]
        try:
            if tuple(_diagnostic(row) for row in stored) != diags:
                continue
            json.dumps(stored, ensure_ascii=False).encode()  # no lone surrogate
        except (TypeError, ValueError):  # (UnicodeEncodeError is a ValueError)
            continue
        rows[name] = [sport, stored]
    return rows


def build_plan(plan: Plan, out_dir: Path, formats: list[str], selection: Selection,
               athlete: Athlete | None = None, strict: bool = False,
               fit_max_steps: int | None = None, *, force: bool = False,
               stamp: Stamp | None = None) -> BuildResult:
    """Write the selected sessions in ``formats`` under ``out_dir`` (see module doc).

    ``fit_max_steps`` caps a .fit's steps (EmitOptions); ``force`` replaces files
    planc did not write; ``stamp`` (from the command) lets the tree store the cache
    state.  Raises OutputRefused for a folder planc must
    not write into."""
    athlete = athlete if athlete is not None else plan.athlete
    result = BuildResult()
    with OutputTree.open(out_dir, BUILD_MANIFEST, plan.id, force=force, stamp=stamp) as tree:
        result.diagnostics.extend(tree.diagnostics)
        compiler = _Sessions(tree, athlete, formats, strict, plan, fit_max_steps)
        rows: list[dict[str, Any]] = []
        for s in selection.sessions(plan.sessions):
            result.sessions += 1
            files = compiler.files(s, result.diagnostics)
            rows.append(_manifest_row(plan, s, files, compiler.measured(s)))
        if any(d.is_error for d in result.diagnostics):
            return result
        result.files = tree.write(compiler.outputs,
                                  _manifest(plan, selection, _previous_rows(tree), rows),
                                  compiler.records(selection))
    return result


class _Warnings:
    """The formats' warnings, each stored once: a session's record holds indices into one
    table (the 2,067 warnings of a 52-week plan's sessions are 65 distinct ones, so the
    cache is 7 times smaller to write and read), and each is made a Diagnostic once."""

    def __init__(self, before: Any):
        self.before: list[Any] = before if isinstance(before, list) else []
        self.rows: list[list[Any]] = []  # the table stored with this build
        self._index: dict[tuple[Any, ...], int] = {}
        self._moved: dict[int, int | None] = {}  # earlier table's index -> this one's
        self._emitted: dict[Diagnostic, int] = {}
        self._made: dict[int, Diagnostic] = {}

    def earlier(self, indices: Any) -> list[int] | None:
        """This table's indices of an earlier record's warnings; None if the record is not
        one planc wrote (the session is then emitted again)."""
        if not isinstance(indices, list):
            return None
        found = []
        for i in indices:
            if type(i) is not int or not 0 <= i < len(self.before):
                return None
            if i not in self._moved:
                self._moved[i] = self._add(self.before[i])
            moved = self._moved[i]
            if moved is None:
                return None
            found.append(moved)
        return found

    def emitted(self, diags: list[Diagnostic]) -> list[int]:
        """The indices of warnings a writer just gave."""
        found = []
        for d in diags:
            if d not in self._emitted:
                added = self._add(_stored(d))
                assert added is not None
                self._emitted[d] = added
            found.append(self._emitted[d])
        return found

    def diagnostic(self, index: int) -> Diagnostic:
        """The warning as reported: made from its stored row, kept or just emitted alike."""
        if index not in self._made:
            self._made[index] = _diagnostic(self.rows[index])
        return self._made[index]

    def _add(self, row: Any) -> int | None:
        try:
            _diagnostic(row)
            key = (*row[:3], tuple(row[3]), *row[4:])
            hash(key)
        except (TypeError, ValueError):
            return None  # not a row planc wrote
        if key not in self._index:
            self._index[key] = len(self.rows)
            self.rows.append(row)
        return self._index[key]


class _Sessions:
    """The files of each session: emitted, or kept when its key and files are unchanged."""

    def __init__(self, tree: OutputTree, athlete: Athlete | None, formats: list[str],
                 strict: bool, plan: Plan, fit_max_steps: int | None = None):
        self.tree, self.athlete, self.formats, self.strict, self.plan = \
            tree, athlete, formats, strict, plan
        self.fit_max_steps = fit_max_steps
        self.realise = realiser(plan)
        self.metrics = MetricsCache(athlete, self.realise)
        self.outputs: dict[str, bytes | Keep] = {}
        self.emitted: dict[tuple[int, str, bool, str], tuple[bytes, list[Diagnostic]]] = {}
        cached = tree.cached
        previous = cached.get("sessions")
        self.previous: dict[str, Any] = previous if isinstance(previous, dict) else {}
        self.warnings = _Warnings(cached.get("warnings"))
        self.now: dict[str, Any] = {}
        itself = _planc_itself()
        self._common = json.dumps([*itself, strict])
        self._parse_stamp = parse_stamp(itself)
        self._thresholds: dict[str, str] = {}
        self._places: dict[tuple[Any, ...], int] = {}  # _place -> its number
        self._located: dict[tuple[int, int], Diagnostic] = {}  # (place, warning) -> moved

    def files(self, s: Session, diagnostics: list[Diagnostic]) -> dict[str, str]:
        """Format -> file of session ``s`` (none for a note or a rest day); its formats'
        warnings, moved to the plan, go to ``diagnostics``."""
        if s.kind is not Kind.WORKOUT or s.workout is None:
            return {}
        folder, stem = week_folder(self.plan, s.week), file_stem(s)
        chosen = formats_for(s.workout.sport, self.formats)  # no .erg of a swim
        files = {fmt: f"{folder}/{stem}{FORMATS[fmt].extension}" for fmt in chosen}
        key = self.key(s, files)
        kept = self._kept(session_id(s), key, files)
        if kept is None:
            warned, measured = self._emit(s, files), measures(self.metrics.get(s))
        else:  # (an empty list is a kept session without warnings)
            warned, measured = kept
        self.now[session_id(s)] = {"key": key, "diagnostics": warned, "measures": measured}
        if warned:  # (a place is hashed once per session: its regions' spans are dataclasses)
            place = self._places.setdefault(_place(s), len(self._places))
            for i in warned:
                located = self._located.get((place, i))
                if located is None:
                    located = self._located[(place, i)] = s.locate(self.warnings.diagnostic(i))
                diagnostics.append(located)
        return files

    def measured(self, s: Session) -> list[Any] | None:
        """The manifest's measures of session ``s`` (kept ones from the cache)."""
        if s.kind is not Kind.WORKOUT or s.workout is None:
            return None
        return self.now[session_id(s)]["measures"]

    def key(self, s: Session, files: dict[str, str]) -> str:
        """:func:`session_key`, with the thresholds' repr made once per sport."""
        assert s.workout is not None
        sport = s.workout.sport
        if sport not in self._thresholds:
            athlete = self.athlete or Athlete()
            self._thresholds[sport] = repr((athlete.for_sport(sport), athlete.timezone))
        return session_key(self._common, self._thresholds[sport], repr(self.options(s)),
                           s.text or "", workout_source(s), files)

    def options(self, s: Session) -> EmitOptions:
        """What the writers are told about session ``s`` (part of its key)."""
        return EmitOptions(strict=self.strict, indoor=s.indoor, date=s.date.isoformat(),
                           fit_max_steps=self.fit_max_steps)

    def _kept(self, sid: str, key: str,
              files: dict[str, str]) -> tuple[list[int], list[Any]] | None:
        """The stored warnings and measures if the session's key and files are unchanged
        (its files are then kept); None if it must be emitted."""
        before = self.previous.get(sid)
        if not isinstance(before, dict) or before.get("key") != key:
            return None
        measured = _stored_measures(before.get("measures"))
        if measured is None:
            return None
        if not all(self.tree.unchanged(rel) for rel in files.values()):
            return None
        warned = self.warnings.earlier(before.get("diagnostics"))
        if warned is None:
            return None  # not a state planc wrote: emit again
        for rel in files.values():
            self.outputs[rel] = KEEP
        return warned, measured

    def _emit(self, s: Session, files: dict[str, str]) -> list[int]:
        assert s.workout is not None
        raw: list[Diagnostic] = []
        for fmt, rel in files.items():
            spec = FORMATS[fmt]
            key = (id(s.workout), fmt, s.indoor, s.date.isoformat() if spec.binary else "")
            if key not in self.emitted:
                self.emitted[key] = emit(fmt, self.realise(s.workout), self.athlete,
                                         self.options(s))
            data, diags = self.emitted[key]
            raw.extend(diags)
            self.outputs[rel] = data
        return self.warnings.emitted(raw)

    def records(self, selection: Selection) -> dict[str, Any]:
        """The sessions' keys, warnings and measures to store: this build's, and the
        earlier ones outside the selection (a partial build keeps the other weeks'
        files), with the table of their warnings."""
        sessions: dict[str, Any] = {}
        for sid, r in self.previous.items():
            if (d := _id_date(sid)) is None or selection.contains(d) or not isinstance(r, dict):
                continue
            warned = self.warnings.earlier(r.get("diagnostics"))
            if warned is not None:  # (else it is emitted again when next selected)
                sessions[sid] = {**r, "diagnostics": warned}
        sessions.update(self.now)
        return {"sessions": sessions, "warnings": self.warnings.rows,
                **_learnt(self.plan), "parsed_with": self._parse_stamp}


def _place(s: Session) -> tuple[Any, ...]:
    """What ``s.locate`` reads of a session (``planc.plan.instantiate.map_diagnostic``: the
    filled text, its regions and where the text sits), so that a warning the sessions of
    one workout share is moved once per place, not once per session (2,067 warnings of
    a 52-week plan, at ~80 places)."""
    smap = s.source_map
    filled, pos = getattr(smap, "filled", None), getattr(smap, "pos", None)
    if filled is None or pos is None:
        return (None, s.path, id(smap))
    return (filled.text, tuple(filled.regions), pos)


def workout_source(s: Session) -> list[Any]:
    """What a session's workout is made of besides its text (``Session.text``, the parsed
    text): the sport and name it was parsed with and the name, description and tags it
    is dressed in (``planc.plan.expand``).  With planc's fingerprint in the key, these
    decide the tree, so a session's key needs no parse: a rebuild after an edit parses
    only the texts it has not seen."""
    return [s.sport, s.workout.sport if s.workout else None, s.name, s.description,
            list(s.tags), s.kind.value]


def session_key(common: str, thresholds: str, options: str, text: str, workout: list[Any],
                files: dict[str, str]) -> str:
    """What a session's files and warnings depend on: planc itself and --strict
    (``common``: with the libraries installed beside it), the athlete's thresholds for
    the workout's sport (every writer reads only those: ``Athlete.for_sport``), the emit
    options, the workout text (what is parsed, and where its warnings point), what
    else makes its tree (:func:`workout_source`), and the files' names."""
    return digest(json.dumps([common, thresholds, options, text, workout,
                              sorted(files.items())]).encode())


def session_id(s: Session) -> str:
    return f"{s.date.isoformat()}/{s.slot}"


def _id_date(sid: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(sid.partition("/")[0])
    except ValueError:
        return None


def _stored(d: Diagnostic) -> list[Any]:
    """A format's warning as JSON, to report again when the session's files are kept."""
    s = d.span
    return [str(d.severity), d.code, d.message, [s.line, s.column, s.end_line, s.end_column],
            d.path, d.hint]


def _diagnostic(row: list[Any]) -> Diagnostic:
    severity, code, message, span, path, hint = row
    return Diagnostic(Severity(severity), code, message, Span(*span), path, hint)


def _manifest(plan: Plan, selection: Selection, previous: list[dict[str, Any]],
              rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The new manifest: this build's rows, and the earlier rows outside the selection."""
    kept = [r for r in previous if (d := _row_date(r)) is not None and not selection.contains(d)]
    return {
        "manifest_version": MANIFEST_VERSION,
        "plan": {"id": plan.id, "name": plan.name, "start": plan.start.isoformat(),
                 "weeks": plan.weeks, "end": plan.end.isoformat()},
        "sessions": sorted(kept + rows, key=lambda r: (str(r["date"]), int(r.get("slot") or 0))),
    }

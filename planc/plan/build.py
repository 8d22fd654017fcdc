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

Formats come from ``planc.lower.formats`` (one table): adding a format there
adds it here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit import emit
from planc.lower.formats import FORMATS, EmitOptions, formats_for
from planc.names import slugify
from planc.output.tree import ManifestKind, OutputTree, TreeResult
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


def _manifest_row(plan: Plan, s: Session, files: dict[str, str], metrics: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "date": s.date.isoformat(), "time": s.time, "slot": s.slot, "week": s.week,
        "sport": s.sport, "name": s.name, "kind": str(s.kind), "external_id": s.external_id,
        "indoor": s.indoor, "files": files,
        "duration_s": None, "distance_m": _round(s.distance_m), "load": None,
        "intensity": None,
    }
    if metrics is not None:
        row["duration_s"] = _round(metrics.duration_s)
        row["distance_m"] = _round(metrics.distance_m)
        row["load"] = _round(metrics.load)
        row["intensity"] = _round(metrics.intensity, 3)
    if s.kind is not Kind.WORKOUT:
        row["description"] = s.description
    if s.ref:
        row["workout"] = s.ref
    return row


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
    """Metrics per distinct Workout object (the compiler shares them between weeks)."""

    def __init__(self, athlete: Athlete | None):
        self.athlete = athlete
        self._cache: dict[tuple[int, bool], Any] = {}

    def get(self, s: Session) -> Any:
        if s.workout is None:
            return None
        key = (id(s.workout), s.indoor)
        if key not in self._cache:
            self._cache[key] = workout_metrics(s.workout, self.athlete, indoor=s.indoor)
        return self._cache[key]


def build_plan(plan: Plan, out_dir: Path, formats: list[str], selection: Selection,
               athlete: Athlete | None = None, strict: bool = False,
               fit_max_steps: int | None = None) -> BuildResult:
    """Write the selected sessions in ``formats`` under ``out_dir`` (see module doc)."""
    athlete = athlete if athlete is not None else plan.athlete
    result = BuildResult()
    tree = OutputTree.open(out_dir, BUILD_MANIFEST, plan.id)
    result.diagnostics.extend(tree.diagnostics)
    metrics = MetricsCache(athlete)
    rows: list[dict[str, Any]] = []
    outputs: dict[str, bytes] = {}
    emitted: dict[tuple[int, str, bool, str], tuple[bytes, list[Diagnostic]]] = {}
    for s in selection.sessions(plan.sessions):
        result.sessions += 1
        files: dict[str, str] = {}
        if s.kind is Kind.WORKOUT and s.workout is not None:
            folder = week_folder(plan, s.week)
            stem = file_stem(s)
            for fmt in formats_for(s.workout.sport, formats):  # no .erg of a swim
                spec = FORMATS[fmt]
                key = (id(s.workout), fmt, s.indoor, s.date.isoformat() if spec.binary else "")
                if key not in emitted:
                    options = EmitOptions(strict=strict, indoor=s.indoor, date=s.date.isoformat(),
                                          fit_max_steps=fit_max_steps)
                    emitted[key] = emit(fmt, s.workout, athlete, options)
                data, diags = emitted[key]
                result.diagnostics.extend(s.locate(d) for d in diags)
                rel = f"{folder}/{stem}{spec.extension}"
                files[fmt] = rel
                outputs[rel] = data
        rows.append(_manifest_row(plan, s, files, metrics.get(s)))
    if any(d.is_error for d in result.diagnostics):
        return result
    result.files = tree.write(outputs, _manifest(plan, selection, _previous_rows(tree), rows))
    return result


def _manifest(plan: Plan, selection: Selection, previous: list[dict[str, Any]],
              rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The new manifest: this build's rows, and the earlier rows outside the selection."""
    kept = [r for r in previous if (d := _row_date(r)) is not None and not selection.contains(d)]
    about: dict[str, Any] = {"id": plan.id, "name": plan.name, "start": plan.start.isoformat(),
                             "weeks": plan.weeks, "end": plan.end.isoformat()}
    if plan.athlete_name is not None:  # one athlete's plan of a roster (build --for)
        about["athlete"] = plan.athlete_name
    return {
        "manifest_version": MANIFEST_VERSION,
        "plan": about,
        "sessions": sorted(kept + rows, key=lambda r: (str(r["date"]), int(r.get("slot") or 0))),
    }

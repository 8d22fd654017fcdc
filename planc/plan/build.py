"""Build a plan into files: one folder per week, one file per session and format,
and ``manifest.json``.

Layout (stable, so the output can live in git)::

    out/<plan id>/manifest.json
    out/<plan id>/week-01-2027-01-04/2027-01-05-1-sweet-spot-3x10m.txt

Guarantees:

* a file whose bytes would not change is not written (its mtime stays);
* every write is atomic (temporary file in the same folder, then rename);
* a file from an earlier build that this build no longer produces is removed
  only if the earlier ``manifest.json`` lists it and it lies in the selected
  weeks; nothing else is ever deleted (an emptied week folder is removed);
* a partial build (``--week``) keeps the manifest rows of the other weeks.

Formats come from ``planc.lower.formats`` (one table): adding a format there
adds it here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, warning
from planc.output.files import inside, safe_relative, slugify, write_atomic
from planc.plan.model import Kind, Plan, Session
from planc.plan.weeks import Selection

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(slots=True)
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    sessions: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def week_folder(plan: Plan, week: int) -> str:
    return f"week-{week:02d}-{plan.week_start(week).isoformat()}"


def file_stem(session: Session) -> str:
    return f"{session.date.isoformat()}-{session.slot}-{slugify(session.name)}"


def dumps_manifest(manifest: dict[str, Any]) -> bytes:
    """Sorted keys, 2-space indent, trailing newline: diff-friendly and byte-stable."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


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


def _previous(out_dir: Path, plan: Plan, diags: list[Diagnostic]) -> list[dict[str, Any]]:
    """The rows of the manifest a previous build of *this* plan left (else none)."""
    path = out_dir / MANIFEST
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["sessions"]
        same = data["plan"]["id"] == plan.id
        assert isinstance(rows, list)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        diags.append(warning("manifest-unreadable", "the previous manifest.json cannot be read; "
                             "no stale file is removed", path=str(path)))
        return []
    if not same:
        diags.append(warning("manifest-other-plan",
                             f"{out_dir} holds a build of plan '{data['plan']['id']}'; "
                             "no stale file is removed", path=str(path),
                             hint="build each plan into its own folder (the default is out/<id>)"))
        return []
    return [r for r in rows if isinstance(r, dict)]


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
            from planc.resolve.metrics import workout_metrics

            self._cache[key] = workout_metrics(s.workout, self.athlete, indoor=s.indoor)
        return self._cache[key]


def build_plan(plan: Plan, out_dir: Path, formats: list[str], selection: Selection,
               athlete: Athlete | None = None, strict: bool = False) -> BuildResult:
    """Write the selected sessions in ``formats`` under ``out_dir`` (see module doc)."""
    from planc.emit import emit
    from planc.lower.formats import FORMATS, EmitOptions, formats_for

    athlete = athlete if athlete is not None else plan.athlete
    result = BuildResult()
    previous = _previous(out_dir, plan, result.diagnostics)
    metrics = MetricsCache(athlete)
    rows: list[dict[str, Any]] = []
    produced: set[str] = set()
    outputs: list[tuple[Path, bytes]] = []
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
                    options = EmitOptions(strict=strict, indoor=s.indoor, date=s.date.isoformat())
                    emitted[key] = emit(fmt, s.workout, athlete, options)
                data, diags = emitted[key]
                result.diagnostics.extend(s.locate(d) for d in diags)
                rel = f"{folder}/{stem}{spec.extension}"
                if not safe_relative(rel):  # slugs cannot escape; belt and braces
                    raise RuntimeError(f"refusing to write outside {out_dir}")
                dest = out_dir / rel
                files[fmt] = rel
                produced.add(rel)
                outputs.append((dest, data))
        rows.append(_manifest_row(plan, s, files, metrics.get(s)))
    if any(d.is_error for d in result.diagnostics):
        return result
    for dest, data in outputs:
        (result.written if write_atomic(dest, data) else result.unchanged).append(dest)
    # Rows of earlier builds outside this selection stay; inside it they are replaced.
    kept = [r for r in previous if (d := _row_date(r)) is not None and not selection.contains(d)]
    stale = [r for r in previous if r not in kept]
    _remove_stale(out_dir, stale, produced, result)
    rows = sorted(kept + rows, key=lambda r: (str(r["date"]), int(r.get("slot") or 0)))
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "plan": {"id": plan.id, "name": plan.name, "start": plan.start.isoformat(),
                 "weeks": plan.weeks, "end": plan.end.isoformat()},
        "sessions": rows,
    }
    dest = out_dir / MANIFEST
    (result.written if write_atomic(dest, dumps_manifest(manifest)) else
     result.unchanged).append(dest)
    return result


def _remove_stale(out_dir: Path, stale: list[dict[str, Any]], produced: set[str],
                  result: BuildResult) -> None:
    folders: set[Path] = set()
    for row in stale:
        files = row.get("files")
        if not isinstance(files, dict):
            continue
        for rel in files.values():
            if not isinstance(rel, str) or rel in produced or os.path.isabs(rel):
                continue
            target = out_dir / rel
            if not inside(out_dir, target) or not target.is_file():
                continue
            target.unlink()
            result.removed.append(target)
            folders.add(target.parent)
    for folder in sorted(folders, reverse=True):
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            pass

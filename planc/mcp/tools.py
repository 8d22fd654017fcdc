"""The tools of ``planc mcp``, as plain functions: text in, JSON-ready dicts out.

Every tool reads the way the command of the same name does (``planc check``,
``compile``, ``stats``, ``publish``), through the same library calls, so an
assistant gets exactly the diagnostics a person gets on the command line:
``path``, ``line``, ``column`` (1-based), ``end_line``, ``end_column``,
``severity``, ``code``, ``message``, ``hint``.

A workout is given as text.  A plan is given by its file path (it includes other
files by relative path), optionally with ``text`` to check instead of the file's
contents (an unsaved draft).  Bad input is never an exception: it is diagnostics.
What is not the user's mistake in the text (an unknown format, a missing file)
raises :class:`ToolError`, which the server turns into a tool error.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any

from planc.athlete import Athlete, SportThresholds
from planc.diagnostics import Diagnostic, as_json, sort_key
from planc.inputs import MAX_INPUT_BYTES

PLAN_SUFFIXES = (".yaml", ".yml")


class ToolError(Exception):
    """A request the tool cannot serve (not a mistake in the workout text)."""


diagnostic_dict = as_json  # the shape check --json prints too


def _summary(diags: list[Diagnostic]) -> dict[str, Any]:
    diags = sorted(set(diags), key=sort_key)
    errors = sum(1 for d in diags if d.is_error)
    return {"ok": errors == 0, "errors": errors, "warnings": len(diags) - errors,
            "diagnostics": [diagnostic_dict(d) for d in diags]}


def _bounded(text: str, what: str = "text") -> str:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_INPUT_BYTES:
        raise ToolError(f"the {what} is larger than {MAX_INPUT_BYTES // 1_000_000} MB")
    return text


def _is_plan(path: str | None, text: str | None) -> bool:
    if path:
        return path.lower().endswith(PLAN_SUFFIXES)
    return bool(text) and re.search(r"^calendar\s*:", text or "", re.MULTILINE) is not None


def _plan_path(path: str | None) -> str:
    """A plan's absolute path; a draft without one is read as ``plan.yaml`` in the
    working directory (its includes are relative to it)."""
    return os.path.abspath(path or "plan.yaml")


# ------------------------------------------------------------------ check --


def check(text: str | None = None, path: str | None = None,
          sport: str | None = None) -> dict[str, Any]:
    """Diagnostics of a workout text, or of a plan (by path, or its text with a path)."""
    if text is None and path is None:
        raise ToolError("give the workout text, or the path of a workout or plan file")
    if _is_plan(path, text):
        from planc.plan.rejections import check_findings

        return _summary(check_findings(_read_plan(path, text)))
    from planc.check import read_workout

    text = _workout_text(text, path)
    return _summary(read_workout(text, path=path or "<workout>", sport=sport).diagnostics)


def _workout_text(text: str | None, path: str | None) -> str:
    if text is not None:
        return _bounded(text)
    from planc.inputs import InputError, read_text

    try:
        return read_text(path or "")
    except InputError as exc:
        raise ToolError(f"{path}: {exc}") from None


def _read_plan(path: str | None, text: str | None):
    from planc.plan import read_plan

    plan_path = _plan_path(path)
    if text is None and not os.path.isfile(plan_path):
        raise ToolError(f"{path}: no such file")
    texts = {plan_path: _bounded(text, "plan")} if text is not None else None
    return read_plan(plan_path, texts=texts, need_plan=False)


# ---------------------------------------------------------------- compile --


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Athlete thresholds a tool call may give (as the command's flags): they override
    the athlete file, the one override rule (:meth:`Athlete.with_flags`)."""

    athlete: str | None = None  # athlete file path
    ftp: float | None = None
    lthr: float | None = None
    max_hr: float | None = None
    threshold_pace: str | None = None  # 4:15/km, or m/s

    def resolve(self, base: Athlete | None = None) -> tuple[Athlete | None, list[Diagnostic]]:
        """``base`` (a plan's athlete), replaced by the athlete file when it loads, then
        the thresholds on top: what ``athlete_from_args`` does for the commands."""
        athlete, diags = base, []
        if self.athlete:
            from planc.plan.athlete_file import load_athlete_file

            loaded, diags = load_athlete_file(self.athlete)
            athlete = loaded if loaded is not None else athlete
        pace = None
        if self.threshold_pace is not None:
            from planc.plan.athlete_file import parse_pace

            found = parse_pace(str(self.threshold_pace))
            if found is None:
                raise ToolError(f"threshold_pace '{self.threshold_pace}' is not a pace: "
                                "write e.g. 4:15/km or 1:45/100m")
            pace = found[0]
        flags = SportThresholds(ftp=self.ftp, lthr=self.lthr, max_hr=self.max_hr,
                                threshold_pace=pace)
        for name in ("ftp", "lthr", "max_hr"):
            value = getattr(self, name)
            if value is not None and not 0 < value < 10_000:
                raise ToolError(f"{name} {value} is not a threshold")
        if flags != SportThresholds():
            athlete = (athlete or Athlete()).with_flags(flags)
        return athlete, diags


def compile_workout(text: str, fmt: str = "icu", *, sport: str | None = None,
                    name: str | None = None, indoor: bool = False, strict: bool = False,
                    thresholds: Thresholds | None = None) -> dict[str, Any]:
    """The file ``planc compile --to FMT`` writes: text formats as text, binary ones
    (FIT) as base64; no file when the workout has errors."""
    import dataclasses

    from planc.check import read_workout
    from planc.emit import emit
    from planc.lower.formats import FORMATS, EmitOptions, parse_formats
    from planc.names import slugify
    from planc.units import is_indoor

    try:
        (fmt,) = parse_formats(fmt)
    except ValueError as exc:
        raise ToolError(f"format: {exc} (one of {', '.join(FORMATS)})") from None
    athlete, diags = (thresholds or Thresholds()).resolve()
    parsed = read_workout(_bounded(text), path="<workout>", sport=sport, name=name)
    diags = [*diags, *parsed.diagnostics]
    out: dict[str, Any] = {"format": fmt, "file_name": None, "encoding": None, "content": None}
    if parsed.workout is not None and not any(d.is_error for d in diags):
        w = parsed.workout
        options = dataclasses.replace(EmitOptions(strict=strict), indoor=is_indoor(w.sport,
                                                                                     indoor))
        data, emitted = emit(fmt, w, athlete, options)
        diags += [d.with_path("<workout>") if d.path == "<input>" else d for d in emitted]
        if data:
            row = FORMATS[fmt]
            out.update(file_name=f"{slugify(w.name or 'workout')}{row.extension}",
                       encoding="base64" if row.binary else "text",
                       content=base64.b64encode(data).decode("ascii") if row.binary
                       else data.decode("utf-8"))
    return {**out, **_summary(diags)}


# ------------------------------------------------------------------ stats --


def stats(text: str | None = None, path: str | None = None, *, sport: str | None = None,
          weeks: list[str] | None = None,
          thresholds: Thresholds | None = None) -> dict[str, Any]:
    """``planc stats --json``: duration, distance, IF and load of a workout, or a plan's
    weekly table and fitness projection."""
    if text is None and path is None:
        raise ToolError("give the workout text, or the path of a workout or plan file")
    thresholds = thresholds or Thresholds()
    if _is_plan(path, text):
        return _plan_stats(path, text, weeks, thresholds)
    from planc.check import read_workout
    from planc.resolve.metrics import workout_metrics
    from planc.units import is_indoor

    athlete, diags = thresholds.resolve()
    parsed = read_workout(_workout_text(text, path), path=path or "<workout>", sport=sport)
    result = _summary([*diags, *parsed.diagnostics])
    w = parsed.workout
    if w is not None:
        m = workout_metrics(w, athlete, indoor=is_indoor(w.sport))
        result["workout"] = {"name": w.name, "sport": w.sport, **m.as_dict()}
    return result


def _plan_stats(path: str | None, text: str | None, weeks: list[str] | None,
                thresholds: Thresholds) -> dict[str, Any]:
    from planc.plan.stats import plan_report
    from planc.plan.weeks import SelectionError, select

    result = _read_plan(path, text)
    out = _summary(result.diagnostics)
    if result.plan is None or not result.ok:
        return out
    athlete, more = thresholds.resolve(result.plan.athlete)
    try:
        selection = select(result.plan, weeks)
    except SelectionError as exc:
        raise ToolError(str(exc)) from None
    out.update(_summary([*result.diagnostics, *more]))
    out["plan"] = plan_report(result.plan, selection, athlete)
    return out


# -------------------------------------------------------------- reference --


def reference() -> str:
    """A compact cheat-sheet of the workout language (see :mod:`planc.mcp.reference`)."""
    from planc.mcp.reference import cheat_sheet

    return cheat_sheet()


# ---------------------------------------------------------------- publish --


@dataclass(slots=True)
class PublishGate:
    """What one connection has dry-run: ``publish`` writes only content (the plan's files,
    the weeks, prune, the server) that had a dry run on the same connection, so an
    assistant always shows the plan of action before it changes a calendar."""

    seen: set[str] = field(default_factory=set)

    def fingerprint(self, sources: dict[str, str], weeks: list[str] | None, prune: bool,
                    base_url: str | None) -> str:
        h = hashlib.sha256()
        for p in sorted(sources):
            h.update(f"{p}\0{sources[p]}\0".encode("utf-8", "surrogatepass"))
        h.update(repr((sorted(weeks or []), prune, base_url or "")).encode())
        return h.hexdigest()


def publish(gate: PublishGate, path: str, *, weeks: list[str] | None = None,
            dry_run: bool = True, prune: bool = False,
            base_url: str | None = None) -> dict[str, Any]:
    """``planc publish PLAN [--week …] [--dry-run] [--prune] --yes``, behind the gate."""
    from planc.plan import read_plan
    from planc.plan.weeks import SelectionError, select
    from planc.publish.events import build_events

    plan_path = _plan_path(path)
    if not os.path.isfile(plan_path):
        raise ToolError(f"{path}: no such file")
    result = read_plan(plan_path, need_plan=True)
    out = _summary(result.diagnostics)
    if not result.ok or result.plan is None:
        return {**out, "published": False, "dry_run": dry_run}
    plan = result.plan
    try:
        selection = select(plan, weeks)
    except SelectionError as exc:
        raise ToolError(str(exc)) from None
    events = build_events(selection.sessions(plan.sessions))
    out = _summary(result.diagnostics + events.diagnostics)
    if not out["ok"]:
        return {**out, "published": False, "dry_run": dry_run}
    key = gate.fingerprint(result.sources, weeks, prune, base_url)
    if not dry_run and key not in gate.seen:
        raise ToolError("refused: publish this plan with dry_run=true first (on this "
                        "connection, with the same weeks and prune), show the plan of action, "
                        "then publish with dry_run=false")
    talked = _talk(plan, selection, events, prune, base_url, dry_run)
    if dry_run:
        gate.seen.add(key)
    return {**out, **talked, "dry_run": dry_run}


def _talk(plan, selection, events, prune: bool, base_url: str | None,
          dry_run: bool) -> dict[str, Any]:
    """Read the calendar and, unless a dry run, write: the publish command's steps."""
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError, describe, open_client
    from planc.publish.publisher import PartialPublish, apply, read_calendar, window

    try:
        client = open_client(base_url)
    except ConnectError as exc:
        raise ToolError(str(exc)) from None
    with client:
        oldest, newest = window(plan, selection)
        try:
            changes = read_calendar(client, plan, selection, events, prune)
        except ServiceError as exc:
            raise ToolError(str(exc)) from None
        out: dict[str, Any] = {
            "target": describe(client), "oldest": str(oldest), "newest": str(newest),
            "actions": [a.line() for a in changes.actions],
            "summary": changes.summary(prune), "stale": len(changes.stale)}
        if dry_run or changes.nothing_to_do:
            return {**out, "published": False}
        try:
            outcome = apply(client, changes, plan, selection)
        except PartialPublish as exc:
            raise ToolError(f"{exc.cause}; {exc.written} of {exc.total} created/updated "
                            "events were saved; publishing again is safe") from None
    problems = _summary(outcome.problems)
    return {**out, "published": True, "outcome": outcome.summary(),
            "problems": problems["diagnostics"]}


# ----------------------------------------------------------------- review --


def review(path: str, *, weeks: list[str] | None = None, today: str | None = None,
           base_url: str | None = None) -> dict[str, Any]:
    """``planc review PLAN [--week …] [--today DATE] --json``: the plan's diagnostics,
    then the review (the documented ``--json`` shape) under ``review``."""
    import datetime as dt

    from planc.plan import read_plan
    from planc.plan.weeks import SelectionError, select
    from planc.publish.client import ServiceError
    from planc.publish.connect import ConnectError, open_client
    from planc.publish.review import review_online

    plan_path = _plan_path(path)
    if not os.path.isfile(plan_path):
        raise ToolError(f"{path}: no such file")
    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise ToolError(f"today: '{today}' is not a date (YYYY-MM-DD)") from None
    result = read_plan(plan_path, need_plan=True)
    out = _summary(result.diagnostics)
    if not result.ok or result.plan is None:
        return out
    if result.plan.roster:
        raise ToolError(f"{path} has a roster: review each athlete with 'planc review "
                        "--for NAME' on the command line")
    try:
        selection = select(result.plan, weeks)
        client = open_client(base_url)
    except (SelectionError, ConnectError) as exc:
        raise ToolError(str(exc)) from None
    with client:
        try:
            found = review_online(client, result.plan, selection, day)
        except ServiceError as exc:
            raise ToolError(str(exc)) from None
    return {**out, "review": found}

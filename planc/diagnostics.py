"""Positioned diagnostics: the one way planc reports a user's mistake.

A diagnostic renders like a compiler's::

    plans/vo2.workout:7:11: error[pace-without-keyword]: pace '5:00/km' has no 'Pace' ...
      7 | - Hard 3m 5:00/km
        |           ^^^^^^^
      hint: write '5:00/km Pace'

Stages never print; they return or raise diagnostics, and the command line
renders them against the source text it read.  Bad input never becomes a
Python traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from enum import StrEnum

from planc.ast import NO_SPAN, Span, _Frozen, _frozen, _set
from planc.sanitise import for_terminal


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@_frozen
class Diagnostic(_Frozen):
    """One finding: a frozen dataclass in behaviour, made as the AST's nodes are
    (:mod:`planc.ast`: no dataclasses import at start-up)."""

    severity: Severity
    code: str
    message: str
    span: Span
    path: str
    hint: str | None

    def __init__(self, severity: Severity, code: str, message: str, span: Span = NO_SPAN,
                 path: str = "<input>", hint: str | None = None) -> None:
        _set(self, "severity", severity)
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "span", span)
        _set(self, "path", path)
        _set(self, "hint", hint)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_path(self, path: str) -> Diagnostic:
        return self.but(path=path)

    def shifted(self, lines: int, columns: int = 0, path: str | None = None) -> Diagnostic:
        """Move the span by a fixed offset (a workout body embedded in a plan file)."""
        s = self.span
        if s == NO_SPAN:
            return self.but(path=path or self.path)
        span = Span(s.line + lines, s.column + columns, s.end_line + lines, s.end_column + columns)
        return self.but(span=span, path=path or self.path)

    def promoted(self) -> Diagnostic:
        """A warning turned into an error (``--strict``)."""
        return self.but(severity=Severity.ERROR)


def error(code: str, message: str, span: Span = NO_SPAN, hint: str | None = None,
          path: str = "<input>") -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, span, path, hint)


def warning(code: str, message: str, span: Span = NO_SPAN, hint: str | None = None,
            path: str = "<input>") -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, span, path, hint)


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        first = self.diagnostics[0].message if self.diagnostics else "error"
        super().__init__(first)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.span.line, d.span.column, d.code)


SOURCE_WIDTH = 100  # characters of a source line shown around the caret


def render(d: Diagnostic, sources: Mapping[str, str] | None = None) -> str:
    """``path:line:col: severity[code]: message`` + source line + caret + hint.

    A long source line is shown as a window around the caret (a 300 kB line must not be
    printed once per diagnostic), and control characters are shown as '?' so that a
    file cannot drive the terminal."""
    s = d.span
    where = f"{d.path}:{s.line}:{s.column}" if s.line else d.path
    out = [for_terminal(f"{where}: {d.severity}[{d.code}]: {d.message}")]
    text = (sources or {}).get(d.path)
    if text is not None and s.line:
        lines = _lines(text)
        if 0 < s.line <= len(lines):
            src = lines[s.line - 1].replace("\t", " ")
            gutter = str(s.line)
            width = (s.end_column - s.column) if s.end_line == s.line else len(src) - s.column + 1
            width = max(1, min(width, max(1, len(src) - s.column + 1)))
            column = s.column
            if len(src) > SOURCE_WIDTH:
                start = max(0, min(column - 1 - SOURCE_WIDTH // 3, len(src) - SOURCE_WIDTH))
                shown = src[start:start + SOURCE_WIDTH]
                head = "…" if start else ""
                tail = "…" if start + SOURCE_WIDTH < len(src) else ""
                column = column - start + len(head)
                width = max(1, min(width, SOURCE_WIDTH - (column - 1 - len(head))))
                src = head + shown + tail
            out.append(f"  {gutter} | {for_terminal(src)}")
            out.append(f"  {' ' * len(gutter)} | {' ' * (column - 1)}{'^' * width}")
    if d.hint:
        out.append(for_terminal(f"  hint: {d.hint}"))
    return "\n".join(out)


@functools.lru_cache(maxsize=8)
def _lines(text: str) -> list[str]:
    return text.splitlines()


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice, for 'did you mean' hints (stdlib difflib, case-insensitive)."""
    import difflib

    options = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return options[match[0]] if match else None


# What people call a sport, in their words, -> the intervals.icu type: spelling distance
# alone takes 'Bike' to 'Hike'.
SPORT_SYNONYMS: dict[str, str] = {
    "bike": "Ride", "biking": "Ride", "cycle": "Ride", "cycling": "Ride", "road": "Ride",
    "roadbike": "Ride", "indoorride": "VirtualRide", "trainer": "VirtualRide",
    "turbo": "VirtualRide", "zwift": "VirtualRide", "indoorbike": "VirtualRide",
    "gravel": "GravelRide", "mtb": "MountainBikeRide", "mountainbike": "MountainBikeRide",
    "running": "Run", "jog": "Run", "jogging": "Run", "treadmill": "VirtualRun",
    "trail": "TrailRun", "swimming": "Swim", "pool": "Swim", "openwater": "OpenWaterSwim",
    "ows": "OpenWaterSwim", "row": "Rowing", "erg": "VirtualRow", "indoorrow": "VirtualRow",
    "strength": "WeightTraining", "gym": "WeightTraining", "weights": "WeightTraining",
    "ski": "NordicSki", "xcski": "NordicSki", "walking": "Walk", "hiking": "Hike",
}


def sport_guess(word: str) -> str | None:
    """The intervals.icu sport someone who wrote ``word`` most likely meant: a synonym
    ('Bike' -> Ride, 'Zwift' -> VirtualRide) first, then the closest spelling."""
    from planc.units import SPORTS

    key = "".join(ch for ch in word.lower() if ch.isalnum())
    return SPORT_SYNONYMS.get(key) or did_you_mean(word, SPORTS)


def as_json(d: Diagnostic) -> dict:
    """One diagnostic as JSON (``check --json``, the MCP tools): 1-based line and column,
    end column exclusive, ``hint`` null when there is none."""
    s = d.span
    return {"path": d.path, "line": s.line, "column": s.column, "end_line": s.end_line,
            "end_column": s.end_column, "severity": str(d.severity), "code": d.code,
            "message": d.message, "hint": d.hint}

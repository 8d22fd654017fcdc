"""What the language server knows about one document, in planc's terms.

:func:`analyse` reads a document the way ``planc check`` does (a workout with
:func:`planc.check.read_workout`, a plan with :func:`planc.plan.read_plan` over the
editor's unsaved texts), so the editor shows the same codes at the same spans as the
command line, including mistakes inside library bodies and substituted arguments,
which the plan loader already moves to where the user wrote them.

The questions an editor asks are answered from an :class:`Analysis`:
:func:`hover` (a step's duration, resolved targets and zone, for the plan's athlete),
:func:`completions` and :func:`definition`.  Positions are 1-based lines and columns
in characters, as in every planc :class:`~planc.ast.Span`; the server converts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from planc.ast import Node, Repeat, Span, Step, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.fmt import is_planc_yaml
from planc.lsp.complete import Completion, plan_completions, workout_completions
from planc.lsp.describe import describe_repeat, describe_step
from planc.plan.model import LibraryWorkout, Session

WORKOUT, PLAN = "workout", "plan"
PLAN_SUFFIXES = (".yaml", ".yml")


def document_kind(path: str) -> str:
    """``plan`` for YAML files (plans, libraries, athlete files), else ``workout``."""
    return PLAN if path.lower().endswith(PLAN_SUFFIXES) else WORKOUT


@dataclass(frozen=True, slots=True)
class Settings:
    """What the client may configure: the athlete of standalone workout files (a plan
    uses its own) and the sport of workout files without a header."""

    athlete: str | None = None  # athlete file path
    sport: str | None = None


@dataclass(slots=True)
class Analysis:
    """One reading of a document: its diagnostics (for every file the reading touched)
    and what hover, completion and definition need."""

    path: str
    kind: str
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    workout: Workout | None = None  # a workout document (kept even when it has errors)
    sessions: list[Session] = field(default_factory=list)
    library: dict[str, LibraryWorkout] = field(default_factory=dict)
    athlete: Athlete | None = None
    files: tuple[str, ...] = ()  # every file the reading used (a plan's includes)

    def diagnostics_for(self, path: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if same_path(d.path, path)]


def same_path(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def analyse(path: str, text: str, *, open_texts: dict[str, str] | None = None,
            settings: Settings | None = None) -> Analysis:
    """Read ``text`` as the document at ``path`` (absolute); ``open_texts`` are the other
    documents the editor has open (path -> text), read instead of the files on disk.
    YAML that is not planc's has nothing to say (:func:`is_planc_yaml`)."""
    settings = settings or Settings()
    if document_kind(path) == PLAN:
        if not is_planc_yaml(text):
            return Analysis(path, PLAN, text, files=(path,))
        return _analyse_plan(path, text, open_texts or {})
    return _analyse_workout(path, text, settings)


def _analyse_workout(path: str, text: str, settings: Settings) -> Analysis:
    from planc.check import read_workout
    from planc.syntax import parse_tree

    parsed = read_workout(text, path=path, sport=settings.sport)
    workout = parsed.workout
    if workout is None:  # errors: keep the lines that did parse, for hover
        workout = parse_tree(text, path=path, sport=settings.sport).workout
    athlete = _settings_athlete(settings)
    return Analysis(path, WORKOUT, text, list(parsed.diagnostics), workout=workout,
                    athlete=athlete, files=(path,))


def _settings_athlete(settings: Settings) -> Athlete | None:
    if not settings.athlete:
        return None
    from planc.plan.athlete_file import load_athlete_file

    athlete, _ = load_athlete_file(settings.athlete)  # its mistakes show when it is open
    return athlete


def _analyse_plan(path: str, text: str, open_texts: dict[str, str]) -> Analysis:
    from planc.plan import read_plan
    from planc.plan.rejections import check_findings

    result = read_plan(path, texts={**open_texts, path: text})
    plan = result.plan
    return Analysis(path, PLAN, text, check_findings(result),
                    sessions=list(plan.sessions) if plan else [],
                    library=dict(result.library),
                    athlete=plan.athlete if plan else None,
                    files=tuple(result.sources))


# ------------------------------------------------------------------ hover --


def hover(an: Analysis, line: int, column: int,
          plans: tuple[Analysis, ...] = ()) -> str | None:
    """Markdown for the step (or repeat header) on ``line``, or None.  ``plans``: other
    open plans; a library file's bodies are described as the first of them that uses
    them (with its athlete and arguments)."""
    if an.kind == WORKOUT:
        if an.workout is None:
            return None
        return _hover_workout(an.workout, line, an.athlete, indoor=False, heading=None)
    for owner in (an, *plans):
        text = _hover_plan(owner, an.path, line)
        if text is not None:
            return text
    return None


def _hover_plan(an: Analysis, path: str, line: int) -> str | None:
    for session, shift in _sessions_on_line(an, line, path):
        if session.workout is None:
            continue
        heading = (f"week {session.week}, {session.date:%a %Y-%m-%d}"
                   + (f" ({session.ref})" if session.ref else ""))
        from planc.units import is_indoor

        text = _hover_workout(session.workout, line - shift, an.athlete,
                              indoor=is_indoor(session.sport or "", session.indoor),
                              heading=heading)
        if text is not None:
            return text
    return None


def _sessions_on_line(an: Analysis, line: int, path: str | None = None):
    """(session, line shift) for each session of ``an`` whose workout text covers ``line``
    of ``path`` (default: the analysed file), in calendar order."""
    path = path or an.path
    for s in an.sessions:
        pos = getattr(s.source_map, "pos", None)
        text = getattr(s.source_map, "text", None)
        if pos is None or text is None or pos.whole is not None or not same_path(pos.path,
                                                                              path):
            continue
        first = pos.line_shift + 1
        if first <= line < first + text.count("\n") + 1:
            yield s, pos.line_shift


def _hover_workout(workout: Workout, line: int, athlete: Athlete | None, *, indoor: bool,
                   heading: str | None) -> str | None:
    node = _node_on_line(workout.body, line)
    if node is None:
        return None
    if isinstance(node, Repeat):
        body = describe_repeat(workout, node, athlete, indoor)
    else:
        body = describe_step(workout, node, athlete, indoor)
    return f"*{heading}*\n\n{body}" if heading else body


def _node_on_line(nodes: tuple[Node, ...], line: int) -> Step | Repeat | None:
    for node in nodes:
        if isinstance(node, Step) and node.span.line == line:
            return node
        if isinstance(node, Repeat):
            if node.span.line == line:
                return node
            inner = _node_on_line(node.children, line)
            if inner is not None:
                return inner
        elif hasattr(node, "children"):
            inner = _node_on_line(node.children, line)  # type: ignore[union-attr]
            if inner is not None:
                return inner
    return None


# ------------------------------------------------------------- definition --

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_FILE = re.compile(r"[^\s\[\],{}'\"]+\.ya?ml")


def word_at(text: str, column: int, pattern: re.Pattern[str] = _WORD) -> tuple[str, int] | None:
    """The word of ``pattern`` covering 1-based ``column`` (or ending just before it)."""
    for m in pattern.finditer(text):
        if m.start() + 1 <= column <= m.end() + 1:
            return m.group(), m.start() + 1
    return None


def line_text(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def definition(an: Analysis, line: int, column: int) -> tuple[str, Span] | None:
    """Where the workout named under the cursor is defined (a plan's ``workout:``, or a
    day given as a bare name), or the file an ``include:``/``athlete:`` path names."""
    if an.kind != PLAN:
        return None
    src = line_text(an.text, line)
    found = word_at(src, column, _FILE)
    if found is not None:
        target = os.path.normpath(os.path.join(os.path.dirname(an.path), found[0]))
        if os.path.isfile(target):
            return target, Span(1, 1, 1, 1)
    found = word_at(src, column)
    if found is None:
        return None
    lw = an.library.get(found[0])
    if lw is None or (same_path(lw.path, an.path) and lw.span.line == line):
        return None
    return lw.path, lw.span


# ------------------------------------------------------------- completion --


def completions(an: Analysis, line: int, column: int) -> list[Completion]:
    """What may be typed at ``line``/``column`` (the column after the cursor's text)."""
    prefix = line_text(an.text, line)[:max(column - 1, 0)]
    if an.kind == WORKOUT:
        return workout_completions(prefix, in_header=_in_front_matter(an.text, line))
    if _in_body(an, line):
        return workout_completions(prefix, in_header=False)
    return plan_completions(prefix, an.text.split("\n")[:line - 1], an.library)


def _in_front_matter(text: str, line: int) -> bool:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return False
    for number, src in enumerate(lines[1:], 2):
        if src.strip() == "---":
            return line < number
    return True


def _in_body(an: Analysis, line: int) -> bool:
    """Whether ``line`` of a plan file is inside a workout body (a block scalar)."""
    for lw in an.library.values():
        body = lw.body
        if body.style != "|" or not same_path(body.path, an.path):
            continue
        end = body.span  # the scalar ends at the start of the next line (column 1) or later
        last = end.end_line if end.end_column > 1 else end.end_line - 1
        if body.content_line_shift < line <= last:
            return True
    return any(True for _ in _sessions_on_line(an, line))


__all__ = ["PLAN", "WORKOUT", "Analysis", "Completion", "Settings", "analyse", "completions",
           "definition", "document_kind", "hover", "is_planc_yaml", "line_text", "word_at"]

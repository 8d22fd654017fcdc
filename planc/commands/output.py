"""How commands print: colour on a terminal, how much to say (-q/-v), JSON documents.

Every command prints through these few rules so that they agree: colour only when
the stream is a terminal, never when ``NO_COLOR`` is set, always when
``FORCE_COLOR`` is (https://no-color.org, https://force-color.org); ``-q`` keeps
errors and the main output and drops warnings and progress lines; ``-v`` prints
every repeated diagnostic instead of the first 20 of a kind; ``--json`` prints one
JSON document on standard output (shapes in README, "Machine-readable output").
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from planc.ast import Record
from planc.diagnostics import Diagnostic, as_json, sort_key

TYPE_CHECKING = False  # not typing's: its import is 2 ms of every command's start-up
if TYPE_CHECKING:
    from typing import Any, TextIO


class Verbosity(Record):
    """How much this run says: set once per command line by :func:`planc.cli.main`."""

    _fields = ("quiet", "verbose", "sink")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, quiet: bool = False, verbose: bool = False,
                 sink: list[Diagnostic] | None = None) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.sink = sink  # --json: diagnostics gathered, not printed


VERBOSITY = Verbosity()


def set_verbosity(quiet: bool, verbose: bool) -> None:
    VERBOSITY.quiet, VERBOSITY.verbose = bool(quiet), bool(verbose) and not quiet
    VERBOSITY.sink = None


@contextmanager
def gathered() -> Iterator[list[Diagnostic]]:
    """For ``--json``: while inside, every diagnostic a command reports (through
    ``planc.commands._common.report``, strictness applied) is added to the list it
    yields instead of being printed, so the JSON document holds all of them."""
    sink: list[Diagnostic] = []
    VERBOSITY.sink = sink
    try:
        yield sink
    finally:
        VERBOSITY.sink = None


def say(message: str, stream: TextIO | None = None) -> None:
    """A progress or summary line on standard error, which ``-q`` silences."""
    if not VERBOSITY.quiet:
        print(message, file=stream or sys.stderr)


# ----------------------------------------------------------------- colour --


def use_colour(stream: TextIO) -> bool:
    """Colour for ``stream``: NO_COLOR (any value) wins, then FORCE_COLOR (any value but
    0), then whether the stream is a terminal that is not 'dumb'."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force is not None and force not in ("", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


_STYLES = {"error": "1;31", "warning": "1;33", "note": "1;36", "hint": "36", "caret": "1;32",
           "bold": "1"}
_HEADLINE = re.compile(r"^(?P<where>.*?: )(?P<sev>error|warning|note)(?P<code>\[[^\]]*\])?:")
_CARET = re.compile(r"^(?P<gutter>\s*\|\s*)(?P<marks>\^+)", re.MULTILINE)
_HINT = re.compile(r"^(?P<lead>\s*)hint:", re.MULTILINE)


def paint(text: str, style: str) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def coloured(rendered: str) -> str:
    """A rendered diagnostic (``path:line:col: severity[code]: message`` + source line +
    carets + hint) with its severity, carets and hint label in colour; the words are
    unchanged, so a terminal without colour support shows the same text."""
    def headline(m: re.Match) -> str:
        sev = m["sev"]
        return f"{paint(m['where'], 'bold')}{paint(sev + (m['code'] or ''), sev)}:"

    text = _HEADLINE.sub(headline, rendered, count=1)
    text = _CARET.sub(lambda m: m["gutter"] + paint(m["marks"], "caret"), text)
    return _HINT.sub(lambda m: m["lead"] + paint("hint", "hint") + ":", text)


# ------------------------------------------------------------------- json --


def diagnostics_json(diagnostics: Iterable[Diagnostic], strict: bool = False) -> dict[str, Any]:
    """``{"ok", "errors", "warnings", "diagnostics": [...]}``: the same shape as the MCP
    ``check`` tool; identical diagnostics once; with ``strict`` warnings count as errors."""
    diags = sorted(set(diagnostics), key=sort_key)
    if strict:
        diags = [d if d.is_error else d.promoted() for d in diags]
    errors = sum(1 for d in diags if d.is_error)
    return {"ok": errors == 0, "errors": errors, "warnings": len(diags) - errors,
            "diagnostics": [as_json(d) for d in diags]}


def print_json(document: Any, stream: TextIO | None = None) -> None:
    """One JSON document, keys in the order built, UTF-8 text, newline-terminated."""
    stream = stream or sys.stdout
    stream.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    stream.flush()


# ------------------------------------------------------- publish: old -> new --

MAX_SHOWN = 60  # characters of one value shown in an old -> new line


def _short(value: Any) -> str:
    from planc.sanitise import for_terminal

    text = for_terminal(" ".join(str(value).split())) if value is not None else "(none)"
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def field_changes(action: Any) -> list[dict[str, Any]]:
    """What an update or adoption changes, field by field: ``{"field", "old", "new"}``;
    a multi-line text (the description, which holds the workout) carries ``"diff"``,
    its changed lines as ``- old`` / ``+ new`` (a step diff of the workout)."""
    import difflib

    existing = getattr(action, "existing", None) or {}
    planned = getattr(getattr(action, "planned", None), "payload", None) or {}
    out: list[dict[str, Any]] = []
    for name in getattr(action, "fields", ()):
        old, new = existing.get(name), planned.get(name)
        entry: dict[str, Any] = {"field": name, "old": old, "new": new}
        if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
            entry["diff"] = [line for line in difflib.unified_diff(
                old.splitlines(), new.splitlines(), lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        out.append(entry)
    return out


def change_lines(action: Any) -> list[str]:
    """The lines under an update in the plan of action: ``name: 'Easy' -> 'Easy ride'``,
    and for the workout text the steps removed (``-``) and added (``+``)."""
    lines: list[str] = []
    for entry in field_changes(action):
        if "diff" in entry:
            lines.append(f"      {entry['field']}:")
            lines.extend(f"        {_short(d[0])} {_short(d[1:])}" for d in entry["diff"])
        else:
            lines.append(f"      {entry['field']}: {_short(entry['old'])} -> "
                         f"{_short(entry['new'])}")
    return lines


def action_json(action: Any) -> dict[str, Any]:
    """One line of the plan of action as JSON (``publish --json``)."""
    return {"action": str(action.change), "date": action.date.isoformat(),
            "time": action.time, "sport": action.sport, "name": action.name,
            "external_id": action.external_id, "changes": field_changes(action)}

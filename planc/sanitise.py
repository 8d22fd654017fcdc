"""The one sanitiser per place text leaves planc: the terminal, XML (SVG, HTML, .zwo)
and plain text (FIT strings, text files).

Text from outside (a workout's labels and cues, a plan's names, an imported file,
a server's answer) may hold any character.  Each target refuses or misreads some:
lxml raises on a control character, a NUL ends a FIT string early, an escape
sequence drives the terminal.  Every writer passes outside text through the
function for its target here, so what a target may receive is decided once.

This module sits below everything else (it imports only ``re``): the diagnostics
renderer, the lowering, the writers and the publisher all use it.
"""

from __future__ import annotations

import re

CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # C0 but tab and line ends, and DEL
CONTROL_RE = re.compile(f"[{CONTROL_CHARS}]")
"""Invisible characters no workout text needs (text files and FIT strings drop them)."""

_NOT_TERMINAL = f"[{CONTROL_CHARS}\r\x80-\x9f\u202a-\u202e\u2066-\u2069]"
"""For a terminal also CR (it rewrites the line), the C1 controls (ESC's 8-bit forms) and
the bidirectional overrides (they reorder what follows)."""

_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"
"""What XML 1.0 cannot hold (lxml raises on it)."""


_COMPILED: dict[str, re.Pattern[str]] = {}


def _regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled on first use: compiling these two at import cost ~1 ms of
    every start, and a clean ``check`` prints no diagnostic and writes no XML."""
    found = _COMPILED.get(pattern)
    if found is None:
        found = _COMPILED[pattern] = re.compile(pattern)
    return found


def for_terminal(text: str) -> str:
    """Text safe to print: each control character (ESC included) and bidirectional
    override becomes '?', one for one, so columns and carets still line up."""
    return _regex(_NOT_TERMINAL).sub("?", text)


def for_xml(text: str) -> str:
    """Text an XML document (SVG, HTML, .zwo) can hold: the characters XML 1.0 refuses
    are left out."""
    return _regex(_NOT_XML).sub("", text)


def for_plain(text: str) -> str:
    """Text without control characters, for FIT strings (a NUL would end one early)
    and text files; tabs and line ends stay."""
    return CONTROL_RE.sub("", text)


__all__ = ["CONTROL_CHARS", "CONTROL_RE", "for_plain", "for_terminal", "for_xml"]

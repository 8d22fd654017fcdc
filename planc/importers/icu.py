"""intervals.icu (and planc) workout text -> planc AST, through planc's own parser.

intervals.icu text is a subset of planc's language, so importing it is parsing
it: every diagnostic the parser gives (with line and column) is the import's,
and the result is re-emitted in canonical planc form (one space between words,
``mtr`` for metres, blank lines between blocks, header first).
"""

from __future__ import annotations

from planc.check import read_workout
from planc.importers.common import ImportResult, Reader, decode_text


def read_icu(data: bytes, path: str, *, sport: str | None = None) -> ImportResult:
    r = Reader(path)
    text = decode_text(data, r)
    if not text.strip():
        r.error("empty-file", "the file is empty")
        return r.result(None, "icu", text)
    parsed = read_workout(text, path=path, sport=sport)
    r.diagnostics.extend(parsed.diagnostics)
    return r.result(parsed.workout, "icu", text)

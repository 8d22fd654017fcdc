"""Which format a file is in, decided by its content (the extension only breaks ties).

Files travel under wrong names: a .zwo saved as .xml, an .erg renamed .mrc,
a FIT download without an extension, intervals.icu text in a .txt.  The bytes
say what a file is:

* ``.FIT`` at offset 8 (after a 12- or 14-byte header) -> FIT;
* ``<`` as the first non-blank character (after a BOM) -> XML, read as ZWO
  (the ZWO reader rejects XML that is not a Zwift workout, by its root);
* ``[COURSE HEADER]`` or ``[COURSE DATA]`` -> CompuTrainer course; its
  ``MINUTES WATTS`` / ``MINUTES PERCENT`` line says .erg or .mrc (the
  extension decides when the line is missing);
* other text -> intervals.icu / planc workout text;
* anything else (NUL bytes, undecodable binary) is not a workout file.

When the extension names a different format, a warning says which one was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EXTENSIONS = {".fit": "fit", ".zwo": "zwo", ".mrc": "mrc", ".erg": "erg", ".txt": "icu",
               ".workout": "icu", ".icu": "icu", ".xml": "zwo"}
_COURSE_RE = re.compile(rb"\[\s*(?:END\s+)?COURSE\s+(?:HEADER|DATA)\s*\]", re.IGNORECASE)
_WATTS_RE = re.compile(rb"MINUTES[ \t]+WATTS", re.IGNORECASE)
_PERCENT_RE = re.compile(rb"MINUTES[ \t]+(?:PERCENT|FTP)", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

NAMES = {"fit": "a FIT file", "zwo": "a Zwift workout (XML)", "mrc": "an .mrc course",
         "erg": "an .erg course", "icu": "workout text"}


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The format (None: not a workout file), why, and what the extension suggested."""

    kind: str | None
    reason: str = ""
    by_extension: str | None = None

    @property
    def mismatch(self) -> bool:
        return (self.kind is not None and self.by_extension is not None
                and self.by_extension != self.kind)


def extension_kind(path: str | None) -> str | None:
    if not path:
        return None
    m = re.search(r"(\.[A-Za-z0-9]+)$", path)
    return _EXTENSIONS.get(m.group(1).lower()) if m else None


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(4, len(head) // 20)


def sniff(data: bytes, path: str | None = None) -> Sniffed:
    by_ext = extension_kind(path)
    if not data.strip():
        return Sniffed(None, "empty", by_ext)
    if len(data) >= 12 and data[8:12] == b".FIT" and data[0] in (12, 14):
        return Sniffed("fit", "FIT header", by_ext)
    head = data[:8192]
    text_head = head
    for bom in _BOMS:
        if text_head.startswith(bom):
            text_head = text_head[len(bom):]
            break
    if text_head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:  # UTF-16 text (rare): decide on its UTF-8 transcoding
            text_head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            pass
    elif _looks_binary(text_head):
        if by_ext == "fit":  # a FIT file so damaged that its signature is gone
            return Sniffed("fit", "extension (no FIT signature)", by_ext)
        return Sniffed(None, "binary", by_ext)
    stripped = text_head.lstrip()
    if stripped.startswith(b"<"):
        return Sniffed("zwo", "XML", by_ext)
    if _COURSE_RE.search(data[:65536]):
        if _WATTS_RE.search(data[:65536]):
            return Sniffed("erg", "MINUTES WATTS", by_ext)
        if _PERCENT_RE.search(data[:65536]):
            return Sniffed("mrc", "MINUTES PERCENT", by_ext)
        return Sniffed(by_ext if by_ext in ("mrc", "erg") else "mrc", "course sections", by_ext)
    return Sniffed("icu", "text", by_ext)

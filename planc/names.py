"""Safe names: the slug a workout or session name becomes in a file name.

A foundation fact (the writers put it inside files, e.g. an .mrc's FILE NAME line; the
output writer and the commands use it for the files themselves), so it lives below
every stage that needs it.
"""

from __future__ import annotations

import re
import unicodedata


def slugify(name: str, default: str = "workout", max_length: int = 60) -> str:
    """A file-name-safe slug: ASCII letters, digits and '-', never empty, never '..'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    text = text[:max_length].strip("-")
    if text in _WINDOWS_RESERVED:  # 'con.zwo' cannot be created or copied on Windows
        text = f"{text}-{default}"
    return text or default


_WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))])

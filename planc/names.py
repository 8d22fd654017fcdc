"""Safe names: the slug a workout or session name becomes in a file name.

A foundation fact (the writers put it inside files, e.g. an .mrc's FILE NAME line; the
output writer and the commands use it for the files themselves), so it lives below
every stage that needs it.
"""

from __future__ import annotations

import re


def transliterate(text: str) -> str:
    """``text`` in ASCII letters (anyascii, a maintained transliteration table:
    ``Тренировка`` -> ``Trenirovka``, ``午前`` -> ``WuQian``, ``½`` -> ``1/2``); pictures
    (emoji, which anyascii spells as ``:person_biking:``) are left out, not spelled."""
    if text.isascii():  # before the import: anyascii and importlib.resources cost 2 ms
        return text
    from anyascii import anyascii  # lazy: start-up of commands that write no text

    return "".join(a if not (len(a) > 2 and a[0] == a[-1] == ":") else ""
                   for a in map(anyascii, text))


def slugify(name: str, default: str = "workout", max_length: int = 60) -> str:
    """A file-name-safe slug: ASCII letters, digits and '-', never empty, never '..'.

    Other scripts are transliterated (anyascii: ``Тренировка 午前`` ->
    ``trenirovka-wuqian``), so a name in any language gives a name on disk;
    ``default`` is for a name with nothing to spell (``default=""`` lets the caller
    choose its own fallback, such as the input file's name)."""
    text = transliterate(name)
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    text = text[:max_length].strip("-")
    if text in _WINDOWS_RESERVED:  # 'con.zwo' cannot be created or copied on Windows
        text = f"{text}-{default}"
    return text or default


_WINDOWS_RESERVED = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))])

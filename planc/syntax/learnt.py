"""What the line reader learnt from Lark's parser, stored so that a process can read
a common workout without importing Lark.

Building :class:`planc.syntax.grammar.LineReader` needs Lark's compiled grammar (its
contextual lexer's scanners, and a walk of its parser over one line of each kind to
learn which scanner follows which token): importing Lark and loading its tables is
most of a cold ``planc check``.  What the reader takes from them is a small table
(each scanner's terminals and regex flags, the moves, the first scanner, which
terminal starts which kind of line, the ignored terminals, the newline facts), so it
is stored in planc's cache folder and a later process builds its reader from it.

The table depends only on what decides Lark's compiled grammar and the walk: the
grammar's text, Lark's version (read from its ``__init__.py``, without importing it),
the options planc gives Lark, planc's and Python's versions, this file's format and
the code that learns the table (the size and time of :data:`CODE`'s files: a
development copy edited, or checked out at another commit, under the same version,
learns it again).  They are the table's key, stored in it and compared whole.

Never trusted blindly: the file holds a CRC-32 of its payload (damage), the key must
be the live one (staleness), and the payload must have the shape :func:`load`
expects; anything else falls back to Lark, which learns the table again and rewrites
the file (atomically: a temporary file, then a rename).
"""

from __future__ import annotations

import marshal
import os
import re
import sys
import zlib

from planc import __version__ as PLANC_VERSION

FORMAT = 4

_VERSION = re.compile(r"""^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.M)


def lark_version() -> str | None:
    """Lark's version and where it is installed, as the import system would find it,
    without importing it (None when it cannot be told)."""
    from importlib.machinery import PathFinder  # already loaded: the import system's

    try:
        spec = PathFinder.find_spec("lark")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return None
        with open(origin, encoding="utf-8") as fh:
            found = _VERSION.search(fh.read(65536))
        stat = os.stat(origin)
    except (OSError, ValueError, ImportError):
        return None
    if found is None:
        return None
    return f"{found.group(1)}@{origin}:{stat.st_size}:{stat.st_mtime_ns}"


_HERE = os.path.dirname(os.path.abspath(__file__))
CODE = tuple(os.path.join(_HERE, name) for name in ("grammar.py", "starts.py", "learnt.py"))
"""The files whose code learns the table (the walk, the scanners' narrowing, the
skips and the newline facts) or reads it back."""


def code_version() -> str | None:
    """The size and modification time of each of :data:`CODE`'s files (None when one
    cannot be told)."""
    try:
        stats = [os.stat(path) for path in CODE]
    except OSError:
        return None
    return ",".join(f"{st.st_size}:{st.st_mtime_ns}" for st in stats)


def key(grammar_text: str, options: object, walk: object) -> str | None:
    """The key of the table learnt from the parser of ``grammar_text`` built with
    ``options``, by the walk ``walk`` (None when Lark's version or the code's cannot be
    told)."""
    lark = lark_version()
    code = code_version()
    if lark is None or code is None:
        return None
    return (f"{FORMAT}|{sys.version}|lark {lark}|planc {PLANC_VERSION} {code}|{options!r}|"
            f"{walk!r}|{grammar_text}")


def load(path: str, expected_key: str) -> tuple | None:
    """The table stored under ``expected_key`` (see :func:`shaped`), or None."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    digest, _, payload = data.partition(b"\n")
    if digest != b"%08x" % zlib.crc32(payload):
        return None  # damaged (or written by something else): not read further
    try:
        stored = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == expected_key):
        return None
    return stored[1] if shaped(stored[1]) else None


def shaped(table: object) -> bool:
    """Whether a table is ``(scanners, skip, newline, first, moves, starts, ignore,
    skips)`` with the types and bounds a reader needs: ``scanners`` a list of
    ``(terminals, flags)``, each terminal a ``(name, regexp)`` pair; ``moves[i]`` the
    next scanner for each terminal of scanner ``i``; ``starts`` the record each first
    terminal of a line makes, ``(kind, keeps its text, drops its first token)``;
    ``skips`` whether white space starting with a character is surely skipped."""
    if not (isinstance(table, tuple) and len(table) == 8):
        return False
    scanners, skip, newline, first, moves, starts, ignore, skips = table
    if not (isinstance(skips, dict) and all(
            isinstance(k, str) and len(k) == 1 and isinstance(v, bool) for k, v in skips.items())):
        return False
    count = len(scanners) if isinstance(scanners, list) else -1
    if count < 1 or not isinstance(moves, list) or len(moves) != count:
        return False
    if first not in range(count) or not (skip is None or isinstance(skip, str)):
        return False
    if newline not in ("", "\n?") or not isinstance(ignore, list):
        return False
    if not all(_scanner_shaped(s) for s in scanners) or not all(
            isinstance(name, str) for name in ignore):
        return False
    if not (isinstance(starts, dict) and all(
            isinstance(k, str) and isinstance(v, tuple) and len(v) == 3 and isinstance(
                v[0], str) and isinstance(v[1], bool) and isinstance(v[2], bool)
            for k, v in starts.items())):
        return False
    return all(isinstance(m, dict) and all(
        isinstance(k, str) and v in range(count) for k, v in m.items()) for m in moves)


def _scanner_shaped(scanner: object) -> bool:
    if not (isinstance(scanner, tuple) and len(scanner) == 2 and isinstance(scanner[1], int)):
        return False
    terminals = scanner[0]
    return isinstance(terminals, list) and bool(terminals) and all(
        isinstance(t, tuple) and len(t) == 2 and isinstance(t[0], str) and isinstance(t[1], str)
        for t in terminals)


def save(path: str, table_key: str, table: tuple) -> None:
    """Store a table (best effort: a cache that cannot be written is only slower)."""
    payload = marshal.dumps((table_key, table))
    data = b"%08x" % zlib.crc32(payload) + b"\n" + payload
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass

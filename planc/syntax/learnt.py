"""What the line reader learnt from Lark's parser, kept beside Lark's grammar cache.

Building :class:`planc.syntax.grammar.LineReader` walks Lark's interactive parser
over one line of each kind to learn which scanner follows which token (0.6 ms of
a process's first parse).  The answer depends only on Lark's compiled tables, so
it is stored next to Lark's cache file and keyed by that file (its size and
modification time: Lark rewrites it whenever the grammar, Lark or Python change)
and by what the walk is made of (its sample lines, this file's format).

Never trusted: the file holds a SHA-256 of its payload, the payload must have the
shape :func:`load` expects, and the reader checks every scanner it names against
the live parser; anything else (missing, stale, damaged) is learnt again and the
file rewritten (atomically: a temporary file, then a rename).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

FORMAT = 1


def signature(lark_cache: Path) -> str | None:
    """What identifies one version of Lark's cache file (None when it cannot be read)."""
    try:
        stat = os.stat(lark_cache)
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def key(lark_signature: str, walk: object) -> str:
    """The key of a table learnt from the parser Lark loaded from the cache file of
    ``lark_signature``, by the walk ``walk``."""
    return f"{FORMAT}:{lark_signature}:{walk!r}"


def load(path: Path, expected_key: str) -> tuple | None:
    """(positions, names, first, moves) stored under ``expected_key``, or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, _, payload = data.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None  # damaged (or written by something else): not read further
    try:
        stored = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == expected_key):
        return None
    _, positions, names, first, moves = stored
    return (positions, names, first, moves) if _shaped(positions, names, first, moves) else None


def _shaped(positions, names, first, moves) -> bool:
    """Whether a loaded table has the types and bounds a reader needs."""
    count = len(positions) if isinstance(positions, list) else -1
    if count < 1 or not (isinstance(names, list) and isinstance(moves, list)):
        return False
    if len(names) != count or len(moves) != count or first not in range(count):
        return False
    if not all(isinstance(p, int) for p in positions):
        return False
    if not all(isinstance(n, list) and all(isinstance(t, str) for t in n) for n in names):
        return False
    return all(isinstance(m, dict) and all(
        isinstance(k, str) and v in range(count) for k, v in m.items()) for m in moves)


def save(path: Path, table_key: str, positions: list[int], names: list[list[str]],
         first: int, moves: list[dict]) -> None:
    """Store a table (best effort: a cache that cannot be written is only slower)."""
    payload = marshal.dumps((table_key, positions, names, first, moves))
    data = hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass

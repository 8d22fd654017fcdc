"""Safe file output: atomic writes that skip unchanged files, and safe file names.

Compiled files live in git, so a rebuild that changes nothing must not touch
a file (same bytes, same mtime), and a crash mid-write must never leave half a
file: we write a temporary file beside the target and rename it over.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written."""
    target = Path(path)
    if same_content(target, data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # lazy: 4 ms of start-up (shutil, random) that writing into -o DIR skips

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def inside(directory: Path, candidate: Path) -> bool:
    """True if ``candidate`` resolves to a path within ``directory``."""
    try:
        candidate.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def safe_relative(rel: str) -> bool:
    """True if ``rel`` is a relative path that cannot leave its base folder.

    A lexical check (no file-system calls), for names planc builds itself from
    slugs: resolving every one of a thousand output paths cost more than emitting them.
    """
    parts = rel.replace("\\", "/").split("/")
    return (not os.path.isabs(rel) and ":" not in parts[0]
            and all(p not in ("", ".", "..") for p in parts))


def same_content(path: Path, data: bytes) -> bool:
    """True if the file at ``path`` holds exactly ``data`` (False if it cannot be read)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False

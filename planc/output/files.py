"""Safe file output: atomic writes that skip unchanged files, and safe file names.

Compiled files live in git, so a rebuild that changes nothing must not touch
a file (same bytes, same mtime), and a crash mid-write must never leave half a
file: we write a temporary file beside the target and rename it over.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # pathlib only where a Path is made: its import (urllib, ipaddress)
if TYPE_CHECKING:     # is ~4 ms of every cold ``compile -o DIR``
    from pathlib import Path


def path_text(path: str | os.PathLike[str]) -> str:
    """``str(Path(path))`` without pathlib: on POSIX, empty and ``.`` parts dropped,
    runs of slashes one (but a leading ``//``, as POSIX allows), no trailing slash;
    ``.`` for nothing.  A message or a result names a folder as pathlib would."""
    text = os.fspath(path)
    if os.sep != "/" or os.altsep:  # Windows: drives, backslashes; leave it to pathlib
        from pathlib import Path

        return str(Path(text))
    root = "//" if text.startswith("//") and not text.startswith("///") else (
        "/" if text.startswith("/") else "")
    parts = [part for part in text.split("/") if part and part != "."]
    return root + "/".join(parts) if root or parts else "."


def joined(root: str, rel: str) -> str:
    """``str(Path(root) / rel)`` for a ``root`` that is already :func:`path_text`."""
    if rel.startswith("/"):
        return path_text(rel)
    return path_text(root + rel if root.endswith("/") else f"{root}/{rel}")


def stem(path: str) -> str:
    """``Path(path).stem``: the last part's name without its last suffix."""
    name = path_text(path).rpartition("/")[2]
    if name in (".", "/", "//"):
        return ""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def suffix(path: str) -> str:
    """``Path(path).suffix``: the last part's last ``.xyz``, else ''."""
    name = path_text(path).rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def write_atomic(path: str | os.PathLike, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written."""
    from pathlib import Path  # lazy: see TYPE_CHECKING above

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

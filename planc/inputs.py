"""The one way planc reads an input file: bounded, decoded once, remembered.

Every file planc reads (a workout, a plan and what it includes, an athlete file,
a file to import, standard input) comes through :func:`read_bytes`, which reads
at most :data:`MAX_INPUT_BYTES` + 1 bytes, so ``/dev/zero``, an endless pipe or
a 5 GB file is refused without filling memory.  Text inputs go through
:func:`read_text`, which decodes UTF-8 (a byte-order mark is dropped) and keeps
the text, so that printing a diagnostic later never reads the file a second time
(:func:`source_text`).

Because every input passes here, this is also where the build cache learns what
a build read: :func:`record_reads` starts a log of each file's path and a digest
of the bytes read (the bytes actually compiled, not a second reading), which
``planc.output.cache`` puts in the build's key.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing costs 2-8 ms of start-up (with re); this is how it reads
if TYPE_CHECKING:
    from typing import BinaryIO

    from planc.diagnostics import Diagnostic

MAX_INPUT_BYTES = 4_000_000
"""Any plan, library, athlete or workout file, in any format; far above a real one."""

STDIN = "-"


class InputError(Exception):
    """An input that cannot be read (missing, a directory, too large, not text).

    ``str(exc)`` is the reason in a user's words, without the path."""


class InputTooLarge(InputError):
    """A file larger than :data:`MAX_INPUT_BYTES` (or endless, like /dev/zero)."""


class NotText(InputError):
    """Bytes that are not UTF-8; ``offset`` is the first bad byte, ``data`` the bytes.

    :meth:`diagnostic` says it the way every other mistake is said: at the line and
    column of that byte, naming the encoding the file looks like (Windows editors
    often save Windows-1252)."""

    def __init__(self, reason: str, offset: int, data: bytes):
        super().__init__(reason)
        self.offset = offset
        self.data = data

    def looks_like(self) -> tuple[str, str]:
        """(name for people, Python codec) of the encoding the bytes most likely are."""
        head = self.data[:4000]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(0) > len(head) // 4:
            return "UTF-16", "utf-16"
        try:
            self.data.decode("cp1252")
        except UnicodeDecodeError:
            return "Latin-1 (ISO-8859-1)", "latin-1"
        return "Windows-1252 (cp1252)", "cp1252"

    def text(self) -> str:
        """The text to show the diagnostic's line from: UTF-8 with each bad byte as '�'
        (so the caret stands under it)."""
        return self.data.decode("utf-8", "replace")

    def diagnostic(self, path: str) -> Diagnostic:
        """The positioned error: ``path:line:col: error[encoding]: ...``."""
        # lazy: the build cache's no-change path reads its inputs through this module
        # and must not pay for importing the AST and diagnostics (planc.output.cache)
        from planc.ast import Span
        from planc.diagnostics import error

        start = self.data.rfind(b"\n", 0, self.offset) + 1
        line = self.data.count(b"\n", 0, self.offset) + 1
        column = len(self.data[start:self.offset].decode("utf-8")) + 1
        name, codec = self.looks_like()
        byte = self.data[self.offset]
        char = bytes([byte]).decode(codec, "replace") if codec != "utf-16" else ""
        shown = f" ('{char}')" if char.isprintable() and char.strip() else ""
        return error("encoding", f"the file is not UTF-8 text: byte 0x{byte:02X}{shown} looks "
                     f"like {name}", Span.point(line, column), "save the file as UTF-8 (in "
                     "most editors: Save As, Encoding: UTF-8)", path)


def shown_name(path: str | os.PathLike) -> str:
    """How an input is named in messages (standard input is ``<stdin>``)."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_bytes(source: str | os.PathLike | BinaryIO, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input: a path, ``-`` for standard input, or an open binary stream.

    Reads at most ``limit + 1`` bytes.  Raises :class:`InputError` with the reason."""
    try:
        if isinstance(source, str | os.PathLike):
            if str(source) == STDIN:
                data = sys.stdin.buffer.read(limit + 1)
            else:
                with open(source, "rb") as fh:
                    data = fh.read(limit + 1)
        else:
            data = source.read(limit + 1)
    except IsADirectoryError:
        _record_failure(source)
        raise InputError("is a directory") from None
    except OSError as exc:
        _record_failure(source)
        raise InputError(exc.strerror or str(exc)) from None
    if _READS is not None:
        _record(source, data)
    if len(data) > limit:
        raise InputTooLarge(f"larger than {limit // 1_000_000} MB; planc reads input files "
                            f"up to that size")
    return data


_READS: dict[str, str] | None = None
_FAILED: list[str] = []
UNREPEATABLE = "-"
"""The digest logged for an input that cannot be read again (standard input, a stream)."""


def record_reads() -> dict[str, str]:
    """Start a new log of the files read from now on: path as given -> digest
    (:func:`digest`), or :data:`UNREPEATABLE` for standard input and streams."""
    global _READS
    _READS = {}
    _FAILED.clear()
    return _READS


def failed_reads() -> list[str]:
    """The inputs that could not be read since :func:`record_reads` (a missing file
    may appear later: a run that looked for one cannot be replayed from a cache)."""
    return list(_FAILED)


def _record_failure(source: str | os.PathLike | BinaryIO) -> None:
    if _READS is not None:
        _FAILED.append(shown_name(source) if isinstance(source, str) else "<stream>")


def digest(data: bytes) -> str:
    """The digest the read log and the build cache compare (SHA-256, hex)."""
    try:  # the built-in module: hashlib would import OpenSSL's (2.5 ms of start-up)
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import sha256
    return sha256(data).hexdigest()


def _record(source: str | os.PathLike | BinaryIO, data: bytes) -> None:
    assert _READS is not None
    if isinstance(source, str | os.PathLike) and str(source) != STDIN:
        _READS[os.fspath(source)] = digest(data)
    else:
        _READS[shown_name(source) if isinstance(source, str) else "<stream>"] = UNREPEATABLE


_SEEN: dict[str, str] = {}
_SEEN_LIMIT = 256  # files remembered for diagnostics; a plan includes a handful


def decode(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark dropped); raises :class:`NotText`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotText(f"not UTF-8 text (byte {exc.start})", exc.start, data) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(source: str | os.PathLike, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of an input file, read once and remembered for :func:`source_text`."""
    data = read_bytes(source, limit)
    try:
        text = decode(data)
    except NotText as exc:  # the diagnostic about it shows its line
        remember(shown_name(source), exc.text())
        raise
    remember(shown_name(source), text)
    return text


def remember(name: str, text: str) -> None:
    """Keep ``text`` as the source shown under ``name`` in diagnostics."""
    if len(_SEEN) >= _SEEN_LIMIT and name not in _SEEN:
        _SEEN.pop(next(iter(_SEEN)))
    _SEEN[name] = text


def source_text(name: str) -> str | None:
    """The text an input had when planc read it, or None if planc never read it as text."""
    return _SEEN.get(name)

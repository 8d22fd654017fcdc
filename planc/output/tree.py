"""The one writer of an output folder: ``build``, ``render`` and ``compile -o`` use it.

A command computes a *write set* (relative path -> bytes) and, for ``build``
and ``render``, a manifest (in that command's own shape) that records what
planc wrote.  :meth:`OutputTree.write` then, in this order:

1. checks every path lexically (:func:`planc.output.files.safe_relative`), before
   anything is written, so a bad name never leaves half a tree;
2. writes each file atomically; a file that already holds the bytes is not
   touched (same bytes, same mtime), so a rebuild that changes nothing is
   invisible to git;
3. removes the stale files: those the *previous* manifest lists and the new
   one does not (a file planc never listed is never removed), then the folders
   that removal emptied;
4. writes the manifest last, so that until the new one is in place the old one
   still lists every file planc may later have to clean up.

The previous manifest is read once, when the tree is opened
(:meth:`OutputTree.open`); a manifest that cannot be read, or that belongs to
another plan, is a warning and removes nothing.

Where later guards go (one place each):

* refusing to overwrite a file planc did not write (unless ``--force``):
  :func:`_check_paths`, which has the previous manifest's files to hand;
* never writing through a symlinked folder: :func:`_check_paths` as well;
* a lock against two concurrent builds: taken in :meth:`OutputTree.open`
  (before the previous manifest is read) and released when :meth:`OutputTree.write`
  returns;
* one directory sync at the end instead of an fsync per file: the end of
  :meth:`OutputTree.write` (and :func:`write_atomic` then stops syncing);
* a build cache keyed in the manifest: the caller's manifest data, read back
  through ``OutputTree.previous.data``.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planc.diagnostics import Diagnostic, warning
from planc.inputs import InputError, read_bytes
from planc.output.files import inside, safe_relative, write_atomic


class UnsafePath(RuntimeError):
    """A write-set path that could leave the output folder (planc builds names from
    slugs, so this is a bug in planc, not a user's mistake)."""


def dumps_manifest(manifest: Mapping[str, Any]) -> bytes:
    """Sorted keys, 2-space indent, trailing newline: diff-friendly and byte-stable."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True, slots=True)
class ManifestKind:
    """One command's manifest: its file name, and how to read an earlier one back.

    ``owner`` and ``files`` may raise ``KeyError``, ``TypeError`` or ``ValueError``
    on a manifest of the wrong shape: it is then treated as unreadable."""

    name: str
    product: str  # what the folder holds, for messages: "build", "rendering"
    hint: str  # how to keep plans apart, shown when the folder holds another plan
    owner: Callable[[Any], object]  # the plan id a manifest was written for
    files: Callable[[Any], Iterable[str]]  # the files a manifest lists


@dataclass(frozen=True, slots=True)
class Previous:
    """The manifest an earlier run left, if it is usable (else no data, no files)."""

    data: Any = None
    files: frozenset[str] = frozenset()


@dataclass(slots=True)
class TreeResult:
    """What a write did, so that commands can report it (the manifest is counted)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """``3 written, 40 unchanged, 1 removed``: the words build and render print."""
        return (f"{len(self.written)} written, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed")


@dataclass(slots=True)
class OutputTree:
    """An output folder opened for one write (see the module doc for the order)."""

    root: Path
    kind: ManifestKind | None = None
    previous: Previous = field(default_factory=Previous)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def open(cls, root: Path, kind: ManifestKind | None = None, owner: str = "") -> OutputTree:
        """The folder ``root``; with ``kind``, its previous manifest (if ``owner``'s) is read."""
        tree = cls(Path(root), kind)
        if kind is not None:
            tree.previous = _read_previous(tree.root, kind, owner, tree.diagnostics)
        return tree

    def write(self, files: Mapping[str, bytes],
              manifest: Mapping[str, Any] | None = None) -> TreeResult:
        """Write ``files`` (relative path -> bytes), remove stale files, write ``manifest``.

        A tree opened with a manifest kind needs the manifest, and one without a kind
        takes none (``compile -o`` writes files only and never removes any)."""
        if (self.kind is None) != (manifest is None):
            raise ValueError("a manifest is written exactly when the tree has a manifest kind")
        _check_paths(self.root, files, self.kind)
        result = TreeResult()
        for rel in sorted(files):
            _write_one(self.root / rel, files[rel], result)
        if self.kind is not None and manifest is not None:
            listed = set(self.kind.files(manifest)) | set(files)
            _remove(self.root, sorted(self.previous.files - listed), result)
            _write_one(self.root / self.kind.name, dumps_manifest(manifest), result)
        return result


def write_file(path: Path, data: bytes) -> TreeResult:
    """One file whose path the user gave (``compile -o FILE``): atomic, left alone when
    unchanged.  The user chose the name, so it is not checked as a planc-made one."""
    result = TreeResult()
    _write_one(Path(path), data, result)
    return result


def _check_paths(root: Path, files: Iterable[str], kind: ManifestKind | None) -> None:
    """Refuse the whole write set if any path could leave ``root`` or is the manifest."""
    for rel in files:
        if not safe_relative(rel):  # names are slugs; belt and braces
            raise UnsafePath(f"refusing to write {rel!r} outside {root}")
        if kind is not None and rel == kind.name:
            raise UnsafePath(f"{rel} is planc's manifest, not an output file")


def _write_one(dest: Path, data: bytes, result: TreeResult) -> None:
    """Write one file atomically; an OSError names the file, not its temporary."""
    try:
        changed = write_atomic(dest, data)
    except OSError as exc:
        raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(dest)) from exc
    (result.written if changed else result.unchanged).append(dest)


def _remove(root: Path, stale: list[str], result: TreeResult) -> None:
    """Remove the stale files that are still files inside ``root``, then emptied folders."""
    folders: set[Path] = set()
    for rel in stale:
        target = root / rel
        if not safe_relative(rel) or not inside(root, target) or not target.is_file():
            continue
        target.unlink()
        result.removed.append(target)
        folders.add(target.parent)
    for folder in sorted(folders, reverse=True):
        if folder == root:
            continue
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            pass


def _read_previous(root: Path, kind: ManifestKind, owner: str,
                   diagnostics: list[Diagnostic]) -> Previous:
    """The previous manifest in ``root`` if it is readable and ``owner``'s (else a warning)."""
    path = root / kind.name
    if not path.exists():
        return Previous()
    try:
        data = json.loads(read_bytes(path))
        found = kind.owner(data)
        files = frozenset(kind.files(data))
    except (InputError, ValueError, KeyError, TypeError):
        diagnostics.append(warning(
            "manifest-unreadable", f"the previous {kind.name} cannot be read; "
            "no stale file is removed", path=str(path)))
        return Previous()
    if found != owner:
        diagnostics.append(warning(
            "manifest-other-plan", f"{root} holds a {kind.product} of plan '{found}'; "
            "no stale file is removed", path=str(path), hint=kind.hint))
        return Previous()
    return Previous(data, files)

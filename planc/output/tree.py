"""The one writer of an output folder: ``build``, ``render`` and ``compile -o`` use it.

A command computes a *write set* (relative path -> bytes) and, for ``build``
and ``render``, a manifest (in that command's own shape) that records what
planc wrote.  :meth:`OutputTree.open` takes the folder's lock
(``.planc-cache/lock``: another planc writing there is refused, and a killed one
leaves nothing stuck) and reads the previous manifest.  :meth:`OutputTree.write`
then, in this order:

1. checks the whole set before writing anything (:meth:`OutputTree._refusals`):
   every path lexically (:func:`planc.output.files.safe_relative`); every folder
   on the way and every target without following links
   (:mod:`planc.output.folder`): a symbolic link is never written through or
   replaced, and a folder where a file goes (or the reverse) is refused; a file
   planc did not write is never replaced unless it already holds the bytes or
   ``--force`` says so.  "Planc wrote it" means the previous manifest lists it
   (``build``, ``render``) or, for ``compile -o``, which has no manifest, that its
   bytes are still those planc recorded writing there (``.planc-cache/compile.json``);
2. removes the cache state (an interrupted write leaves none) and writes each
   file as a temporary renamed over the target; a file that already holds the
   bytes is not touched (same bytes, same mtime), so a rebuild that changes
   nothing is invisible to git;
3. removes the stale files: those the *previous* manifest lists and the new
   one does not (a file planc never listed is never removed), then the folders
   that emptied, and planc's own temporary files left by a killed run
   (``.NAME.XXXXXXXX.tmp`` where NAME is one of its files there);
4. writes the manifest last, so that until the new one is in place the old one
   still lists every file planc may later have to clean up;
5. makes the write set durable (:meth:`planc.output.folder.Folder.sync`), then stores the build-cache
   state (:mod:`planc.output.cache`), which so never vouches for a file that a
   power cut could still take back.

A manifest that cannot be read, or that belongs to another plan, is an error
(planc could no longer tell its files from anyone else's) unless ``--force``,
when it is a warning and the manifest is replaced; either way nothing is removed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping

from planc.ast import Record, _Frozen, _frozen, _set
from planc.diagnostics import Diagnostic, DiagnosticError, error, warning
from planc.inputs import MAX_INPUT_BYTES, digest
from planc.output import cache
from planc.output.files import joined, path_text, safe_relative
from planc.output.folder import Busy, Folder, FolderProblem
from planc.output.jsonfmt import dumps_pretty

TYPE_CHECKING = False  # not typing's (2 ms of start-up): Any is for annotations only
if TYPE_CHECKING:  # and pathlib only where a caller asks for a Path (4 ms of compile -o DIR)
    from pathlib import Path
    from typing import Any

LOCK = cache.LOCK
COMPILE_RECORD = f"{cache.CACHE_DIR}/compile.json"
CACHE_FILES = frozenset({"lock", ".gitignore", "compile.json", *(
    f"{c}.{ext}" for c in cache.DEFAULT_FOLDERS for ext in ("json", "txt", "data.json"))})
MAX_REFUSALS = 20  # files named in full when a folder is refused


class UnsafePath(RuntimeError):
    """A write-set path that could leave the output folder (planc builds names from
    slugs, so this is a bug in planc, not a user's mistake)."""


class OutputRefused(DiagnosticError):
    """The output folder holds something planc must not write through or over; nothing
    was written.  The diagnostics name each path and what to do."""


class Keep:
    """A write-set value: this file is planc's and unchanged (:meth:`OutputTree.unchanged`
    said so), so it is listed and left alone without its bytes being made again."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


def dumps_manifest(manifest: Mapping[str, Any]) -> bytes:
    """Sorted keys, 2-space indent, trailing newline: diff-friendly and byte-stable
    (:mod:`planc.output.jsonfmt`: the standard library's text, without its cost)."""
    return (dumps_pretty(dict(manifest)) + "\n").encode()


@_frozen
class ManifestKind(_Frozen):
    """One command's manifest: its file name, and how to read an earlier one back.

    ``owner`` and ``files`` may raise ``KeyError``, ``TypeError`` or ``ValueError``
    on a manifest of the wrong shape: it is then treated as unreadable.
    (Records here are :mod:`planc.ast`'s, not dataclasses: that import is 2 ms of
    every ``compile -o DIR``.)"""

    name: str
    product: str  # what the folder holds, for messages: "build", "rendering"
    hint: str  # how to keep plans apart, shown when the folder holds another plan
    owner: Callable[[Any], object]  # the plan id a manifest was written for
    files: Callable[[Any], Iterable[str]]  # the files a manifest lists

    def __init__(self, name: str, product: str, hint: str, owner: Callable[[Any], object],
                 files: Callable[[Any], Iterable[str]]) -> None:
        _set(self, "name", name)
        _set(self, "product", product)
        _set(self, "hint", hint)
        _set(self, "owner", owner)
        _set(self, "files", files)


@_frozen
class Previous(_Frozen):
    """The manifest an earlier run left, if it is usable (else no data, no files).

    ``files`` also holds the files the cache knows the last write listed (should the
    manifest have been deleted, or edited by hand): they are planc's all the same."""

    data: Any
    files: frozenset[str]

    def __init__(self, data: Any = None, files: frozenset[str] = frozenset()) -> None:
        _set(self, "data", data)
        _set(self, "files", files)

    def owns(self, rel: str) -> bool:
        return rel in self.files


class TreeResult(Record):
    """What a write did, so that commands can report it (the manifest is counted).

    The paths are kept as text and made Paths when read (pathlib is not imported by
    a run that does not ask): read-only lists, as a dataclass's were in practice."""

    _fields = ("written", "unchanged", "removed", "temporaries", "key")
    __slots__ = ("_removed", "_temporaries", "_unchanged", "_written", "key")

    def __init__(self, written: Iterable[Path | str] = (), unchanged: Iterable[Path | str] = (),
                 removed: Iterable[Path | str] = (), temporaries: Iterable[Path | str] = (),
                 key: str | None = None) -> None:
        self._written = [str(p) for p in written]
        self._unchanged = [str(p) for p in unchanged]
        self._removed = [str(p) for p in removed]
        self._temporaries = [str(p) for p in temporaries]  # stale ones, from a killed run
        self.key = key  # the build-cache key stored with this write, if any

    @property
    def written(self) -> list[Path]:
        return _paths(self._written)

    @property
    def unchanged(self) -> list[Path]:
        return _paths(self._unchanged)

    @property
    def removed(self) -> list[Path]:
        return _paths(self._removed)

    @property
    def temporaries(self) -> list[Path]:
        return _paths(self._temporaries)

    def summary(self) -> str:
        """``3 written, 40 unchanged, 1 removed``: the words build and render print."""
        text = (f"{len(self._written)} written, {len(self._unchanged)} unchanged, "
                f"{len(self._removed)} removed")
        if self._temporaries:
            n = len(self._temporaries)
            text += f", {n} temporary file{'s' * (n != 1)} of an interrupted run cleaned"
        return text

    def add(self, other: TreeResult) -> None:
        """Count ``other``'s files as this write's too (a squad's render: the squad page
        and each athlete's site).  The lists read above are copies, so this is the one
        way to add to them."""
        self._written += other._written
        self._unchanged += other._unchanged
        self._removed += other._removed
        self._temporaries += other._temporaries

    def no_change(self) -> TreeResult:
        """What the same write reports when run again with nothing changed."""
        return TreeResult(unchanged=[*self._written, *self._unchanged], key=self.key)


def _paths(texts: list[str]) -> list[Path]:
    from pathlib import Path  # lazy: see TreeResult

    return [Path(t) for t in texts]


class OutputTree:
    """An output folder opened for one write (see the module doc for the order)."""

    __slots__ = ("_absent", "_folder", "_kept", "_lock", "_owner", "_record", "_state",
                 "_text", "_written", "diagnostics", "force", "kind", "previous", "stamp")

    def __init__(self, root: str | Path, kind: ManifestKind | None = None, force: bool = False,
                 stamp: cache.Stamp | None = None, *, _owner: str = "") -> None:
        self._text = path_text(root)  # the folder as str(Path(root)) names it
        self.kind = kind
        self.force = force
        self.stamp = stamp
        self.previous = Previous()
        self.diagnostics: list[Diagnostic] = []
        self._owner = _owner
        self._folder: Folder | None = None
        self._lock: int | None = None
        self._state: tuple[dict[str, Any], int] | None = None
        self._record: dict[str, str] = {}
        self._kept: dict[str, list[Any]] = {}  # what unchanged() saw
        self._absent: set[str] = set()  # targets _refusals() found missing
        self._written: dict[str, tuple[int, int]] = {}  # size, mtime written

    @property
    def root(self) -> Path:
        from pathlib import Path  # lazy: see TreeResult

        return Path(self._text)

    @classmethod
    def open(cls, root: str | Path, kind: ManifestKind | None = None, owner: str = "", *,
             force: bool = False, stamp: cache.Stamp | None = None) -> OutputTree:
        """The folder ``root``, locked if it exists; with ``kind``, its previous
        manifest (if ``owner``'s).  OutputRefused if another planc is writing there,
        or (without ``force``) its manifest is unreadable or another plan's."""
        tree = cls(root, kind, force, stamp, _owner=owner)
        if os.path.isdir(tree._text):
            try:
                tree._attach(Folder(tree._text, create=False))
            except BaseException:
                tree.close()
                raise
        return tree

    def __enter__(self) -> OutputTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the lock and the folder (the kernel would at exit; a library call
        that runs many builds must not keep them)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        if self._folder is not None:
            self._folder.close()
            self._folder = None

    def _attach(self, folder: Folder) -> None:
        """Lock ``folder``, then read what an earlier run left there."""
        self._folder = folder
        self._lock = _take_lock(folder, self._text)
        if self.kind is not None:
            self.previous = _read_previous(folder, self._text, self.kind, self._owner,
                                           self.force, self.diagnostics)
            ours = self.previous.data is not None or _missing(folder, self.kind.name)
            if self.stamp is not None and ours:  # what the manifest may no longer list
                owned = cache.read_owned(folder, self.stamp.command, self._owner)
                self.previous = Previous(self.previous.data, self.previous.files | owned)
        else:
            self._record = _read_record(folder)
        if self.stamp is not None:
            self._state = cache.read_state(folder, self.stamp.command)

    # -------------------------------------------------------------- the cache --

    @property
    def cached(self) -> Mapping[str, Any]:
        """The command's own data stored with the previous cache state (else empty)."""
        if self._state is None or self._folder is None or self.stamp is None:
            return {}
        return cache.read_data(self._folder, self.stamp.command, self._state[0]["key"])

    def unchanged(self, rel: str) -> bool:
        """True if ``rel`` is planc's and exactly as the previous write left it (size and
        mtime as recorded), so it may be passed as :data:`KEEP`."""
        if self._state is None or self._folder is None or not self.previous.owns(rel):
            return False
        state, state_mtime = self._state
        recorded = state["outputs"].get(rel)
        mtime = cache.verified(self._folder, rel, recorded, state_mtime)
        if mtime is None:
            return False
        # what the new state records of a kept file: as seen now (a change after this
        # look shows as another mtime), not as a later stat would find it
        self._kept[rel] = cache.output_record(recorded[0], mtime, recorded[2])
        return True

    # -------------------------------------------------------------- writing --

    def write(self, files: Mapping[str, bytes | Keep], manifest: Mapping[str, Any] | None = None,
              data: Mapping[str, Any] | None = None) -> TreeResult:
        """Write ``files`` (relative path -> bytes, or KEEP), remove stale files, write
        ``manifest``, sync, and store the cache state with ``data`` (the command's own).

        A tree opened with a manifest kind needs the manifest, and one without a kind
        takes none (``compile -o`` writes files only and never removes any)."""
        if (self.kind is None) != (manifest is None):
            raise ValueError("a manifest is written exactly when the tree has a manifest kind")
        _check_names(self._text, files, self.kind)
        if self._folder is None:  # a new folder: make it, lock it, and look again
            try:
                made = Folder(self._text, create=True)
            except OSError as exc:
                raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc),
                              self._text) from exc
            self._attach(made)
        folder = self._folder
        assert folder is not None
        if refused := self._refusals(folder, files):
            raise OutputRefused(refused)
        result = TreeResult()
        for name in (cache.state_name(c) for c in cache.DEFAULT_FOLDERS):
            folder.remove(name)  # from here on the folder is not known to be up to date
        for rel in sorted(files):
            self._write_one(folder, rel, files[rel], result)
        owned = self._owned(files)
        folders = {rel.rpartition("/")[0] for rel in files} | {"", cache.CACHE_DIR}
        manifest_bytes = dumps_manifest(manifest) if manifest is not None else b""
        if self.kind is not None and manifest is not None:
            listed = set(self.kind.files(manifest)) | set(files)
            self._remove(folder, sorted(self.previous.files - listed), owned, result)
            self._sweep(folder, folders, owned, result)
            self._write_one(folder, self.kind.name, manifest_bytes, result)
        else:
            self._sweep(folder, folders, owned, result)
            self._save_record(folder, files)
        if result._written or result._removed or (self.stamp is not None and self._state is None):
            folder.sync()
        if self.kind is not None and self.stamp is not None:
            owned = set(self.kind.files(manifest)) | set(files)
            digests = {rel: self._digest(rel, body) for rel, body in files.items()}
            digests[self.kind.name] = digest(manifest_bytes)
            result.key = self._save_state(folder, digests, data or {}, owned)
        return result

    def _digest(self, rel: str, body: bytes | Keep) -> str:
        """The digest of what ``rel`` now holds: of its bytes, or for a kept file the one
        the previous state recorded (:meth:`unchanged` checked the file against it)."""
        if isinstance(body, bytes):
            return digest(body)
        assert self._state is not None
        return self._state[0]["outputs"][rel][2]

    def _refusals(self, folder: Folder, files: Mapping[str, bytes | Keep]) -> list[Diagnostic]:
        """Every reason not to write this set (nothing is written if there is one)."""
        problems: dict[str, Diagnostic] = {}
        targets = dict(files)
        if self.kind is not None:
            targets[self.kind.name] = KEEP  # the manifest's ownership was settled at open
        listings = _listings(folder, {rel.rpartition("/")[0] for rel in targets})
        for rel in sorted(targets):
            if rel in self._kept and isinstance(targets[rel], Keep):
                continue  # unchanged() found it a regular file reached without links
            where, _, name = rel.rpartition("/")
            names = listings.get(where)
            if names is not None and name not in names:
                self._absent.add(rel)  # nothing there: nothing to refuse, nor to compare
                continue
            try:
                st = folder.regular(rel)
            except FolderProblem as exc:
                problems.setdefault(exc.rel, _folder_problem(self._text, exc))
                continue
            data = targets[rel]
            if st is None or isinstance(data, Keep) or self._owns(folder, rel, data, st.st_size):
                continue
            if not self.force:
                problems[rel] = _not_planc(self._text, rel, self.kind)
        found = [problems[k] for k in sorted(problems)]
        if len(found) > MAX_REFUSALS:
            last = found[MAX_REFUSALS - 1]
            more = len(found) - MAX_REFUSALS
            found = [*found[:MAX_REFUSALS - 1],
                     last.but(message=f"{last.message} (and {more} more)")]
        return found

    def _owns(self, folder: Folder, rel: str, data: bytes, size: int) -> bool:
        """True if the existing file ``rel`` is planc's to replace, or already ``data``."""
        if self.kind is not None and self.previous.owns(rel):
            return True
        current = folder.read(rel, MAX_INPUT_BYTES) if size <= MAX_INPUT_BYTES else None
        if current is None:
            return False
        return current == data or (self.kind is None and self._record.get(rel) == digest(current))

    def _write_one(self, folder: Folder, rel: str, data: bytes | Keep,
                   result: TreeResult) -> None:
        """Write one file unless it already holds ``data``; an OSError names the file."""
        dest = joined(self._text, rel)
        if isinstance(data, Keep):
            result._unchanged.append(dest)
            return
        try:
            st = None if rel in self._absent else folder.regular(rel)
            if st is not None and st.st_size == len(data) \
                    and folder.read(rel, len(data)) == data:
                result._unchanged.append(dest)
                return
            self._written[rel] = folder.write(rel, data)
        except OSError as exc:
            raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), dest) from exc
        result._written.append(dest)

    def _remove(self, folder: Folder, stale: list[str], owned: dict[str, set[str]],
                result: TreeResult) -> None:
        """Remove the stale files that are still regular files planc reaches without a
        link, then the folders that emptied (a folder holding anything else stays)."""
        folders: set[str] = set()
        for rel in stale:
            if not safe_relative(rel) or not folder.remove(rel):
                continue
            result._removed.append(joined(self._text, rel))
            folders.add(rel.rpartition("/")[0])
        self._sweep(folder, folders, owned, result)
        for rel in sorted(folders, key=lambda r: (-r.count("/"), r)):
            while rel:
                folder.remove_empty(rel)
                rel = rel.rpartition("/")[0]

    def _owned(self, files: Iterable[str]) -> dict[str, set[str]]:
        """Folder -> the names planc writes there: this set, what the previous manifest
        (or compile's record) lists, the manifest; and its cache folder's files."""
        owned: dict[str, set[str]] = {cache.CACHE_DIR: set(CACHE_FILES)}
        listed = [self.kind.name] if self.kind is not None else list(self._record)
        for rel in [*files, *self.previous.files, *listed]:
            where, _, name = rel.rpartition("/")
            owned.setdefault(where, set()).add(name)
        return owned

    def _sweep(self, folder: Folder, folders: Iterable[str], owned: dict[str, set[str]],
               result: TreeResult) -> None:
        """Remove planc's stale temporaries in ``folders`` (the lock is held, so no
        running write of planc's has one there)."""
        for where in sorted(set(folders)):
            if not owned.get(where):
                continue
            try:
                swept = folder.sweep_temps(where, owned[where])
            except FolderProblem:
                continue
            result._temporaries.extend(joined(self._text, rel) for rel in swept)

    # ---------------------------------------------------------------- records --

    def _save_state(self, folder: Folder, digests: Mapping[str, str], data: Mapping[str, Any],
                    owned: set[str]) -> str | None:
        """Store the cache state (after the sync) of the outputs in ``digests`` (relative
        path -> digest of the bytes written); the key, or None if not cacheable."""
        assert self.stamp is not None
        inputs = self.stamp.inputs()
        if inputs is None:
            return None
        stats = {}
        for rel, digested in digests.items():
            seen = self._kept.get(rel)
            if seen is not None and seen[2] == digested:
                stats[rel] = seen
                continue
            if rel in self._written:  # as its descriptor saw it once written
                stats[rel] = cache.output_record(*self._written[rel], digested)
                continue
            st = folder.regular(rel)
            if st is None:
                return None
            stats[rel] = cache.output_stat(st, digested)
        key = self.stamp.key(inputs)
        _ensure_cache_dir(folder)
        folder.write(cache.data_name(self.stamp.command),
                     cache.data_record(key, data, self._owner, sorted(owned)))
        name = cache.state_name(self.stamp.command)
        folder.write(name, cache.state_record(self.stamp, key, inputs, stats))
        # an output changed within the clock tick it was written in would keep its mtime:
        # the state must be younger than every output, or their bytes are compared
        folder.stamp_after(name, max((int(s[1]) for s in stats.values()), default=0))
        return key

    def _save_record(self, folder: Folder, files: Mapping[str, bytes | Keep]) -> None:
        """``compile -o``: remember the digest of every file planc now holds here."""
        record = {rel: d for rel, d in self._record.items() if _exists(folder, rel)}
        record.update({rel: digest(data) for rel, data in files.items()
                       if isinstance(data, bytes)})
        if record != self._record:
            _ensure_cache_dir(folder)
            folder.write(COMPILE_RECORD, json.dumps(
                {"format": 1, "files": record}, sort_keys=True, indent=0).encode())


@contextlib.contextmanager
def held(root: Path) -> Iterator[None]:
    """The folder ``root`` (made if missing) locked for the whole of a run that writes
    folders below it (``build --for``: each athlete's folder has a lock of its own,
    and this one keeps a second squad build, or a plain build, out of the squad
    folder and its state until the run ends).  OutputRefused if another planc holds it."""
    try:
        folder = Folder(str(root), create=True)
    except OSError as exc:
        raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(root)) from exc
    try:
        lock = _take_lock(folder, path_text(root))
        try:
            yield
        finally:
            if lock is not None:
                os.close(lock)
    finally:
        folder.close()


def store_squad_state(root: Path, stamp: cache.Stamp, members: Mapping[str, str],
                      member_command: str = "build", own: str | None = None) -> str | None:
    """``build --for`` / ``render --for``: store in ``root`` one cache state over the
    athletes' folders below it (folder name -> the key of the state this run stored
    there, as ``member_command``), so that a no-change rerun of the squad is answered by
    :func:`planc.output.cache.up_to_date` alone.  Each output is listed as its athlete's
    state recorded it (those states were stored after their folder's sync); with
    ``own`` (the key of the state the squad's own files stored in ``root``: the squad
    page), those files are listed too.  The key, or None if a state is not this run's."""
    inputs = stamp.inputs()
    if inputs is None:
        return None
    outputs: dict[str, Any] = {}
    try:
        with Folder(str(root), create=False) as folder:
            if own is not None:
                read = cache.read_state(folder, stamp.command)
                if read is None or read[0]["key"] != own:
                    return None
                outputs.update(read[0]["outputs"])
            for name, key in sorted(members.items()):
                read = cache.read_state(folder, member_command, under=name) \
                    if safe_relative(name) and "/" not in name else None
                if read is None or read[0]["key"] != key:
                    return None
                outputs.update((f"{name}/{rel}", recorded)
                               for rel, recorded in read[0]["outputs"].items())
            key = stamp.key(inputs)
            _ensure_cache_dir(folder)
            name = cache.state_name(stamp.command)
            folder.write(name, cache.state_record(stamp, key, inputs, outputs))
            newest = max((int(r[1]) for r in outputs.values()
                          if isinstance(r, list) and len(r) == 3 and isinstance(r[1], int)),
                         default=0)
            folder.stamp_after(name, newest)
    except (OSError, FolderProblem, OutputRefused):
        return None  # without a state the next run is simply not a no-change run
    return key


def write_file(path: Path, data: bytes) -> TreeResult:
    """One file whose path the user gave (``compile -o FILE``): atomic, left alone when
    unchanged, never written through or in place of a link.  The user chose the name,
    so it is neither checked as a planc-made one nor refused as someone else's."""
    from pathlib import Path  # lazy: see TreeResult (-o FILE splits the user's path)

    path = Path(path)
    result = TreeResult()
    parent, name = str(path.parent), path.name
    try:
        with Folder(parent, create=True) as folder:
            try:
                st = folder.regular(name)
            except FolderProblem as exc:
                raise OutputRefused([_folder_problem(parent, exc)]) from None
            if st is not None and st.st_size == len(data) and folder.read(name, len(data)) == data:
                result._unchanged.append(str(path))
                return result
            folder.write(name, data)
            folder.sync()
    except OSError as exc:
        raise OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(path)) from exc
    result._written.append(str(path))
    return result


def _check_names(root: str, files: Iterable[str], kind: ManifestKind | None) -> None:
    """Refuse the whole write set if any path could leave ``root`` or is planc's own."""
    for rel in files:
        if not safe_relative(rel):  # names are slugs; belt and braces
            raise UnsafePath(f"refusing to write {rel!r} outside {root}")
        if kind is not None and rel == kind.name:
            raise UnsafePath(f"{rel} is planc's manifest, not an output file")
        if rel.split("/")[0] == cache.CACHE_DIR:
            raise UnsafePath(f"{rel} is in planc's cache folder, not an output file")


def _take_lock(folder: Folder, root: str) -> int | None:
    _ensure_cache_dir(folder)
    try:
        return folder.lock(LOCK)
    except Busy as exc:
        who = f"process {exc.holder}" if exc.holder.isdigit() else "another process"
        raise OutputRefused([error(
            "output-busy", f"another planc ({who}) is writing to {root}",
            path=joined(root, LOCK),
            hint="wait for it to finish and run again (a killed run leaves no lock behind)")]) \
            from None
    except FolderProblem as exc:
        raise OutputRefused([_folder_problem(root, exc)]) from None


def _ensure_cache_dir(folder: Folder) -> None:
    """``.planc-cache/`` with a ``.gitignore`` of ``*``, so git never sees the cache."""
    try:
        if folder.regular(f"{cache.CACHE_DIR}/.gitignore") is not None:
            return
    except FolderProblem as exc:
        raise OutputRefused([_folder_problem(path_text(folder.root), exc)]) from None
    folder.write(f"{cache.CACHE_DIR}/.gitignore", b"# planc's build cache: never commit it\n*\n")


def _listings(folder: Folder, wheres: Iterable[str]) -> dict[str, frozenset[str]]:
    """Folder -> the names in it, for each of ``wheres`` reached without links (a missing
    folder holds nothing); a folder that cannot be listed so is left out, and its
    files are looked at one by one (which reports what is wrong with it).  One
    listing per folder instead of one ``lstat`` per file: a cold build writes 1,353
    files into folders that do not exist yet."""
    found: dict[str, frozenset[str]] = {}
    for where in sorted(wheres):
        try:
            place = folder.folder(where)
            found[where] = frozenset(os.listdir(place)) if place is not None else frozenset()
        except (FolderProblem, OSError):
            continue
    return found


def _missing(folder: Folder, rel: str) -> bool:
    try:
        return folder.entry(rel) is None
    except FolderProblem:
        return False


def _exists(folder: Folder, rel: str) -> bool:
    try:
        return folder.regular(rel) is not None
    except FolderProblem:
        return False


def _folder_problem(root: str, exc: FolderProblem) -> Diagnostic:
    path = joined(root, exc.rel)
    if exc.what == "link":
        return error("output-link", f"{path} is a symbolic link; planc never writes through "
                     "or over a link", path=path,
                     hint="remove the link (planc writes only regular files inside the output "
                     "folder), or write somewhere else with -o")
    what = "a file where planc makes a folder" if exc.what == "not-folder" else \
        "not a regular file (planc writes a file there)"
    return error("output-not-file", f"{path} is {what}", path=path,
                 hint="move it away, or write somewhere else with -o")


def _not_planc(root: str, rel: str, kind: ManifestKind | None) -> Diagnostic:
    path = joined(root, rel)
    why = f"{kind.name} does not list it" if kind is not None else \
        "planc has no record of writing it here"
    return error("output-not-planc", f"{path} exists and was not written by planc ({why}); "
                 "it may hold your edits", path=path,
                 hint="move it away, or pass --force to replace it")


def _read_previous(folder: Folder, root: str, kind: ManifestKind, owner: str, force: bool,
                   diagnostics: list[Diagnostic]) -> Previous:
    """The previous manifest in ``root`` if it is readable and ``owner``'s.  Otherwise an
    error (planc would lose track of which files are its own) or, with ``force``, a
    warning, and nothing counts as planc's."""
    path = joined(root, kind.name)
    try:
        st = folder.regular(kind.name)
        raw = folder.read(kind.name, MAX_INPUT_BYTES) if st is not None else None
    except FolderProblem as exc:
        if exc.what == "link":
            raise OutputRefused([_folder_problem(root, exc)]) from None
        raw, st = None, exc  # a folder named manifest.json: unreadable
    if st is None:
        return Previous()
    try:
        if raw is None:
            raise ValueError("not a readable file")
        data = json.loads(raw)
        found = kind.owner(data)
        files = frozenset(kind.files(data))
    except (ValueError, KeyError, TypeError):
        message = f"{path} cannot be read, so planc cannot tell which files here are its own"
        if not force:
            raise OutputRefused([error(
                "manifest-unreadable", message, path=path, hint="pass --force to replace it "
                "(no file is removed), or write somewhere else with -o")]) from None
        diagnostics.append(warning("manifest-unreadable", f"{message}; {FORCED}", path=path))
        return Previous()
    if found != owner:
        message = f"{root} holds a {kind.product} of plan '{found}'"
        if not force:
            raise OutputRefused([error(
                "manifest-other-plan", message, path=path,
                hint=f"{kind.hint}; or pass --force to replace its manifest (no file is removed)")])
        diagnostics.append(warning("manifest-other-plan", f"{message}; {FORCED}", path=path))
        return Previous()
    return Previous(data, files)


FORCED = "replacing it (--force); no file is removed"
"""What a refusal becomes with --force."""


def _read_record(folder: Folder) -> dict[str, str]:
    """``compile -o``'s record of the files planc wrote in this folder (name -> digest)."""
    try:
        raw = folder.read(COMPILE_RECORD, MAX_INPUT_BYTES)
        record = json.loads(raw)["files"] if raw else {}
    except (FolderProblem, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {k: v for k, v in record.items() if isinstance(k, str) and isinstance(v, str)}

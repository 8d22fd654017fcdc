"""An output folder reached safely: every path below it one component at a time, links refused.

planc writes only regular files it owns inside the folder the user named, and
never through a symbolic link.  A path is therefore never handed to the
operating system whole: each folder on the way is opened from its parent's
descriptor with ``O_NOFOLLOW`` (so a week folder that is a link to somewhere
else is refused, not followed, and cannot be swapped in between a check and a
write), and files are created, replaced, read and removed relative to their
folder's descriptor.  Where the platform has no ``dir_fd`` support (Windows),
the same checks are made with ``lstat`` on each component, which is as strict
but not proof against a link swapped in mid-write.

The folder named by the user may itself be a link (``out -> /data/out``): the
user chose it.  Below it, nothing is followed.

Writes are a temporary file (``.NAME.XXXXXXXX.tmp``, the pattern planc has
always used, so stale ones from a killed run can be recognised and removed)
renamed over the target.  :meth:`Folder.sync` makes the whole write set durable
at the end: a few files into folders that were there, each file and folder
fsynced; else one file-system sync.

This module is on the path of a no-change rebuild, so it imports only the
standard library's cheapest modules.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
# the most files Folder.sync fsyncs one by one (more: one syncfs, see Folder.sync)
FSYNC_EACH_MOST = 16
AT = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd and _NOFOLLOW != 0
"""True where folders are reached by descriptor (Linux, macOS, the BSDs)."""

TEMP_RE = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")
"""planc's temporary files: ``.NAME.`` + 8 letters, digits or ``_`` + ``.tmp``."""

_TEMP_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_ENTROPY: list[bytes] = []  # random bytes for temporary names, drawn 2 kB at a time


def _temp_token() -> str:
    """8 random letters of :data:`_TEMP_LETTERS` (one ``getrandom`` per 256 names, not one
    per file: a build writes a thousand)."""
    if not _ENTROPY or len(_ENTROPY[0]) < 8:
        _ENTROPY[:] = [os.urandom(2048)]
    pool = _ENTROPY[0]
    _ENTROPY[0] = pool[8:]
    return pool[:8].translate(_TEMP_TABLE).decode("ascii")


_TEMP_TABLE = bytes(ord(_TEMP_LETTERS[b % len(_TEMP_LETTERS)]) for b in range(256))
"""Byte -> letter, as ``_TEMP_LETTERS[b % 37]`` (one ``translate`` per name)."""


def _needs_chmod() -> bool:
    """True unless files created with mode 0o644 are known to keep it (the umask takes
    nothing from it), so that :meth:`Folder.write` must set the mode itself.  The umask
    is read from ``/proc/self/status`` (Linux), never by setting it, which would change
    it for a moment for every thread; where it cannot be read, the mode is always set."""
    if not hasattr(os, "fchmod"):
        return False
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return bool(int(line.split()[1], 8) & 0o644)
    except (OSError, ValueError, IndexError):
        pass
    return True


class FolderProblem(Exception):
    """A path in the output folder that planc must not write: ``rel`` and what it is.

    ``what`` is ``link`` (a symbolic link, file or folder), ``not-folder`` (a file
    where a folder goes) or ``not-file`` (a folder, device or pipe where a file goes)."""

    def __init__(self, rel: str, what: str):
        super().__init__(f"{rel}: {what}")
        self.rel = rel
        self.what = what


class Busy(Exception):
    """Another planc holds the folder's lock; ``holder`` is what it wrote there (its pid)."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


class Folder:
    """An open output folder (see the module doc); close it, or use it as a context."""

    def __init__(self, root: str, *, create: bool):
        """Open ``root`` (following a link there: the user named it); with ``create``,
        make it first.  FileNotFoundError if it is missing and not to be created."""
        self.root = os.fspath(root)
        # whether this run made or removed a folder: then a per-file sync would also
        # have to sync folders outside the set it knows, so sync() syncs the file system
        self.reshaped = False
        if create and not os.path.isdir(self.root):
            os.makedirs(self.root, exist_ok=True)
            self.reshaped = True
        self._fds: dict[str, int] = {}
        if AT:
            self._fds[""] = os.open(self.root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        elif not os.path.isdir(self.root):
            raise FileNotFoundError(errno.ENOENT, "no such folder", self.root)
        self.touched: set[str] = set()  # folders written to, for the sync and the temp sweep
        self.written: list[str] = []  # files written, for the sync
        self._chmod: bool | None = None  # whether writes set their mode (the umask, read once)

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def path(self, rel: str) -> str:
        """The path of ``rel`` for messages and for the platforms without descriptors."""
        return os.path.join(self.root, *rel.split("/")) if rel else self.root

    # ---------------------------------------------------------------- folders --

    def folder(self, rel: str, *, create: bool = False) -> int | str | None:
        """The folder ``rel`` ('' is the root): a descriptor, or its checked path where
        there are none; None if it does not exist (and ``create`` is false).
        FolderProblem if a component is a link or not a folder."""
        if AT:
            return self._fd(rel, create)
        return self._checked_path(rel, create)

    def _fd(self, rel: str, create: bool) -> int | None:
        if rel in self._fds:
            return self._fds[rel]
        parent_rel, _, name = rel.rpartition("/")
        parent = self._fd(parent_rel, create)
        if parent is None:
            return None
        try:
            fd = os.open(name, DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                return None
            try:
                os.mkdir(name, 0o755, dir_fd=parent)
                self.reshaped = True
            except FileExistsError:
                pass  # made meanwhile; opening it below checks what it is
            fd = self._open_dir(name, parent, rel)
        except OSError as exc:
            raise self._problem(exc, name, parent, rel, folder=True) from None
        self._fds[rel] = fd
        return fd

    def _open_dir(self, name: str, parent: int, rel: str) -> int:
        try:
            return os.open(name, DIR_FLAGS, dir_fd=parent)
        except OSError as exc:
            raise self._problem(exc, name, parent, rel, folder=True) from None

    def _problem(self, exc: OSError, name: str, parent: int | None, rel: str,
                 folder: bool) -> OSError | FolderProblem:
        """What refused an open: a link or a file of the wrong kind (else the OSError)."""
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK, errno.EISDIR,
                             errno.ENXIO, errno.EOPNOTSUPP):
            return exc
        try:
            st = os.stat(name, dir_fd=parent, follow_symlinks=False)
        except OSError:
            return exc
        if stat.S_ISLNK(st.st_mode):
            return FolderProblem(rel, "link")
        return FolderProblem(rel, "not-folder" if folder else "not-file")

    def _checked_path(self, rel: str, create: bool) -> str | None:
        """Without descriptors: the folder's path once every component is checked."""
        current = self.root
        done: list[str] = []
        for part in rel.split("/") if rel else []:
            done.append(part)
            current = os.path.join(current, part)
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                if not create:
                    return None
                os.makedirs(current, exist_ok=True)
                st = os.lstat(current)
            if stat.S_ISLNK(st.st_mode):
                raise FolderProblem("/".join(done), "link")
            if not stat.S_ISDIR(st.st_mode):
                raise FolderProblem("/".join(done), "not-folder")
        return current

    @staticmethod
    def _at(place: int | str, name: str) -> tuple[str, int | None]:
        """(name, dir_fd) for an os call on ``name`` in the folder ``place``."""
        return (name, place) if isinstance(place, int) else (os.path.join(place, name), None)

    # ------------------------------------------------------------------ files --

    def entry(self, rel: str) -> os.stat_result | None:
        """``lstat`` of ``rel`` (a link is reported, never followed); None if absent.
        FolderProblem if a folder on the way is a link or a file."""
        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel)
        if place is None:
            return None
        target, fd = self._at(place, name)
        try:
            return os.stat(target, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except NotADirectoryError:
            raise FolderProblem(folder_rel, "not-folder") from None

    def regular(self, rel: str) -> os.stat_result | None:
        """``entry(rel)`` when it is a regular file; None if absent; FolderProblem if it
        is a link or anything but a file."""
        st = self.entry(rel)
        if st is None:
            return None
        if stat.S_ISLNK(st.st_mode):
            raise FolderProblem(rel, "link")
        if not stat.S_ISREG(st.st_mode):
            raise FolderProblem(rel, "not-file")
        return st

    def read(self, rel: str, limit: int) -> bytes | None:
        """The bytes of the regular file ``rel`` if it holds at most ``limit`` (else None);
        a link is never followed."""
        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel)
        if place is None:
            return None
        target, dir_fd = self._at(place, name)
        try:
            fd = os.open(target, os.O_RDONLY | _NOFOLLOW | _CLOEXEC, dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._problem(exc, name, dir_fd, rel, folder=False) from None
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise FolderProblem(rel, "not-file")
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None

    def write(self, rel: str, data: bytes) -> tuple[int, int]:
        """Replace ``rel`` with ``data``: a temporary file beside it, renamed over it.
        Folders on the way are made; the caller has checked ``rel`` is not a link.

        The size and mtime (ns) of the file written, from its own descriptor: a rename
        changes neither, so they are what an ``lstat`` of ``rel`` finds until someone
        else changes it (and then the cache state no longer matches, as it must).
        Five calls per file (create, write, fstat, close, rename); the mode is set
        apart only where the umask would take something from 0o644."""
        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel, create=True)
        assert place is not None
        self.touched.add(folder_rel)
        self.written.append(rel)
        tmp, fd = self._create_temp(place, name)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if self._chmod is None:
                    self._chmod = _needs_chmod()
                if self._chmod:
                    os.fchmod(fd, 0o644)  # as before: readable, whatever the umask
                st = os.fstat(fd)
            finally:
                os.close(fd)
            src, src_fd = self._at(place, tmp)
            dst, dst_fd = self._at(place, name)
            os.replace(src, dst, src_dir_fd=src_fd, dst_dir_fd=dst_fd)
        except BaseException:
            self._unlink_quietly(place, tmp)
            raise
        return st.st_size, st.st_mtime_ns

    def _create_temp(self, place: int | str, name: str) -> tuple[str, int]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        for _ in range(100):
            tmp = f".{name}.{_temp_token()}.tmp"
            target, dir_fd = self._at(place, tmp)
            try:
                return tmp, os.open(target, flags, 0o644, dir_fd=dir_fd)
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "no free temporary file name", self.path(name))

    def _unlink_quietly(self, place: int | str, name: str) -> None:
        target, dir_fd = self._at(place, name)
        try:
            os.unlink(target, dir_fd=dir_fd)
        except OSError:
            pass

    def remove(self, rel: str) -> bool:
        """Remove ``rel`` if it is a regular file reached without links; True if removed."""
        try:
            if self.regular(rel) is None:
                return False
        except FolderProblem:
            return False  # never remove through, or in place of, something not planc's
        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel)
        assert place is not None
        target, dir_fd = self._at(place, name)
        os.unlink(target, dir_fd=dir_fd)
        self.touched.add(folder_rel)
        return True

    def remove_empty(self, rel: str) -> None:
        """Remove the folder ``rel`` if it is empty (and not the root); else leave it."""
        if not rel:
            return
        parent_rel, _, name = rel.rpartition("/")
        try:
            place = self.folder(parent_rel)
        except FolderProblem:
            return
        if place is None:
            return
        fd = self._fds.pop(rel, None)
        if fd is not None:
            os.close(fd)
        target, dir_fd = self._at(place, name)
        try:
            os.rmdir(target, dir_fd=dir_fd)
            self.reshaped = True
        except OSError:
            pass  # not empty (a file planc does not own is kept, and so is its folder)

    def sweep_temps(self, rel: str, owned: set[str]) -> list[str]:
        """Remove planc's stale temporary files in folder ``rel``: ``.NAME.XXXXXXXX.tmp``
        where NAME is one of ``owned`` (names planc writes there).  Only safe while the
        folder is locked (a running write's temporary would look the same)."""
        place = self.folder(rel)
        if place is None:
            return []
        removed = []
        for name in os.listdir(place):
            m = TEMP_RE.match(name)
            if m is None or m.group("name") not in owned:
                continue
            child = f"{rel}/{name}" if rel else name
            if self.remove(child):
                removed.append(child)
        return removed

    def lock(self, rel: str) -> int | None:
        """Take the exclusive lock on the file ``rel`` (made if missing) and write this
        process's id into it; the descriptor, to keep open while writing.

        ``flock`` locks belong to the open file, so the kernel drops them when the
        process ends however it ends (``kill -9`` included): a lock is never left
        stuck.  Busy if another process holds it; None where there is no ``flock``
        (Windows) or the file system refuses locks: concurrent runs are then not
        refused (README says so)."""
        try:
            import fcntl  # lazy: not on Windows
        except ImportError:
            return None
        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel, create=True)
        assert place is not None
        target, dir_fd = self._at(place, name)
        try:
            fd = os.open(target, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644,
                         dir_fd=dir_fd)
        except OSError as exc:
            raise self._problem(exc, name, dir_fd, rel, folder=False) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise Busy(holder) from None
        except OSError:
            os.close(fd)
            return None  # ENOLCK, EOPNOTSUPP: a file system without locks
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return fd

    def stamp_after(self, rel: str, newest_ns: int, patience_s: float = 1.0) -> bool:
        """Give the file ``rel`` an mtime later than ``newest_ns`` by the file system's own
        clock (touching it until that clock has ticked past): then any later change to
        a file whose mtime is at most ``newest_ns`` shows as a new mtime.  False if the
        clock did not move within ``patience_s``."""
        import time  # lazy: only a write set that stores a cache state waits

        folder_rel, _, name = rel.rpartition("/")
        place = self.folder(folder_rel)
        assert place is not None
        target, dir_fd = self._at(place, name)
        deadline = time.monotonic() + patience_s
        while True:
            st = os.stat(target, dir_fd=dir_fd, follow_symlinks=False)
            if st.st_mtime_ns > newest_ns:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
            os.utime(target, dir_fd=dir_fd, follow_symlinks=False)

    def sync(self) -> None:
        """Make everything written so far durable.  A few files into folders that were
        already there (``compile -o DIR``, a rebuild that changed one week): fsync each
        file, then each folder changed; else one sync of the folder's file system
        (``syncfs`` on Linux, else ``sync``).  Per file is cheaper up to
        :data:`FSYNC_EACH_MOST` files because ``syncfs`` needs ctypes (5 ms to import
        and load libc; 1 file and 2 folders fsync in 0.7 ms, 16 files in 2.8 ms,
        syncfs itself takes 0.4-0.7 ms: bench figures in the commit)."""
        if self._sync_each():
            return
        fd = self._fds.get("")
        if fd is not None and _syncfs(fd):
            return
        if hasattr(os, "sync"):
            os.sync()

    def _sync_each(self) -> bool:
        """fsync each written file and each touched folder; False (nothing promised)
        where that does not cover the write set: too many files, a folder made or
        removed, no descriptors, or a file no longer there."""
        if not AT or self.reshaped or len(self.written) > FSYNC_EACH_MOST:
            return False
        try:
            for rel in self.written:
                folder_rel, _, name = rel.rpartition("/")
                fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC,
                             dir_fd=self._fds[folder_rel])
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            for folder_rel in self.touched:
                os.fsync(self._fds[folder_rel])
        except (OSError, KeyError):
            return False
        return True


def _syncfs(fd: int) -> bool:
    """``syncfs(fd)`` through libc where it exists (Linux); False if unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes  # lazy: only a big write set, or one that made folders, gets here

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs(fd) == 0
    except (OSError, AttributeError):
        return False

"""The result cache: ``check`` and ``compile`` of a text planc has already seen answer
from a stored transcript, without importing Lark, lxml or the AST.

Like ruff's and mypy's caches.  What such a run prints and writes depends only on:
planc itself (:func:`planc.output.cache.fingerprint`: its version and, for a
development copy, every module, grammar and template), the libraries installed
beside it (the names of the ``*.dist-info`` folders, so an upgraded lxml or Lark
misses), the interpreter and its module path (``PYTHONPATH`` may bring a
``sitecustomize`` that changes planc), the command line as typed, the working folder, the environment that
changes output (:data:`ENVIRONMENT`, any ``PLANC_*`` variable but the API key,
any ``PYTHON*`` one, and whether standard output and error are terminals), and the bytes of every
file read (all of them pass through :func:`planc.inputs.read_bytes`, which logs
them).  The first five make the *entry name*; the entry stores the files read
with their digests, and the *key* covers those too.  A lookup re-reads the listed
files, recomputes the key and, if it matches, hands back what the run printed,
stream by stream in the order it was printed, and its exit code.

``compile -o DIR`` also stores each file it wrote (size and digest) and the
folder's record (``.planc-cache/compile.json``); a hit needs every one of them
byte for byte as written, so a deleted or edited output runs compile again.

A folder argument stands for the files below it (planc.commands._paths: what git
does not ignore, not what planc wrote): the entry keeps that list, and a lookup
lists the folder again (``git ls-files``) and needs the same list, so an added,
removed or newly ignored file runs the command again.

Correct first: a run is stored only when nothing escapes the key (each command
says when, its ``cacheable(args, code)``): never one that read standard input, or
had a read that failed (a missing file may appear), or ended with an exit code
other than 0 or 1; a plan or roster only when it had no error (it names athlete
and roster files that planc.plan looks for with ``os.path.isfile``, which the log
of files read cannot see).  Any problem with the cache (unreadable, corrupt, a
link, a full disk) is a miss and the run goes on as if there were no cache.

Where it lives: ``$PLANC_CACHE_DIR``, else ``$XDG_CACHE_HOME/planc``, else
``~/.cache/planc``, in ``results/``; at most :data:`MAX_ENTRIES` entries and
:data:`MAX_BYTES` bytes (the oldest go first); each entry is written to a
temporary file and renamed into place, never through a symbolic link.  It is a
cache: deleting it at any time is safe.  ``--no-cache`` or ``PLANC_NO_CACHE=1``
turns it off (:func:`planc.cli.results_wanted`).

This module is imported by ``planc/cli.py`` before the command line is parsed:
it and what it imports stay small (no argparse, no pathlib, no planc.diagnostics).
"""

from __future__ import annotations

import json
import os
import sys

from planc.inputs import MAX_INPUT_BYTES, UNREPEATABLE, digest, read_bytes
from planc.output.cache import fingerprint, unchanged
from planc.output.folder import Folder, FolderProblem
from planc.resources import cache_root

TYPE_CHECKING = False  # not typing's: its import is 2 ms of the cache hit
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

ENTRY_FORMAT = 2  # 2: folder arguments' listings
MAX_ENTRIES = 512
MAX_BYTES = 32_000_000
MAX_TRANSCRIPT = 1_000_000  # a run that printed more is not stored
COMPILE_RECORD = ".planc-cache/compile.json"  # planc.output.tree's record of compile -o

ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "SOURCE_DATE_EPOCH",
               "PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "LC_CTYPE", "LANG")
"""The variables that can change what check or compile prints or writes."""
SECRET = "PLANC_API_KEY"  # never part of a key, not even digested


def _is_tty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _libraries() -> list[str]:
    """The distributions installed where planc's imports come from (name-version)."""
    found: list[str] = []
    for entry in sys.path:
        if not entry.endswith("-packages"):
            continue
        try:
            found.extend(n for n in os.listdir(entry) if n.endswith(".dist-info"))
        except OSError:
            continue
    return sorted(found)


def libraries() -> list[str]:
    """:func:`_libraries`, for the build's keys: what planc's output depends on beside
    planc itself (an upgraded Lark or lxml may parse or write differently)."""
    return _libraries()


def entry_name(command: str, argv: Sequence[str]) -> str:
    """The digest of everything but the files read: which entry a run looks up."""
    env = {k: os.environ.get(k) for k in ENVIRONMENT}
    env.update({k: v for k, v in os.environ.items()
                if k.startswith(("PLANC_", "PYTHON")) and k != SECRET})
    record = [ENTRY_FORMAT, fingerprint(), _libraries(), sys.version, sys.path, command,
              list(argv),
              os.getcwd(), sorted(env.items(), key=lambda kv: kv[0]),
              _is_tty(sys.stdout), _is_tty(sys.stderr)]
    return digest(json.dumps(record, ensure_ascii=False, default=str).encode())


def _key(name: str, inputs: Sequence[Sequence[str]]) -> str:
    return digest(json.dumps([name, [list(i) for i in inputs]]).encode())


# ------------------------------------------------------------ the lookup --


class Hit:
    """A stored run: what it printed (``(1 or 2, text)`` in order) and its exit code."""

    __slots__ = ("chunks", "code")

    def __init__(self, chunks: list[tuple[int, str]], code: int):
        self.chunks = chunks
        self.code = code


class Probe:
    """Where one run is kept: the cache folder and the entry name, found before the run
    starts (so they describe the state it started in), for :func:`lookup` and
    :func:`store`."""

    __slots__ = ("name", "root")

    def __init__(self, root: str, name: str):
        self.root = root
        self.name = name


def probe(command: str, argv: Sequence[str]) -> Probe | None:
    """The run's place in the cache, or None if there is no cache folder to use."""
    try:
        root = cache_root()
        return None if root is None else Probe(root, entry_name(command, argv))
    except Exception:  # no usable cache: the command simply runs
        return None


def lookup(place: Probe, listing: Callable[[str], list[str]]) -> Hit | None:
    """The stored run, if nothing it depends on changed; else None (also for any problem
    with the cache: the command then simply runs).  ``listing`` gives the files a folder
    argument stands for now (planc.commands._paths, which this layer cannot import)."""
    try:
        with Folder(place.root, create=False) as folder:
            raw = folder.read(f"results/{place.name}.json", MAX_INPUT_BYTES)
        entry = json.loads(raw) if raw else None
        return _valid(entry, place.name, listing)
    except Exception:  # any problem with a cache entry is a miss, silently
        return None


def _valid(entry: Any, name: str, listing: Callable[[str], list[str]]) -> Hit | None:
    if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
        return None
    if any(listing(str(folder)) != files for folder, files in entry["listed"]):
        return None  # a file added to (or removed from, or ignored in) a folder argument
    inputs = [[path, digest(read_bytes(path))] for path, _ in entry["inputs"]]
    if entry["key"] != _key(name, inputs):
        return None
    if not all(_output_unchanged(o) for o in entry["outputs"]):
        return None
    chunks = [(int(n), str(text)) for n, text in entry["chunks"]]
    if any(n not in (1, 2) for n, _ in chunks) or not isinstance(entry["code"], int):
        return None
    return Hit(chunks, entry["code"])


def _output_unchanged(output: Any) -> bool:
    """A file ``compile -o DIR`` wrote, still the regular file of the size and digest
    it had (mtime is not trusted: the bytes are compared)."""
    root, rel, size, digested = output
    with Folder(str(root), create=False) as folder:
        return unchanged(folder, str(rel), [size, -1, digested], 0)


# ------------------------------------------------------------- storing --


def store(place: Probe, reads: dict[str, str], chunks: Sequence[tuple[int, str]], code: int,
          written: tuple[str, Sequence[str]] | None = None,
          listed: Mapping[str, list[str]] | None = None) -> None:
    """Store a run that :func:`lookup` may replay (best effort: any problem, and the
    next run simply runs).  ``written`` is ``(folder, names)`` of compile -o DIR;
    ``listed`` each folder argument's files."""
    if code not in (0, 1) or any(d == UNREPEATABLE for d in reads.values()):
        return
    if sum(len(t) for _, t in chunks) > MAX_TRANSCRIPT:
        return
    try:
        inputs = [[path, d] for path, d in sorted(reads.items())]
        outputs = _outputs(written) if written else []
        if outputs is None:
            return
        data = json.dumps({"format": ENTRY_FORMAT, "key": _key(place.name, inputs),
                           "inputs": inputs, "outputs": outputs,
                           "listed": sorted([k, list(v)] for k, v in (listed or {}).items()),
                           "chunks": [list(c) for c in chunks], "code": code},
                          ensure_ascii=False, separators=(",", ":")).encode()
        _save(place.root, f"{place.name}.json", data)
    except Exception:  # the cache is best effort: never fail the command
        return


def _outputs(written: tuple[str, Sequence[str]]) -> list[list[Any]] | None:
    """Each file compile -o wrote, and the folder's record: [folder, name, size, digest]."""
    root, names = written
    found = []
    with Folder(root, create=False) as folder:
        for rel in [*names, COMPILE_RECORD]:
            st = folder.regular(rel)
            data = folder.read(rel, MAX_INPUT_BYTES) if st else None
            if data is None:
                return None
            found.append([os.path.abspath(root), rel, len(data), digest(data)])
    return found


def _save(root: str, name: str, data: bytes) -> None:
    """Write one entry atomically in ``root/results`` (:meth:`Folder.write`: a temporary
    file renamed into place, no link followed), then evict the oldest beyond the bounds."""
    os.makedirs(root, mode=0o700, exist_ok=True)
    try:  # the transcripts quote the user's files: readable by the user alone
        os.mkdir(os.path.join(root, "results"), 0o700)
    except FileExistsError:
        pass  # (a link there is refused by Folder below)
    with Folder(root, create=False) as folder:
        folder.write(f"results/{name}", data)
        _evict(folder, os.listdir(os.path.join(root, "results")))


def _evict(folder: Folder, names: list[str]) -> None:
    """Remove the oldest entries until at most MAX_ENTRIES and MAX_BYTES remain."""
    entries = []
    for rel in (f"results/{n}" for n in names if n.endswith(".json")):
        try:
            st = folder.regular(rel)
        except FolderProblem:
            continue
        if st is not None:
            entries.append((st.st_mtime_ns, rel, st.st_size))
    entries.sort(reverse=True)
    total = 0
    for count, (_, rel, size) in enumerate(entries, 1):
        total += size
        if count > MAX_ENTRIES or total > MAX_BYTES:
            folder.remove(rel)

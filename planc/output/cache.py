"""The build cache: a rebuild with nothing changed reads the inputs' bytes, stats the outputs
and stops, with no parsing, lowering or emitting.

What a ``build`` or ``render`` wrote depends only on: planc itself (its version
and, for a development copy, every module and template: :func:`fingerprint`),
the command line as typed, the working folder (relative paths), the bytes of
every file it read (the plan, what it includes, athlete and roster files: all
of them pass through :func:`planc.inputs.read_bytes`, which logs them), and
``SOURCE_DATE_EPOCH``.  The *key* is a digest of all of that.  After a
successful write, :class:`planc.output.tree.OutputTree` stores the key, the
list of inputs and each output's size and mtime in
``<output>/.planc-cache/<command>.json``, and the command stores what it printed
beside it (``<command>.txt``).  :func:`up_to_date` is the whole no-change path:
it re-reads the listed inputs, recomputes the key, compares every output's
``lstat`` with what was stored and, if all match, hands back the text to print
again (warnings included, as the first build printed them).  An output whose size
matches but whose mtime does not (a fresh ``git checkout`` gives every file a new
one) is read and its digest compared with the one stored: same bytes, still
unchanged, so a checkout costs reading the outputs, not a rebuild, and only once:
the state then records the new mtimes (:func:`_refresh`, under the folder's lock,
only mtimes at least :data:`SETTLED_NS` old).

Correct first: anything not proven unchanged is rebuilt.  A state is removed
before a write set starts, so an interrupted build leaves none; it is written
only after the outputs are synced to disk; an output whose recorded mtime is
not older than the state file itself could have been changed within the same
clock tick, so its bytes are compared (git's "racily clean" rule).  A file
changed with its size and mtime put back is not noticed: delete
``.planc-cache`` (or the output folder) to rebuild from scratch.

The state is not in ``manifest.json`` because it holds mtimes, which a
checkout changes: a committed manifest would then either be rewritten by every
clone's first build or never match again.  ``.planc-cache`` holds a
``.gitignore`` of ``*``, so git never sees it.

This module is imported by ``planc/cli.py`` before the command line is parsed,
so it and what it imports stay small (no planc.diagnostics, no pathlib).
"""

from __future__ import annotations

import json
import os
import re

import planc
from planc.inputs import MAX_INPUT_BYTES, UNREPEATABLE, InputError, digest, read_bytes
from planc.output.folder import Busy, Folder, FolderProblem
from planc.resources import resource_path

TYPE_CHECKING = False  # not typing's: its import is 2 ms of the no-change path
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

CACHE_DIR = ".planc-cache"
LOCK = f"{CACHE_DIR}/lock"
"""Held by whoever writes the folder (:class:`planc.output.tree.OutputTree`)."""
STATE_FORMAT = 2  # 2: outputs are [size, mtime, digest]
SQUAD_BUILD = "build-squad"
"""The state of ``build --for`` (coach mode), kept apart from a plain build's in the same
folder: it lists the files of every athlete's folder below it."""
SQUAD_RENDER = "render-squad"
"""The state of ``render --for``: the squad page and every athlete's site below it."""
SQUADS = {"build": SQUAD_BUILD, "render": SQUAD_RENDER}
DEFAULT_FOLDERS = {"build": "out/{id}", "render": "out/{id}-site", SQUAD_BUILD: "out/{id}",
                   SQUAD_RENDER: "out/{id}-site"}
"""Where each cached command writes when ``-o`` is not given (the commands use this too)."""

_ID_LINE = re.compile(r"""^id:[ \t]*(["']?)([A-Za-z0-9][A-Za-z0-9_.-]*)\1[ \t]*(?:#.*)?$""",
                      re.MULTILINE)


def default_folder(command: str, plan_id: str) -> str:
    """``out/<id>`` for build, ``out/<id>-site`` for render."""
    return DEFAULT_FOLDERS[command].format(id=plan_id)


# --------------------------------------------------------------- the key --


def fingerprint() -> str:
    """planc's version, and the size and mtime of each of its modules and resources.

    A released planc changes only with its version; a development copy changes
    with every edit, so an edited emitter rebuilds what it emits."""
    parts = [planc.__version__]
    roots = [os.path.dirname(os.path.realpath(planc.__file__)),
             resource_path("templates"), resource_path("grammars")]
    for root in roots:
        parts.extend(_tree_stats(root))
    return digest("\n".join(parts).encode())


def _tree_stats(root: str) -> list[str]:
    found: list[str] = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return [f"{root} missing"]
    for entry in entries:
        if entry.name == "__pycache__" or entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            found.extend(_tree_stats(entry.path))
        elif entry.name.endswith((".py", ".lark", ".j2", ".css", ".json", ".typed")):
            st = entry.stat(follow_symlinks=False)
            found.append(f"{entry.path} {st.st_size} {st.st_mtime_ns}")
    return found


def build_key(command: str, argv: Sequence[str], inputs: Sequence[Sequence[str]]) -> str:
    """The digest of everything a build's output depends on (see the module doc)."""
    record = [STATE_FORMAT, fingerprint(), command, list(argv), os.getcwd(),
              os.environ.get("SOURCE_DATE_EPOCH"), [list(i) for i in inputs]]
    return digest(json.dumps(record, ensure_ascii=False).encode())


class Stamp:
    """What a command hands the output tree so that it can store the cache state: the
    command, its command line, and the live log of the files it read.

    (Plain classes here, not dataclasses: importing dataclasses imports inspect, a
    cost the no-change path does not pay.)"""

    __slots__ = ("argv", "command", "reads")

    def __init__(self, command: str, argv: Sequence[str], reads: dict[str, str]):
        self.command = command
        self.argv = list(argv)
        self.reads = reads

    def inputs(self) -> list[list[str]] | None:
        """The files read, sorted, with their digests; None if one cannot be read again."""
        if any(d == UNREPEATABLE for d in self.reads.values()):
            return None
        return [[path, d] for path, d in sorted(self.reads.items())]

    def key(self, inputs: Sequence[Sequence[str]]) -> str:
        return build_key(self.command, self.argv, inputs)


# ------------------------------------------------------------- the state --


def state_name(command: str) -> str:
    return f"{CACHE_DIR}/{command}.json"


def data_name(command: str) -> str:
    """The command's own data stored with a state (not read on the no-change path)."""
    return f"{CACHE_DIR}/{command}.data.json"


def transcript_name(command: str) -> str:
    return f"{CACHE_DIR}/{command}.txt"


def read_state(folder: Folder, command: str,
               under: str = "") -> tuple[dict[str, Any], int] | None:
    """The stored state of ``command`` in ``folder`` (or in its sub-folder ``under``) and
    the state file's mtime, or None if there is none or it is not one planc could have
    written."""
    name = f"{under}/{state_name(command)}" if under else state_name(command)
    try:
        st = folder.regular(name)
        data = folder.read(name, MAX_INPUT_BYTES) if st else None
        state = json.loads(data) if data else None
    except (FolderProblem, OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT \
            or not isinstance(state.get("outputs"), dict) or not isinstance(state.get("key"), str):
        return None
    assert st is not None
    return state, st.st_mtime_ns


def output_stat(st: os.stat_result, digested: str) -> list[int | str]:
    """What the state keeps of an output: size, mtime (ns) and the digest of its bytes."""
    return output_record(st.st_size, st.st_mtime_ns, digested)


def output_record(size: int, mtime: int, digested: str) -> list[int | str]:
    return [size, mtime, digested]


def unchanged(folder: Folder, rel: str, recorded: object, state_mtime: int) -> bool:
    """True if ``rel`` is the regular file the state recorded: same size and mtime, that
    mtime older than the state file; or else (a checkout's new mtime, or one "racily"
    within the state's clock tick) same size and the same digest of its bytes."""
    return verified(folder, rel, recorded, state_mtime) is not None


def verified(folder: Folder, rel: str, recorded: object, state_mtime: int) -> int | None:
    """:func:`unchanged`'s answer: None if not, else the file's mtime now (the recorded
    one, or a new one under which its bytes were found the same)."""
    if not (isinstance(recorded, list) and len(recorded) == 3):
        return None
    size, mtime, digested = recorded
    try:
        st = folder.regular(rel)
        if st is None or st.st_size != size:
            return None
        if st.st_mtime_ns == mtime and isinstance(mtime, int) and mtime < state_mtime:
            return mtime
        data = folder.read(rel, st.st_size)
    except (FolderProblem, OSError):
        return None
    same = data is not None and len(data) == size and digest(data) == digested
    return st.st_mtime_ns if same else None


SETTLED_NS = 2_000_000_000
"""How old an mtime must be before a state records it for a file whose bytes were compared:
a change within the clock tick of the mtime seen could otherwise keep it."""


def _refresh(folder: Folder, command: str, state: dict[str, Any], state_mtime: int,
             newer: dict[str, int]) -> None:
    """After a checkout (new mtimes, same bytes): record the new mtimes, so that the next
    run compares sizes and mtimes again instead of reading every output.

    Best effort and only under the folder's lock, for a state that is still the one
    checked; only mtimes older than :data:`SETTLED_NS` are recorded (git's "racily
    clean" rule), the others are compared by bytes again next time."""
    import time  # lazy: only a run after a checkout gets here

    limit = time.time_ns() - SETTLED_NS
    settled = {rel: m for rel, m in newer.items() if m < limit}
    if not settled:
        return
    try:
        lock = folder.lock(LOCK)
    except (Busy, FolderProblem, OSError):
        return  # another planc is writing here: it stores its own state
    try:
        again = read_state(folder, command)
        if again is None or again != (state, state_mtime):
            return
        outputs = dict(state["outputs"])
        for rel, mtime in settled.items():
            outputs[rel] = [outputs[rel][0], mtime, outputs[rel][2]]
        name = state_name(command)
        folder.write(name, _state_bytes(state["key"], state["argv"], state["inputs"], outputs))
        folder.stamp_after(name, max(int(r[1]) for r in outputs.values()))
    except (FolderProblem, OSError):
        pass  # the next run compares bytes again
    finally:
        if lock is not None:
            os.close(lock)


# -------------------------------------------------------- the fast path --


class Fresh:
    """A no-change run: the folder it concerns and the text the first run printed."""

    __slots__ = ("root", "transcript")

    def __init__(self, root: str, transcript: str):
        self.root = root
        self.transcript = transcript


def cached_command(command: str, argv: Sequence[str]) -> str:
    """The name of the state that may answer ``argv``: ``build --for`` and ``render --for``
    have their own.

    Read from the command line as typed, before it is parsed: a spelling this misses
    (an abbreviated ``--fo``) only finds no state, and the command runs as usual."""
    if command in SQUADS and any(a == "--for" or a.startswith("--for=") for a in argv):
        return SQUADS[command]
    return command


def up_to_date(command: str, argv: Sequence[str]) -> Fresh | None:
    """The no-change path of ``build`` and ``render``: Fresh if ``argv`` would rewrite
    nothing (see the module doc), else None and the command runs as usual.

    The output folder is ``-o``'s, or the default one of the plan id found on an
    ``id:`` line of a ``.yaml`` argument: a guess, which the stored state's command
    line and input digests then confirm or refute."""
    command = cached_command(command, argv)
    for root in _candidate_folders(command, argv):
        try:
            with Folder(root, create=False) as folder:
                found = _check(folder, command, argv)
        except (OSError, FolderProblem):
            continue
        if found is not None:
            return Fresh(root, found)
    return None


def _check(folder: Folder, command: str, argv: Sequence[str]) -> str | None:
    read = read_state(folder, command)
    if read is None:
        return None
    state, state_mtime = read
    if state.get("argv") != list(argv) or not isinstance(state.get("inputs"), list):
        return None
    inputs = []
    for item in state["inputs"]:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            return None
        try:
            inputs.append([item[0], digest(read_bytes(item[0]))])
        except InputError:
            return None
    key = build_key(command, argv, inputs)
    if key != state["key"]:
        return None
    text = _transcript(folder, command, key)
    if text is None:
        return None
    newer: dict[str, int] = {}
    for rel, recorded in state["outputs"].items():
        mtime = verified(folder, rel, recorded, state_mtime)
        if mtime is None:
            return None
        if mtime != recorded[1]:
            newer[rel] = mtime
    if newer:
        _refresh(folder, command, state, state_mtime, newer)
    return text


def _transcript(folder: Folder, command: str, key: str) -> str | None:
    try:
        data = folder.read(transcript_name(command), MAX_INPUT_BYTES)
    except (FolderProblem, OSError):
        return None
    if data is None:
        return None
    first, _, rest = data.decode("utf-8", "replace").partition("\n")
    return rest if first == key else None


def candidate_folders(command: str, argv: Sequence[str]) -> list[str]:
    """Where ``command ARGV`` writes: ``-o DIR``, else each plan argument's default folder."""
    return _candidate_folders(command, argv)


def _candidate_folders(command: str, argv: Sequence[str]) -> list[str]:
    """``-o DIR`` if given, else the default folder of each ``.yaml`` argument's id."""
    for i, arg in enumerate(argv):
        if arg in ("-o", "--output") and i + 1 < len(argv):
            return [argv[i + 1]]
        if arg.startswith("--output="):
            return [arg.partition("=")[2]]
        if arg.startswith("-o") and len(arg) > 2 and not arg.startswith("--"):
            return [arg[2:]]
    folders = []
    for arg in argv:
        if not arg.lower().endswith((".yaml", ".yml")):
            continue
        try:
            text = read_bytes(arg).decode("utf-8", "replace")
        except InputError:
            continue
        m = _ID_LINE.search(text)
        if m:
            folders.append(default_folder(command, m.group(2)))
    return folders


def forget(root: str, command: str) -> None:
    """Remove ``command``'s state in ``root`` (if any) before a write set that it does not
    cover starts: an interrupted run then leaves no state to trust."""
    try:
        with Folder(root, create=False) as folder:
            folder.remove(state_name(command))
    except (FileNotFoundError, FolderProblem):
        pass  # no folder yet, or no state planc could read through a link


def save_transcript(root: str, stamp: Stamp, key: str, text: str) -> None:
    """Store what the command printed for the state whose key is ``key`` (best effort:
    without it, the next run is simply not a no-change run)."""
    try:
        with Folder(root, create=False) as folder:
            read = read_state(folder, stamp.command)
            if read is None or read[0]["key"] != key:
                return  # another run replaced the state meanwhile
            folder.write(transcript_name(stamp.command), f"{key}\n{text}".encode())
    except (OSError, FolderProblem):
        pass


def state_record(stamp: Stamp, key: str, inputs: list[list[str]],
                 outputs: Mapping[str, list[int]]) -> bytes:
    """The bytes of a state file."""
    return _state_bytes(key, stamp.argv, inputs, outputs)


def _state_bytes(key: str, argv: Sequence[str], inputs: Sequence[Sequence[str]],
                 outputs: Mapping[str, Sequence[int | str]]) -> bytes:
    return json.dumps({"format": STATE_FORMAT, "key": key, "argv": list(argv),
                       "inputs": inputs, "outputs": dict(outputs)},
                      ensure_ascii=False, separators=(",", ":")).encode()


def data_record(key: str, data: Mapping[str, Any], owner: str, owned: Sequence[str]) -> bytes:
    """The bytes of a data file: the key of its state, the command's data, and the plan
    and the files the folder's manifest lists (should the manifest be deleted)."""
    return json.dumps({"key": key, "owner": owner, "owned": sorted(owned), "data": dict(data)},
                      ensure_ascii=False, separators=(",", ":")).encode()


def read_owned(folder: Folder, command: str, owner: str) -> frozenset[str]:
    """The files the last complete write of ``owner``'s plan listed, from the cache (for a
    folder whose manifest was deleted: they are still planc's to replace)."""
    read = read_state(folder, command)
    if read is None:
        return frozenset()
    try:
        raw = folder.read(data_name(command), MAX_INPUT_BYTES)
        found = json.loads(raw) if raw else None
    except (FolderProblem, OSError, ValueError):
        return frozenset()
    if not isinstance(found, dict) or found.get("key") != read[0]["key"] \
            or found.get("owner") != owner or not isinstance(found.get("owned"), list):
        return frozenset()
    return frozenset(f for f in found["owned"] if isinstance(f, str))


def read_any_data(root: str, command: str) -> dict[str, Any]:
    """The data the last state of ``command`` in the folder ``root`` stored, whatever its
    key (else empty): for records that hold their own proof of validity (a build's
    parse records name the planc they were made by), read before the plan is."""
    try:
        with Folder(root, create=False) as folder:
            raw = folder.read(data_name(command), MAX_INPUT_BYTES)
        found = json.loads(raw) if raw else None
    except (FolderProblem, OSError, ValueError):
        return {}
    if not isinstance(found, dict) or not isinstance(found.get("data"), dict):
        return {}
    return found["data"]


def read_data(folder: Folder, command: str, key: str) -> dict[str, Any]:
    """The data stored with the state whose key is ``key`` (else empty)."""
    try:
        raw = folder.read(data_name(command), MAX_INPUT_BYTES)
        found = json.loads(raw) if raw else None
    except (FolderProblem, OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("key") != key \
            or not isinstance(found.get("data"), dict):
        return {}
    return found["data"]

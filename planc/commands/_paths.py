"""Which files a command's path arguments stand for: a file as given, a folder's
workout and plan files (what git does not ignore, not what planc wrote).

Apart from planc.commands._common so that the result cache can list a folder again
to see whether a stored run still covers it (planc.cli) without importing argparse,
dataclasses and the diagnostics that _common needs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from planc.inputs import InputError

TYPE_CHECKING = False  # not typing's, and pathlib only where a folder is walked: start-up
if TYPE_CHECKING:
    from pathlib import Path

PLAN_SUFFIXES = (".yaml", ".yml")
WORKOUT_SUFFIXES = (".workout", ".txt", ".icu")


def is_plan(path: str) -> bool:
    return path.lower().endswith(PLAN_SUFFIXES)


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; a directory stands for the workout and plan files below it.

    Below a directory, planc skips what is not the author's: files git ignores (inside a
    git work tree, ``git ls-files`` lists the files that are not ignored, so
    ``.gitignore``, ``.git/info/exclude`` and the global excludes all count; outside
    one, nothing is ignored), folders whose name starts with a dot, and folders that
    carry a planc manifest (what ``build`` and ``render`` write).  A file named
    explicitly is always read."""
    out: list[str] = []
    for p in paths:
        if p != "-" and os.path.isdir(p or "."):  # as Path(p).is_dir(): '' is '.'
            from pathlib import Path  # lazy: a folder argument only (start-up of the rest)

            root = Path(p)
            if (manifest := planc_manifest(root)) is not None:
                raise InputError(f"{p}: planc wrote this folder (it has {manifest.name}); "
                                 "check the plan or the workouts it came from instead")
            found = sorted(str(f) for f in files_below(root) if _is_input(f))
            if not found and any(_is_input(f) for f in _walk(root)):
                raise InputError(f"{p}: git ignores every workout and plan file in this "
                                 "directory (.gitignore); name the files to check them")
            if not found:
                raise InputError(f"{p}: no .workout or plan files in this directory")
            out.extend(found)
        else:
            out.append(p)
    return out


def expand_one(given: str, listed: dict[str, list[str]]) -> list[str]:
    """``expand_paths([given])``; a folder's files are also noted in ``listed``, for the
    result cache to list the folder again before it replays a run (planc.cli)."""
    found = expand_paths([given])
    if given != "-" and os.path.isdir(given):
        listed[given] = found
    return found


MANIFEST_NAMES = ("manifest.json", "site-manifest.json")  # planc build, planc render


def planc_manifest(folder: Path) -> Path | None:
    """The manifest ``build`` or ``render`` left in ``folder``, or None: a manifest file
    name holding a JSON object with the plan it was written for."""
    import json

    from planc.inputs import read_bytes

    for name in MANIFEST_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = json.loads(read_bytes(path))
        except (InputError, ValueError):
            continue
        if isinstance(data, dict) and "plan" in data:
            return path
    return None


def _is_input(f: Path) -> bool:
    suffix = f.suffix.lower()
    return suffix in WORKOUT_SUFFIXES or (suffix in PLAN_SUFFIXES and _looks_like_plan(f))


def files_below(root: Path) -> list[Path]:
    """Every file below ``root`` that is the author's (see :func:`expand_paths`)."""
    listed = _git_files(root)
    if listed is None:
        return _walk(root)
    folders: dict[Path, bool] = {}  # folder -> carries a manifest (or is hidden)

    def skipped(folder: Path) -> bool:
        if folder not in folders:
            folders[folder] = folder != root and (
                folder.name.startswith(".") or planc_manifest(folder) is not None
                or skipped(folder.parent))
        return folders[folder]

    return [f for f in listed if not skipped(f.parent) and f.is_file()]


def _git_files(root: Path) -> list[Path] | None:
    """The files below ``root`` git does not ignore (tracked or not), or None when
    ``root`` is not in a git work tree (or git is not installed)."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--deduplicate", "--", "."],
            capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [root / n for n in names if n]


def _walk(root: Path) -> list[Path]:
    from pathlib import Path  # lazy: see expand_paths

    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs
                   if not d.startswith(".") and planc_manifest(here / d) is None]
        out.extend(here / f for f in files)
    return out


_PLAN_KEY = re.compile(r"^calendar\s*:", re.MULTILINE)


def _looks_like_plan(path: Path) -> bool:
    """In a directory, a YAML file is a plan if it has a calendar (libraries and athlete
    files are checked through the plans that include them)."""
    try:
        return bool(_PLAN_KEY.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False

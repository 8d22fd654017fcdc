"""The output folder's file writes: fewer calls per file, the same rules.

A write is a temporary file (``.NAME.XXXXXXXX.tmp``) renamed over the target, with
mode 0o644 whatever the umask; it reports the size and mtime the file now has (the
cache state records them without a second ``lstat``); a tree looks at each folder's
listing once, and still refuses a file it did not write.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from planc.output import folder as folder_mod
from planc.output.folder import TEMP_RE, Folder
from planc.output.tree import OutputRefused, OutputTree


@pytest.mark.parametrize("mask", [0o077, 0o022, 0o002, 0o000])
def test_a_written_file_is_0644_whatever_the_umask(tmp_path: Path, mask: int):
    old = os.umask(mask)
    try:
        with Folder(str(tmp_path), create=True) as f:
            f.write("week/a.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "week" / "a.txt").stat().st_mode) == 0o644


def test_write_reports_the_size_and_mtime_an_lstat_then_finds(tmp_path: Path):
    with Folder(str(tmp_path), create=True) as f:
        size, mtime = f.write("a/b.fit", b"12345")
    st = (tmp_path / "a" / "b.fit").lstat()
    assert (size, mtime) == (st.st_size, st.st_mtime_ns) == (5, st.st_mtime_ns)


def test_temporary_names_keep_the_one_pattern_and_never_repeat():
    tokens = [folder_mod._temp_token() for _ in range(1000)]
    assert len(set(tokens)) == len(tokens)
    assert all(TEMP_RE.match(f".x.fit.{t}.tmp") for t in tokens)


def test_a_failed_write_leaves_no_temporary(tmp_path: Path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with Folder(str(tmp_path), create=True) as f:
        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(OSError):
            f.write("w/a.txt", b"data")
    assert os.listdir(tmp_path / "w") == []


def test_a_foreign_file_beside_new_ones_is_still_refused(tmp_path: Path):
    out = tmp_path / "out"
    (out / "w").mkdir(parents=True)
    (out / "w" / "mine.txt").write_text("hand-written")
    with OutputTree.open(out) as tree, pytest.raises(OutputRefused) as refused:
        tree.write({"w/new.txt": b"1", "w/mine.txt": b"2", "v/other.txt": b"3"})
    assert [d.code for d in refused.value.diagnostics] == ["output-not-planc"]
    assert (out / "w" / "mine.txt").read_text() == "hand-written"
    assert not (out / "w" / "new.txt").exists() and not (out / "v").exists()


def test_a_link_where_a_week_folder_goes_is_still_refused(tmp_path: Path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "w").symlink_to(elsewhere)
    with OutputTree.open(out) as tree, pytest.raises(OutputRefused) as refused:
        tree.write({"w/new.txt": b"1"})
    assert [d.code for d in refused.value.diagnostics] == ["output-link"]
    assert os.listdir(elsewhere) == []


def _syncs(monkeypatch) -> tuple[list[int], list[int]]:
    """Record the descriptors fsynced and the file-system syncs asked for."""
    fsynced: list[int] = []
    syncfs: list[int] = []
    monkeypatch.setattr(folder_mod.os, "fsync", fsynced.append)
    monkeypatch.setattr(folder_mod, "_syncfs", lambda fd: syncfs.append(fd) or True)
    return fsynced, syncfs


@pytest.mark.skipif(not folder_mod.AT, reason="per-file sync needs folder descriptors")
def test_a_few_files_into_existing_folders_are_fsynced_one_by_one(tmp_path: Path, monkeypatch):
    """compile -o DIR's case: no ctypes (syncfs), each file and each changed folder fsynced."""
    (tmp_path / "week").mkdir()
    fsynced, syncfs = _syncs(monkeypatch)
    with Folder(str(tmp_path), create=True) as f:
        f.write("a.zwo", b"x")
        f.write("week/b.zwo", b"y")
        f.sync()
        folders = {f._fds[""], f._fds["week"]}
    assert syncfs == [] and len(fsynced) == 4 and folders <= set(fsynced)


@pytest.mark.parametrize("case", ["many files", "new folder", "new root", "folder removed"])
def test_other_write_sets_sync_the_file_system_once(tmp_path: Path, monkeypatch, case: str):
    """Too many files, or a folder made or removed (its parent changed too): one syncfs."""
    root = tmp_path / "out"
    if case != "new root":
        (root / "old").mkdir(parents=True)
        (root / "old" / "f").write_bytes(b"f")
    fsynced, syncfs = _syncs(monkeypatch)
    with Folder(str(root), create=True) as f:
        count = folder_mod.FSYNC_EACH_MOST + 1 if case == "many files" else 1
        for i in range(count):
            f.write(f"{'new/' * (case == 'new folder')}f{i}.zwo", b"x")
        if case == "folder removed":
            f.remove("old/f")
            f.remove_empty("old")
        f.sync()
    assert fsynced == [] and len(syncfs) == 1

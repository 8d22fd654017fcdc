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

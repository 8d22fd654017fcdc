"""Safe output: atomic writes that leave unchanged files alone, slugs, and path checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planc.output.files import inside, safe_relative, slugify, write_atomic


def test_write_atomic_writes_then_leaves_an_unchanged_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.fit"
    assert write_atomic(target, b"one") is True
    assert target.read_bytes() == b"one"
    os.utime(target, (1_000_000, 1_000_000))
    assert write_atomic(target, b"one") is False
    assert target.stat().st_mtime == 1_000_000  # not touched
    assert write_atomic(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.fit"]  # no temporary left


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "x.zwo"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):  # the temporary file is made, the write fails
        write_atomic(target, "newer")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.zwo"]


@pytest.mark.parametrize(("name", "slug"), [
    ("Sweet spot 3x15", "sweet-spot-3x15"),
    ("../../etc/passwd", "etc-passwd"),
    ("Crème brûlée / Ü", "creme-brulee-u"),
    ("", "workout"),
    ("..", "workout"),
    ("🚴🚴", "workout"),
    ("CON", "con-workout"),
    ("com1", "com1-workout"),
    ("Console", "console"),
])
def test_slugify_is_a_safe_file_name(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(("rel", "ok"), [
    ("week-01-2027-01-04/2027-01-05-1-sweet-spot.fit", True),
    ("manifest.json", True),
    ("../escape.fit", False),
    ("week/../../escape.fit", False),
    ("/etc/passwd", False),
    ("week//x.fit", False),
    ("./x.fit", False),
    ("..\\escape.fit", False),
    ("C:/x.fit", False),
    ("", False),
])
def test_safe_relative_agrees_with_resolving(tmp_path: Path, rel: str, ok: bool) -> None:
    assert safe_relative(rel) is ok
    if ok:
        assert inside(tmp_path, tmp_path / rel)

"""planc/output: atomic writes that leave unchanged files alone, slugs, path checks, and the
one output-tree writer (write set, manifest, stale files) that build, render and compile -o use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, run_planc

import planc.output.folder
from planc.names import slugify
from planc.output.files import inside, safe_relative, write_atomic
from planc.output.tree import (
    ManifestKind,
    OutputRefused,
    OutputTree,
    UnsafePath,
    dumps_manifest,
    write_file,
)


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


# ------------------------------------------------------------- the tree writer --

KIND = ManifestKind(name="manifest.json", product="build", hint="one folder per plan",
                    owner=lambda m: m["plan"], files=lambda m: [f for f in m["files"]])


def manifest(*files: str, plan: str = "p") -> dict:
    return {"plan": plan, "files": sorted(files)}


def write(root: Path, files: dict[str, bytes], plan: str = "p", force: bool = False):
    with OutputTree.open(root, KIND, plan, force=force) as tree:
        return tree, tree.write(files, manifest(*files, plan=plan))


def listing(root: Path) -> list[str]:
    """The files under ``root`` but planc's cache folder."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and ".planc-cache" not in p.parts)


def test_writes_the_set_and_the_manifest_and_says_what_it_did(tmp_path: Path) -> None:
    _, done = write(tmp_path, {"w1/a.txt": b"a", "b.txt": b"b"})
    assert listing(tmp_path) == ["b.txt", "manifest.json", "w1/a.txt"]
    assert done.written == [tmp_path / "b.txt", tmp_path / "w1/a.txt", tmp_path / "manifest.json"]
    assert done.unchanged == [] and done.removed == []
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest("b.txt", "w1/a.txt")
    assert done.summary() == "3 written, 0 unchanged, 0 removed"


def test_a_second_write_of_the_same_set_touches_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"w1/a.txt": b"a", "b.txt": b"b"})
    for p in tmp_path.rglob("*"):
        os.utime(p, (1_000_000, 1_000_000))
    _, done = write(tmp_path, {"w1/a.txt": b"a", "b.txt": b"b"})
    assert done.written == [] and done.removed == [] and len(done.unchanged) == 3
    assert {(tmp_path / rel).stat().st_mtime for rel in listing(tmp_path)} == {1_000_000}


def test_only_files_the_previous_manifest_lists_are_removed(tmp_path: Path) -> None:
    write(tmp_path, {"w1/a.txt": b"a", "w2/b.txt": b"b", "c.txt": b"c"})
    (tmp_path / "w2" / "mine.txt").write_text("the coach's")  # not planc's
    (tmp_path / "mine.txt").write_text("the coach's")
    _, done = write(tmp_path, {"c.txt": b"c"})
    assert sorted(p.relative_to(tmp_path).as_posix() for p in done.removed) == [
        "w1/a.txt", "w2/b.txt"]
    assert listing(tmp_path) == ["c.txt", "manifest.json", "mine.txt", "w2/mine.txt"]
    assert not (tmp_path / "w1").exists()  # emptied: removed; w2 still holds the coach's file


def test_a_file_the_new_manifest_still_lists_is_kept(tmp_path: Path) -> None:
    """A partial build lists the other weeks' files without writing them: they stay."""
    write(tmp_path, {"w1/a.txt": b"a", "w2/b.txt": b"b"})
    with OutputTree.open(tmp_path, KIND, "p") as tree:
        done = tree.write({"w2/b.txt": b"b2"}, manifest("w1/a.txt", "w2/b.txt"))
    assert done.removed == [] and (tmp_path / "w1" / "a.txt").read_bytes() == b"a"


def test_the_manifest_is_written_last(tmp_path: Path, monkeypatch) -> None:
    order: list[str] = []
    real = planc.output.folder.Folder.write

    def recording(self, rel, data):
        order.append(rel)
        return real(self, rel, data)

    monkeypatch.setattr(planc.output.folder.Folder, "write", recording)
    write(tmp_path, {"z.txt": b"z", "a/b.txt": b"b"})
    outputs = [rel for rel in order if not rel.startswith(".planc-cache/")]
    assert outputs[-1] == "manifest.json" and sorted(outputs[:-1]) == ["a/b.txt", "z.txt"]


def test_an_unsafe_path_refuses_the_whole_set_before_writing(tmp_path: Path) -> None:
    tree = OutputTree.open(tmp_path / "out", KIND, "p")
    with pytest.raises(UnsafePath):
        tree.write({"a.txt": b"a", "../escape.txt": b"x"}, manifest("a.txt"))
    with pytest.raises(UnsafePath):
        tree.write({"manifest.json": b"{}"}, manifest())
    with pytest.raises(UnsafePath):
        tree.write({".planc-cache/build.json": b"{}"}, manifest())
    assert not (tmp_path / "out").exists() and not (tmp_path / "escape.txt").exists()


@pytest.mark.parametrize("listed", ["../outside.txt", "/etc/hostname", "./inside.txt",
                                    "link/target.txt"])
def test_a_manifest_never_removes_outside_the_folder(tmp_path: Path, listed: str) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    (root / "inside.txt").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "target.txt").write_text("x")
    (root / "link").symlink_to(tmp_path / "elsewhere")
    (root / "manifest.json").write_text(json.dumps(manifest(listed)))
    _, done = write(root, {})
    assert done.removed == []
    assert (tmp_path / "outside.txt").exists() and (root / "inside.txt").exists()
    assert (tmp_path / "elsewhere" / "target.txt").exists()


@pytest.mark.parametrize("text", ["not json", '{"plan": "p"}', '{"plan": "p", "files": 3}',
                                  "[1, 2]", '"x"', "\udcff"])
def test_an_unreadable_manifest_refuses_the_write_and_force_replaces_it(tmp_path: Path,
                                                                        text: str) -> None:
    (tmp_path / "old.txt").write_text("x")
    (tmp_path / "manifest.json").write_text(text, errors="surrogateescape")
    with pytest.raises(OutputRefused) as refused:
        write(tmp_path, {"new.txt": b"n"})
    (d,) = refused.value.diagnostics
    assert (d.code, d.severity, d.path) == ("manifest-unreadable", "error",
                                            str(tmp_path / "manifest.json"))
    assert "pass --force" in d.hint
    assert listing(tmp_path) == ["manifest.json", "old.txt"]  # nothing written
    tree, done = write(tmp_path, {"new.txt": b"n"}, force=True)
    assert [(d.code, d.severity) for d in tree.diagnostics] == [("manifest-unreadable",
                                                                 "warning")]
    assert done.removed == [] and (tmp_path / "old.txt").exists()
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest("new.txt")


def test_a_manifest_that_is_a_folder_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").mkdir()
    with pytest.raises(OutputRefused) as refused:
        OutputTree.open(tmp_path, KIND, "p")
    assert [d.code for d in refused.value.diagnostics] == ["manifest-unreadable"]


def test_another_plans_manifest_refuses_the_write_and_force_removes_nothing(
        tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": b"a"}, plan="other")
    with pytest.raises(OutputRefused) as refused:
        write(tmp_path, {"b.txt": b"b"})
    (d,) = refused.value.diagnostics
    assert d.code == "manifest-other-plan" and d.hint.startswith("one folder per plan")
    assert d.message == f"{tmp_path} holds a build of plan 'other'"
    tree, done = write(tmp_path, {"b.txt": b"b"}, force=True)
    assert [d.code for d in tree.diagnostics] == ["manifest-other-plan"]
    assert done.removed == [] and (tmp_path / "a.txt").exists()


def test_a_tree_without_a_manifest_writes_files_only(tmp_path: Path) -> None:
    tree = OutputTree.open(tmp_path)
    assert tree.write({"a.zwo": b"a"}).written == [tmp_path / "a.zwo"]
    assert listing(tmp_path) == ["a.zwo"]
    with pytest.raises(ValueError):
        tree.write({"a.zwo": b"a"}, manifest("a.zwo"))
    tree.close()
    with pytest.raises(ValueError), OutputTree.open(tmp_path, KIND, "p") as other:
        other.write({"a.zwo": b"a"})


def test_a_write_error_names_what_could_not_be_written(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError) as caught:
        OutputTree.open(tmp_path / "file" / "sub").write({"a.txt": b"a"})
    assert caught.value.filename == str(tmp_path / "file" / "sub")
    with pytest.raises(OSError) as caught:
        write_file(tmp_path / "file" / "b.txt", b"b")
    assert caught.value.filename == str(tmp_path / "file" / "b.txt")


def test_write_file_takes_a_name_planc_did_not_make(tmp_path: Path) -> None:
    target = tmp_path / "10:00 ride.zwo"  # a legal POSIX name that safe_relative refuses
    assert write_file(target, b"z").written == [target]
    assert write_file(target, b"z").unchanged == [target]


def test_the_manifest_bytes_are_sorted_indented_and_end_with_a_newline() -> None:
    assert dumps_manifest({"b": 1, "a": ["é"]}) == '{\n  "a": [\n    "é"\n  ],\n  "b": 1\n}\n'.encode()


def test_compile_into_a_folder_writes_no_manifest_and_removes_nothing(tmp_path: Path) -> None:
    sweet = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"
    out = tmp_path / "zwift"
    out.mkdir()
    (out / "old.zwo").write_text("the coach's")
    proc = run_planc("compile", str(sweet), "--to", "zwo,mrc", "-o", str(out))
    assert proc.returncode == 0, proc.stderr_text
    assert sorted(p.name for p in out.iterdir()) == [
        ".planc-cache", "old.zwo", "sweet-spot-3x15.mrc", "sweet-spot-3x15.zwo"]
    before = {p: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    assert run_planc("compile", str(sweet), "--to", "zwo,mrc", "-o", str(out)).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before

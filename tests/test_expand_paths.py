"""``planc check DIR`` reads only the author's files: .gitignore honoured, planc's own output
folders (a build or render manifest) and dot-folders skipped, named files always read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from planc.cli import main
from planc.commands._common import expand_paths

GOOD = "- 10m 50%\n"
BAD = "- Hard 20min\n"  # an error: reading this file fails the check

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), "PATH": "/usr/bin:/bin",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


def names(paths: list[str], root: Path) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


@needs_git
def test_gitignored_files_are_skipped_but_tracked_and_named_ones_read(tmp_path: Path):
    git(tmp_path, "init", "-q", ".")
    write(tmp_path, ".gitignore", "scratch/\n*.tmp.workout\n")
    write(tmp_path, "workouts/a.workout", GOOD)
    write(tmp_path, "workouts/b.tmp.workout", BAD)
    write(tmp_path, "scratch/c.workout", BAD)
    write(tmp_path, "kept.tmp.workout", GOOD)
    git(tmp_path, "add", "-f", "kept.tmp.workout")  # tracked: git does not ignore it
    write(tmp_path, ".cache/d.workout", BAD)
    assert names(expand_paths([str(tmp_path)]), tmp_path) == ["kept.tmp.workout",
                                                               "workouts/a.workout"]
    assert main(["check", str(tmp_path)]) == 0
    named = str(tmp_path / "scratch" / "c.workout")
    assert expand_paths([named]) == [named]


@needs_git
def test_a_folder_git_ignores_entirely_says_so(tmp_path: Path, capsys):
    git(tmp_path, "init", "-q", ".")
    write(tmp_path, ".gitignore", "drafts/\n")
    write(tmp_path, "drafts/a.workout", GOOD)
    assert main(["check", str(tmp_path / "drafts")]) == 2
    assert "git ignores every workout and plan file" in capsys.readouterr().err


@pytest.mark.parametrize("in_git", [False, pytest.param(True, marks=needs_git)])
def test_build_output_is_never_read(tmp_path: Path, in_git: bool, capsys):
    if in_git:
        git(tmp_path, "init", "-q", ".")
    plans = Path(__file__).resolve().parent.parent / "plans"
    shutil.copytree(plans, tmp_path / "plans")
    plan = tmp_path / "plans" / "cycling-base-build-8w.yaml"
    out = tmp_path / "out"
    assert main(["build", str(plan), "-o", str(out), "-q"]) == 0
    assert list(out.rglob("*.txt")), "the build wrote intervals.icu text files"
    assert main(["render", str(plan), "-o", str(tmp_path / "site")]) == 0
    write(tmp_path, "site/extra.workout", BAD)  # inside a rendered site: not the author's
    capsys.readouterr()
    found = expand_paths([str(tmp_path)])
    assert not [p for p in found if "/out/" in p or "/site/" in p]
    assert main(["check", str(tmp_path)]) == 0
    assert main(["check", str(out)]) == 2
    assert "planc wrote this folder" in capsys.readouterr().err


def test_a_manifest_that_is_not_plancs_does_not_hide_a_folder(tmp_path: Path):
    write(tmp_path, "app/manifest.json", '{"name": "a web app"}\n')
    write(tmp_path, "app/w.workout", GOOD)
    assert names(expand_paths([str(tmp_path)]), tmp_path) == ["app/w.workout"]

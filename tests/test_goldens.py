"""The golden mechanism itself: comparison that can fail, --regen that rewrites, and CI's
refusal to regenerate (so a landing never rewrites what it is compared against)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import ROOT
from support import golden


@pytest.fixture
def regen() -> Iterator[None]:
    """--regen for one test, whatever the session was started with."""
    before = golden.regenerating()
    golden.set_regen(True)
    yield
    golden.set_regen(before)


@pytest.fixture
def compare() -> Iterator[None]:
    before = golden.regenerating()
    golden.set_regen(False)
    yield
    golden.set_regen(before)


def test_equal_bytes_pass_and_a_difference_names_where(tmp_path, compare):
    path = tmp_path / "w.txt"
    path.write_bytes(b"line one\nline two\n")
    golden.check_golden(path, "line one\nline two\n")
    with pytest.raises(AssertionError, match=r"first difference at byte 14 \(line 2\)"):
        golden.check_golden(path, b"line one\nline 2wo\n")
    with pytest.raises(AssertionError, match="differs"):
        golden.check_golden(path, b"line one\r\nline two\r\n")  # line ends count


def test_a_missing_golden_fails_and_says_how_to_create_it(tmp_path, compare):
    with pytest.raises(AssertionError, match="missing: run pytest --regen"):
        golden.check_golden(tmp_path / "absent.txt", b"x")
    assert not (tmp_path / "absent.txt").exists()


def test_regen_writes_changed_goldens_and_leaves_equal_ones_untouched(tmp_path, regen):
    same, changed = tmp_path / "same.txt", tmp_path / "sub" / "changed.txt"
    same.write_bytes(b"kept")
    before = same.stat().st_mtime_ns
    golden.check_golden(same, b"kept")
    golden.check_golden(changed, b"new")
    assert same.stat().st_mtime_ns == before
    assert changed.read_bytes() == b"new"


def test_a_tree_must_hold_the_same_files(tmp_path, compare):
    want, got = tmp_path / "golden", tmp_path / "out"
    for root in (want, got):
        (root / "week-1").mkdir(parents=True)
        (root / "week-1" / "a.txt").write_bytes(b"a")
    golden.check_golden_tree(want, got)
    (got / "extra.txt").write_bytes(b"?")
    with pytest.raises(AssertionError, match="hold different files"):
        golden.check_golden_tree(want, got)


def test_regen_of_a_tree_removes_what_the_output_no_longer_has(tmp_path, regen):
    want, got = tmp_path / "golden", tmp_path / "out"
    (want / "old").mkdir(parents=True)
    (want / "old" / "gone.txt").write_bytes(b"stale")
    got.mkdir()
    (got / "new.txt").write_bytes(b"fresh")
    golden.check_golden_tree(want, got)
    assert golden.files_under(want) == {"new.txt": b"fresh"}


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("PLANC_REGEN", "PLANC_NO_REGEN", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=ROOT, env={**full_env, **env},
                          timeout=120)


@pytest.mark.parametrize(("args", "env", "said"), [
    (("--regen",), {"PLANC_NO_REGEN": "1"}, "--regen refused: PLANC_NO_REGEN is set"),
    ((), {"PLANC_REGEN": "1"}, "PLANC_REGEN is gone: run pytest --regen"),
])
def test_the_test_run_refuses_regeneration_when_told(args, env, said):
    proc = _pytest(*args, "--collect-only", "-q", "tests/test_goldens.py", **env)
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert said in proc.stderr


@pytest.mark.parametrize("env", [{"PLANC_REGEN": "1"}, {"PYTEST_ADDOPTS": "-x --regen"}])
def test_ci_stops_before_it_installs_anything_when_regeneration_is_asked(tmp_path, env):
    """.ci/run, copied beside README.md into a scratch checkout, exits 1 before its first
    step (which would remove .venv)."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / ".venv").mkdir()
    clean = {k: v for k, v in os.environ.items() if k not in ("PLANC_REGEN", "PYTEST_ADDOPTS")}
    proc = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], capture_output=True,
                          text=True, env={**clean, **env}, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ci: refusing to run with" in proc.stderr and "never rewrites goldens" in proc.stderr
    assert (tmp_path / ".venv").is_dir()  # nothing ran

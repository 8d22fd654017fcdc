"""The layer contract (pyproject.toml [tool.importlinter], ARCHITECTURE.md): imports point
down the pipeline only, the local intervals.icu server stays a separate program, and no
package has an import cycle.  A back-edge fails this test, so it fails CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return found


def test_the_import_contracts_hold():
    proc = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_a_back_edge_would_be_caught(tmp_path):
    """The contract is not vacuous: a syntax module importing the CLI breaks it."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "planc", copy / "planc",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    bad = copy / "planc" / "syntax" / "tokens.py"
    bad.write_text(bad.read_text() + "\nfrom planc.commands import ExitCode  # noqa\n")
    proc = subprocess.run([_lint_imports(), "--no-cache"], cwd=copy, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(copy), "PATH": ""})
    assert proc.returncode != 0
    assert "planc.syntax is not allowed to import planc.commands" in proc.stdout

"""Shared test set-up: where the repository, the corpus and the installed planc are, and the
one switch that rewrites goldens (``--regen``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from support import golden

# CI runs every property test on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci in
# .ci/run): a landing must not depend on luck.  Local runs keep exploring new examples,
# which is where new failures are found (and then pinned with @example).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PLANC_CORPUS", ROOT.parent / "shared" / "corpus"))

# .ci/run sets this: a landing compares goldens, it never rewrites them
NO_REGEN_ENV = "PLANC_NO_REGEN"
OLD_REGEN_ENV = "PLANC_REGEN"  # the switch --regen replaced; refused so it is not ignored


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen", action="store_true", default=False,
                     help="rewrite the goldens under tests/golden/ that the selected tests "
                          "compare, instead of comparing them (review the diff; CI refuses it)")


def pytest_configure(config: pytest.Config) -> None:
    regen = bool(config.getoption("regen"))
    if os.environ.get(OLD_REGEN_ENV):
        raise pytest.UsageError(f"{OLD_REGEN_ENV} is gone: run pytest --regen to rewrite "
                                "goldens")
    if regen and os.environ.get(NO_REGEN_ENV):
        raise pytest.UsageError(f"--regen refused: {NO_REGEN_ENV} is set (CI compares goldens, "
                                "it never rewrites them)")
    golden.set_regen(regen)


def planc_command() -> list[str]:
    """The installed console script (the real thing), next to this interpreter."""
    beside = Path(sys.executable).with_name("planc")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("planc")
    if found:
        return [found]
    pytest.skip("the planc console script is not installed (pip install -e .)")


def run_planc(
    *args: str, input: str | bytes | None = None, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    data = input.encode() if isinstance(input, str) else input
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PLANC_DEBUG", None)
    proc = subprocess.run(
        [*planc_command(), *args],
        input=data,
        capture_output=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=120,
    )
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"third-party corpus not found at {CORPUS} (set PLANC_CORPUS)")
    return CORPUS

"""Shared test set-up: where the repository and the corpus are, how planc is run, and the
one switch that rewrites goldens (``--regen``)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from support import golden
from support.cli import CliResult, installed_command, run_in_process, run_installed

# CI runs every property test on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci in
# .ci/run): a landing must not depend on luck.  Local runs keep exploring new examples,
# which is where new failures are found (and then pinned with @example).
# No per-example deadline in CI: the machines are shared and a slow minute made a
# 363 ms example of a pure function fail its 200 ms deadline; speed is shown by bench/,
# and the hostile-input and fuzz tests bound what must be bounded, in CPU time.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PLANC_CORPUS", ROOT.parent / "shared" / "corpus"))

# .ci/run sets this: a landing compares goldens, it never rewrites them
NO_REGEN_ENV = "PLANC_NO_REGEN"
OLD_REGEN_ENV = "PLANC_REGEN"  # the switch --regen replaced; refused so it is not ignored

# The installed planc keeps check and compile results (planc.output.results): the
# suite's runs keep theirs in a folder of its own, removed at the end, not the user's.
if not os.environ.get("PLANC_CACHE_DIR"):
    os.environ["PLANC_CACHE_DIR"] = tempfile.mkdtemp(prefix="planc-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PLANC_CACHE_DIR"], True)

__all__ = ["CORPUS", "ROOT", "CliResult", "planc_command", "run_installed", "run_planc"]

# Command logic is tested in this process (fast, and coverage sees the commands); the
# installed script is run only by the tests about the real entry point.
run_planc = run_in_process
planc_command = installed_command


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


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"third-party corpus not found at {CORPUS} (set PLANC_CORPUS)")
    return CORPUS

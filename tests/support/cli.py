"""Run the ``planc`` command line two ways: in this process, or as the installed script.

:func:`run_in_process` calls :func:`planc.cli.main` with captured standard streams,
so a test of command logic costs no interpreter start-up and coverage sees the
commands.  :func:`run_installed` runs the console script in a subprocess, for the
few tests about the real entry point (its exit status, ``--version``, the one-line
internal error, a closed pipe).  Both return a :class:`CliResult` with the same
fields, so a test can move from one to the other by changing one name.
"""

from __future__ import annotations

import io
import logging
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest

from planc import cli

ROOT = Path(__file__).resolve().parent.parent.parent
TIMEOUT_S = 120  # a subprocess that runs longer than this is hung, not slow


@dataclass(frozen=True)
class CliResult:
    """What a run of planc left behind: its exit status and both output streams."""

    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def stdout_text(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def stderr_text(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def _input_bytes(data: str | bytes | None) -> bytes:
    return data.encode() if isinstance(data, str) else (data or b"")


def installed_command() -> list[str]:
    """The installed console script (the real thing), next to this interpreter."""
    beside = Path(sys.executable).with_name("planc")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("planc")
    if found:
        return [found]
    pytest.skip("the planc console script is not installed (pip install -e .)")


def _memory_limit(max_bytes: int | None) -> Callable[[], None] | None:
    """A pre-exec hook capping the child's address space, so a reader without a bound
    fails fast with MemoryError instead of taking the machine's memory."""
    if max_bytes is None:
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def run_installed(*args: str, input: str | bytes | BinaryIO | None = None,
                  cwd: Path | None = None, env: Mapping[str, str] | None = None,
                  timeout: float = TIMEOUT_S, max_memory: int | None = None) -> CliResult:
    """The console script in a subprocess, as a user's shell runs it (PLANC_DEBUG unset).

    ``input`` may be an open file (``open("/dev/zero", "rb")``) to be the child's stdin;
    ``timeout`` bounds the run (subprocess.TimeoutExpired fails the test) and
    ``max_memory`` its address space in bytes."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PLANC_DEBUG", None)
    stdin = {"stdin": input} if hasattr(input, "fileno") else {"input": _input_bytes(input)}
    proc = subprocess.run([*installed_command(), *args], **stdin, capture_output=True,
                          cwd=cwd or ROOT, env=full_env, timeout=timeout,
                          preexec_fn=_memory_limit(max_memory))
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@contextmanager
def _environment(overrides: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` with ``overrides`` and without PLANC_DEBUG, restored afterwards."""
    saved = dict(os.environ)
    os.environ.update(overrides)
    if "PLANC_DEBUG" not in overrides:
        os.environ.pop("PLANC_DEBUG", None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _loggers() -> list[logging.Logger]:
    manager = logging.Logger.manager
    return [logging.getLogger(), *(v for v in list(manager.loggerDict.values())
                                   if isinstance(v, logging.Logger))]


@contextmanager
def _logging_state() -> Iterator[None]:
    """Every logger's handlers, level and propagation, restored afterwards: a command that
    sets up its own logging (publish, athlete pull) must not leave it to later tests."""
    saved = {lg: (list(lg.handlers), lg.level, lg.propagate, lg.disabled) for lg in _loggers()}
    try:
        yield
    finally:
        for lg in _loggers():  # a logger the command created goes back to a new one's state
            handlers, level, propagate, disabled = saved.get(lg, ([], logging.NOTSET, True,
                                                                  False))
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate, lg.disabled = propagate, disabled


class _Stream(io.TextIOWrapper):
    """A text stream over bytes, like a process's own: UTF-8, with a ``.buffer``."""

    def __init__(self, data: bytes = b"", errors: str = "strict"):
        super().__init__(io.BytesIO(data), encoding="utf-8", errors=errors, write_through=True)

    def value(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


@contextmanager
def _streams(stdin: bytes) -> Iterator[tuple[_Stream, _Stream]]:
    """Standard input holding ``stdin``, and captured standard output and error."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = _Stream(), _Stream(errors="backslashreplace")  # as CPython's own stderr
    sys.stdin, sys.stdout, sys.stderr = _Stream(stdin), out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def run_in_process(*args: str, input: str | bytes | None = None, cwd: Path | None = None,
                   env: Mapping[str, str] | None = None) -> CliResult:
    """``planc.cli.main(args)`` here, with the working directory, environment and standard
    streams a subprocess would have had; an empty standard input unless ``input`` is given.
    All of them, and the logging set-up, are restored afterwards.

    PLANC_DEBUG is unset, as for the installed script, unless ``env`` sets it (then an
    internal error propagates to the test as the exception itself)."""
    with _environment(env or {}), _directory(cwd or ROOT), _logging_state(), \
            _streams(_input_bytes(input)) as (out, err):
        code = cli.main(list(args))
    return CliResult(int(code), out.value(), err.value())

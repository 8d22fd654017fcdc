"""Pytest fixtures for tests that talk HTTP to the local intervals.icu server.

Import what you use explicitly (there is deliberately no conftest.py here)::

    from support.icu_fixtures import API_KEY, FakeClock, fake_clock, icu_client, icu_server

Every server listens on 127.0.0.1 with an ephemeral port and lives for one
test.  Clients get a :class:`FakeClock`: its ``sleep`` records the wait and
advances the clock instead of sleeping, so retry and pacing tests assert on
exact recorded waits and run in milliseconds.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if importlib.util.find_spec("planc") is None:  # plain `pytest` with planc not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest

from planc.icuserver import IcuServer
from planc.publish.client import IntervalsClient

# Distinctive, so that a leak is unmistakable in any text the tests inspect.
API_KEY = "k3y-Zq8vW2xR7tLp9sNcQ4"
ATHLETE_ID = "i4242"


class FakeClock:
    """Monotonic clock whose ``sleep`` advances time instead of blocking."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += max(0.0, seconds)


@pytest.fixture
def icu_server() -> Iterator[IcuServer]:
    with IcuServer(api_key=API_KEY, athlete_id=ATHLETE_ID) as server:
        yield server


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


def make_client(server: IcuServer, clock: FakeClock, **options: Any) -> IntervalsClient:
    """A client for ``server`` on ``clock``, short timeouts, seeded jitter."""
    settings: dict[str, Any] = {
        "base_url": server.url,
        "sleep": clock.sleep,
        "clock": clock.now,
        "rng": random.Random(7),
        "timeout": 2.0,
        "connect_timeout": 1.0,
    }
    settings.update(options)
    api_key = settings.pop("api_key", API_KEY)
    return IntervalsClient(api_key, **settings)


@pytest.fixture
def icu_client(icu_server: IcuServer, fake_clock: FakeClock) -> Iterator[IntervalsClient]:
    with make_client(icu_server, fake_clock) as client:
        yield client


def workout(n: int, **fields: Any) -> dict[str, Any]:
    """A planc-like WORKOUT event with external id ``planc:test:<n>`` on 2026-11-<n+1>."""
    event: dict[str, Any] = {
        "category": "WORKOUT",
        "start_date_local": f"2026-11-{n + 1:02d}T00:00:00",
        "type": "Ride",
        "name": f"Workout {n}",
        "description": "- 10m 55%\n\nMain set 3x\n- 2m 105%\n- 1m 50%\n\n- 5m 50%",
        "external_id": f"planc:test:{n}",
    }
    event.update(fields)
    return event


def planc_on(server: IcuServer, *args: str, cwd: Path, key: str = API_KEY):
    """planc in-process against ``server``: its URL and ``key`` in the environment, a
    config folder of its own under ``cwd`` (so no real config is read), fast retries, and
    no terminal on standard input."""
    from support.cli import run_in_process

    env = {"INTERVALS_ICU_API_KEY": key, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0", "XDG_CONFIG_HOME": str(cwd / "xdg"),
           "PLANC_RETRY_BACKOFF": "0.02"}
    return run_in_process(*args, env=env, input="", cwd=cwd)


def ok(proc) -> None:
    """The command succeeded, without a traceback (its output is the failure message)."""
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert "Traceback" not in proc.stderr_text

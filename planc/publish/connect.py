"""What the commands that talk to intervals.icu share: flags, logging, the client.

``--base-url`` beats ``INTERVALS_ICU_BASE_URL`` beats the config file (see
:mod:`planc.publish.credentials`).  ``--verbose`` prints one line per request
(method, URL, status, time, attempt, request headers with ``Authorization``
redacted) on standard error; without it only retry warnings are printed.  The
client already scrubs the key from every message it logs or raises; the
handler installed here is a second net that scrubs the key from every record
it formats.

``PLANC_RETRY_BACKOFF`` (seconds, default 0.5) is a hidden knob for the base of
the exponential backoff between retries that get no ``Retry-After``; the tests
set it low so that fault storms run in a blink with the real client.
"""

from __future__ import annotations

import base64
import logging
import os
import sys

from planc.publish.client import API_KEY_USER, IntervalsClient
from planc.publish.credentials import CredentialsError, load_credentials

LOGGER = "planc.publish.client"
ENV_BACKOFF = "PLANC_RETRY_BACKOFF"


class ConnectError(Exception):
    """No usable credentials or base URL (a usage problem, exit 2)."""


class _Scrub(logging.Formatter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__("planc: %(message)s")
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def setup_logging(verbose: bool, api_key: str = "") -> None:
    """Route the client's log to standard error: DEBUG with --verbose, else WARNING."""
    log = logging.getLogger(LOGGER)
    for handler in list(log.handlers):
        log.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    secrets = [api_key]
    if api_key:
        secrets.insert(0, base64.b64encode(f"{API_KEY_USER}:{api_key}".encode()).decode())
    handler.setFormatter(_Scrub(secrets))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.propagate = False


def open_client(base_url: str | None = None, verbose: bool = False) -> IntervalsClient:
    """A client from the credentials (``base_url`` replaces theirs); ConnectError if unusable."""
    try:
        creds = load_credentials()
    except CredentialsError as exc:
        raise ConnectError(str(exc)) from None
    setup_logging(verbose, creds.api_key)
    base_url = (base_url or creds.base_url).strip().rstrip("/")
    try:
        backoff = float(os.environ.get(ENV_BACKOFF) or 0.5)
    except ValueError:
        raise ConnectError(f"{ENV_BACKOFF} must be a number of seconds") from None
    try:
        return IntervalsClient(creds.api_key, creds.athlete_id, base_url,
                               backoff_base=max(0.0, backoff))
    except ValueError as exc:
        raise ConnectError(str(exc)) from None


def describe(client: IntervalsClient) -> str:
    """``athlete 0 at https://intervals.icu``, for headers of plans of action."""
    return f"athlete {client.athlete_id} at {client.base_url}"

"""Fault injection for the local intervals.icu server.

A test queues :class:`Fault` objects on ``server.faults``; each incoming
*authenticated* API request takes the first queued fault whose ``method`` and
``path_contains`` filters match it (a fault with ``times=3`` serves three
requests, then leaves the queue).  Requests with no matching fault are served
normally, so ``server.faults.add(Fault.status_code(503, times=2))`` means "the
next two requests fail with 503, then the service recovers".

What a fault does, in order:

1. ``delay`` seconds of sleep before anything else (a slow service; a client
   with a shorter read timeout sees a timeout while the server carries on);
2. ``status``: answer with that status and a Spring-style JSON error (or the
   raw ``body``) without touching the store, plus ``Retry-After`` when
   ``retry_after`` is set — as delta-seconds, or as an HTTP date
   ``retry_after`` seconds from now when ``retry_after_http_date`` is true;
3. ``drop_before_commit``: close the socket without touching the store;
4. ``drop_after_commit``: perform the request (the store is updated), then
   close the socket without sending any response — the client cannot tell
   whether its write happened.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any


@dataclass
class Fault:
    """One injected misbehaviour; see the module docstring for the order of effects."""

    status: int | None = None
    retry_after: float | None = None
    retry_after_http_date: bool = False
    body: str | None = None
    content_type: str = "text/plain; charset=utf-8"
    delay: float = 0.0
    drop_before_commit: bool = False
    drop_after_commit: bool = False
    method: str | None = None
    path_contains: str | None = None
    times: int = 1

    # Constructors for the usual cases; ``match`` takes method/path_contains/times.
    @classmethod
    def rate_limited(
        cls, retry_after: float | None = None, *, http_date: bool = False, **match: Any
    ) -> Fault:
        """429 Too Many Requests, optionally with ``Retry-After``."""
        return cls(status=429, retry_after=retry_after, retry_after_http_date=http_date, **match)

    @classmethod
    def status_code(cls, status: int, *, body: str | None = None, **match: Any) -> Fault:
        """Answer ``status`` (500, 502, 503, ...) with a JSON error, or the raw ``body``."""
        return cls(status=status, body=body, **match)

    @classmethod
    def drop_after_write(cls, **match: Any) -> Fault:
        """Commit the request, then close the connection without a response."""
        return cls(drop_after_commit=True, **match)

    @classmethod
    def drop_connection(cls, **match: Any) -> Fault:
        """Close the connection without a response and without committing."""
        return cls(drop_before_commit=True, **match)

    @classmethod
    def slow(cls, seconds: float, **match: Any) -> Fault:
        """Sleep ``seconds`` before serving the request normally."""
        return cls(delay=seconds, **match)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path_contains and self.path_contains not in path)


class FaultQueue:
    """Thread-safe ordered queue of faults; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(replace(f) for f in faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        """Faults not yet (fully) consumed, in order."""
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault matching this request."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[index]
                    return fault
        return None

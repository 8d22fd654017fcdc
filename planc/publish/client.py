"""A small, careful client for the intervals.icu calendar API (httpx, synchronous).

Why each behaviour (facts from ``../shared/ref/intervals.md`` §2):

- **Auth** is HTTP Basic with user name literally ``API_KEY`` and the personal
  key as password (§2.1, [A]) — ``httpx.BasicAuth``.  Redirects are not
  followed, so the header never goes anywhere but ``base_url``; plain
  ``http://`` is refused except to a loopback host (the local test server).
- **Retries** (:meth:`IntervalsClient._request`): on 429, 502, 503, 504 and on
  transport failures — connect errors, timeouts, and a connection closed with
  no response, which is exactly what a client sees when the server committed
  the write and then lost the connection.  Waits grow exponentially with
  *equal jitter* (half fixed, half random, so a retry never fires instantly
  yet clients de-synchronise); a ``Retry-After`` header (delta-seconds or an
  HTTP date) replaces the computed wait.  The loop is bounded by
  ``max_attempts`` and by ``max_total_seconds`` (a wait that would cross the
  budget is not started — the client fails at once with a clear message; the
  worst case is thus ``max_total_seconds`` plus one request's timeout).
- **500** is retried *once*: every call this client makes is idempotent
  (GETs; bulk-delete; bulk upsert, because :meth:`bulk_upsert` insists on an
  ``external_id`` per event, so a replay updates instead of duplicating), so a
  transient 500 may as well get a second chance, but a deterministic 500 (a
  server bug on this payload) should not burn the whole retry budget.
  The exceptions are creating library folders and workouts (and applying a
  plan), which have no ``external_id``: they are sent with ``once=True`` and
  never replayed once they may have reached the service (a lost answer, a
  500); the publisher finds what was saved by its tags on the next run.
- A retry after a *read timeout* may reach the service while the first
  request is still being processed there; the local server serialises bulk
  requests, the real service's behaviour under such overlap is undocumented —
  one more reason for the generous default read timeout (30 s).
- **Never retried**: other 4xx (401/403 → :class:`AuthError`; 404, 422, ...
  → :class:`ServiceError` with the service's own ``{"error": ...}`` message).
- **Pacing**: at least ``min_interval`` seconds (default 0.1 s, i.e. ≤ 10
  requests/s as David recommends, §2.8) between the starts of two requests,
  retries included, across every athlete a coach's key reaches
  (:meth:`IntervalsClient.for_athlete` shares the connection and the pacing).
- **Secrets**: the key is held only inside ``httpx.BasicAuth`` and a private
  redaction helper; it is never part of a URL, ``repr``, log line or
  exception.  Text that comes from the wire or from httpx is scrubbed of the
  key (and of its Base64 credential form) before it is logged or raised.

httpx does the HTTP: connection pooling/keep-alive, Basic auth, split
connect/read timeouts (``httpx.Timeout``), JSON encoding.  Its own transport
retry knob (``httpx.HTTPTransport(retries=N)``) is *not* used: it only re-dials
failed connects, immediately, outside our budget and injectable clock, and
passing any explicit transport switches off httpx's ``HTTPS_PROXY``/
``NO_PROXY`` handling; connect errors go through the loop above instead.

The client is not thread-safe (one publish run = one thread).
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import random
import socket
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from planc import __version__
from planc.sanitise import for_terminal

DEFAULT_BASE_URL = "https://intervals.icu"
API_KEY_USER = "API_KEY"

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_500_RETRIES = 1
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_REDACTED = "[REDACTED]"


MAX_ANSWER_BYTES = 64 << 20
"""The largest answer planc decodes: a year of events is a few MB."""

_EVENT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": int, "external_id": str, "start_date_local": str, "name": str, "category": str,
    "type": str}
"""The event fields the plan of action reads, and the JSON type each must have."""


class ServiceError(Exception):
    """intervals.icu could not be reached or refused the request (CLI exit code 3).

    ``status`` is the HTTP status (``None`` when no response arrived) and
    ``message`` the service's own error text when it sent one.  Both are made safe for
    the terminal here (planc.sanitise.for_terminal), wherever they are printed: a
    server's error body may hold escape sequences.
    """

    def __init__(self, text: str, *, status: int | None = None, message: str | None = None):
        super().__init__(for_terminal(text))
        self.status = status
        self.message = None if message is None else for_terminal(message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, status={self.status!r})"


class AuthError(ServiceError):
    """401/403: the API key (or athlete id) was not accepted."""


class _Redactor:
    """Removes the key, in plain and Basic-credential form, from any text."""

    def __init__(self, secret: str) -> None:
        credential = base64.b64encode(f"{API_KEY_USER}:{secret}".encode()).decode()
        self._secrets = [s for s in (credential, secret) if s]

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def __repr__(self) -> str:
        return "_Redactor(...)"


def unreachable(exc: BaseException) -> str | None:
    """Why the server cannot be reached at all, or None: a refused connection (nothing
    listens on that port) or a host name that does not resolve.  Retrying those only
    makes the user wait (5 attempts took about 6 s), so they fail at once."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx wraps httpcore's error, which wraps the socket's
        if seen is None:
            return None
        if isinstance(seen, ConnectionRefusedError) or "Connection refused" in str(seen):
            return "connection refused (is the server running? check --base-url)"
        if isinstance(seen, socket.gaierror) or "Name or service not known" in str(seen) \
                or "nodename nor servname" in str(seen):
            return "unknown host (check the spelling of --base-url or INTERVALS_ICU_BASE_URL)"
        seen = seen.__cause__ or seen.__context__
    return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait per a ``Retry-After`` header (delta-seconds or HTTP date).

    ``None`` when absent or unreadable, so the caller falls back to backoff.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class IntervalsClient:
    """The calendar endpoints ``planc publish`` needs; see the module docstring.

    ``sleep``, ``clock`` (monotonic seconds) and ``rng`` are injectable so
    tests can record waits instead of sleeping.  Use as a context manager or
    call :meth:`close`.
    """

    max_batch = 100  # events per bulk request; the service's limit is undocumented (§2.3)

    def __init__(
        self,
        api_key: str,
        athlete_id: str = "0",
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        max_attempts: int = 5,
        max_total_seconds: float = 60.0,
        min_interval: float = 0.1,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        logger: logging.Logger | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not api_key:
            raise ValueError("an intervals.icu API key is required")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        url = urlsplit(base_url)
        if url.username is not None or url.password is not None:  # do not echo it
            raise ValueError("the base URL must not carry a user name or password")
        try:
            port_ok = url.port is None or url.port > 0
        except ValueError:  # urlsplit raises for a port outside 0-65535 or not a number
            port_ok = False
        if url.scheme not in ("http", "https") or not url.hostname or not port_ok:
            raise ValueError(f"base URL must be http(s)://host[:port], got {base_url!r}")
        if url.scheme == "http" and url.hostname not in _LOOPBACK:
            raise ValueError(
                f"refusing to send the API key over plain http to {url.hostname}; use https"
            )
        self.athlete_id = athlete_id
        self._athlete = quote(athlete_id, safe="")
        self.base_url = base_url.rstrip("/")
        self.max_attempts = max_attempts
        self.max_total_seconds = max_total_seconds
        self.min_interval = min_interval
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.log = logger or logging.getLogger("planc.publish.client")
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        self._redact = _Redactor(api_key)
        self._pacer = _Pacer()
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(API_KEY_USER, api_key),
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers={"Accept": "application/json", "User-Agent": f"planc/{__version__}"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"IntervalsClient(base_url={self.base_url!r}, athlete_id={self.athlete_id!r})"

    def close(self) -> None:
        self._http.close()

    def for_athlete(self, athlete_id: str) -> IntervalsClient:
        """The same key and connection on another athlete's calendar (a coach's athletes).

        Requests of every view share one pacing budget; close the client it came from."""
        view = copy.copy(self)
        view.athlete_id = athlete_id
        view._athlete = quote(athlete_id, safe="")
        return view

    def __enter__(self) -> IntervalsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------
    def _path(self, suffix: str) -> str:
        return f"/api/v1/athlete/{self._athlete}/{suffix}"

    def list_events(self, oldest: date, newest: date, category: str | None = None) -> list[dict]:
        """Events whose local start date lies in ``[oldest, newest]``."""
        params = {"oldest": oldest.isoformat(), "newest": newest.isoformat()}
        if category:
            params["category"] = category
        return self._expect_events(self._request("GET", self._path("events"), params=params))

    def bulk_upsert(self, events: list[dict]) -> list[dict]:
        """Create or update ``events`` by ``external_id`` (``POST events/bulk?upsert=true``).

        Every event must carry a non-empty ``external_id``: it is what makes the
        call idempotent, hence safe to retry after a lost response (an event
        without one would be created again by each replay).  Sent in batches of
        :attr:`max_batch`; returns the service's events in request order.
        """
        for index, event in enumerate(events):
            external_id = event.get("external_id")
            if not isinstance(external_id, str) or not external_id:
                raise ValueError(
                    f"event {index} has no external_id; bulk_upsert needs one per event"
                )
        saved: list[dict] = []
        for start in range(0, len(events), self.max_batch):
            batch = events[start : start + self.max_batch]
            answer = self._request(
                "POST", self._path("events/bulk"), params={"upsert": "true"}, json=batch
            )
            saved.extend(self._expect_events(answer))
        return saved

    def bulk_delete(self, refs: list[dict]) -> int:
        """Delete by ``{"id": ..}`` or ``{"external_id": ..}``; returns how many went.

        The service ignores refs that do not exist, and only matches an
        ``external_id`` against events this client created (§2.2).
        """
        if not refs:
            return 0
        answer = self._request("PUT", self._path("events/bulk-delete"), json=refs)
        if not isinstance(answer, dict) or not isinstance(answer.get("eventsDeleted"), int):
            shown = self._redact(repr(answer)[:200])
            raise ServiceError(f"intervals.icu answered bulk-delete unexpectedly: {shown}")
        return answer["eventsDeleted"]

    def update_event(self, event_id: object, event: dict) -> dict:
        """Replace the managed fields of one event by ``id`` (``PUT events/{id}``); used to
        give an event planc published under an older id its new ``external_id``."""
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise ServiceError(f"intervals.icu gave an event id planc cannot use: {event_id!r}")
        answer = self._request("PUT", self._path(f"events/{event_id}"), json=event)
        if not isinstance(answer, dict):
            shown = self._redact(repr(answer)[:200])
            raise ServiceError(f"intervals.icu answered the event update unexpectedly: {shown}")
        return answer

    def sport_settings(self) -> list[dict]:
        """The athlete's sport settings (FTP, LTHR, threshold pace, zones)."""
        return self._expect_list(self._request("GET", self._path("sport-settings")))

    def wellness(self, oldest: date, newest: date) -> list[dict]:
        """The athlete's wellness records (``ctl``, ``atl`` …) for local days in
        ``[oldest, newest]``; ``id`` is the record's date."""
        params = {"oldest": oldest.isoformat(), "newest": newest.isoformat()}
        return self._expect_list(self._request("GET", self._path("wellness"), params=params))

    def activities(self, oldest: date, newest: date) -> list[dict]:
        """The athlete's completed activities that started on local days in ``[oldest,
        newest]`` (``GET activities``: ``paired_event_id``, ``icu_training_load``,
        ``moving_time``, ``distance``, ``compliance`` …), in the service's order."""
        params = {"oldest": oldest.isoformat(), "newest": newest.isoformat()}
        return self._expect_list(self._request("GET", self._path("activities"), params=params))

    def athletes(self) -> list[dict]:
        """The athletes the key may reach: the caller and those it follows or coaches
        (``GET /api/v1/athletes``, which needs an API key, not a bearer token)."""
        return self._expect_list(self._request("GET", "/api/v1/athletes"))

    # -- the workout library (folders, training plans, their workouts) -------------------
    def folders(self) -> list[dict]:
        """Every folder and training plan of the library, each with its workouts
        (``children``): one request reads the whole library."""
        return self._expect_list(self._request("GET", self._path("folders")))

    def create_folder(self, folder: dict) -> dict:
        return self._expect_dict(self._request("POST", self._path("folders"), json=folder,
                                               once=True))

    def update_folder(self, folder_id: int, folder: dict) -> dict:
        return self._expect_dict(self._request("PUT", self._path(f"folders/{int(folder_id)}"),
                                               json=folder))

    def create_workouts(self, workouts: list[dict]) -> list[dict]:
        """``POST workouts/bulk``.  Not idempotent (workouts have no ``external_id``),
        so a request that may have reached the service is not retried: re-running the
        publish finds what was saved by its tags instead."""
        saved: list[dict] = []
        for start in range(0, len(workouts), self.max_batch):
            batch = workouts[start:start + self.max_batch]
            saved.extend(self._expect_list(
                self._request("POST", self._path("workouts/bulk"), json=batch, once=True)))
        return saved

    def update_workout(self, workout_id: int, workout: dict) -> dict:
        return self._expect_dict(self._request(
            "PUT", self._path(f"workouts/{int(workout_id)}"), json=workout))

    def delete_workout(self, workout_id: int) -> None:
        self._request("DELETE", self._path(f"workouts/{int(workout_id)}"))

    def apply_plan(self, folder_id: int, start: date) -> Any:
        """Put a training plan on this athlete's calendar from ``start`` (day 0)."""
        body = {"folder_id": int(folder_id), "start_date_local": f"{start.isoformat()}T00:00:00"}
        return self._request("POST", self._path("events/apply-plan"), json=body, once=True)

    def shared_with(self, folder_id: int) -> list[dict]:
        return self._expect_list(self._request(
            "GET", self._path(f"folders/{int(folder_id)}/shared-with")))

    def share_folder(self, folder_id: int, athletes: list[dict]) -> list[dict]:
        return self._expect_list(self._request(
            "PUT", self._path(f"folders/{int(folder_id)}/shared-with"), json=athletes))

    # -- plumbing --------------------------------------------------------------------
    def _expect_list(self, answer: Any) -> list[dict]:
        """A list of JSON objects, as every list endpoint planc calls answers; anything
        else (``[1, "x", null]``) is refused here, before a caller reads a field."""
        if not isinstance(answer, list):
            shown = self._redact(repr(answer)[:200])
            raise ServiceError(f"intervals.icu answered unexpectedly (not a list): {shown}")
        bad = next((i for i, item in enumerate(answer) if not isinstance(item, dict)), None)
        if bad is not None:
            shown = self._redact(repr(answer[bad])[:200])
            raise ServiceError(f"intervals.icu answered unexpectedly: item {bad} of the list "
                               f"is not an object: {shown}")
        return answer

    def _expect_dict(self, answer: Any) -> dict:
        if not isinstance(answer, dict):
            shown = self._redact(repr(answer)[:200])
            raise ServiceError(f"intervals.icu answered unexpectedly (not an object): {shown}")
        return answer

    def _expect_events(self, answer: Any) -> list[dict]:
        """Events whose fields planc reads have the types the API documents (an ``id``
        number, text ``external_id``, ``start_date_local``, ``name``, ``category``,
        ``type``), so the plan of action never trips over a server's odd answer."""
        events = self._expect_list(answer)
        for index, event in enumerate(events):
            for name, kinds in _EVENT_FIELDS.items():
                value = event.get(name)
                if value is not None and (not isinstance(value, kinds)
                                          or isinstance(value, bool)):
                    shown = self._redact(repr(value)[:80])
                    raise ServiceError(f"intervals.icu answered unexpectedly: event {index} "
                                       f"has {name} {shown}")
        return events

    def _pace(self) -> None:
        """Keep request starts at least ``min_interval`` apart."""
        if self._pacer.last_start is not None:
            wait = self._pacer.last_start + self.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._pacer.last_start = self._clock()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _request(self, method: str, path: str, *, once: bool = False, **kwargs: Any) -> Any:
        """Send with pacing and bounded retries; return the decoded JSON body.

        ``once``: the request is not idempotent, so it is not sent again once it may
        have reached the service (a lost answer, a 500); 429/502-504 and connect
        errors, which the service did not act on, are still retried."""
        started = self._clock()
        errors_500 = 0
        for attempt in range(1, self.max_attempts + 1):
            self._pace()
            sent = self._clock()
            retry_after: float | None = None
            status: int | None = None
            message: str | None = None
            try:
                response = self._http.request(method, path, **kwargs)
            except _TRANSIENT_ERRORS as exc:
                problem = self._redact(f"{type(exc).__name__}: {exc}".rstrip(": "))
                self.log.debug("%s %s -> %s (attempt %d)", method, self._url(exc), problem, attempt)
                if (why := unreachable(exc)) is not None:  # waiting will not change it
                    raise ServiceError(f"cannot reach {self.base_url}: {why}") from None
                if once and not isinstance(exc, httpx.ConnectError):
                    raise ServiceError(_maybe_saved(method, path, problem)) from None
            else:
                status = response.status_code
                self._log_response(response, attempt, self._clock() - sent)
                if status < 300:
                    return self._decode(response)
                message = self._service_message(response)
                if status in (401, 403):
                    raise AuthError(
                        f"intervals.icu authentication failed (HTTP {status}: {message}); "
                        "check the API key and athlete id",
                        status=status,
                        message=message,
                    )
                if status == 500 and once:
                    raise ServiceError(_maybe_saved(method, path, f"HTTP 500: {message}"),
                                       status=status, message=message)
                if status == 500 and errors_500 < MAX_500_RETRIES:
                    errors_500 += 1
                elif status not in RETRY_STATUSES:
                    raise ServiceError(
                        f"intervals.icu rejected {method} {path} (HTTP {status}): {message}",
                        status=status,
                        message=message,
                    )
                problem = f"HTTP {status}: {message}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            wait = retry_after if retry_after is not None else self._backoff(attempt)
            spent = self._clock() - started
            if attempt == self.max_attempts or spent + wait > self.max_total_seconds:
                why = (
                    f"after {attempt} attempt{'s' if attempt > 1 else ''}"
                    if attempt == self.max_attempts
                    else f"the next retry would wait {wait:.1f} s, past the "
                    f"{self.max_total_seconds:g} s budget"
                )
                raise ServiceError(
                    f"intervals.icu did not complete {method} {path}: gave up {why} "
                    f"({problem}). Safe to re-run: planc's requests are idempotent.",
                    status=status,
                    message=message,
                )
            self.log.warning(
                "intervals.icu %s on %s %s; retrying in %.1f s (attempt %d of %d)",
                problem,
                method,
                path,
                wait,
                attempt + 1,
                self.max_attempts,
            )
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _url(self, source: httpx.RequestError | httpx.Response) -> str:
        try:
            return self._redact(str(source.request.url))
        except RuntimeError:  # an httpx error raised before a request existed
            return "?"

    def _log_response(self, response: httpx.Response, attempt: int, seconds: float) -> None:
        if not self.log.isEnabledFor(logging.DEBUG):
            return
        headers = _redacted_headers(response.request.headers.items())
        self.log.debug(
            "%s %s -> %d in %.3f s (attempt %d) request headers %s",
            response.request.method,
            self._url(response),
            response.status_code,
            seconds,
            attempt,
            headers,
        )

    def _decode(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ServiceError(f"intervals.icu sent an answer of {len(response.content):,} "
                               f"bytes, more than planc reads ({MAX_ANSWER_BYTES:,})",
                               status=response.status_code)
        try:
            return response.json()  # some endpoints say text/plain for JSON (§2.1)
        except RecursionError:  # 100,000 nested '[': json gives up rather than planc
            raise ServiceError("intervals.icu sent an answer nested too deeply to read",
                               status=response.status_code) from None
        except ValueError:
            snippet = self._redact(response.text[:200])
            raise ServiceError(
                f"intervals.icu sent a non-JSON answer (HTTP {response.status_code}): {snippet!r}",
                status=response.status_code,
            ) from None

    def _service_message(self, response: httpx.Response) -> str:
        """The service's own error text: ``{"error": ...}`` JSON, else the body, else the reason."""
        text = ""
        try:
            body = json.loads(response.content)
        except (ValueError, RecursionError):
            text = response.text.strip()
        else:
            if isinstance(body, dict):
                text = str(body.get("error") or body.get("message") or "")
            text = text or json.dumps(body)
        text = " ".join(text.split())[:300] or response.reason_phrase or "no message"
        return self._redact(text)


def _maybe_saved(method: str, path: str, problem: str) -> str:
    return (f"intervals.icu did not answer {method} {path} ({problem}); it may or may not "
            "have saved it, so planc did not send it again. Safe to re-run: planc finds "
            "what was saved by its tags.")


class _Pacer:
    """When the last request started: shared by a client and its athlete views."""

    __slots__ = ("last_start",)

    def __init__(self) -> None:
        self.last_start: float | None = None


def _redacted_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {
        name: (_REDACTED if name.lower() in ("authorization", "cookie") else value)
        for name, value in items
    }

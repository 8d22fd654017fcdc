"""HTTP plumbing of the local intervals.icu server (stdlib ``http.server``).

One :class:`IcuServer` = one ``ThreadingHTTPServer`` on ``127.0.0.1`` (port 0
= ephemeral) served from a daemon thread, speaking HTTP/1.1 with keep-alive so
that httpx's connection pool behaves as it does against the real service.

Request pipeline: route (404/405) → HTTP Basic auth (401/403) → athlete id
(``0`` = the key's athlete; another athlete's id only for a coach's key that
may read, or for writes write, that athlete's calendar; else 403) → injected fault
→ JSON body (400) → schema validation (422) → route → response.  Every request
ends up in :attr:`IcuServer.requests` (without its headers, so the request log
never holds the key).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from planc.icuserver import api, library_api
from planc.icuserver.faults import Fault, FaultQueue
from planc.icuserver.store import DEFAULT_SPORT_SETTINGS, Store
from planc.icuserver.validate import SchemaError, Validator

log = logging.getLogger("planc.icuserver")

ROUTES = api.ROUTES + library_api.ROUTES  # the calendar's, then the workout library's
API_KEY_USER = "API_KEY"  # HTTP Basic user name, literally (intervals.md §2.1, [A])


@dataclass
class RequestRecord:
    """One request as the server saw it; ``status`` is ``None`` for dropped connections."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int | None = None
    client: str | None = None
    fault: Fault | None = None


READ, WRITE = "READ", "WRITE"  # AthleteWithTags.icu_permission values a coach may hold


@dataclass(frozen=True)
class KeyInfo:
    athlete_id: str
    client: str  # the "application" that owns events created with this key
    # athletes this key coaches -> "READ" or "WRITE" (what it may do on their calendars)
    coached: dict[str, str] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:  # keys are dict keys elsewhere; never print them
        return f"KeyInfo(athlete_id={self.athlete_id!r}, client={self.client!r})"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    icu: IcuServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "planc-icuserver/1"
    timeout = 10  # idle keep-alive connections give up their thread after this
    disable_nagle_algorithm = True  # headers and body go out as two writes; no 40 ms stalls
    server: _HTTPServer

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s - %s", self.address_string(), format % args)

    # ------------------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        icu = self.server.icu
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        record = RequestRecord(
            method, url.path, parse_qs(url.query, keep_blank_values=True), _loggable(raw)
        )
        reply = self._process(icu, method, url.path, raw, record)
        record.status = reply.status if reply else None
        # Log before answering: a test reading the log right after its response
        # (or after a dropped connection) must find this request there.
        icu.record(record)
        if reply is None:
            self._drop()
        else:
            self._send(reply)

    def _process(
        self, icu: IcuServer, method: str, path: str, raw: bytes, record: RequestRecord
    ) -> _Reply | None:
        """Everything but the socket I/O; ``None`` means "drop the connection"."""
        try:
            route, params = api.match(method, path, ROUTES)
            key = icu.authenticate(self.headers.get("Authorization"))
            record.client = key.client
            athlete = icu.athlete_for(params.get("id", "0"), key, write=method != "GET")
            fault = record.fault = icu.faults.take(method, path)
            if fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.status is not None:
                    return _fault_reply(fault)
                if fault.drop_before_commit:
                    return None
            body = self._body(raw, icu.validator, route)
            call = api.Call(
                icu.store, icu.validator, athlete, key.client, params, record.query, body,
                reachable=icu.reachable(key),
            )
            payload = route.handler(call)
            if fault is not None and fault.drop_after_commit:
                return None
            return _Reply(200, json.dumps(payload).encode())
        except api.ApiError as error:
            return _Reply(error.status, _error_json(error.status, error.message))
        except Exception:  # a bug in the server: answer like Spring would, keep serving
            log.exception("icuserver failed on %s %s", method, path)
            return _Reply(500, _error_json(500, "Internal Server Error"))

    @staticmethod
    def _body(raw: bytes, validator: Validator, route: api.Route) -> Any:
        schema = validator.request_schema(route.template, route.method.lower())
        if schema is None:
            return None
        try:
            body = json.loads(raw) if raw else None
        except ValueError as error:
            raise api.ApiError(400, f"JSON parse error: {error}") from None
        try:
            validator.validate(body, schema)
        except SchemaError as error:
            raise api.ApiError(422, str(error)) from None
        return body

    def _send(self, reply: _Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def _drop(self) -> None:
        """Close the socket without a response (the client sees a disconnect)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _fault_reply(fault: Fault) -> _Reply:
    assert fault.status is not None
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = (
            formatdate(time.time() + fault.retry_after, usegmt=True)
            if fault.retry_after_http_date
            else f"{fault.retry_after:g}"
        )
    if fault.body is not None:
        return _Reply(fault.status, fault.body.encode(), fault.content_type, headers)
    return _Reply(fault.status, _error_json(fault.status, _phrase(fault.status)), headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _error_json(status: int, message: str) -> bytes:
    return json.dumps({"status": status, "error": message}).encode()


def _loggable(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class IcuServer:
    """A local stand-in for intervals.icu's calendar API; see the package docstring.

    ``api_key`` is accepted as HTTP Basic password for user ``API_KEY`` and
    belongs to athlete ``athlete_id``; :meth:`add_key` adds more keys (other
    clients of the same athlete, or other athletes) and :meth:`add_coach` a
    coach's key, which reaches the calendars of the athletes it coaches
    (``GET /api/v1/athletes`` lists them).  :meth:`add_athlete` gives an
    athlete a profile (name, time zone), sport settings and wellness.
    """

    def __init__(
        self,
        api_key: str = "test",
        athlete_id: str = "i1",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sport_settings: list[dict[str, Any]] | None = None,
    ) -> None:
        self.host, self._port = host, port
        self.athlete_id = athlete_id
        self.store = Store()
        self.faults = FaultQueue()
        self.validator = Validator()
        self._keys: dict[str, KeyInfo] = {}
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.client = self.add_key(api_key, athlete_id)
        self.add_athlete(athlete_id, sport_settings=sport_settings)

    def __repr__(self) -> str:
        return f"IcuServer(url={self.url!r}, athlete_id={self.athlete_id!r})"

    # -- keys and auth -------------------------------------------------------------
    def add_key(self, key: str, athlete_id: str | None = None, client: str | None = None) -> str:
        """Accept ``key`` for ``athlete_id``; returns its client label."""
        label = client or f"apikey-{len(self._keys) + 1}"
        self._keys[key] = KeyInfo(athlete_id or self.athlete_id, label)
        return label

    def add_coach(
        self,
        key: str,
        athletes: Mapping[str, str] | Iterable[str],
        athlete_id: str = "i9000",
        client: str | None = None,
    ) -> str:
        """Accept ``key`` for a coach (athlete ``athlete_id``) who may reach ``athletes``:
        ids, or id -> ``"READ"``/``"WRITE"`` (default WRITE).  Returns its client label."""
        coached = dict(athletes) if isinstance(athletes, Mapping) else dict.fromkeys(athletes, WRITE)
        label = client or f"apikey-{len(self._keys) + 1}"
        self._keys[key] = KeyInfo(athlete_id, label, coached)
        for other in (athlete_id, *coached):
            if self.store.profile(other) is None:
                self.add_athlete(other)
        return label

    def add_athlete(
        self,
        athlete_id: str,
        name: str | None = None,
        timezone: str = "Europe/Berlin",
        sport_settings: list[dict[str, Any]] | None = None,
    ) -> None:
        """An athlete's profile (for the athletes list) and sport settings (default: the
        ones every test athlete has)."""
        self.store.set_profile(athlete_id, {"id": athlete_id, "name": name or athlete_id,
                                            "timezone": timezone})
        self.store.set_sport_settings(
            athlete_id, DEFAULT_SPORT_SETTINGS if sport_settings is None else sport_settings
        )

    def reachable(self, key: KeyInfo) -> list[tuple[str, str | None]]:
        """(athlete id, permission) the key reaches: its own athlete first (None)."""
        return [(key.athlete_id, None), *key.coached.items()]

    def authenticate(self, header: str | None) -> KeyInfo:
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() == "bearer":
            # A personal key sent as a bearer token: 403 (intervals.md §2.1, [A]).
            raise api.ApiError(403, "Access denied")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = password = ""
            if user == API_KEY_USER and password in self._keys:
                return self._keys[password]
        raise api.ApiError(401, "Unauthorized")

    @staticmethod
    def athlete_for(path_id: str, key: KeyInfo, write: bool = False) -> str:
        """The athlete a request's path names, if the key may read (or write) there."""
        if path_id in ("0", key.athlete_id):
            return key.athlete_id
        permission = key.coached.get(path_id)
        if permission == WRITE or (permission == READ and not write):
            return path_id
        raise api.ApiError(403, "Access denied")

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> IcuServer:
        if self._httpd is None:
            self._httpd = _HTTPServer((self.host, self._port), _Handler)
            self._httpd.icu = self
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.005},
                name=f"icuserver:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self, on_ready: Callable[[str], None] | None = None) -> None:
        """Serve in the calling thread until interrupted (for ``python -m``).

        ``on_ready`` gets the URL once the socket is bound (port 0 → the real port).
        """
        self._httpd = _HTTPServer((self.host, self._port), _Handler)
        self._httpd.icu = self
        if on_ready is not None:
            on_ready(self.url)
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> IcuServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- request log -----------------------------------------------------------------
    def record(self, entry: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    # -- seeding and inspection ------------------------------------------------------
    def seed_event(
        self, event: dict[str, Any], *, athlete_id: str | None = None, client: str | None = None
    ) -> dict[str, Any]:
        """Store ``event`` directly, as if made in the web UI (``client=None``)
        or by another application (any other label).  Not validated."""
        return self.store.create(athlete_id or self.athlete_id, event, client)

    def seed_wellness(
        self, day: str, ctl: float, atl: float, athlete_id: str | None = None, **more: Any
    ) -> None:
        """A wellness record of the athlete for local day ``day`` (``YYYY-MM-DD``)."""
        self.store.set_wellness(athlete_id or self.athlete_id, day,
                                {"id": day, "ctl": ctl, "atl": atl, **more})

    def seed_activity(self, activity: dict[str, Any], athlete_id: str | None = None
                      ) -> dict[str, Any]:
        """A completed activity of the athlete (``start_date_local``, ``type``,
        ``moving_time``, ``distance``, ``icu_training_load``, ``paired_event_id``,
        ``compliance`` …), checked against the spec's ``Activity`` schema (SchemaError)
        so that a test cannot seed a shape intervals.icu never serves."""
        self.validator.validate(activity, self.validator.schema("Activity"), "activity")
        return self.store.add_activity(athlete_id or self.athlete_id, activity)

    def seed(self, document: Mapping[str, Any]) -> None:
        """Seed from a demo file's parsed JSON: ``{"athletes": {"i101": {"name": …,
        "events": […], "activities": […], "wellness": [{"id": DAY, "ctl", "atl"}]}}}``.
        Events are seeded as made in the web UI (no key's external ids touch them)."""
        for athlete_id, data in (document.get("athletes") or {}).items():
            if self.store.profile(athlete_id) is None or data.get("name"):
                self.add_athlete(athlete_id, name=data.get("name"))
            for event in data.get("events") or ():
                self.seed_event(event, athlete_id=athlete_id)
            for activity in data.get("activities") or ():
                self.seed_activity(activity, athlete_id=athlete_id)
            for record in data.get("wellness") or ():
                self.store.set_wellness(athlete_id, str(record["id"]), record)

    def seed_sport_settings(
        self, settings: list[dict[str, Any]], athlete_id: str | None = None
    ) -> None:
        self.store.set_sport_settings(athlete_id or self.athlete_id, settings)

    def events(self, athlete_id: str | None = None) -> list[dict[str, Any]]:
        """Every stored event of the athlete (default: the first key's)."""
        return self.store.all_events(athlete_id or self.athlete_id)

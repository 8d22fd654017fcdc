"""Routes of the local intervals.icu server: HTTP-free functions over the store.

Each route names the OpenAPI operation it implements; the dispatcher in
:mod:`planc.icuserver.app` validates the JSON body against that operation's
request schema (from ``openapi_subset.json``) before calling the route, so the
functions here only see well-typed input.  Errors are raised as
:class:`ApiError` and served Spring-style: ``{"status": 422, "error": "..."}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from planc.icuserver.store import Store
from planc.icuserver.validate import Validator

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """An error answer: HTTP ``status`` and the service's ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Call:
    """One authenticated request, as the route functions see it."""

    store: Store
    validator: Validator
    athlete: str
    client: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any = None
    reachable: list[tuple[str, str | None]] = field(default_factory=list)  # (id, permission)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        if value is None or value == "":
            return default
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ApiError(422, f"Failed to convert value '{value}' of parameter '{name}' to boolean")

    def local_date(self, name: str, default: date) -> date:
        value = self.arg(name)
        if value is None or value == "":
            return default
        if _DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ApiError(
            422, f"Text '{value}' for parameter '{name}' could not be parsed as yyyy-MM-dd"
        )

    def event_id(self) -> int:
        return int(self.params["eventId"])


def _event_fields(call: Call, event: dict[str, Any]) -> dict[str, Any]:
    """Keep what an Event can hold; unknown properties are ignored like Jackson does."""
    known = call.validator.doc["components"]["schemas"]["Event"]["properties"]
    return {key: value for key, value in event.items() if key in known}


def list_events(call: Call) -> Any:
    oldest = call.local_date("oldest", date.today())
    newest = call.local_date("newest", oldest + timedelta(days=6))
    categories = {
        part.strip() for value in call.query.get("category", []) for part in value.split(",")
    } - {""}
    events = call.store.list_events(call.athlete, oldest, newest, categories or None)
    limit = call.arg("limit")
    if limit is not None:
        if not limit.isdigit():
            raise ApiError(422, f"Failed to convert value '{limit}' of parameter 'limit' to int")
        events = events[: int(limit)]
    return events


def bulk_create(call: Call) -> Any:
    for index, event in enumerate(call.body):
        for required in ("category", "start_date_local"):
            if event.get(required) is None:
                raise ApiError(422, f"$[{index}].{required}: is required")
    events = [_event_fields(call, event) for event in call.body]
    return call.store.upsert(call.athlete, events, call.client, upsert=call.flag("upsert"))


def bulk_delete(call: Call) -> Any:
    return {"eventsDeleted": call.store.bulk_delete(call.athlete, call.body, call.client)}


def _not_found(call: Call) -> ApiError:
    return ApiError(404, f"Event {call.params['eventId']} not found")


def show_event(call: Call) -> Any:
    event = call.store.get(call.athlete, call.event_id())
    if event is None:
        raise _not_found(call)
    return event


def update_event(call: Call) -> Any:
    event = call.store.update(call.athlete, call.event_id(), _event_fields(call, call.body))
    if event is None:
        raise _not_found(call)
    return event


def delete_event(call: Call) -> Any:
    if not call.store.delete(call.athlete, call.event_id()):
        raise _not_found(call)
    return {}


def list_sport_settings(call: Call) -> Any:
    return call.store.sport_settings(call.athlete)


def list_athletes(call: Call) -> Any:
    """``AthleteWithTags`` of the caller and of the athletes the key coaches.

    ``icu_permission`` is what the key may do on that athlete's calendar ([inference]
    from the schema: the spec does not say whose permission the field holds); the
    caller's own entry carries ``icu_coach`` instead.  ``icu_api_key``, part of the
    schema, is never served."""
    out = []
    for athlete_id, permission in call.reachable:
        profile = call.store.profile(athlete_id) or {"id": athlete_id, "name": athlete_id}
        entry = {**profile, "icu_tags": []}
        if permission is None:
            entry["icu_coach"] = len(call.reachable) > 1
        else:
            entry["icu_permission"] = permission
        out.append(entry)
    return out


def list_wellness(call: Call) -> Any:
    """``Wellness`` records (``id`` is the local date) between ``oldest`` and ``newest``."""
    newest = call.local_date("newest", date.today())
    oldest = call.local_date("oldest", date.min)
    return call.store.wellness(call.athlete, oldest, newest)


_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$")


def _local_time(call: Call, name: str, default: str | None) -> str:
    """A ``Local ISO-8601 date or date and time`` query parameter (the spec's words)."""
    value = call.arg(name)
    if value is None or value == "":
        if default is None:
            raise ApiError(422, f"Required request parameter '{name}' for method parameter "
                           "type String is not present")
        return default
    if not _LOCAL.match(value):
        raise ApiError(422, f"Text '{value}' for parameter '{name}' could not be parsed")
    return value


def list_activities(call: Call) -> Any:
    """``Activity`` records between ``oldest`` (required) and ``newest`` (default now),
    newest first; ``limit`` keeps the first so many."""
    oldest = _local_time(call, "oldest", None)
    newest = _local_time(call, "newest", datetime.now().isoformat(timespec="seconds"))
    found = call.store.activities(call.athlete, oldest, newest)
    limit = call.arg("limit")
    if limit is not None:
        if not limit.isdigit():
            raise ApiError(422, f"Failed to convert value '{limit}' of parameter 'limit' to int")
        found = found[: int(limit)]
    return found


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    method: str
    template: str  # path template of the operation in the OpenAPI subset
    handler: Callable[[Call], Any]


_ATHLETE = r"^/api/v1/athlete/(?P<id>[^/]+)"
ROUTES: list[Route] = [
    Route(
        re.compile(_ATHLETE + r"/events$"),
        "GET",
        "/api/v1/athlete/{id}/events{format}",
        list_events,
    ),
    Route(
        re.compile(_ATHLETE + r"/events/bulk$"),
        "POST",
        "/api/v1/athlete/{id}/events/bulk",
        bulk_create,
    ),
    Route(
        re.compile(_ATHLETE + r"/events/bulk-delete$"),
        "PUT",
        "/api/v1/athlete/{id}/events/bulk-delete",
        bulk_delete,
    ),
    Route(
        re.compile(_ATHLETE + r"/events/(?P<eventId>\d{1,9})$"),
        "GET",
        "/api/v1/athlete/{id}/events/{eventId}",
        show_event,
    ),
    Route(
        re.compile(_ATHLETE + r"/events/(?P<eventId>\d{1,9})$"),
        "PUT",
        "/api/v1/athlete/{id}/events/{eventId}",
        update_event,
    ),
    Route(
        re.compile(_ATHLETE + r"/events/(?P<eventId>\d{1,9})$"),
        "DELETE",
        "/api/v1/athlete/{id}/events/{eventId}",
        delete_event,
    ),
    Route(
        re.compile(_ATHLETE + r"/sport-settings$"),
        "GET",
        "/api/v1/athlete/{athleteId}/sport-settings",
        list_sport_settings,
    ),
    Route(
        re.compile(_ATHLETE + r"/wellness$"),
        "GET",
        "/api/v1/athlete/{id}/wellness{ext}",
        list_wellness,
    ),
    Route(
        re.compile(_ATHLETE + r"/activities$"),
        "GET",
        "/api/v1/athlete/{id}/activities",
        list_activities,
    ),
    Route(re.compile(r"^/api/v1/athletes$"), "GET", "/api/v1/athletes", list_athletes),
]


def match(method: str, path: str, routes: list[Route] | None = None
          ) -> tuple[Route, dict[str, str]]:
    """The route for ``method path`` (among ``routes``, default :data:`ROUTES`) and its
    path parameters, or 404/405."""
    allowed = False
    for route in ROUTES if routes is None else routes:
        found = route.pattern.match(path)
        if found:
            allowed = True
            if route.method == method:
                return route, found.groupdict()
    if allowed:
        raise ApiError(405, f"Request method '{method}' is not supported")
    raise ApiError(404, "Not Found")

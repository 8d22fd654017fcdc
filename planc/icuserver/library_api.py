"""Routes of the local server's workout library: folders, plans, workouts, apply, share.

Semantics in :mod:`planc.icuserver.library`; the dispatcher validates bodies
against ``openapi_subset.json`` first, as for the calendar routes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from planc.icuserver.api import ApiError, Call, Route
from planc.icuserver.library import plan_events

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _folder_id(call: Call) -> int:
    return int(call.params["folderId"])


def _workout_id(call: Call) -> int:
    return int(call.params["workoutId"])


def _no_folder(folder_id: Any) -> ApiError:
    return ApiError(404, f"Folder {folder_id} not found")


def list_folders(call: Call) -> Any:
    return call.store.library.folders(call.athlete)


def create_folder(call: Call) -> Any:
    if not call.body.get("name"):
        raise ApiError(422, "name: is required")
    return call.store.library.create_folder(call.athlete, _known(call, call.body, "CreateFolderDTO"))


def update_folder(call: Call) -> Any:
    found = call.store.library.update_folder(call.athlete, _folder_id(call),
                                             _known(call, call.body, "Folder"))
    if found is None:
        raise _no_folder(_folder_id(call))
    return found


def delete_folder(call: Call) -> Any:
    if not call.store.library.delete_folder(call.athlete, _folder_id(call)):
        raise _no_folder(_folder_id(call))
    return {}


def list_workouts(call: Call) -> Any:
    return call.store.library.workouts(call.athlete)


def _known(call: Call, fields: dict[str, Any], schema: str = "WorkoutEx") -> dict[str, Any]:
    """What the schema can hold; unknown properties are ignored, as Jackson does."""
    props = call.validator.doc["components"]["schemas"][schema]["properties"]
    return {key: value for key, value in fields.items() if key in props}


def _create(call: Call, fields: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        return call.store.library.create_workout(call.athlete, _known(call, fields))
    except KeyError:
        raise ApiError(422, f"{where}folder_id: folder {fields.get('folder_id')} "
                       "not found") from None


def create_workout(call: Call) -> Any:
    return _create(call, call.body, "")


def create_workouts(call: Call) -> Any:
    return [_create(call, fields, f"$[{i}].") for i, fields in enumerate(call.body)]


def show_workout(call: Call) -> Any:
    found = call.store.library.workout(call.athlete, _workout_id(call))
    if found is None:
        raise ApiError(404, f"Workout {_workout_id(call)} not found")
    return found


def update_workout(call: Call) -> Any:
    try:
        found = call.store.library.update_workout(call.athlete, _workout_id(call),
                                                  _known(call, call.body))
    except KeyError as exc:
        raise _no_folder(exc.args[0]) from None
    if found is None:
        raise ApiError(404, f"Workout {_workout_id(call)} not found")
    return found


def delete_workout(call: Call) -> Any:
    if not call.store.library.delete_workout(call.athlete, _workout_id(call)):
        raise ApiError(404, f"Workout {_workout_id(call)} not found")
    return [_workout_id(call)]


def _readable_folder(call: Call, folder_id: Any) -> tuple[dict[str, Any], str]:
    """A folder of the calendar's athlete or of the caller (a coach's plan): (folder, owner)."""
    caller = call.reachable[0][0] if call.reachable else call.athlete
    for owner in dict.fromkeys((call.athlete, caller)):
        if isinstance(folder_id, int) and (found := call.store.library.folder(owner, folder_id)):
            return found, owner
    raise _no_folder(folder_id)


def apply_plan(call: Call) -> Any:
    """Copy a plan's workouts to the athlete's calendar from ``start_date_local``."""
    folder, owner = _readable_folder(call, call.body.get("folder_id"))
    text = str(call.body.get("start_date_local") or "")
    try:
        start = dt.date.fromisoformat(text[:10]) if _DATE_PREFIX.match(text) else None
    except ValueError:
        start = None
    if start is None:
        raise ApiError(422, f"start_date_local: '{text}' is not a date")
    for fields in plan_events(folder, start, owner):
        call.store.create(call.athlete, fields, None)
    return {}


def list_shared_with(call: Call) -> Any:
    _owned(call)
    return call.store.library.shared_with(_folder_id(call))


def update_shared_with(call: Call) -> Any:
    _owned(call)
    return call.store.library.set_shared_with(_folder_id(call), call.body)


def _owned(call: Call) -> None:
    if call.store.library.folder(call.athlete, _folder_id(call)) is None:
        raise _no_folder(_folder_id(call))


_ATHLETE = r"^/api/v1/athlete/(?P<id>[^/]+)"
_SPEC = "/api/v1/athlete/{id}"
_FOLDER = r"/folders/(?P<folderId>\d{1,9})"
_WORKOUT = r"/workouts/(?P<workoutId>\d{1,9})"


def _route(path: str, method: str, template: str, handler) -> Route:
    return Route(re.compile(_ATHLETE + path + "$"), method, _SPEC + template, handler)


ROUTES: list[Route] = [
    _route("/folders", "GET", "/folders", list_folders),
    _route("/folders", "POST", "/folders", create_folder),
    _route(_FOLDER, "PUT", "/folders/{folderId}", update_folder),
    _route(_FOLDER, "DELETE", "/folders/{folderId}", delete_folder),
    _route(_FOLDER + "/shared-with", "GET", "/folders/{folderId}/shared-with", list_shared_with),
    _route(_FOLDER + "/shared-with", "PUT", "/folders/{folderId}/shared-with",
           update_shared_with),
    _route("/workouts", "GET", "/workouts", list_workouts),
    _route("/workouts", "POST", "/workouts", create_workout),
    _route("/workouts/bulk", "POST", "/workouts/bulk", create_workouts),
    _route(_WORKOUT, "GET", "/workouts/{workoutId}", show_workout),
    _route(_WORKOUT, "PUT", "/workouts/{workoutId}", update_workout),
    _route(_WORKOUT, "DELETE", "/workouts/{workoutId}", delete_workout),
    _route("/events/apply-plan", "POST", "/events/apply-plan", apply_plan),
]

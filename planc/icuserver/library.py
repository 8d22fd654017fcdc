"""The workout library of the local intervals.icu server: folders, plans, workouts, shares.

What the spec says (``../shared/ref/intervals-openapi.json``, ``Folder``,
``WorkoutEx``, ``ApplyPlanDTO``, ``SharedWith``) and what the local server does:

- a **folder** is ``type: FOLDER`` (a workout folder) or ``PLAN`` (a training
  plan); ``GET /folders`` answers every folder with its workouts as
  ``children`` (a plan's ordered by ``day``), so one request reads a library;
- a **workout** lives in one folder (``folder_id``); in a plan, ``day`` is
  its zero-based day from the plan's start (intervals.md §2.2).  Workouts have
  no ``external_id``: there is no upsert, only create (one or in bulk), update
  by id and delete by id.  ``tags`` are free strings;
- a description is parsed into ``workout_doc`` the way calendar events are
  (:mod:`planc.icuserver.workout_doc`), with the owner's sport settings;
- ``apply-plan`` copies a plan's workouts onto an athlete's calendar as
  ``WORKOUT`` events from ``start_date_local`` (day 0), each remembering
  ``plan_folder_id``/``plan_workout_id``/``plan_applied`` (``Event`` fields).
  The events are the service's, not the caller's: they carry no
  ``external_id`` and no client owns them ([inference]: the spec does not say);
- ``shared-with``: the athletes a folder is shared with.  The spec says "add/
  remove athletes" for the PUT without saying how a removal is written; the
  local server takes the body as the new list ([inference]); planc always sends
  the current list plus its additions, which is right under either reading.

Every method runs under the store's lock (see :class:`planc.icuserver.store.Store`).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from planc.icuserver.workout_doc import parse_workout

# Fields a client may send in a Workout / Folder that the server owns.
_SERVER_OWNED = {"id", "athlete_id", "updated", "workout_doc", "file_contents",
                 "file_contents_base64", "filename", "children", "num_workouts",
                 "canEdit", "sharedWithCount", "shareToken", "owner", "copy_folder_id"}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Library:
    """Folders, workouts and shares per athlete; ids are unique across athletes."""

    def __init__(self, lock: threading.RLock, settings_for: Callable[[Any, Any], Any],
                 first_id: int = 501) -> None:
        self.lock = lock
        self._settings_for = settings_for
        self._folders: dict[str, dict[int, dict[str, Any]]] = {}
        self._workouts: dict[str, dict[int, dict[str, Any]]] = {}
        self._shared: dict[int, list[dict[str, Any]]] = {}
        self._next_id = first_id

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # -- folders -------------------------------------------------------------------
    def create_folder(self, athlete: str, fields: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            folder = {"id": self._new_id(), "athlete_id": athlete, "type": "FOLDER",
                      "visibility": "PRIVATE"}
            folder.update({k: copy.deepcopy(v) for k, v in fields.items()
                           if k not in _SERVER_OWNED and v is not None})
            self._folders.setdefault(athlete, {})[folder["id"]] = folder
            return self._with_children(athlete, folder)

    def folder(self, athlete: str, folder_id: int) -> dict[str, Any] | None:
        with self.lock:
            found = self._folders.get(athlete, {}).get(folder_id)
            return self._with_children(athlete, found) if found else None

    def folders(self, athlete: str) -> list[dict[str, Any]]:
        with self.lock:
            return [self._with_children(athlete, f)
                    for _, f in sorted(self._folders.get(athlete, {}).items())]

    def update_folder(self, athlete: str, folder_id: int,
                      fields: dict[str, Any]) -> dict[str, Any] | None:
        with self.lock:
            found = self._folders.get(athlete, {}).get(folder_id)
            if found is None:
                return None
            found.update({k: copy.deepcopy(v) for k, v in fields.items()
                          if k not in _SERVER_OWNED})
            return self._with_children(athlete, found)

    def delete_folder(self, athlete: str, folder_id: int) -> bool:
        """The folder and every workout in it."""
        with self.lock:
            if self._folders.get(athlete, {}).pop(folder_id, None) is None:
                return False
            workouts = self._workouts.get(athlete, {})
            for workout_id in [i for i, w in workouts.items() if w.get("folder_id") == folder_id]:
                del workouts[workout_id]
            self._shared.pop(folder_id, None)
            return True

    def owner_of(self, folder_id: int) -> str | None:
        with self.lock:
            return next((a for a, fs in self._folders.items() if folder_id in fs), None)

    def _with_children(self, athlete: str, folder: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(folder)
        children = [copy.deepcopy(w) for w in self._workouts.get(athlete, {}).values()
                    if w.get("folder_id") == folder["id"]]
        children.sort(key=lambda w: (w.get("day") or 0, w["id"]))
        out["children"] = children
        out["num_workouts"] = len(children)
        out["sharedWithCount"] = len(self._shared.get(folder["id"], []))
        return out

    # -- workouts ------------------------------------------------------------------
    def create_workout(self, athlete: str, fields: dict[str, Any]) -> dict[str, Any]:
        """One new workout; ``folder_id`` must name one of the athlete's folders (KeyError)."""
        with self.lock:
            if fields.get("folder_id") not in self._folders.get(athlete, {}):
                raise KeyError(fields.get("folder_id"))
            workout = {"id": self._new_id(), "athlete_id": athlete}
            self._apply(athlete, workout, fields)
            self._workouts.setdefault(athlete, {})[workout["id"]] = workout
            return copy.deepcopy(workout)

    def update_workout(self, athlete: str, workout_id: int,
                       fields: dict[str, Any]) -> dict[str, Any] | None:
        """Merge ``fields`` into the workout (fields left out keep their value)."""
        with self.lock:
            found = self._workouts.get(athlete, {}).get(workout_id)
            if found is None:
                return None
            if "folder_id" in fields and fields["folder_id"] is not None \
                    and fields["folder_id"] not in self._folders.get(athlete, {}):
                raise KeyError(fields["folder_id"])
            self._apply(athlete, found, fields)
            return copy.deepcopy(found)

    def workout(self, athlete: str, workout_id: int) -> dict[str, Any] | None:
        with self.lock:
            found = self._workouts.get(athlete, {}).get(workout_id)
            return copy.deepcopy(found) if found else None

    def workouts(self, athlete: str) -> list[dict[str, Any]]:
        with self.lock:
            return [copy.deepcopy(w) for _, w in sorted(self._workouts.get(athlete, {}).items())]

    def delete_workout(self, athlete: str, workout_id: int) -> bool:
        with self.lock:
            return self._workouts.get(athlete, {}).pop(workout_id, None) is not None

    def _apply(self, athlete: str, workout: dict[str, Any], fields: dict[str, Any]) -> None:
        for key, value in fields.items():
            if key not in _SERVER_OWNED:
                workout[key] = copy.deepcopy(value)
        workout["updated"] = _now()
        if isinstance(workout.get("description"), str):
            doc = parse_workout(workout["description"],
                                self._settings_for(athlete, workout.get("type")))
            workout["workout_doc"] = doc
            if doc["steps"]:
                workout["moving_time"] = doc["duration"]
        else:
            workout.pop("workout_doc", None)

    # -- shares --------------------------------------------------------------------
    def shared_with(self, folder_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._shared.get(folder_id, []))

    def set_shared_with(self, folder_id: int, athletes: list[dict[str, Any]]) -> list[dict]:
        with self.lock:
            seen: dict[str, dict[str, Any]] = {}
            for entry in athletes:
                if entry.get("id"):
                    seen[str(entry["id"])] = {"id": str(entry["id"]),
                                              "name": entry.get("name") or str(entry["id"]),
                                              "canEdit": bool(entry.get("canEdit"))}
            self._shared[folder_id] = list(seen.values())
            return copy.deepcopy(self._shared[folder_id])


def plan_events(folder: dict[str, Any], start: dt.date, plan_owner: str) -> list[dict[str, Any]]:
    """The calendar events applying a plan folder from ``start`` creates (one per workout)."""
    applied = _now()
    events = []
    for w in folder.get("children", []):
        day = start + dt.timedelta(days=int(w.get("day") or 0))
        time = str(w.get("time") or "00:00:00")
        if len(time) == 5:
            time += ":00"
        event = {"category": "WORKOUT", "start_date_local": f"{day.isoformat()}T{time}",
                 "plan_folder_id": folder["id"], "plan_workout_id": w["id"],
                 "plan_athlete_id": plan_owner, "plan_applied": applied}
        for key in ("name", "description", "type", "indoor", "tags", "sub_type", "color",
                    "target", "distance"):
            if w.get(key) is not None:
                event[key] = copy.deepcopy(w[key])
        events.append(event)
    return events

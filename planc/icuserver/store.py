"""In-memory calendar of the local intervals.icu server.

Events are kept per athlete together with the *client* that created them.
intervals.icu scopes ``external_id`` matching (bulk upsert, bulk-delete) to
"events created by the same OAuth application" (intervals.md §2.3, [A]); with
personal API keys there is no application, so the local server models the
client as the API key (each key gets a client label).  Events seeded with
``client=None`` stand for events the athlete made in the web UI or another app
created: no ``external_id`` operation of any key may touch them.

Every public method takes the store lock, so a bulk request is atomic with
respect to other requests (the real service's batch atomicity is undocumented).
"""

from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from planc.icuserver.library import Library
from planc.icuserver.workout_doc import parse_workout

# Fields a client may send but the service computes or ignores (intervals.md §2.4):
# workout_doc is not accepted on write, icu_ftp comes back null, ids are server-side.
_SERVER_OWNED = {
    "id",
    "athlete_id",
    "uid",
    "created_by_id",
    "oauth_client_id",
    "updated",
    "workout_doc",
    "icu_ftp",
    "file_contents",
    "file_contents_base64",
    "filename",
    "workout",
}


@dataclass
class StoredEvent:
    data: dict[str, Any]
    client: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_date(event: dict[str, Any]) -> date | None:
    """The local date of an event's ``start_date_local`` (``None`` if unusable)."""
    try:
        return date.fromisoformat(str(event.get("start_date_local", ""))[:10])
    except ValueError:
        return None


class Store:
    """Events and sport settings per athlete id (``"i1"`` etc.)."""

    def __init__(self, first_id: int = 1001) -> None:
        self.lock = threading.RLock()
        self._events: dict[str, dict[int, StoredEvent]] = {}
        self._sport_settings: dict[str, list[dict[str, Any]]] = {}
        self._profiles: dict[str, dict[str, Any]] = {}
        self._wellness: dict[str, dict[str, dict[str, Any]]] = {}  # athlete -> day -> record
        self._activities: dict[str, dict[str, dict[str, Any]]] = {}  # athlete -> id -> record
        self._next_activity = 1
        self._next_id = first_id
        self.library = Library(self.lock, self._settings_for)

    # -- events ------------------------------------------------------------------
    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _apply(self, stored: StoredEvent, fields: dict[str, Any]) -> None:
        """Merge request fields into a stored event and recompute derived ones.

        Merge, not replace: fields absent from the request keep their value, as
        with the real PUT (an [inference] for bulk upsert, whose update
        semantics are undocumented).
        """
        data = stored.data
        for key, value in fields.items():
            if key not in _SERVER_OWNED:
                data[key] = copy.deepcopy(value)
        data["updated"] = _now()
        if data.get("category") == "WORKOUT" and isinstance(data.get("description"), str):
            settings = self._settings_for(stored.data.get("athlete_id"), data.get("type"))
            doc = parse_workout(data["description"], settings)
            data["workout_doc"] = doc
            if doc["steps"]:
                data["moving_time"] = doc["duration"]
        else:
            data.pop("workout_doc", None)

    def _settings_for(self, athlete_id: Any, sport: Any) -> dict[str, Any] | None:
        """The athlete's sport settings for an event's sport (thresholds the parse uses)."""
        for settings in self._sport_settings.get(str(athlete_id), []):
            if sport in (settings.get("types") or ()):
                return settings
        return None

    def create(self, athlete_id: str, fields: dict[str, Any], client: str | None) -> dict[str, Any]:
        with self.lock:
            event_id = self._new_id()
            stored = StoredEvent(
                data={
                    "id": event_id,
                    "athlete_id": athlete_id,
                    "uid": str(uuid.uuid4()),
                    "created_by_id": athlete_id,
                },
                client=client,
            )
            self._apply(stored, fields)
            self._events.setdefault(athlete_id, {})[event_id] = stored
            return copy.deepcopy(stored.data)

    def update(
        self, athlete_id: str, event_id: int, fields: dict[str, Any]
    ) -> dict[str, Any] | None:
        with self.lock:
            stored = self._events.get(athlete_id, {}).get(event_id)
            if stored is None:
                return None
            self._apply(stored, fields)
            return copy.deepcopy(stored.data)

    def get(self, athlete_id: str, event_id: int) -> dict[str, Any] | None:
        with self.lock:
            stored = self._events.get(athlete_id, {}).get(event_id)
            return copy.deepcopy(stored.data) if stored else None

    def delete(self, athlete_id: str, event_id: int) -> bool:
        with self.lock:
            return self._events.get(athlete_id, {}).pop(event_id, None) is not None

    def find_external(self, athlete_id: str, external_id: str, client: str | None) -> list[int]:
        """Ids of the athlete's events with this external_id created by ``client``."""
        if client is None:
            return []
        with self.lock:
            return [
                event_id
                for event_id, stored in self._events.get(athlete_id, {}).items()
                if stored.client == client and stored.data.get("external_id") == external_id
            ]

    def upsert(
        self, athlete_id: str, events: list[dict[str, Any]], client: str, upsert: bool
    ) -> list[dict[str, Any]]:
        """The bulk endpoint: update same-client external_id matches, create the rest."""
        results = []
        with self.lock:
            for fields in events:
                external_id = fields.get("external_id")
                matches = (
                    self.find_external(athlete_id, external_id, client)
                    if upsert and isinstance(external_id, str) and external_id
                    else []
                )
                if matches:
                    results.append(self.update(athlete_id, matches[0], fields))
                else:
                    results.append(self.create(athlete_id, fields, client))
        return [r for r in results if r is not None]

    def bulk_delete(self, athlete_id: str, refs: list[dict[str, Any]], client: str) -> int:
        """Delete by external_id (same client only) or id; missing ones are ignored."""
        deleted = 0
        with self.lock:
            for ref in refs:
                external_id = ref.get("external_id")
                if external_id is not None:
                    ids = self.find_external(athlete_id, external_id, client)
                elif ref.get("id") is not None:
                    ids = [ref["id"]]
                else:
                    ids = []
                deleted += sum(self.delete(athlete_id, event_id) for event_id in ids)
        return deleted

    def list_events(
        self, athlete_id: str, oldest: date, newest: date, categories: set[str] | None = None
    ) -> list[dict[str, Any]]:
        with self.lock:
            found = []
            for stored in self._events.get(athlete_id, {}).values():
                day = event_date(stored.data)
                if day is None or not oldest <= day <= newest:
                    continue
                if categories and stored.data.get("category") not in categories:
                    continue
                found.append(copy.deepcopy(stored.data))
        return sorted(found, key=lambda e: (str(e.get("start_date_local")), e["id"]))

    def all_events(self, athlete_id: str) -> list[dict[str, Any]]:
        """Every event of the athlete, for assertions in tests."""
        with self.lock:
            return [copy.deepcopy(s.data) for s in self._events.get(athlete_id, {}).values()]

    # -- sport settings ------------------------------------------------------------
    def set_sport_settings(self, athlete_id: str, settings: list[dict[str, Any]]) -> None:
        with self.lock:
            self._sport_settings[athlete_id] = copy.deepcopy(settings)

    def sport_settings(self, athlete_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._sport_settings.get(athlete_id, []))

    # -- athletes and wellness -------------------------------------------------------
    def set_profile(self, athlete_id: str, profile: dict[str, Any]) -> None:
        with self.lock:
            self._profiles[athlete_id] = copy.deepcopy(profile)

    def profile(self, athlete_id: str) -> dict[str, Any] | None:
        with self.lock:
            found = self._profiles.get(athlete_id)
            return copy.deepcopy(found) if found is not None else None

    def set_wellness(self, athlete_id: str, day: str, record: dict[str, Any]) -> None:
        with self.lock:
            self._wellness.setdefault(athlete_id, {})[day] = copy.deepcopy(record)

    def wellness(self, athlete_id: str, oldest: date, newest: date) -> list[dict[str, Any]]:
        """Records whose day (``id``) lies in ``[oldest, newest]``, oldest first."""
        with self.lock:
            records = self._wellness.get(athlete_id, {})
            return [copy.deepcopy(records[day]) for day in sorted(records)
                    if oldest.isoformat() <= day <= newest.isoformat()]

    # -- activities ------------------------------------------------------------------
    def add_activity(self, athlete_id: str, activity: dict[str, Any]) -> dict[str, Any]:
        """Store a completed activity; an ``id`` is given (``"i<n>"``, as intervals.icu's
        are strings) when it has none.  Returns the stored record."""
        with self.lock:
            record = copy.deepcopy(activity)
            if not record.get("id"):
                record["id"] = f"i{self._next_activity}"
                self._next_activity += 1
            record.setdefault("icu_athlete_id", athlete_id)
            self._activities.setdefault(athlete_id, {})[str(record["id"])] = record
            return copy.deepcopy(record)

    def activities(self, athlete_id: str, oldest: str, newest: str) -> list[dict[str, Any]]:
        """Activities whose ``start_date_local`` lies in ``[oldest, newest]`` (local ISO
        dates or date-times, compared as text as both are ISO-8601), newest first as
        intervals.icu lists them."""
        with self.lock:
            found = [copy.deepcopy(a) for a in self._activities.get(athlete_id, {}).values()
                     if _within(str(a.get("start_date_local", "")), oldest, newest)]
        return sorted(found, key=lambda a: (str(a.get("start_date_local")), str(a["id"])),
                      reverse=True)


def _within(when: str, oldest: str, newest: str) -> bool:
    """``when`` (a local date-time) on or after ``oldest`` and on or before ``newest``;
    a bare date as ``newest`` means the whole of that day."""
    if len(newest) == 10:
        newest += "T23:59:59"
    return oldest <= when <= newest


DEFAULT_SPORT_SETTINGS: list[dict[str, Any]] = [
    {
        "id": 1,
        "types": ["Ride", "VirtualRide", "GravelRide", "MountainBikeRide"],
        "ftp": 250,
        "indoor_ftp": 240,
        "w_prime": 20000,
        "power_zones": [55, 75, 90, 105, 120, 150, 999],
        "power_zone_names": [
            "Recovery",
            "Endurance",
            "Tempo",
            "Threshold",
            "VO2 Max",
            "Anaerobic",
            "Neuromuscular",
        ],
        "sweet_spot_min": 84,
        "sweet_spot_max": 97,
        "lthr": 165,
        "max_hr": 188,
        "hr_zones": [138, 154, 160, 165, 170, 175, 188],
        "threshold_pace": None,
        "pace_units": "MINS_KM",
        "warmup_time": 1200,
        "cooldown_time": 600,
        "default_workout_time": "08:00",
    },
    {
        "id": 2,
        "types": ["Run", "VirtualRun", "TrailRun"],
        "ftp": None,
        "lthr": 170,
        "max_hr": 192,
        "hr_zones": [147, 156, 165, 174, 179, 184, 192],
        "threshold_pace": 3.7037037,
        "pace_units": "MINS_KM",
        "pace_zones": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999],
        "warmup_time": 900,
        "cooldown_time": 600,
    },
]

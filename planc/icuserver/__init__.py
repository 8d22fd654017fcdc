"""A local intervals.icu calendar API for tests and demos — no account needed.

It implements the slice of the real REST API that ``planc publish`` uses, over
real HTTP on ``127.0.0.1``, with the real service's conventions
(``../shared/ref/intervals.md`` §2; ``openapi_subset.json`` holds the schemas):

- HTTP Basic auth, user name literally ``API_KEY``, the key as password;
  anything else → ``401 {"status":401,"error":"Unauthorized"}``; a bearer token
  → 403.  Athlete id ``0`` means "the key's athlete".  A coach's key
  (:meth:`IcuServer.add_coach`) also reaches the athletes it coaches, reading
  with ``READ`` and writing with ``WRITE`` permission; any other athlete → 403.
- ``GET    /api/v1/athlete/{id}/events?oldest=&newest=&category=`` (local dates,
  inclusive, on the date of ``start_date_local``)
- ``POST   /api/v1/athlete/{id}/events/bulk?upsert=true`` — with ``upsert``,
  events whose ``external_id`` matches one created *by the same client* (the
  same API key) are updated, the rest created; answers ``Event``s with a small
  ``workout_doc`` (see :mod:`planc.icuserver.workout_doc`)
- ``PUT    /api/v1/athlete/{id}/events/bulk-delete`` — ``[{"id"}|{"external_id"}]``
  → ``{"eventsDeleted": n}``; external ids only match the client's own events
- ``GET|PUT|DELETE /api/v1/athlete/{id}/events/{eventId}``
- ``GET    /api/v1/athlete/{id}/sport-settings``
- ``GET    /api/v1/athlete/{id}/wellness?oldest=&newest=`` — ``Wellness`` records
  (``id`` = the local date, ``ctl``, ``atl``), seeded with ``seed_wellness``
- ``GET    /api/v1/athlete/{id}/activities?oldest=&newest=&limit=`` — completed
  ``Activity`` records (``paired_event_id``, ``compliance``, ``icu_training_load``,
  ``moving_time``, ``distance``, ``type``, ``start_date_local``), newest first,
  seeded with ``seed_activity`` or ``--seed FILE``
- ``GET    /api/v1/athletes`` — the caller and the athletes the key coaches
  (``AthleteWithTags``: ``id``, ``name``, ``timezone``, ``icu_permission``)

The workout library (:mod:`planc.icuserver.library`):

- ``GET|POST /api/v1/athlete/{id}/folders``, ``PUT|DELETE …/folders/{folderId}``
  (``FOLDER`` or ``PLAN``; a GET answers each with its workouts as ``children``)
- ``GET|POST …/workouts``, ``POST …/workouts/bulk``, ``GET|PUT|DELETE
  …/workouts/{workoutId}`` (``folder_id``, ``day``, ``tags``; no ``external_id``)
- ``POST …/events/apply-plan`` (a plan of the athlete's or of the coach calling)
- ``GET|PUT …/folders/{folderId}/shared-with``

Request bodies are validated against the spec subset (types, enums, the
``yyyy-MM-ddTHH:mm:ss`` form of ``start_date_local``, sport names) → 422.

Try it by hand (keeps running until Ctrl-C; the calendar lives in memory)::

    python -m planc.icuserver --port 8765 --api-key test
    python -m planc.icuserver --api-key coach --coached i101 --coached i102  # a coach
    # in another shell:
    curl -u API_KEY:test 'http://127.0.0.1:8765/api/v1/athlete/0/events?oldest=2026-01-01&newest=2026-12-31'
    INTERVALS_ICU_API_KEY=test planc publish --base-url http://127.0.0.1:8765 ...
    # or point the credentials there instead of passing --base-url:
    export INTERVALS_ICU_API_KEY=test INTERVALS_ICU_BASE_URL=http://127.0.0.1:8765

Plain ``http://`` is fine here: the client refuses it only for non-loopback hosts.

``--fault 503x2`` / ``--fault 429:5`` queue faults at start-up (see
``python -m planc.icuserver --help``).  In tests, use :class:`IcuServer`
directly (``tests/icu_fixtures.py``): ``server.faults.add(Fault.rate_limited(2))``,
``server.seed_event(...)``, ``server.seed_activity(...)``, ``server.requests``.
``--seed FILE`` loads a demo's athletes, events, activities and wellness (JSON,
see :meth:`IcuServer.seed`).
"""

from planc.icuserver.app import IcuServer, RequestRecord
from planc.icuserver.faults import Fault, FaultQueue

__all__ = ["Fault", "FaultQueue", "IcuServer", "RequestRecord"]

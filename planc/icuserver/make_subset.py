"""Regenerate ``openapi_subset.json`` from the full intervals.icu OpenAPI spec.

Run from the repository root::

    python -m planc.icuserver.make_subset ../shared/ref/intervals-openapi.json

The local server validates requests against this subset so that it keeps
working when the full spec (240 kB, outside the repository) is absent.  The
subset is copied verbatim: the operations the server implements
(:data:`OPERATIONS`) and every schema they reach through ``$ref``, plus
``SportInfo`` whose ``type`` enum is the list of canonical sport names.

Rules the server enforces *beyond* the spec live in the separate
``x-planc-strict`` section (see :data:`STRICT`) so that the copied part can be
compared byte-for-byte with the full spec (``tests/test_icuserver.py`` does).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

SUBSET_PATH = Path(__file__).with_name("openapi_subset.json")

# (path template in the spec, method) for each operation the server implements.
OPERATIONS: list[tuple[str, str]] = [
    ("/api/v1/athlete/{id}/events{format}", "get"),
    ("/api/v1/athlete/{id}/events/bulk", "post"),
    ("/api/v1/athlete/{id}/events/bulk-delete", "put"),
    ("/api/v1/athlete/{id}/events/{eventId}", "get"),
    ("/api/v1/athlete/{id}/events/{eventId}", "put"),
    ("/api/v1/athlete/{id}/events/{eventId}", "delete"),
    ("/api/v1/athlete/{athleteId}/sport-settings", "get"),
    ("/api/v1/athlete/{id}/wellness{ext}", "get"),
    ("/api/v1/athlete/{id}/activities", "get"),
    ("/api/v1/athletes", "get"),
    # the workout library: folders and training plans, their workouts, apply, share
    ("/api/v1/athlete/{id}/folders", "get"),
    ("/api/v1/athlete/{id}/folders", "post"),
    ("/api/v1/athlete/{id}/folders/{folderId}", "put"),
    ("/api/v1/athlete/{id}/folders/{folderId}", "delete"),
    ("/api/v1/athlete/{id}/folders/{folderId}/shared-with", "get"),
    ("/api/v1/athlete/{id}/folders/{folderId}/shared-with", "put"),
    ("/api/v1/athlete/{id}/workouts", "get"),
    ("/api/v1/athlete/{id}/workouts", "post"),
    ("/api/v1/athlete/{id}/workouts/bulk", "post"),
    ("/api/v1/athlete/{id}/workouts/{workoutId}", "get"),
    ("/api/v1/athlete/{id}/workouts/{workoutId}", "put"),
    ("/api/v1/athlete/{id}/workouts/{workoutId}", "delete"),
    ("/api/v1/athlete/{id}/events/apply-plan", "post"),
]

# Schemas needed although no operation references them.
EXTRA_SCHEMAS = ["SportInfo"]

# Stricter than the spec, documented where the reference says why:
# - EventEx.type: the spec types it as a bare string, but invented sport names
#   are rejected by the live service (intervals.md §2.4, [C]); the canonical
#   names are the SportInfo.type enum.
# - EventEx.start_date_local: athlete-local "YYYY-MM-DDTHH:MM:SS" without
#   offset (intervals.md §2.4/§2.5, [A]/[B]); the spec only says "string".
STRICT: dict[str, Any] = {
    "EventEx": {
        "type": {"$ref": "#/components/schemas/SportInfo/properties/type"},
        "start_date_local": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$",
            "x-format": "local-date-time",
        },
    },
    # WorkoutEx.type: the same canonical sport names as an event's type.
    "WorkoutEx": {"type": {"$ref": "#/components/schemas/SportInfo/properties/type"}},
}


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def build_subset(spec: dict[str, Any], sha256: str = "") -> dict[str, Any]:
    """Return the subset document for ``spec`` (the parsed full OpenAPI spec)."""
    paths: dict[str, dict[str, Any]] = {}
    for template, method in OPERATIONS:
        paths.setdefault(template, {})[method] = spec["paths"][template][method]
    all_schemas = spec["components"]["schemas"]
    wanted: set[str] = set(EXTRA_SCHEMAS)
    _refs(paths, wanted)
    todo = list(wanted)
    while todo:
        name = todo.pop()
        found: set[str] = set()
        _refs(all_schemas[name], found)
        for ref in found - wanted:
            wanted.add(ref)
            todo.append(ref)
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "x-source": {
            "file": "intervals-openapi.json (see intervals.md §2.10)",
            "sha256": sha256,
            "generator": "python -m planc.icuserver.make_subset",
        },
        "servers": spec.get("servers", []),
        "paths": paths,
        "components": {
            "securitySchemes": spec["components"].get("securitySchemes", {}),
            "schemas": {name: all_schemas[name] for name in sorted(wanted)},
        },
        "x-planc-strict": STRICT,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0] if args else "../shared/ref/intervals-openapi.json")
    raw = source.read_bytes()
    subset = build_subset(json.loads(raw), hashlib.sha256(raw).hexdigest())
    SUBSET_PATH.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {SUBSET_PATH} ({len(subset['components']['schemas'])} schemas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

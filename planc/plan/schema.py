"""The plan file format, declared once: the loader's key checks and the JSON Schema.

Every mapping of a plan, library or athlete file is described here by its
fields (name, JSON Schema fragment, required, one-line doc).  The loader uses
these tables to report unknown keys (with did-you-mean) and missing keys, and
``planc schema`` turns the very same tables into a JSON Schema (draft
2020-12).  So the schema cannot drift from what the loader accepts: a key
added to the loader without a table entry is reported as unknown by the
loader itself.  The semantic checks the schema cannot express (Mondays, dates
inside the plan, workout references, list lengths) stay in the loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from planc.units import ICU_PACE_UNIT_NAMES, SPORTS

SCHEMA_ID = "https://planc.dev/schema/plan.json"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITIES = ("A", "B", "C")
# Session keys that are not workout arguments.
SESSION_KEYS = ("workout", "time", "name", "indoor", "description", "tags", "key")
# Template names every workout gets for free.
BUILTIN_PARAMS = ("week", "n")
# Names no parameter (of a workout or of the plan) may take.
RESERVED_PARAMS = (*SESSION_KEYS, *BUILTIN_PARAMS)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORKOUT_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
PARAM_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A roster's short name: starts with a letter (so an external id never reads it as a date).
ATHLETE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
ICU_ID_RE = re.compile(r"^i?[1-9]\d{0,11}$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")

_STR: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}
_NUM: dict[str, Any] = {"type": "number"}
_DATE = {"type": "string", "pattern": DATE_RE.pattern}
_TIME = {"type": "string", "pattern": TIME_RE.pattern}
_SPORT = {"enum": list(SPORTS)}
_TAGS = {"type": "array", "items": _STR}
_VALUE = {"type": ["string", "number", "integer"]}  # an argument value, or "= expression"
_KEY = {"type": "string", "pattern": WORKOUT_KEY_RE.pattern}
_ZONES = {"type": "array", "items": _NUM, "minItems": 1}
_PACE = {"anyOf": [{"type": "number", "exclusiveMinimum": 0},
                   {"type": "string", "pattern": r"^\d{1,2}:[0-5]\d\s*/\s*(km|mi|100m|100y|500m|400m|250m)$"}]}


@dataclass(frozen=True, slots=True)
class F:
    """One key of a mapping: its JSON Schema, whether required, and what it means."""

    schema: dict[str, Any]
    doc: str
    required: bool = False


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


# name of a mapping kind -> its fields.  Keys the loader knows are exactly these.
FIELDS: dict[str, dict[str, F]] = {
    "plan": {
        "id": F({"type": "string", "pattern": ID_RE.pattern},
                "stable slug; publish uses planc:<id>:<date>:<session key> as external id",
                True),
        "name": F(_STR, "plan name", True),
        "description": F(_STR, "what the plan is for"),
        "start": F(_DATE, "first day of week 1, a Monday (YYYY-MM-DD)", True),
        "weeks": F({"type": "integer", "minimum": 1, "maximum": 156}, "number of weeks", True),
        "athlete": F({"anyOf": [_STR, ref("athlete")]},
                     "athlete file path (relative to this file) or inline thresholds"),
        "fitness": F(ref("fitness"), "CTL/ATL on the day before the plan starts"),
        "params": F({"type": "object", "propertyNames": {"pattern": PARAM_RE.pattern},
                     "additionalProperties": {"type": ["number", "string"]}},
                    "plan parameters: name -> a number, duration or distance, used by name "
                    "in '= expressions'; a roster may give each athlete other values"),
        "roster": F(_STR, "roster file (relative to this file): the athletes the plan is for"),
        "include": F({"anyOf": [_STR, {"type": "array", "items": _STR}]},
                     "library files with more workouts (relative to this file)"),
        "workouts": F(ref("workouts"), "the workout library: name -> workout"),
        "calendar": F({"type": "array", "items": ref("entry")},
                      "entries in order; a later entry replaces the days it names", True),
    },
    "library": {
        "description": F(_STR, "what the library holds"),
        "include": F({"anyOf": [_STR, {"type": "array", "items": _STR}]}, "more library files"),
        "workouts": F(ref("workouts"), "name -> workout", True),
    },
    "fitness": {
        "ctl": F({"type": "number", "minimum": 0}, "chronic training load (42-day)"),
        "atl": F({"type": "number", "minimum": 0}, "acute training load (7-day)"),
    },
    "workout": {
        "sport": F(_SPORT, "intervals.icu activity type", True),
        "name": F(_STR, "name template, e.g. 'Sweet spot {reps}x{work}'"),
        "description": F(_STR, "shown with the workout (template)"),
        "params": F({"anyOf": [{"type": "array", "items": {"type": "string"}},
                               {"type": "object",
                                "propertyNames": {"pattern": PARAM_RE.pattern},
                                "additionalProperties": {"anyOf": [_VALUE, {"type": "null"}]}}]},
                    "parameters: a list of names, or name -> default (~ = required)"),
        "body": F(_STR, "the steps in intervals.icu workout text, with {param} placeholders", True),
        "indoor": F(_BOOL, "an indoor session (trainer, treadmill)"),
        "tags": F(_TAGS, "intervals.icu tags"),
        "time": F(_TIME, "default start time HH:MM"),
    },
    "ref_session": {
        "workout": F(_STR, "a workout of the library", True),
        "time": F(_TIME, "start time HH:MM"),
        "name": F(_STR, "overrides the workout's name"),
        "indoor": F(_BOOL, "overrides the workout's indoor flag"),
        "description": F(_STR, "overrides the workout's description"),
        "tags": F(_TAGS, "overrides the workout's tags"),
        "key": F(_KEY, "the session's identity on its day (default: its workout, or a slug "
                       "of its name); keeps its calendar event when the session changes"),
    },
    "inline_session": {
        "sport": F(_SPORT, "intervals.icu activity type", True),
        "body": F(_STR, "the steps in intervals.icu workout text", True),
        "name": F(_STR, "workout name"),
        "time": F(_TIME, "start time HH:MM"),
        "indoor": F(_BOOL, "an indoor session"),
        "description": F(_STR, "shown with the workout"),
        "tags": F(_TAGS, "intervals.icu tags"),
        "key": F(_KEY, "the session's identity on its day (default: its workout, or a slug "
                       "of its name); keeps its calendar event when the session changes"),
    },
    "note_session": {
        "note": F(_STR, "the note's title", True),
        "description": F(_STR, "the note's text"),
        "time": F(_TIME, "time HH:MM"),
        "key": F(_KEY, "the session's identity on its day (default: its workout, or a slug "
                       "of its name); keeps its calendar event when the session changes"),
    },
    "race_session": {
        "race": F(ref("race"), "a race or target event", True),
        "time": F(_TIME, "start time HH:MM"),
        "key": F(_KEY, "the session's identity on its day (default: its workout, or a slug "
                       "of its name); keeps its calendar event when the session changes"),
    },
    "race": {
        "name": F(_STR, "race name", True),
        "priority": F({"enum": list(PRIORITIES)}, "A, B or C (RACE_A/B/C events)", True),
        "sport": F(_SPORT, "intervals.icu activity type"),
        "distance": F({"anyOf": [{"type": "number", "exclusiveMinimum": 0},
                                 {"type": "string", "pattern": r"^\d+(\.\d+)?(km|mtr|mi|yrd)$"}]},
                      "e.g. 21.1km, 400mtr, 13.1mi, or metres"),
        "description": F(_STR, "what the race is"),
    },
    "measured_fitness": {
        "ctl": F({"type": "number", "minimum": 0}, "chronic training load (42-day)", True),
        "atl": F({"type": "number", "minimum": 0}, "acute training load (7-day)", True),
        "date": F(_DATE, "the day intervals.icu measured them (YYYY-MM-DD)", True),
    },
    "athlete": {
        "timezone": F(_STR, "IANA time zone, e.g. Europe/Berlin"),
        "fit_max_steps": F({"type": "integer", "minimum": 1, "maximum": 4096},
                           "steps the athlete's FIT device takes (default 50, Garmin's "
                           "limit; --fit-max-steps wins)"),
        "fitness": F(ref("measured_fitness"),
                     "CTL/ATL intervals.icu measured on a day (written by planc athlete pull)"),
        **{name: F(ref("thresholds"), f"thresholds for {fam} sports")
           for name, fam in (("ride", "ride"), ("run", "run"), ("swim", "swim"),
                             ("other", "other"), ("Ride", "ride"), ("Run", "run"),
                             ("Swim", "swim"), ("Other", "other"))},
    },
    "roster": {
        "description": F(_STR, "who the squad is"),
        "timezone": F(_STR, "IANA time zone of every athlete without their own, e.g. "
                            "Europe/Berlin"),
        "athletes": F({"type": "object",
                       "propertyNames": {"pattern": ATHLETE_RE.pattern},
                       "additionalProperties": ref("roster_athlete")},
                      "short name (used in --for, output folders and external ids) -> "
                      "athlete", True),
    },
    "roster_athlete": {
        "id": F({"type": ["string", "integer"], "pattern": ICU_ID_RE.pattern},
                "intervals.icu athlete id, e.g. i12345 (publish and athlete pull use it)"),
        "name": F(_STR, "full name, for reports and the squad page"),
        "athlete": F({"anyOf": [_STR, ref("athlete")]},
                     "thresholds: an athlete file (relative to the roster), inline values, "
                     "or 'pull' for athletes/<short name>.yaml, which planc athlete pull "
                     "writes; default: the plan's athlete"),
        "start": F(_DATE, "this athlete's week 1, a Monday (default: the plan's start); "
                          "the whole plan moves, dated entries too"),
        "tags": F(_TAGS, "groups for --for tag:TAG"),
        "params": F({"type": "object", "propertyNames": {"pattern": PARAM_RE.pattern},
                     "additionalProperties": {"type": ["number", "string"]}},
                    "this athlete's values of the plan's parameters"),
        "move": F({"type": "object", "propertyNames": {"enum": list(WEEKDAYS)},
                   "additionalProperties": {"enum": list(WEEKDAYS)}},
                  "weekdays done on another day, e.g. {sat: sun, sun: sat} (each day "
                  "moved to must be moved away)"),
        "timezone": F(_STR, "IANA time zone, e.g. Europe/London (default: the roster's)"),
    },
    "thresholds": {
        "ftp": F({"type": "number", "exclusiveMinimum": 0}, "FTP in watts"),
        "indoor_ftp": F({"type": "number", "exclusiveMinimum": 0}, "indoor FTP in watts"),
        "lthr": F({"type": "number", "exclusiveMinimum": 0}, "threshold heart rate, bpm"),
        "max_hr": F({"type": "number", "exclusiveMinimum": 0}, "maximum heart rate, bpm"),
        "threshold_pace": F(_PACE, "m/s, or a pace like 4:15/km or 1:45/100m"),
        "power_zones": F(_ZONES, "% FTP upper bounds"),
        "hr_zones": F(_ZONES, "bpm upper bounds"),
        "pace_zones": F(_ZONES, "% threshold pace upper bounds"),
        "pace_units": F({"enum": list(ICU_PACE_UNIT_NAMES)},
                        "how intervals.icu shows pace"),
    },
}


def _object(kind: str, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    fields = FIELDS[kind]
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: {**f.schema, "description": f.doc} for name, f in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, f in fields.items() if f.required]
    if required:
        out["required"] = required
    out.update(extra or {})
    return out


def _session_defs() -> dict[str, Any]:
    session = {"anyOf": [ref("ref_session"), ref("inline_session"),
                         ref("note_session"), ref("race_session")]}
    one = {"anyOf": [{"type": "string", "pattern": WORKOUT_KEY_RE.pattern}, session]}
    day = {"anyOf": [one, {"type": "array", "items": one}],
           "description": "rest, a workout name, a session, or a list of sessions"}
    week_spec = {"anyOf": [{"type": "integer", "minimum": 1},
                           {"type": "string", "pattern": r"^\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*$"}]}
    entry = {
        "type": "object",
        "properties": {
            "weeks": {"anyOf": [week_spec, {"type": "array", "items": week_spec}],
                      "description": "plan weeks the weekday keys apply to (default: all): "
                                     "3, 1-4, '1-3, 5-7' or [1, 2, 3]"},
            **{d: {**ref("day"), "description": f"sessions every {d} of those weeks"}
               for d in WEEKDAYS},
        },
        "patternProperties": {DATE_RE.pattern: ref("day")},
        "additionalProperties": False,
    }
    progression = {"anyOf": [_VALUE, {"type": "array", "items": _VALUE, "minItems": 1}],
                   "description": "a value, a per-week list, or '= expression' of week and n"}
    return {
        "session": session,
        "day": day,
        "entry": entry,
        "ref_session": _object("ref_session", extra={"additionalProperties": progression}),
        "inline_session": _object("inline_session"),
        "note_session": _object("note_session"),
        "race_session": _object("race_session"),
    }


def plan_schema(kind: str = "plan") -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a plan, library, athlete or roster file."""
    defs: dict[str, Any] = {
        "fitness": _object("fitness"),
        "workout": _object("workout"),
        "workouts": {"type": "object",
                     "propertyNames": {"pattern": WORKOUT_KEY_RE.pattern},
                     "additionalProperties": ref("workout")},
        "race": _object("race"),
        "athlete": _object("athlete"),
        "measured_fitness": _object("measured_fitness"),
        "thresholds": _object("thresholds"),
        "roster_athlete": _object("roster_athlete"),
        **_session_defs(),
    }
    titles = {"plan": "planc training plan", "library": "planc workout library",
              "athlete": "planc athlete thresholds", "roster": "planc roster (a coach's squad)"}
    root = _object(kind)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.replace("plan.json", f"{kind}.json"),
        "title": titles[kind],
        **root,
        "$defs": defs,
    }

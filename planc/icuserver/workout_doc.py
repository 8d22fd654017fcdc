"""The local stand-in for intervals.icu's workout-text parser: description -> workout_doc.

It follows the rules measured on the platform (../shared/ref/intervals.md §1, and
§1.11 for the corrections from 118 captured events; tests/test_icuserver_doc.py
checks it against those events), so a publish test sees what intervals.icu would
return.  It is written apart from planc's own parser on purpose (the server
imports nothing else from planc): two readings of the same facts, each checked
against the platform's captured answers.

Lines: ``-`` starts a step; a non-step line ending in ``<N>x`` is a repeat header
(the whole line is the repeat's ``text``; a prose line directly above a bare
``Nx`` joins it: ``"Main set\\n3x"``), whose steps run to the next blank line;
``Warmup`` / ``Cooldown`` mark the steps under them; anything else is prose.

A step: leading words are its ``text`` (HTML-escaped), up to the first value, or
up to the digits of a word that ends in a whole number and a unit (``<40%``,
``20min``); a zone before the duration erases it.  Values: durations, distances
(``km``, ``mtr``, ``mi``, ``yrd``), power (``%``, ``w``, ``Z``), heart rate
(``% HR``, ``% LTHR``, ``Z2 HR``), pace (``% Pace``, ``Z2 Pace``,
``5:00/km Pace``, stored as ``secs/km``), cadence (``rpm``), ``ramp``, ``Press
lap``, ``power=``/``hr=``/``intensity=``; of one kind the last wins, and an en
dash range is its first number.  A step with no duration or distance, or a zero
one, is dropped.  A distance step's ``duration`` is estimated from its pace (an
absolute band from its midpoint) or, without one, from the threshold pace; the
document's ``distance`` adds the distance of timed pace steps.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m(?!tr))?(?:(\d+)(s)?)?$", re.ASCII)
_SHORT = re.compile(r"^(?:(\d+)')?(?:(\d+)\")?$", re.ASCII)
_DISTANCE = re.compile(r"^(\d+(?:\.\d+)?)(km|mtr|mi|yrd|yd|yards)$", re.ASCII | re.I)
_N = r"\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"^({_N})%?(?:([-–])({_N}))?%$", re.ASCII)
_WATTS = re.compile(rf"^({_N})w?(?:([-–])({_N}))?w$", re.ASCII | re.I)
_ZONE = re.compile(r"^z(\d+)(?:([-–])z?(\d+))?$", re.ASCII | re.I)
_RPM = re.compile(r"^(\d+)(?:([-–])(\d+))?(rpm)?$", re.ASCII | re.I)
_CLOCK = re.compile(r"^(\d+:\d\d(?:\.\d+)?)(?:([-–])(\d+:\d\d(?:\.\d+)?))?(?:/([0-9a-z]+))?$",
                    re.ASCII | re.I)
_OPTION = re.compile(r"^(power|hr|intensity)=(\S+)$", re.ASCII | re.I)
_CUT = re.compile(r"(?<![\d.])\d+(?:%|w|h|s|min|mtr|mi|km|rpm|m)$", re.ASCII | re.I)
_REPEAT = re.compile(r"(\d+)\s*[xX]\s*$", re.ASCII)
_SECTION = re.compile(r"^(warmup|cooldown)$", re.I)

METRES = {"km": 1000.0, "mtr": 1.0, "mi": 1609.344, "yrd": 0.9144, "yd": 0.9144,
          "yards": 0.9144}
PACE_METRES = {"km": 1000.0, "mi": 1609.344, "100m": 100.0, "100y": 91.44, "500m": 500.0,
               "400m": 400.0, "250m": 250.0}
PACE_STEP_UNIT = {"km": "secs/km", "mi": "secs/mile", "100m": "secs/100m", "100y": "secs/100y",
                  "500m": "secs/500m", "400m": "secs/400m", "250m": "secs/250m"}
PACE_UNITS_PER = {"MINS_KM": "km", "MINS_MILE": "mi", "SECS_100M": "100m", "SECS_100Y": "100y",
                  "SECS_500M": "500m"}
DEFAULT_PACE_ZONES = (77.5, 87.7, 94.3, 100, 103.4, 111.5, 999)
WINDOWS = ("1s", "3s", "10s", "30s", "lap")
INTENSITIES = ("warmup", "active", "rest", "cooldown", "recovery", "interval", "other")
FLAGS = ("freeride", "maxeffort", "hidepower")


def parse_duration(token: str) -> int | None:
    """Seconds for a duration token, or ``None`` if it is not one.

    A bare trailing number counts as seconds only after minutes (``1m30``);
    ``90`` alone and ``10mtr`` (metres) are not durations.
    """
    match = _DURATION.match(token)
    if match and token:
        hours, minutes, seconds, s_suffix = match.groups()
        if seconds and not s_suffix and not minutes:
            return None
        return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    short = _SHORT.match(token)
    if short and token:
        return int(short.group(1) or 0) * 60 + int(short.group(2) or 0)
    return None


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value == int(value) else value


def _value(match: re.Match, units: str) -> dict[str, Any]:
    """``{value}`` or ``{start, end}``; an en dash range is its first number (measured)."""
    first, dash, second = match.group(1), match.group(2), match.group(3)
    if dash == "-" and second is not None:
        return {"start": _number(first), "end": _number(second), "units": units}
    return {"value": _number(first), "units": units}


def _clock(text: str) -> float:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + float(seconds)


# ------------------------------------------------------------------ tokens --


def _word(token: str) -> str:
    return token.rstrip(",;)")


def _target(word: str, after: str, settings: dict[str, Any]) -> tuple[str, dict, int] | None:
    """(kind, value, words used) of a target starting at ``word`` (``after`` is the next
    word: 'HR', 'LTHR', 'Pace', 'rpm'), or None."""
    unit = after.lower()
    if unit in ("hr", "lthr", "pace") and (m := _PERCENT.match(word)):
        units = {"hr": "%hr", "lthr": "%lthr", "pace": "%pace"}[unit]
        return ("pace" if unit == "pace" else "hr"), _value(m, units), 2
    if unit in ("hr", "pace") and (m := _ZONE.match(word)):
        return ("pace" if unit == "pace" else "hr"), _value(m, f"{unit}_zone"), 2
    if unit == "pace" and (m := _CLOCK.match(word)):
        per = (m.group(4) or PACE_UNITS_PER.get(settings.get("pace_units") or "", "km")).lower()
        if per not in PACE_STEP_UNIT:
            return None  # '/100mtr': the platform drops the target
        seconds = [_clock(m.group(1))]
        if m.group(2) == "-" and m.group(3):
            seconds.append(_clock(m.group(3)))
        value = ({"start": seconds[0], "end": seconds[1]} if len(seconds) == 2
                 else {"value": seconds[0]})
        return "pace", {**value, "units": PACE_STEP_UNIT[per]}, 2
    if unit == "rpm" and (m := _RPM.match(word)) and not m.group(4):
        return "cadence", _value(m, "rpm"), 2
    for pattern, kind, units in ((_PERCENT, "power", "%ftp"), (_WATTS, "power", "w"),
                                 (_ZONE, "power", "power_zone")):
        if m := pattern.match(word):
            return kind, _value(m, units), 1
    if (m := _RPM.match(word)) and m.group(4):
        return "cadence", _value(m, "rpm"), 1
    return None


@dataclass
class _Step:
    text: str | None = None
    duration: int | None = None
    distance: float | None = None
    targets: dict[str, dict] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)


def _label_end(words: list[str], settings: dict[str, Any]) -> tuple[int, str | None, bool]:
    """(index of the first value word, what a cut word leaves to the label, whether a
    zone erased the label)."""
    for i, token in enumerate(words):
        word = _word(token)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if token.lower() == "press" and nxt.lower().startswith("lap"):
            continue  # 'Press lap' stays text and sets the flag
        value = _classify(word, nxt, settings)
        if value is not None and value[0] == "cadence" and value[2] == 2:
            continue  # '109 rpm' in a label: two words, neither a value on its own
        if value is not None and value[0] != "ramp":
            zone = value[0] == "power" and value[1]["units"] == "power_zone"
            if value[0] in ("hr", "pace") and value[1]["units"].endswith("_zone"):
                zone = True
            return i, None, zone
        if value is None and (cut := _CUT.search(token)):
            return i, token[:cut.start()], False
    return len(words), None, False


def _classify(word: str, nxt: str, settings: dict[str, Any]) -> tuple[str, Any, int] | None:
    if (seconds := parse_duration(word)) is not None:
        return "duration", seconds, 1
    if m := _DISTANCE.match(word):
        return "distance", float(m.group(1)) * METRES[m.group(2).lower()], 1
    if word.lower() == "ramp":
        return "ramp", True, 1
    if word.lower() in FLAGS:
        return "flag", word.lower(), 1
    if m := _OPTION.match(word):
        return "option", (m.group(1).lower(), m.group(2).lower()), 1
    return _target(word, _word(nxt), settings)


def _read_step(line: str, settings: dict[str, Any]) -> _Step | None:
    words = line[1:].split()
    end, cut, erased = _label_end(words, settings)
    step = _Step()
    text = " ".join([*words[:end], *([cut] if cut else [])]).strip()
    if text and not erased:
        step.text = html.escape(text, quote=False)
    if re.search(r"\bpress\s+lap\b", line, re.I):
        step.flags["until_lap_press"] = True
    i = end + (1 if cut is not None else 0)
    while i < len(words):
        found = _classify(_word(words[i]), words[i + 1] if i + 1 < len(words) else "", settings)
        i += found[2] if found else 1
        if found is not None:
            _apply(step, found[0], found[1])
    length = step.distance if step.distance is not None else step.duration
    return step if length else None


def _apply(step: _Step, kind: str, value: Any) -> None:
    if kind == "duration":
        step.duration = value if step.duration is None else step.duration
    elif kind == "distance":
        step.distance = value if step.distance is None else step.distance
    elif kind == "ramp":
        step.flags["ramp"] = True
    elif kind == "flag":
        step.flags[value] = True
    elif kind == "option":
        key, val = value
        if key == "intensity" and val in INTENSITIES:
            step.flags["intensity"] = val
        elif key in ("power", "hr") and val in WINDOWS:
            step.flags[f"{key}_window"] = val
    else:
        step.targets[kind] = value


# ------------------------------------------------------------------ timing --


def _speed(step: _Step, settings: dict[str, Any]) -> float | None:
    """m/s of the step's pace (a band at its middle); None when it cannot be known."""
    pace = step.targets.get("pace")
    threshold = settings.get("threshold_pace")
    if pace is None:
        return None
    mid = pace["value"] if "value" in pace else (pace["start"] + pace["end"]) / 2
    units = pace["units"]
    if units.startswith("secs/"):
        per = next(k for k, v in PACE_STEP_UNIT.items() if v == units)
        return PACE_METRES[per] / mid if mid > 0 else None
    if not threshold:
        return None
    if units == "%pace":
        return mid / 100 * threshold
    bounds = tuple(settings.get("pace_zones") or DEFAULT_PACE_ZONES)
    zone = max(1, min(int(mid), len(bounds)))
    high = bounds[zone - 1]
    low = bounds[zone - 2] + 1 if zone > 1 else bounds[0] * 0.8
    if high >= 999:
        high = low * 1.25
    return (low + high) / 200 * threshold


def _doc_step(step: _Step, settings: dict[str, Any], warmup: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if step.text:
        out["text"] = step.text
    speed = _speed(step, settings)
    if step.distance is not None:
        out["distance"] = step.distance
        speed = speed or settings.get("threshold_pace")
        if speed:
            out["duration"] = round(step.distance / speed)
    else:
        out["duration"] = step.duration
        if speed:
            out["_distance"] = step.duration * speed  # for the document's total
    for key in ("power", "hr", "pace", "cadence"):
        if key in step.targets:
            out[key] = dict(step.targets[key])
    for key in ("power", "hr"):
        window = step.flags.get(f"{key}_window")
        if window and key in out:
            out[key]["target"] = window
    for key in ("ramp", "until_lap_press", "intensity", *FLAGS):
        if key in step.flags:
            out[key] = step.flags[key]
    if warmup:
        out[warmup] = True
    return out


# ------------------------------------------------------------------- lines --


def _repeat(line: str, above: str | None) -> dict[str, Any] | None:
    m = _REPEAT.search(line)
    if m is None or int(m.group(1)) < 1:
        return None
    bare = not line[:m.start()].strip()
    text = f"{above}\n{line}" if bare and above else line
    return {"reps": int(m.group(1)), "text": text, "steps": []}


def parse_workout(description: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"steps", "duration", "distance"}`` for workout text, read with the sport
    settings of the event's sport (threshold pace, pace units) when given."""
    settings = settings or {}
    steps: list[dict[str, Any]] = []
    block: dict[str, Any] | None = None
    section: str | None = None
    above: str | None = None  # the prose line just read, if the line before was prose
    for raw in description.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        prose, above = above, None
        if not line:
            block = section = None
        elif line.startswith("-"):
            step = _read_step(line, settings)
            if step is not None:
                doc = _doc_step(step, settings, section if block is None else None)
                (block["steps"] if block is not None else steps).append(doc)
        elif (rep := _repeat(line, prose)) is not None:
            block, section = rep, None
            steps.append(rep)
        elif _SECTION.match(line):
            section, block = line.lower(), None
        else:
            above = line
    return _totals(steps)


def _totals(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Durations and distances summed: a repeat's are its reps x its steps'; the document's
    distance also counts the estimated distance of timed pace steps."""
    total_distance = 0.0
    for s in steps:
        if "reps" in s:
            inner = s["steps"]
            s["duration"] = s["reps"] * sum(x.get("duration", 0) for x in inner)
            s["distance"] = s["reps"] * sum(x.get("distance", 0) for x in inner)
            total_distance += s["distance"] + s["reps"] * sum(x.pop("_distance", 0)
                                                              for x in inner)
        else:
            total_distance += s.get("distance", 0) + s.pop("_distance", 0)
    steps = [s for s in steps if "reps" not in s or s["steps"]]
    return {"steps": steps, "duration": sum(s.get("duration", 0) for s in steps),
            "distance": round(total_distance, 1)}

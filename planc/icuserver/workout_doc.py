"""A deliberately tiny stand-in for intervals.icu's workout-text parser.

The real service turns an event's ``description`` into ``workout_doc``
(intervals.md §1.6).  The local server only needs enough of that for a
publisher to check "the text parsed into N steps lasting D seconds":

- a line starting with ``-`` is a step; its duration is the first token that
  reads as ``1h``, ``10m``, ``30s``, ``1m30``, ``2m30s``, ``1h15m``; a step
  without one (e.g. a distance step ``- 2km``) is kept with no ``duration``;
- a non-step line ending in ``<N>x`` (``4x``, ``Main set 3x``) opens a repeat
  block holding the following steps up to the next blank line; the block is one
  top-level step ``{"reps": N, "text": <line>, "steps": [...], "duration": sum×N}``;
- every other line is prose and contributes nothing.

Not modelled (the real parser does these): targets, ramps, distances, the
``Warmup``/``Cooldown`` headers, dropping steps that have no duration.
"""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)(s)?)?$")
_REPEAT = re.compile(r"(?:^|\s)(\d+)\s*[xX]$")


def parse_duration(token: str) -> int | None:
    """Seconds for a duration token, or ``None`` if it is not one.

    A bare trailing number counts as seconds only after minutes (``1m30``);
    ``90`` alone and ``10mtr`` (metres) are not durations.
    """
    match = _DURATION.match(token)
    if not match or not token:
        return None
    hours, minutes, seconds, s_suffix = match.groups()
    if seconds and not s_suffix and not minutes:
        return None
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)


def _step(line: str) -> dict[str, Any]:
    text = line[1:].strip()
    step: dict[str, Any] = {"text": text}
    for token in text.split():
        seconds = parse_duration(token)
        if seconds is not None:
            step["duration"] = seconds
            break
    return step


def parse_workout(description: str) -> dict[str, Any]:
    """Return ``{"steps": [...], "duration": seconds}`` for workout text."""
    steps: list[dict[str, Any]] = []
    block: dict[str, Any] | None = None
    for raw in description.splitlines():
        line = raw.strip()
        if not line:
            block = None
            continue
        if line.startswith("-"):
            (block["steps"] if block is not None else steps).append(_step(line))
            continue
        repeat = _REPEAT.search(line)
        if repeat:
            block = {"reps": int(repeat.group(1)), "text": line, "steps": []}
            steps.append(block)
    for step in steps:
        if "reps" in step:
            step["duration"] = step["reps"] * sum(s.get("duration", 0) for s in step["steps"])
    return {"steps": steps, "duration": sum(s.get("duration", 0) for s in steps)}

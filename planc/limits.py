"""The plausible range of every number planc takes from outside: one table.

Thresholds come from flags (``--ftp``), athlete files, a plan's ``athlete:`` and
intervals.icu's sport settings; training loads from ``--ctl`` and a plan's
``fitness:``; target values from the files planc imports.  Each is checked against
its row here, where it enters, so a value no athlete has (``--lthr 1e308``, an FTP
of 1e-300 W, a .zwo cadence of 75,219,707,177 rpm) is a usage error or a positioned
diagnostic instead of an infinity, a ``nan`` or an overflow three stages later.

The ranges are wide on purpose: they refuse what cannot be meant, not what is
unusual (a 2,000 W sprinter, a 3:30/100m swimmer).  Limits on the workout language
itself (step length, nesting, expanded steps) belong to planc.check.
"""

from __future__ import annotations

import math

from planc.ast import _Frozen, _frozen, _set


@_frozen
class Limit(_Frozen):
    """The range ``[low, high]`` of one kind of number, in ``unit``."""

    what: str  # "an FTP": how a message names the value
    low: float
    high: float
    unit: str  # "W"; "" for a plain number

    def __init__(self, what: str, low: float, high: float, unit: str) -> None:
        _set(self, "what", what)
        _set(self, "low", low)
        _set(self, "high", high)
        _set(self, "unit", unit)

    def contains(self, value: float) -> bool:
        """Inside the range (and finite: nan and infinities never are)."""
        return math.isfinite(value) and self.low <= value <= self.high

    @property
    def range_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.low:g} to {self.high:g}{unit}"

    def problem(self, value: float, shown: str | None = None) -> str | None:
        """Why ``value`` (written as ``shown``) is refused, or None when it is in range."""
        if self.contains(value):
            return None
        return f"{shown if shown is not None else f'{value:g}'} is not {self.what} " \
               f"({self.range_text})"


def as_float(value: object) -> float | None:
    """A number from text or a YAML/JSON number, or None: a huge integer (``1`` * 400)
    is not a float Python can hold, and ``bool`` is not a number.  Text is read as
    people and intervals.icu write numbers: Python's ``float`` would also take
    ``1_000`` and other scripts' digits (``'١٠٠٠'``, ``'２５０'``), which no other tool
    reads as a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and (not value.isascii() or "_" in value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


THRESHOLDS: dict[str, Limit] = {
    "ftp": Limit("an FTP", 10, 3000, "W"),
    "indoor_ftp": Limit("an indoor FTP", 10, 3000, "W"),
    "lthr": Limit("a threshold heart rate", 40, 240, "bpm"),
    "max_hr": Limit("a maximum heart rate", 60, 260, "bpm"),
    # 0.1 m/s is 2:46:40/km (slower than walking); 20 m/s is 0:50/km (faster than any
    # sprinter, but a ride's threshold speed may be written as a pace)
    "threshold_pace": Limit("a threshold pace", 0.1, 20, "m/s"),
}
"""The athlete's thresholds, by their intervals.icu field names (planc.athlete)."""

ZONE_BOUND = Limit("a zone bound", 1, 10_000, "")
"""Each upper bound of ``power_zones`` (% FTP), ``hr_zones`` (bpm), ``pace_zones``
(% threshold pace); the open top zone is written 999 by intervals.icu."""

TRAINING_LOAD = Limit("a training load", 0, 1000, "")
"""CTL and ATL (the highest ever seen are about 200)."""

# ---------------------------------------------------------------- imported values

CADENCE = Limit("a cadence", 1, 255, "rpm")
"""A cadence target; FIT stores it in one byte."""

POWER_FRACTION = Limit("a power target", 0, 10, "of FTP")
"""A power target as a fraction of FTP: 1000 % is the language's and FIT's ceiling."""

WATTS = Limit("a power target", 0, 10_000, "W")

HEART_RATE = Limit("a heart-rate target", 20, 260, "bpm")

HR_FRACTION = Limit("a heart-rate target", 0, 2, "of the threshold")

PACE_FRACTION = Limit("a pace target", 0, 10, "of the threshold")
"""A pace target as a fraction of threshold pace (speed): 1000 %, as for power."""

SPEED = Limit("a speed target", 0.1, 100, "m/s")
"""An absolute pace target as a speed: 0.1 m/s (2:46:40/km) to 100 m/s (0:01/100m)."""

WORKOUT_SECONDS = Limit("a time in a workout", 0, 14 * 24 * 3600, "s")
"""A time on a workout's own timeline (.mrc/.erg points and cues): two weeks, as far as
planc's metrics sample a workout."""

REPEAT_COUNT = Limit("a repeat count", 0, 1_000_000, "")
"""A repeat count as a file writes it, before the step budget (planc.check's
MAX_EXPANDED_STEPS) refuses more steps than a workout may have."""

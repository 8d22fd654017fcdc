"""Garmin FIT workout files: the FIT-lowered AST mapped onto ``workout_step`` messages.

:func:`planc.lower.fit.lower_fit` does every approximation (and warns about it); this
module only chooses FIT's numbers for what is left and hands them to the in-house
binary encoder (:mod:`planc.emit.fit_encoder`).  The mapping:

* **Durations**: time in ms (``duration_type`` 0), distance in cm (1), a
  ``Press lap`` step open (5, the lap button; its notes keep the written length).  Repeats are
  a step after their body: ``duration_type`` 6 (repeat_until_steps_cmplt),
  ``duration_value`` = index of the body's first step, ``target_value`` = total
  number of passes.  Nested repeats nest the same way.
* **Targets** (custom ranges, ``target_value`` 0): power 0-1000 = % FTP, W + 1000 for
  watts (``target_type`` power, or power_3s/10s/30s/lap for ``power=3s/10s/30s/lap``);
  heart rate 0-100 = % max HR, bpm + 100 (heart_rate, or heart_rate_lap for
  ``hr=lap``); pace as speed in mm/s (a slower pace is the lower speed); cadence in
  rpm.  The second target, if any, goes in the ``secondary_target_*`` fields.  No
  target, free ride and max effort: ``target_type`` open.
* **Single values get a band**, because devices alarm at every unit off target
  (a Garmin "complains if power is off just by 1 watt", tp2intervals#61) and some
  may require low < high (formats.md §3.4).  The band is centred on the value, so
  ERG and work are unchanged: ``round(v) ± max(1, round(v × f))`` in FIT units with
  ``f`` = 2.5 % for power, pace and cadence and 1.5 % for heart rate (intervals.icu's
  defaults for Garmin exports, intervals.md §2.2).  A range keeps its rounded ends.
* **Intensity**: 0 active, 1 rest, 2 warmup, 3 cooldown, 4 recovery, 5 interval,
  6 other, as decided by the lowering.
* **Text**: ``wkt_step_name`` is the lowered step's label, ``notes`` its trailing
  text, the workout name and ``wkt_description`` the lowered workout's; the lowering
  (:mod:`planc.lower.fit_text`) has already cut them to FIT's limits and reported it.
* **Sport** (``sport``/``sub_sport``): see :data:`SPORTS`; pool swims carry
  ``pool_length`` (cm) and its unit (metric, or statute for yards).
* **Reproducible bytes**: ``time_created`` is noon UTC of ``EmitOptions.date`` (noon,
  so the date reads the same in every time zone), else ``SOURCE_DATE_EPOCH`` (the
  reproducible-builds convention), else :data:`DEFAULT_TIME_CREATED_UNIX`
  (2000-01-01T12:00:00Z); ``serial_number`` is :func:`stable_serial` of every value
  the file holds (workout fields and steps), so it changes with the content only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from planc.ast import (
    NO_SPAN,
    Block,
    CadenceTarget,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    Node,
    PaceTarget,
    PowerTarget,
    PowerUnit,
    Repeat,
    Step,
    Workout,
)
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, error
from planc.emit.fit_encoder import (
    FIT_DATETIME_MIN,
    FitEncodeError,
    FitStep,
    PreparedWorkout,
    fit_time,
    prepare_workout,
    serial_after,
    serial_hash,
)
from planc.lower import lower
from planc.lower.formats import EmitOptions
from planc.units import DistanceUnit

__all__ = [
    "DEFAULT_TIME_CREATED_UNIX",
    "INTENSITY",
    "SINGLE_VALUE_BAND",
    "SPORTS",
    "emit",
    "fit_steps",
    "time_created_unix",
    "write_fit",
]

SINGLE_VALUE_BAND: Final[Mapping[str, float]] = {
    "power": 0.025,
    "pace": 0.025,
    "cadence": 0.025,
    "hr": 0.015,
}
"""Half-width of the band a single target value gets, as a fraction of the value."""

DEFAULT_TIME_CREATED_UNIX: Final = 946_728_000
"""2000-01-01T12:00:00Z: ``time_created`` when neither a date nor SOURCE_DATE_EPOCH is given."""

SPORTS: Final[Mapping[str, tuple[int, int | None]]] = {
    # intervals.icu sport -> (FIT sport, FIT sub_sport or None for "not written")
    "Ride": (2, None),  # cycling
    "VirtualRide": (2, 6),  # cycling / indoor_cycling (a trainer ride; Zwift's own
    #                         activities say virtual_activity, but a workout is done on a
    #                         trainer, which is Garmin's indoor_cycling profile)
    "GravelRide": (2, 46),  # cycling / gravel_cycling
    "MountainBikeRide": (2, 8),  # cycling / mountain
    "Run": (1, None),  # running
    "VirtualRun": (1, 1),  # running / treadmill
    "TrailRun": (1, 3),  # running / trail
    "Swim": (5, 17),  # swimming / lap_swimming
    "OpenWaterSwim": (5, 18),  # swimming / open_water
    "WeightTraining": (10, 20),  # training / strength_training
    "Workout": (10, None),  # training
    "Walk": (11, None),  # walking
    "Hike": (17, None),  # hiking
    "Rowing": (15, None),  # rowing
    "VirtualRow": (15, 14),  # rowing / indoor_rowing
    "NordicSki": (12, None),  # cross_country_skiing
    "Yoga": (10, 43),  # training / yoga
    "Other": (0, None),  # generic
}

INTENSITY: Final[Mapping[Intensity, int]] = {
    Intensity.ACTIVE: 0,
    Intensity.REST: 1,
    Intensity.WARMUP: 2,
    Intensity.COOLDOWN: 3,
    Intensity.RECOVERY: 4,
    Intensity.INTERVAL: 5,
    Intensity.OTHER: 6,
}

# wkt_step_duration / wkt_step_target values.
_TIME, _DISTANCE, _LAP_BUTTON, _REPEAT = 0, 1, 5, 6
_SPEED, _HEART_RATE, _OPEN, _CADENCE, _POWER = 0, 1, 2, 3, 4
_HEART_RATE_LAP = 13
_POWER_WINDOWS: Final = {None: _POWER, "1s": _POWER, "3s": 7, "10s": 8, "30s": 9, "lap": 10}
_POOL_METRIC, _POOL_STATUTE = 0, 1


def _round(x: float) -> int:
    """Round half up (Python's round() goes to even, which biases .5 values downwards)."""
    return math.floor(x + 0.5)


# --------------------------------------------------------------------------- targets


def _band(low: float, high: float, kind: str, ceiling: int | None) -> tuple[int, int]:
    """FIT custom low/high for a range in FIT units; a single value gets a band."""
    if low > high:
        low, high = high, low
    lo, hi = math.floor(low + 0.5), math.floor(high + 0.5)  # _round, inlined: every target
    if lo == hi:
        width = max(1, _round(lo * SINGLE_VALUE_BAND[kind]))
        lo, hi = lo - width, hi + width
    lo = max(lo, 0)
    if ceiling is not None:
        hi = min(hi, ceiling)
        lo = min(lo, hi)
    return lo, hi


def _target(t: PowerTarget | HrTarget | PaceTarget | CadenceTarget,
            step: Step) -> tuple[int, int, int]:
    """(target_type, custom_low, custom_high) for one lowered target (``_band`` orders
    the ends, so a range's start and end are passed as they are)."""
    r = t.value
    if isinstance(t, PowerTarget):
        kind = _POWER_WINDOWS.get(step.power_window, _POWER)
        if t.unit is PowerUnit.FTP:
            lo, hi = _band(r.start * 100, r.end * 100, "power", 1000)
            return kind, lo, hi
        if t.unit is PowerUnit.WATTS:
            lo, hi = _band(r.start, r.end, "power", None)
            return kind, lo + 1000, hi + 1000
    elif isinstance(t, HrTarget):
        kind = _HEART_RATE_LAP if step.hr_window == "lap" else _HEART_RATE
        if t.unit is HrUnit.MAX:
            lo, hi = _band(r.start * 100, r.end * 100, "hr", 100)
            return kind, lo, hi
        if t.unit is HrUnit.BPM:
            lo, hi = _band(r.start, r.end, "hr", None)
            return kind, max(lo, 1) + 100, max(hi, 1) + 100
    elif isinstance(t, PaceTarget):
        if r.is_single:  # a band even in pace, so its middle pace is the pace written (a
            w = SINGLE_VALUE_BAND["pace"]  # pace band is timed at its middle pace)
            lo, hi = _band(r.low / (1 + w) * 1000, r.low / (1 - w) * 1000, "pace", None)
        else:
            lo, hi = _band(r.start * 1000, r.end * 1000, "pace", None)
        return _SPEED, lo, hi
    elif isinstance(t, CadenceTarget):
        lo, hi = _band(r.start, r.end, "cadence", None)
        return _CADENCE, lo, hi
    raise ValueError(f"target {t!r} was not lowered for FIT")  # a lowering bug, not user input


def _targets(step: Step, known: dict) -> list[tuple[int, int, int]]:
    """Primary then secondary: power > pace > heart rate > cadence (the lowering keeps two).

    ``known`` keeps each target's numbers for the other steps of one file that hold the
    same target object (the slices of a ramp share every target but the one that ramps):
    by identity, with the step's windows, which are all of the step ``_target`` reads.
    """
    out = []
    for t in (step.power, step.pace, step.hr, step.cadence):
        if t is not None:
            key = (id(t), step.power_window, step.hr_window)
            numbers = known.get(key)
            if numbers is None:
                numbers = known[key] = _target(t, step)
            out.append(numbers)
    return out


# --------------------------------------------------------------------------- steps


def _fit_step(step: Step, known: dict) -> FitStep:
    amount = step.amount
    if step.until_lap_press:  # open: the watch moves on at a lap press
        duration_type, duration_value = _LAP_BUTTON, None
    elif isinstance(amount, Duration):
        duration_type, duration_value = _TIME, _round(amount.seconds * 1000)
    else:
        duration_type, duration_value = _DISTANCE, _round(amount.metres * 100)
    targets = _targets(step, known)
    intensity = INTENSITY[step.intensity or Intensity.ACTIVE]
    if not targets:
        return FitStep(duration_type, duration_value, _OPEN, None, None, None, intensity,
                       step.label, step.trailing)
    kind, low, high = targets[0]
    if len(targets) == 1:
        return FitStep(duration_type, duration_value, kind, 0, low, high, intensity,
                       step.label, step.trailing)
    kind2, low2, high2 = targets[1]
    return FitStep(duration_type, duration_value, kind, 0, low, high, intensity, step.label,
                   step.trailing, kind2, 0, low2, high2)


def _walk(nodes: tuple[Node, ...], out: list[FitStep], known: dict) -> None:
    for node in nodes:
        if isinstance(node, Step):
            out.append(_fit_step(node, known))
        elif isinstance(node, Repeat):
            first = len(out)
            _walk(node.children, out, known)
            if len(out) == first:
                continue  # nothing to repeat (the lowering drops these already)
            out.append(FitStep(_REPEAT, first, _OPEN, node.count, name=node.title or None))
        elif isinstance(node, Block):
            _walk(node.children, out, known)


def fit_steps(lowered: Workout) -> list[FitStep]:
    """The ``workout_step`` messages of a workout already lowered by ``lower_fit``."""
    out: list[FitStep] = []
    _walk(lowered.body, out, {})  # the lowered tree lives while the ids are used
    return out


# --------------------------------------------------------------------------- metadata


def time_created_unix(date: str | None, environ: Mapping[str, str] | None = None) -> int:
    """Unix seconds for ``time_created``: the session date at noon UTC, else
    SOURCE_DATE_EPOCH, else :data:`DEFAULT_TIME_CREATED_UNIX`.  Raises ValueError with
    a readable reason for a malformed date or SOURCE_DATE_EPOCH."""
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise ValueError(f"session date '{date}' is not an ISO date (YYYY-MM-DD)") from None
        noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        return int(noon.timestamp())
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip():
        try:
            return int(raw.strip())
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH='{raw}' is not a whole number of seconds") \
                from None
    return DEFAULT_TIME_CREATED_UNIX


def _fit_created(date: str | None) -> int:
    unix = time_created_unix(date)
    try:
        value = fit_time(unix)
    except FitEncodeError:
        value = -1
    if value < FIT_DATETIME_MIN:
        first = dt.datetime.fromtimestamp(631_065_600 + FIT_DATETIME_MIN, dt.UTC).date()
        try:  # SOURCE_DATE_EPOCH may be any whole number, past what a date can be
            shown = dt.datetime.fromtimestamp(unix, dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            shown = f"{unix} seconds after 1970"
        raise ValueError(f"FIT file times start at {first.isoformat()}; {shown} is "
                         "outside the range a FIT file can hold")
    return value


def _pool(workout: Workout, sport: int) -> tuple[int | None, int | None]:
    pool = workout.pool_length
    if pool is None or sport != 5:
        return None, None
    cm = _round(pool.metres * 100)
    if not 1 <= cm <= 0xFFFE:
        return None, None
    unit = _POOL_STATUTE if pool.unit in (DistanceUnit.YARD, DistanceUnit.MILE) else _POOL_METRIC
    return cm, unit


# --------------------------------------------------------------------------- entry point


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    """Compile ``workout`` to FIT workout-file bytes, with the diagnostics.

    On an error the bytes are empty and the diagnostics say why; bad input never
    raises.
    """
    try:
        created = _fit_created(options.date)
    except ValueError as exc:
        return b"", [error("bad-date", str(exc), NO_SPAN,
                           "give the session date as YYYY-MM-DD, or unset SOURCE_DATE_EPOCH")]
    prepared = _prepare(workout, athlete, options)
    diags = list(prepared.diagnostics)
    if prepared.fields is None:
        return b"", diags
    try:
        return prepared.file(created), diags
    except FitEncodeError as exc:  # a value the lowering let through; never a traceback
        diags.append(error("fit-encode", f"cannot encode the FIT file: {exc}", workout.span,
                           "please report this with the workout text"))
        return b"", diags


def write_fit(lowered: Workout, date: str | None = None) -> bytes:
    """The bytes of a workout already lowered by :func:`planc.lower.fit.lower_fit`.

    Raises ValueError for a date FIT cannot hold (FitEncodeError, a ValueError, for a
    value the lowering should not have let through).
    """
    return _Encoded.of(_fields(lowered)).file(_fit_created(date))


@dataclass(frozen=True, slots=True)
class _Encoded:
    """A workout's file but for its date: the encoded steps, and the hash of the text its
    serial number is hashed from, less the date.

    The serial is a hash of everything the file says (dataclass reprs are stable), so it
    changes with the content and never between two compiles of the same input: it is
    ``stable_serial`` of ``repr(sorted(fields))`` with ``time_created`` among the
    fields, and ``time_created`` sorts last, so the date is appended to a prefix, whose
    hash is kept (``serial_after``).
    """

    prepared: PreparedWorkout
    serial_prefix: hashlib.blake2b  # of repr(sorted(fields.items())) without its ']'

    @staticmethod
    def of(fields: dict) -> _Encoded:
        if any(key >= "time_created" for key in fields):
            raise ValueError("time_created must sort after every other field")  # a planc bug
        prefix = repr(sorted(fields.items()))[:-1]
        return _Encoded(prepare_workout(**fields, trusted=True),
                        serial_hash(prefix.encode("utf-8")))

    def file(self, created: int) -> bytes:
        tail = f", {('time_created', created)!r}]".encode()
        return self.prepared.file(serial_after(self.serial_prefix, tail), created)


@dataclass(slots=True)
class _Prepared:
    """Everything the file says except its date: shared by the sessions of a plan that
    run one workout on different days (lowering and encoding the steps are most of the
    cost of a FIT file; each day adds a file_id record and the CRC)."""

    workout: Workout
    athlete: Athlete
    fields: dict | None
    diagnostics: tuple[Diagnostic, ...]
    encoded: _Encoded | None = None  # on the first file(): encoding may raise

    def file(self, created: int) -> bytes:
        if self.encoded is None:
            self.encoded = _Encoded.of(self.fields)
        return self.encoded.file(created)


_PREPARED: dict[tuple[int, int, bool, bool, int | None], _Prepared] = {}
_PREPARED_MAX = 512


def _prepare(workout: Workout, athlete: Athlete, options: EmitOptions) -> _Prepared:
    key = (id(workout), id(athlete), options.indoor, options.strict, options.fit_max_steps)
    hit = _PREPARED.get(key)
    # the entry holds both objects, so their ids cannot be reused while it lives
    if hit is not None and hit.workout is workout and hit.athlete is athlete:
        return hit
    lowered = lower("fit", workout, athlete, options)
    fields = None if lowered.workout is None else _fields(lowered.workout)
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.clear()
    prepared = _PREPARED[key] = _Prepared(workout, athlete, fields, tuple(lowered.diagnostics))
    return prepared


def _fields(low: Workout) -> dict:
    """The encoder's arguments for a lowered workout, all but ``time_created``."""
    sport, sub_sport = SPORTS.get(low.sport, (0, None))
    pool_cm, pool_unit = _pool(low, sport)
    return {
        "name": low.name,
        "sport": sport,
        "sub_sport": sub_sport,
        "steps": fit_steps(low),
        "description": low.description,
        "pool_length_cm": pool_cm,
        "pool_length_unit": pool_unit,
    }

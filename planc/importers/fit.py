"""Garmin FIT *workout* files -> planc AST (formats.md §3), decoded with fitdecode.

Only workout files are workouts: an activity, course or settings file gets one
error naming its ``file_id.type``.  Decoding is strict (CRC checked), so a
damaged or truncated file is an error too, never a half workout.

Raw field values are read by field number, not by fitdecode's sub-field names,
so the mapping below is the profile's and does not depend on the decoder's
profile version:

* durations: time (ms) and distance (cm) map exactly; time is rounded to whole
  seconds on the absolute timeline.  Conditions planc cannot express
  (open / lap button, heart rate or power above or below a value, calories, TSS,
  reps) become a step of :data:`OPEN_STEP_SECONDS` that also ends on a lap press
  (``Press lap``), with the condition as a cue and a warning;
* repeats: ``repeat_until_steps_cmplt`` is ``Nx``, nesting included.  The
  conditional forms (until a time, a distance, a heart rate, a power, calories)
  become a fixed count: estimated from the body's length for time and distance,
  else :data:`CONDITIONAL_REPEATS`, with the condition in the repeat's title and a
  warning;
* targets: custom power 0-1000 is % FTP and above 1000 is watts + 1000 (power_3s,
  _10s, _30s and _lap are power with that averaging window); custom heart rate
  0-100 is % max HR and above 100 is bpm + 100; speed (mm/s) is an absolute pace;
  cadence is rpm; zones stay zones (with a warning: FIT zones are the device's);
  the secondary target (profile fields 19-22, or the developer fields Stages
  writes) adds a second target, cadence included;
* intensity: the leading warm-up steps and trailing cool-down steps become
  ``Warmup`` / ``Cooldown`` blocks; active is the default; any other class stays
  an explicit ``intensity=``;
* text: the step name is the label; notes written by planc's own FIT writer
  (cues as ``(m:ss) text``, "Free ride", "Max effort", "Press lap to move on",
  joined by `` | ``) are read back into what they came from; any other notes
  become a cue at the start of the step.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from dataclasses import dataclass, field

from planc.ast import (
    CadenceTarget,
    Cue,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    PaceTarget,
    PaceUnit,
    PoolLength,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Step,
)
from planc.check import MAX_ZONE
from planc.emit.fit import SPORTS
from planc.importers.common import (
    ImportResult,
    Reader,
    assemble,
    clean_label,
    edge_runs,
    fraction,
)
from planc.limits import CADENCE, HEART_RATE, SPEED, WATTS, Limit
from planc.syntax import default_pace_per, parse_pace_seconds
from planc.syntax.printer import fmt_pace_clock, num, one_line
from planc.units import PACE_PER_METRES, YARD_M, DistanceUnit, sport_family

OPEN_STEP_SECONDS = 300
"""Length given to a step FIT ends on a condition planc cannot express (lap button, heart
rate, power, calories): five minutes, and the step also ends on a lap press."""

CONDITIONAL_REPEATS = 2
"""Count given to a repeat FIT ends on a heart-rate, power or calorie condition: the
smallest count that is still a repeat; the condition goes in the title."""

_FILE_TYPES = {1: "device", 2: "settings", 3: "sport", 4: "activity", 5: "workout",
               6: "course", 7: "schedules", 9: "weight", 10: "totals", 11: "goals",
               14: "blood_pressure", 15: "monitoring_a", 20: "activity_summary",
               28: "monitoring_daily", 32: "monitoring_b", 34: "segment",
               35: "segment_list", 40: "exd_configuration"}
_WORKOUT = 5

# wkt_step_duration
_TIME, _DISTANCE, _HR_LT, _HR_GT, _CALORIES, _OPEN, _REPEAT = 0, 1, 2, 3, 4, 5, 6
_REPEAT_TIME, _REPEAT_DISTANCE, _REPEAT_CALORIES = 7, 8, 9
_REPEAT_HR_LT, _REPEAT_HR_GT, _REPEAT_POWER_LT, _REPEAT_POWER_GT = 10, 11, 12, 13
_POWER_LT, _POWER_GT, _TSS, _REPETITION_TIME, _REPS, _TIME_ONLY = 14, 15, 16, 28, 29, 31
_REPEATS = {_REPEAT, _REPEAT_TIME, _REPEAT_DISTANCE, _REPEAT_CALORIES, _REPEAT_HR_LT,
            _REPEAT_HR_GT, _REPEAT_POWER_LT, _REPEAT_POWER_GT}

# wkt_step_target
_SPEED, _HEART_RATE, _OPEN_TARGET, _CADENCE, _POWER = 0, 1, 2, 3, 4
_POWER_WINDOWS = {4: None, 7: "3s", 8: "10s", 9: "30s", 10: "lap"}
_SPEED_LAP, _HEART_RATE_LAP = 12, 13
_TARGET_NAMES = {5: "grade", 6: "resistance", 11: "swim stroke"}

_INTENSITY = {1: Intensity.REST, 2: Intensity.WARMUP, 3: Intensity.COOLDOWN,
              4: Intensity.RECOVERY, 5: Intensity.INTERVAL, 6: Intensity.OTHER}

_U32_INVALID = 0xFFFFFFFF


@dataclass(slots=True)
class _Raw:
    """One workout_step by field number (raw values), plus developer fields by name."""

    index: int
    fields: dict[int, object] = field(default_factory=dict)
    dev: dict[str, object] = field(default_factory=dict)

    def int(self, num: int) -> int | None:
        v = self.fields.get(num)
        if isinstance(v, bool) or not isinstance(v, int):
            return None
        return v

    def text(self, num: int) -> str | None:
        v = self.fields.get(num)
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        return one_line(v) if isinstance(v, str) and one_line(v) else None


def _decode(data: bytes, r: Reader) -> tuple[dict[str, list[dict]], list[_Raw]] | None:
    """file_id/workout messages (raw, by field number) and workout steps; None on error."""
    import fitdecode

    messages: dict[str, list[dict]] = {"file_id": [], "workout": []}
    steps: list[_Raw] = []
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE,
                                 error_handling=fitdecode.ErrorHandling.RAISE) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if frame.global_mesg_num == 0:
                    messages["file_id"].append(_by_number(frame))
                elif frame.global_mesg_num == 26:
                    messages["workout"].append(_by_number(frame))
                elif frame.global_mesg_num == 27:
                    raw = _Raw(len(steps))
                    for f in frame.fields:
                        if type(f.field_def).__name__ == "DevFieldDefinition":
                            raw.dev[str(f.name)] = f.raw_value
                        else:
                            raw.fields[f.def_num] = f.raw_value
                    steps.append(raw)
    except fitdecode.FitCRCError:
        r.error("fit-crc", "the FIT file's checksum does not match: the file is damaged",
                hint="copy or download the file again")
        return None
    except fitdecode.FitEOFError:
        r.error("truncated", f"the FIT file ends too early ({len(data)} bytes): it is "
                "truncated", hint="copy or download the file again")
        return None
    except fitdecode.FitHeaderError as exc:
        r.error("fit-header", f"not a valid FIT file: {exc}")
        return None
    except Exception as exc:  # fitdecode raises assorted errors on malformed records
        r.error("fit-decode", f"the FIT file cannot be decoded: {exc}",
                hint="the file is damaged, or not a FIT file")
        return None
    return messages, steps


def _by_number(frame) -> dict:
    out: dict = {}
    for f in frame.fields:
        if type(f.field_def).__name__ == "DevFieldDefinition":
            out[str(f.name)] = f.raw_value
        else:
            out[f.def_num] = f.raw_value
    return out


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value.strip() if isinstance(value, str) and value.strip() else None


# --------------------------------------------------------------------------- sports


def _sport(sport: int | None, sub: int | None) -> str:
    exact = {v: k for k, v in reversed(list(SPORTS.items()))}
    if (sport, sub) in exact:
        return exact[(sport, sub)]
    if (sport, None) in exact:
        return exact[(sport, None)]
    return {2: "Ride", 1: "Run", 5: "Swim", 10: "Workout"}.get(sport or 0, "Other")


# --------------------------------------------------------------------------- targets


def _speed_target(low: int, high: int, sport: str) -> PaceTarget:
    """An absolute pace from FIT speeds (mm/s), snapped to what the text writes (0.1 s)."""
    per = default_pace_per(sport)
    metres = PACE_PER_METRES[per]

    def snap(mm_s: int) -> float:
        secs = parse_pace_seconds(fmt_pace_clock(metres / (mm_s / 1000)))[0]
        # a speed inside planc.limits.SPEED writes a pace of 0.1 s or more
        return metres / max(secs, 0.1)

    return PaceTarget(PaceUnit.SPEED, Range(snap(low), snap(high)), per, True)


def _plausible(values: tuple[float, float], limit: Limit, where: str, r: Reader) -> bool:
    """Are both ends of a target inside ``limit`` (planc.limits)?  Else the target is
    left out with a warning: a speed of 0.0001 m/s has no pace planc can write."""
    bad = next((v for v in values if not limit.contains(v)), None)
    if bad is None:
        return True
    r.warn("implausible-value", f"{where}: {limit.problem(bad)}; the target is left out")
    return False


@dataclass(slots=True)
class _Target:
    power: PowerTarget | None = None
    hr: HrTarget | None = None
    pace: PaceTarget | None = None
    cadence: CadenceTarget | None = None
    power_window: str | None = None
    hr_window: str | None = None


def _target(kind: int | None, value: int | None, low: int | None, high: int | None,
            sport: str, r: Reader, where: str, into: _Target) -> None:
    """Decode one (type, value, custom low/high) target into ``into``."""
    if kind is None or kind == _OPEN_TARGET or kind == 0xFF:
        return
    zone = value if value not in (None, 0, _U32_INVALID) else None
    lo = low if low not in (None, _U32_INVALID) else None
    hi = high if high not in (None, _U32_INVALID) else None
    if zone is None and lo is None and hi is None:
        return
    if zone is None:
        lo = hi if lo is None else lo
        hi = lo if hi is None else hi
        lo, hi = min(lo, hi), max(lo, hi)
    if zone is not None and zone > MAX_ZONE and kind != _CADENCE:
        r.warn("fit-target", f"{where}: zone {zone} is beyond planc's zones (Z1-Z{MAX_ZONE}); "
               "the target is left out")
        return
    if zone is not None and kind in (_POWER, 7, 8, 9, 10, _HEART_RATE, _HEART_RATE_LAP, _SPEED,
                                     _SPEED_LAP):
        r.warn("fit-zone", "FIT target zones are the device's zones; planc reads them as the "
               "athlete's intervals.icu zones", once=True)
    if kind in _POWER_WINDOWS:
        if into.power is None:
            into.power_window = _POWER_WINDOWS[kind]
            into.power = _offset_target(_POWER_SCALE, zone, lo, hi, where, r)
    elif kind in (_HEART_RATE, _HEART_RATE_LAP):
        if into.hr is None:
            into.hr_window = "lap" if kind == _HEART_RATE_LAP else None
            into.hr = _offset_target(_HR_SCALE, zone, lo, hi, where, r)
    elif kind in (_SPEED, _SPEED_LAP):
        if into.pace is None:
            into.pace = _pace(zone, lo, hi, sport, where, r)
    elif kind == _CADENCE:
        if into.cadence is None:
            into.cadence = _cadence(zone, lo, hi, where, r)
    else:
        name = _TARGET_NAMES.get(kind, f"type {kind}")
        r.warn("fit-target", f"{where}: planc has no {name} targets; it is left out")


@dataclass(frozen=True, slots=True)
class _OffsetScale:
    """FIT's power and heart-rate values: a percentage up to ``offset``, absolute units
    plus ``offset`` above it (the profile's "custom" value encoding)."""

    target: type  # PowerTarget or HrTarget
    zone: PowerUnit | HrUnit
    percent: PowerUnit | HrUnit
    absolute: PowerUnit | HrUnit
    offset: int
    limit: Limit  # the plausible range of the absolute unit
    what: str  # for the warning: "power range ... mixes % FTP and watts"


_POWER_SCALE = _OffsetScale(PowerTarget, PowerUnit.ZONE, PowerUnit.FTP, PowerUnit.WATTS, 1000,
                            WATTS, "power range {lo}-{hi} mixes % FTP and watts")
_HR_SCALE = _OffsetScale(HrTarget, HrUnit.ZONE, HrUnit.MAX, HrUnit.BPM, 100, HEART_RATE,
                         "heart-rate range {lo}-{hi} mixes % max HR and bpm")


def _offset_target(scale: _OffsetScale, zone: int | None, lo: int, hi: int, where: str,
                   r: Reader):
    """A zone, a percentage, or absolute units; a range across the offset keeps its top."""
    if zone is not None:
        return scale.target(scale.zone, Range(float(zone), float(zone)))
    if hi <= scale.offset:
        return scale.target(scale.percent, Range(fraction(lo / 100), fraction(hi / 100)))
    top = float(hi - scale.offset)
    if lo > scale.offset:
        if _plausible((lo - scale.offset, hi - scale.offset), scale.limit, where, r):
            return scale.target(scale.absolute, Range(float(lo - scale.offset), top))
        return None
    r.warn("fit-target", f"{where}: the {scale.what.format(lo=lo, hi=hi)}; only its upper "
           "end is kept")
    return scale.target(scale.absolute, Range(top, top))


def _pace(zone: int | None, lo: int, hi: int, sport: str, where: str,
          r: Reader) -> PaceTarget | None:
    """FIT speed (mm/s) as a pace, faster first as paces are written."""
    if zone is not None:
        return PaceTarget(PaceUnit.ZONE, Range(float(zone), float(zone)))
    if lo > 0:
        if _plausible((lo / 1000, hi / 1000), SPEED, where, r):
            return _speed_target(hi, lo, sport)
        return None
    r.warn("fit-target", f"{where}: a speed target of 0 has no pace; it is left out")
    return None


def _cadence(zone: int | None, lo: int, hi: int, where: str, r: Reader) -> CadenceTarget | None:
    if zone is not None:
        r.warn("fit-target", f"{where}: planc has no cadence zones; the cadence zone "
               f"{zone} is left out")
        return None
    if _plausible((lo, hi), CADENCE, where, r):
        return CadenceTarget(Range(float(lo), float(hi)))
    return None


# --------------------------------------------------------------------------- notes

_CLOCK_CUE = re.compile(r"^\((?:(\d+):)?(\d+):(\d\d)\) (.+)$")
_DIST_CUE = re.compile(r"^\((\d+(?:\.\d+)?)(k?m)\) (.+)$")
_FLAGS = {"Free ride": "freeride", "Max effort": "maxeffort",
          "Press lap to move on": "until_lap_press"}
# planc writes a lap-button step's planned length into its notes
_PLANNED = re.compile(r"^Press lap to move on \(planned (?:(?:(\d+)h)?(?:(\d+)m)?"
                      r"(?:(\d+(?:\.\d+)?)s)?|(\d+(?:\.\d+)?)(mtr|km))\)$")


def _planned(part: str) -> Duration | Distance | None:
    """The planned length in 'Press lap to move on (planned 2m)', else None."""
    m = _PLANNED.match(part)
    if not m or not any(m.groups()):
        return None
    h, mi, s, dist, unit = m.groups()
    if dist is not None:
        return Distance(float(dist) * (1000 if unit == "km" else 1), DistanceUnit.METRE)
    return Duration(int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0))


def _planned_in(notes: str | None) -> Duration | Distance | None:
    return next((p for part in (notes or "").split(" | ") if (p := _planned(part))), None)


def _read_notes(notes: str | None, name: str | None) -> tuple[str | None, list[Cue], dict]:
    """(full label, cues, flags) from the notes; planc's own layout is read back exactly."""
    if not notes:
        return None, [], {}
    parts = notes.split(" | ")
    label = None
    cues: list[Cue] = []
    flags: dict[str, bool] = {}
    for i, part in enumerate(parts):
        if part in _FLAGS:
            flags[_FLAGS[part]] = True
        elif _planned(part) is not None:
            flags["until_lap_press"] = True
        elif m := _CLOCK_CUE.match(part):
            h, mi, s = (int(g) if g else 0 for g in m.groups()[:3])
            cues.append(Cue(float(h * 3600 + mi * 60 + s), one_line(m.group(4))))
        elif m := _DIST_CUE.match(part):
            metres = float(m.group(1)) * (1000 if m.group(2) == "km" else 1)
            cues.append(Cue(float(round(metres)), one_line(m.group(3))))
        elif i == 0 and name and part.startswith(name) and len(part) > len(name):
            label = part
        else:  # not planc's layout: the notes are one message for the step
            return None, [Cue(0.0, one_line(notes))], {}
    return label, cues, flags


# --------------------------------------------------------------------------- steps


@dataclass(slots=True)
class _Built:
    first_index: int
    node: Step | Repeat
    warmup: bool = False
    cooldown: bool = False


class _FitReader:
    def __init__(self, r: Reader, sport: str):
        self.r = r
        self.sport = sport
        self.exact = 0.0
        self.rounded = 0
        self.fractional = False

    def seconds(self, ms: int) -> float:
        """Whole seconds, each boundary rounded on the file's own timeline (no drift)."""
        exact = ms / 1000
        if exact != int(exact):
            self.fractional = True
        self.exact += exact
        end = math.floor(self.exact + 0.5)
        length = end - self.rounded
        self.rounded = end
        return float(length)

    def step(self, raw: _Raw) -> tuple[Step, Intensity | None]:
        where = f"step {raw.index}"
        kind = raw.int(1)
        value = raw.int(2)
        name = raw.text(0)
        extra_cue: str | None = None
        lap = False
        if kind in (_TIME, _REPETITION_TIME, _TIME_ONLY) and value not in (None, _U32_INVALID):
            amount: Duration | Distance = Duration(self.seconds(value))
        elif kind == _DISTANCE and value not in (None, _U32_INVALID):
            amount = Distance(round(value / 100, 2), DistanceUnit.METRE)
        elif kind == _OPEN and (planned := _planned_in(raw.text(8))) is not None:
            amount, lap = planned, True  # planc's own lap-button step: its planned length
        else:
            amount = Duration(float(OPEN_STEP_SECONDS))
            lap = True
            extra_cue = self.condition(kind, value)
            if extra_cue:
                self.r.warn("fit-condition", f"{where} ends {extra_cue}; planc steps have a "
                            f"length: it becomes {OPEN_STEP_SECONDS // 60} minutes that also end "
                            "on a lap press, with the condition as a cue",
                            hint="set the length you want")
            else:
                self.r.warn("fit-open", f"{where} is open (it ends on a lap press); it becomes "
                            f"{OPEN_STEP_SECONDS // 60} minutes that also end on a lap press",
                            once=True, hint="set the length you want")
        t = _Target()
        _target(raw.int(3), raw.int(4), raw.int(5), raw.int(6), self.sport, self.r, where, t)
        _target(raw.int(19), raw.int(20), raw.int(21), raw.int(22), self.sport, self.r, where, t)
        for prefix in ("secondary", "tertiary"):
            kind2 = raw.dev.get(f"{prefix}_target_type")
            if isinstance(kind2, int):
                _target(kind2, _as_int(raw.dev.get(f"{prefix}_target_value")),
                        _as_int(raw.dev.get(f"{prefix}_custom_target_low")),
                        _as_int(raw.dev.get(f"{prefix}_custom_target_high")),
                        self.sport, self.r, where, t)
        full_label, cues, flags = _read_notes(raw.text(8), name)
        label = full_label or name
        if extra_cue:
            cues.insert(0, Cue(0.0, f"Until {extra_cue}"))
        if lap:
            flags["until_lap_press"] = True
        if flags.get("freeride") or flags.get("maxeffort"):
            t.power = None
            t.power_window = None
        length = amount.seconds if isinstance(amount, Duration) else amount.metres
        placed: dict[float, list[str]] = {}
        for cue in cues:
            at = min(cue.offset, max(0.0, math.ceil(length) - 1.0))
            texts = placed.setdefault(at, [])
            if cue.text and cue.text not in texts:
                texts.append(cue.text)
        intensity = _INTENSITY.get(raw.int(7) if raw.int(7) is not None else 0)
        step = Step(
            amount=amount,
            label=clean_label(label),
            power=t.power, hr=t.hr, pace=t.pace, cadence=t.cadence,
            power_window=t.power_window if t.power is not None else None,
            hr_window=t.hr_window if t.hr is not None else None,
            until_lap_press=flags.get("until_lap_press", False),
            freeride=flags.get("freeride", False),
            maxeffort=flags.get("maxeffort", False),
            cues=tuple(Cue(at, " ".join(x)) for at, x in sorted(placed.items()) if x),
        )
        return step, intensity

    def condition(self, kind: int | None, value: int | None) -> str | None:
        """Words for a duration condition planc cannot express (None for open/lap)."""
        if value in (None, _U32_INVALID) or kind in (None, _OPEN):
            return None
        if kind in (_HR_LT, _HR_GT):
            word = "below" if kind == _HR_LT else "above"
            amount = f"{value - 100} bpm" if value > 100 else f"{value}% max HR"
            return f"heart rate {word} {amount}"
        if kind in (_POWER_LT, _POWER_GT):
            word = "below" if kind == _POWER_LT else "above"
            amount = f"{value - 1000} W" if value > 1000 else f"{value}% FTP"
            return f"power {word} {amount}"
        if kind == _CALORIES:
            return f"{value} kcal"
        if kind == _TSS:
            return f"TSS {value / 10:g}"
        if kind == _REPS:
            return f"{value} reps"
        return f"a condition FIT calls duration type {kind}"


def _as_int(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _length_of(node: Step | Repeat, kind: type) -> float | None:
    """Total seconds (Duration) or metres (Distance) of a node; None if mixed."""
    if isinstance(node, Step):
        if not isinstance(node.amount, kind):
            return None
        return node.amount.seconds if kind is Duration else node.amount.metres
    total = 0.0
    for c in node.children:
        if isinstance(c, Step | Repeat):
            v = _length_of(c, kind)
            if v is None:
                return None
            total += v
    return node.count * total


def _repeat(raw: _Raw, body: list[_Built], r: Reader) -> tuple[int, str]:
    """(count, title) of a repeat step; conditional repeats are approximated with a warning."""
    kind = raw.int(1)
    target = raw.int(4)
    name = raw.text(0) or ""
    where = f"step {raw.index}"
    if kind == _REPEAT:
        return (target if target not in (None, _U32_INVALID) else 1), name
    if kind in (_REPEAT_TIME, _REPEAT_DISTANCE) and target not in (None, _U32_INVALID):
        unit = Duration if kind == _REPEAT_TIME else Distance
        goal = target / (1000 if kind == _REPEAT_TIME else 100)
        lengths = [_length_of(b.node, unit) for b in body]
        per_pass = None if any(v is None for v in lengths) else sum(lengths)
        what = (f"{goal / 60:g} minutes" if kind == _REPEAT_TIME else f"{goal:g} m")
        if per_pass:
            count = max(1, round(goal / per_pass))
            r.warn("fit-conditional-repeat", f"{where} repeats until {what} have passed; planc "
                   f"repeats a fixed number of times: {count}x (the nearest whole count)")
            return count, name
        r.warn("fit-conditional-repeat", f"{where} repeats until {what} have passed; the body's "
               f"length is unknown, so it becomes {CONDITIONAL_REPEATS}x",
               hint="set the count you want")
        return CONDITIONAL_REPEATS, (name + " " if name else "") + f"(until {what})"
    if target in (None, _U32_INVALID):
        words = "a condition"
    elif kind in (_REPEAT_HR_LT, _REPEAT_HR_GT):
        word = "below" if kind == _REPEAT_HR_LT else "above"
        words = f"heart rate {word} " + (f"{target - 100} bpm" if target > 100
                                         else f"{target}% max HR")
    elif kind in (_REPEAT_POWER_LT, _REPEAT_POWER_GT):
        word = "below" if kind == _REPEAT_POWER_LT else "above"
        words = f"power {word} " + (f"{target - 1000} W" if target > 1000 else f"{target}% FTP")
    else:
        words = f"{target} kcal"
    r.warn("fit-conditional-repeat", f"{where} repeats until {words}; planc repeats a fixed "
           f"number of times: it becomes {CONDITIONAL_REPEATS}x with the condition in the title",
           hint="set the count you want")
    return CONDITIONAL_REPEATS, (name + " " if name else "") + f"(until {words})"


def _guess_sport(raws: list[_Raw], r: Reader) -> str:
    """A sport for a file that names none (the Garmin SDK samples): its targets decide."""
    kinds = {raw.int(3) for raw in raws} | {raw.int(19) for raw in raws}
    if kinds & set(_POWER_WINDOWS):
        sport, why = "Ride", "power targets"
    elif kinds & {_SPEED, _SPEED_LAP}:
        sport, why = "Run", "pace targets"
    else:
        return "Workout"
    r.warn("fit-sport", f"the FIT workout names no sport; it is read as a {sport.lower()} "
           f"because it has {why}", hint="pass --sport to choose another")
    return sport


def _is_workout_file(messages: dict, r: Reader) -> bool:
    """file_id says workout; otherwise an error naming what the file is."""
    if not messages["file_id"]:
        r.error("fit-not-workout", "the FIT file has no file_id message, so it is not a "
                "workout file")
        return False
    ftype = messages["file_id"][0].get(0)
    if ftype != _WORKOUT:
        what = _FILE_TYPES.get(ftype, f"type {ftype}") if isinstance(ftype, int) else "unknown"
        article = "an" if what[:1] in "aeiou" else "a"
        r.error("fit-not-workout", f"this FIT file is {article} {what} file (file_id.type = {what}), "
                "not a workout", hint="planc imports FIT workout files (file_id.type = "
                "workout), such as those exported by Garmin Connect or TrainerRoad")
        return False
    return True


def _fold_repeat(raw, built: list[_Built], r: Reader) -> bool:
    """A repeat step closes the steps since the one it points back to; False if malformed."""
    back = raw.int(2)
    if back is None or back >= raw.index or back < 0:
        r.error("fit-repeat", f"step {raw.index} repeats from step {back}, which is "
                "not an earlier step; the file is malformed")
        return False
    start = next((i for i, b in enumerate(built) if b.first_index == back), None)
    if start is None:
        r.error("fit-repeat", f"step {raw.index} repeats from step {back}, which is "
                "inside another repeat; the file is malformed")
        return False
    body = built[start:]
    del built[start:]
    count, title = _repeat(raw, body, r)
    if count <= 1:
        built.extend(body)
        if count < 1:
            r.warn("fit-repeat", f"step {raw.index} repeats 0 times; its steps are kept once")
        return True
    children = tuple(dataclasses.replace(b.node, section=None)
                     if isinstance(b.node, Step) else b.node for b in body)
    built.append(_Built(body[0].first_index, Repeat(min(count, 200), children,
                                                    one_line(title))))
    if count > 200:
        r.warn("fit-repeat", f"step {raw.index} repeats {count} times; planc allows at most 200")
    return True


def _build_steps(raws: list, reader: _FitReader, r: Reader) -> list[_Built] | None:
    built: list[_Built] = []
    for raw in raws:
        if raw.int(1) in _REPEATS:
            if not _fold_repeat(raw, built, r):
                return None
            continue
        step, intensity = reader.step(raw)
        built.append(_Built(raw.index, dataclasses.replace(step, intensity=intensity),
                            intensity is Intensity.WARMUP, intensity is Intensity.COOLDOWN))
    return built


def _pool_length(wkt: dict, sport: str) -> PoolLength | None:
    pool = _as_int(wkt.get(14))
    if not pool or sport_family(sport) != "swim" or pool == 0xFFFF:
        return None
    metres = pool / 100
    unit = DistanceUnit.YARD if wkt.get(15) == 1 else DistanceUnit.METRE
    if unit is DistanceUnit.YARD:
        metres = float(num(round(metres / YARD_M, 6))) * YARD_M
    return PoolLength(metres, unit)


def read_fit(data: bytes, path: str) -> ImportResult:
    r = Reader(path)
    if not data:
        r.error("empty-file", "the file is empty")
        return r.result(None, "fit", None)
    decoded = _decode(data, r)
    if decoded is None:
        return r.result(None, "fit", None)
    messages, raws = decoded
    if not _is_workout_file(messages, r):
        return r.result(None, "fit", None)
    wkt = messages["workout"][0] if messages["workout"] else {}
    sport = _sport(_as_int(wkt.get(4)), _as_int(wkt.get(11)))
    if not raws:
        r.error("fit-no-steps", "the FIT workout has no workout_step messages")
        return r.result(None, "fit", None)
    if sport in ("Other", "Workout") and (wkt.get(4) in (None, 0, 0xFF)):
        sport = _guess_sport(raws, r)
    reader = _FitReader(r, sport)
    built = _build_steps(raws, reader, r)
    if built is None:
        return r.result(None, "fit", None)
    if reader.fractional:
        r.warn("fit-fractional", "step times with fractions of a second are rounded to whole "
               "seconds (each boundary to the nearest second, so the total does not drift)")
    elements = [b.node for b in built]
    # a warm-up/cool-down step outside the leading/trailing runs keeps its intensity;
    # inside them the section says it
    lead, trail = edge_runs(elements, [b.warmup for b in built], [b.cooldown for b in built])
    description = _text(wkt.get(17)) or _text(wkt.get("description"))
    workout = assemble(elements, sport=sport, name=_text(wkt.get(8)), description=description,
                       recover=False, warmup=lead, cooldown=trail)
    pool = _pool_length(wkt, sport)
    if pool is not None:
        workout = dataclasses.replace(workout, pool_length=pool)
    return r.result(workout, "fit", None)

"""Three FIT decoders by three makers, read into one plain form, and a device's run of it.

* **fitdecode** (Jean-Charles Lefebvre; MIT; a rewrite of python-fitparse), with
  its CRC check set to raise;
* **garmin-fit-sdk** (Garmin's own Python SDK), which must say ``is_fit``,
  ``check_integrity`` and read without errors;
* **fit-tool** (Stages Cycling's FIT library, kept on PyPI by a community fork;
  BSD-3-Clause), a third decoder with its own profile tables, its own message
  classes and its own CRC check (a bad CRC raises).  It was chosen over fitparse
  (fitdecode's ancestor, so not an independent reading, and its 2020 profile
  predates the secondary-target fields) and over Garmin's JavaScript SDK (Garmin
  again, and node plus the npm registry in CI): it is a pure-Python wheel with no
  runtime dependencies, so it installs with the other test extras and runs offline.

Each decoder gives a :class:`FitFile`: the ``workout`` message's sport, name and
step count and every ``workout_step`` as a :class:`FitStep` with raw values (FIT's
own units: ms, cm, % FTP or watts + 1000, % max HR or bpm + 100, mm/s, rpm).
:func:`device_run` then follows the repeat steps the way a watch does and lists
the steps in the order it runs them.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

import fitdecode
from fit_tool.fit_file import FitFile as FitToolFile
from garmin_fit_sdk import Decoder, Stream

WORKOUT, WORKOUT_STEP = 26, 27
DURATION = {0: "time", 1: "distance", 5: "open", 6: "repeat"}
TARGET = {0: "speed", 1: "heart_rate", 2: "open", 3: "cadence", 4: "power", 7: "power",
          8: "power", 9: "power", 10: "power", 13: "heart_rate"}
INTENSITY = {0: "active", 1: "rest", 2: "warmup", 3: "cooldown", 4: "recovery",
             5: "interval", 6: "other"}
# workout_step field numbers
_FIELDS = {254: "index", 0: "name", 1: "duration_type", 2: "duration_value", 3: "target_type",
           4: "target_value", 5: "low", 6: "high", 7: "intensity", 8: "notes",
           19: "secondary_type", 20: "secondary_value", 21: "secondary_low",
           22: "secondary_high"}
_GARMIN = {"message_index": "index", "wkt_step_name": "name", "duration_type": "duration_type",
           "duration_value": "duration_value", "target_type": "target_type",
           "target_value": "target_value", "custom_target_value_low": "low",
           "custom_target_value_high": "high", "intensity": "intensity", "notes": "notes",
           "secondary_target_type": "secondary_type",
           "secondary_target_value": "secondary_value",
           "secondary_custom_target_value_low": "secondary_low",
           "secondary_custom_target_value_high": "secondary_high"}


@dataclass(frozen=True)
class FitStep:
    """One ``workout_step`` with raw values (None: the field is absent or invalid)."""

    index: int
    name: str | None = None
    duration_type: int | None = None
    duration_value: int | None = None
    target_type: int | None = None
    target_value: int | None = None
    low: int | None = None
    high: int | None = None
    intensity: int | None = None
    notes: str | None = None
    secondary_type: int | None = None
    secondary_value: int | None = None
    secondary_low: int | None = None
    secondary_high: int | None = None

    @property
    def duration(self) -> str:
        return DURATION.get(self.duration_type or 0, f"type {self.duration_type}")

    @property
    def target(self) -> str:
        if self.target_type is None:
            return "open"
        return TARGET.get(self.target_type, f"type {self.target_type}")

    @property
    def seconds(self) -> float | None:
        return self.duration_value / 1000 if self.duration == "time" else None

    @property
    def metres(self) -> float | None:
        return self.duration_value / 100 if self.duration == "distance" else None


@dataclass
class FitFile:
    decoder: str
    sport: int | None = None
    name: str | None = None
    num_valid_steps: int | None = None
    steps: list[FitStep] = field(default_factory=list)


def _step(values: dict[str, Any]) -> FitStep:
    return FitStep(**{k: v for k, v in values.items() if v is not None})


def read_fitdecode(data: bytes) -> FitFile:
    out = FitFile("fitdecode")
    with warnings.catch_warnings(), fitdecode.FitReader(
            io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        warnings.simplefilter("ignore")
        for frame in reader:
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            raw = {f.def_num: f.raw_value for f in frame.fields if f.field_def is not None}
            _take(out, frame.global_mesg_num, raw)
    return out


def read_fit_tool(data: bytes) -> FitFile:
    out = FitFile("fit-tool")
    for record in FitToolFile.from_bytes(data, check_crc=True).records:
        message = record.message
        if type(message).__name__ == "DefinitionMessage":
            continue
        raw = {f.field_id: _fit_tool_value(f) for f in message.fields if f.is_valid()}
        _take(out, message.global_id, raw)
    return out


def _fit_tool_value(f: Any) -> Any:
    """fit-tool keeps invalid values as FIT's invalid numbers; make them None."""
    values = f.encoded_values
    if not values:
        return None
    value = values[0]
    name = f.base_type.name
    if isinstance(value, int) and ((name.endswith("Z") and value == 0)
                                   or value == _INVALID.get(name)):
        return None
    return value


_INVALID = {"ENUM": 0xFF, "UINT8": 0xFF, "UINT16": 0xFFFF, "UINT32": 0xFFFFFFFF,
            "SINT8": 0x7F, "SINT16": 0x7FFF, "SINT32": 0x7FFFFFFF}


def read_garmin(data: bytes) -> FitFile:
    out = FitFile("garmin-fit-sdk")
    stream = bytearray(data)
    if not Decoder(Stream.from_byte_array(stream)).is_fit():
        raise ValueError("garmin-fit-sdk: not a FIT file")
    if not Decoder(Stream.from_byte_array(stream)).check_integrity():
        raise ValueError("garmin-fit-sdk: integrity check failed")
    messages, errors = Decoder(Stream.from_byte_array(stream)).read(
        convert_types_to_strings=False)
    if errors:
        raise ValueError(f"garmin-fit-sdk: {errors}")
    (workout,) = messages.get("workout_mesgs", [{}])
    out.sport = workout.get("sport")
    out.name = workout.get("wkt_name")
    out.num_valid_steps = workout.get("num_valid_steps")
    for m in messages.get("workout_step_mesgs", []):
        out.steps.append(_step({ours: m.get(theirs) for theirs, ours in _GARMIN.items()}))
    return out


def _take(out: FitFile, mesg_num: int | None, raw: dict[int, Any]) -> None:
    if mesg_num == WORKOUT:
        out.sport, out.name, out.num_valid_steps = raw.get(4), raw.get(8), raw.get(6)
    elif mesg_num == WORKOUT_STEP:
        out.steps.append(_step({name: raw.get(num) for num, name in _FIELDS.items()}))


READERS = (read_fitdecode, read_garmin, read_fit_tool)


def read_all(data: bytes) -> list[FitFile]:
    """The file read by every decoder; each must read it (they raise when they cannot)."""
    return [read(data) for read in READERS]


def device_run(fit: FitFile, limit: int = 100_000) -> list[FitStep]:
    """The steps in the order a device runs them: a repeat step sends the device back to
    its ``duration_value`` step until it has run the body ``target_value`` times."""
    steps = fit.steps
    done: dict[int, int] = {}
    out: list[FitStep] = []
    i = 0
    while i < len(steps):
        s = steps[i]
        if s.duration != "repeat":
            out.append(s)
            if len(out) > limit:
                raise ValueError("repeat steps do not end")
            i += 1
            continue
        done[i] = done.get(i, 1) + 1
        if done[i] <= (s.target_value or 1):
            i = s.duration_value or 0
        else:
            done[i] = 1  # an inner repeat starts over on the outer repeat's next pass
            i += 1
    return out

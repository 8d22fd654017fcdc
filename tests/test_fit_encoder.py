"""Tests for planc's FIT workout encoder, with two independent decoders as oracles.

Every file the encoder writes must decode in fitdecode with CRC checking set to raise
*and* in Garmin's own garmin-fit-sdk (``is_fit``, ``check_integrity`` and ``read`` with
no errors), and the decoded fields must equal what we passed in.  Corrupted and
truncated files must be rejected by both, which proves the oracles are really checking.

Values are compared as raw field values: fitdecode turns some legitimate numbers into
names (a custom power of exactly 1000 reads back as ``'watts_offset'``), and the raw
value is what the encoder promises to write.  Unit conversions (ms -> s, cm -> m) are
checked through the decoders' sub-fields separately.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from garmin_fit_sdk import CrcCalculator, Decoder, Stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planc.emit.fit_encoder import (
    FIT_EPOCH_UNIX,
    MAX_STEPS,
    MAX_STRING_SIZES,
    PROFILE_VERSION,
    PROTOCOL_VERSION,
    FitEncodeError,
    FitStep,
    crc16,
    encode_workout,
    fit_time,
    stable_serial,
    truncate_utf8,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("PLANC_CORPUS", REPO_ROOT / ".." / "shared" / "corpus"))
CORPUS_FIT = CORPUS / "fit"

TIME_CREATED_UNIX = 1_704_164_645  # 2024-01-02T03:04:05Z
TIME_CREATED = fit_time(TIME_CREATED_UNIX)
SERIAL = 0x12345678

# workout_step field numbers -> FitStep attribute (the encoder's whole contract).
STEP_FIELDS: dict[int, str] = {
    1: "duration_type",
    2: "duration_value",
    3: "target_type",
    4: "target_value",
    5: "custom_low",
    6: "custom_high",
    7: "intensity",
    19: "secondary_target_type",
    20: "secondary_target_value",
    21: "secondary_custom_low",
    22: "secondary_custom_high",
}
# The same, by the main field names garmin-fit-sdk reports.
GARMIN_STEP_FIELDS: dict[str, str] = {
    "duration_type": "duration_type",
    "duration_value": "duration_value",
    "target_type": "target_type",
    "target_value": "target_value",
    "custom_target_value_low": "custom_low",
    "custom_target_value_high": "custom_high",
    "intensity": "intensity",
    "secondary_target_type": "secondary_target_type",
    "secondary_target_value": "secondary_target_value",
    "secondary_custom_target_value_low": "secondary_custom_low",
    "secondary_custom_target_value_high": "secondary_custom_high",
}

# wkt_step_duration / wkt_step_target / intensity values used below.
TIME, DISTANCE, HR_LESS_THAN, OPEN, REPEAT = 0, 1, 2, 5, 6
SPEED, HEART_RATE, OPEN_TARGET, CADENCE, POWER = 0, 1, 2, 3, 4
ACTIVE, REST, WARMUP, COOLDOWN, RECOVERY, INTERVAL = 0, 1, 2, 3, 4, 5
CYCLING, RUNNING, SWIMMING = 2, 1, 5

# A workout that touches every feature: %FTP, W+1000, bpm+100, %HR, speed (mm/s), zones,
# time / distance / open / hr_less_than durations, a repeat, a secondary cadence target,
# names, notes (with non-ASCII text) and every intensity we map to.
REFERENCE_STEPS: tuple[FitStep, ...] = (
    FitStep(TIME, 600_000, POWER, 0, 50, 65, WARMUP, "Warm up"),
    FitStep(
        TIME,
        300_000,
        POWER,
        0,
        95,
        105,
        INTERVAL,
        "Work",
        notes="Stay seated — smooth pedalling",
        secondary_target_type=CADENCE,
        secondary_target_value=0,
        secondary_custom_low=85,
        secondary_custom_high=95,
    ),
    FitStep(TIME, 180_000, POWER, 0, 50, 55, RECOVERY, "Easy"),
    FitStep(REPEAT, 1, OPEN_TARGET, 4),
    FitStep(DISTANCE, 200_000, POWER, 0, 1000 + 240, 1000 + 260, ACTIVE, "250W 2km"),
    FitStep(TIME, 120_000, HEART_RATE, 3, intensity=ACTIVE, name="Z3 HR"),
    FitStep(DISTANCE, 100_000, SPEED, 0, 3_500, 4_000, ACTIVE, "Tempo pace"),
    FitStep(HR_LESS_THAN, 100 + 125, OPEN_TARGET, intensity=REST, name="Until HR<125"),
    FitStep(OPEN, None, HEART_RATE, 0, 100 + 100, 100 + 130, COOLDOWN, "Cool down"),
    FitStep(TIME, 60_000, HEART_RATE, 0, 60, 70, COOLDOWN, notes="Spin it out"),
)


def encode(steps: Sequence[FitStep] = REFERENCE_STEPS, **overrides: Any) -> bytes:
    kwargs: dict[str, Any] = {
        "name": "planc 4x5 test",
        "sport": CYCLING,
        "steps": steps,
        "time_created": TIME_CREATED,
        "serial_number": SERIAL,
    }
    kwargs.update(overrides)
    return encode_workout(**kwargs)


# --------------------------------------------------------------------------- oracles


def fitdecode_frames(data: bytes) -> list[Any]:
    """Every frame fitdecode yields, with the CRC check set to raise."""
    with (
        warnings.catch_warnings(),
        fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader,
    ):
        warnings.simplefilter("ignore")  # fitdecode warns about odd sizes in corrupt files
        return list(reader)


def _is_profile_field(field: Any) -> bool:
    # Component-expanded fields have no definition of their own; dev fields have their own.
    return field.field_def is not None and not field.field_def.is_dev


def fitdecode_messages(data: bytes) -> list[tuple[str, dict[int, Any]]]:
    """Data messages as ``(name, {field number: FieldData})``, profile fields only.

    Developer fields (Stages' files carry some) are left out: their numbers live in a
    separate namespace and would shadow the profile field with the same number.
    """
    return [
        (
            frame.name,
            {field.def_num: field for field in frame.fields if _is_profile_field(field)},
        )
        for frame in fitdecode_frames(data)
        if frame.frame_type == fitdecode.FIT_FRAME_DATA
    ]


def fitdecode_by_name(data: bytes) -> dict[str, list[dict[int, Any]]]:
    out: dict[str, list[dict[int, Any]]] = {}
    for name, fields in fitdecode_messages(data):
        out.setdefault(name, []).append(fields)
    return out


def garmin_read(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Decode with garmin-fit-sdk, asserting it accepts the file; enums stay numbers."""
    assert Decoder(Stream.from_byte_array(bytearray(data))).is_fit()
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_types_to_strings=False
    )
    assert errors == []
    return messages


def garmin_rejects(data: bytes) -> bool:
    """True when garmin-fit-sdk refuses the file: integrity check fails and read errors."""
    integrity = Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    _, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    return not integrity and len(errors) > 0


def fitdecode_rejects(data: bytes) -> bool:
    # fitdecode parses records before it reaches the CRC, so a damaged definition can
    # surface as a parse error (even a struct.error) instead of FitCRCError; any exception
    # is a rejection.  A clean file never raises (checked by the control tests).
    try:
        fitdecode_frames(data)
    except Exception:
        return True
    return False


def raw(fields: dict[int, Any], number: int) -> Any:
    field = fields.get(number)
    return None if field is None else field.raw_value


def text_or_none(text: str | None, field: str) -> str | None:
    """What a decoder must read back for a string we wrote."""
    if text is None:
        return None
    return truncate_utf8(text, MAX_STRING_SIZES[field] - 1).decode("utf-8") or None


def assert_steps_roundtrip_fitdecode(data: bytes, steps: Sequence[FitStep]) -> None:
    decoded = [f for name, f in fitdecode_messages(data) if name == "workout_step"]
    assert len(decoded) == len(steps)
    for index, (fields, step) in enumerate(zip(decoded, steps, strict=True)):
        assert raw(fields, 254) == index
        for number, attribute in STEP_FIELDS.items():
            assert raw(fields, number) == getattr(step, attribute), (index, attribute)
        assert raw(fields, 0) == text_or_none(step.name, "wkt_step_name")
        assert raw(fields, 8) == text_or_none(step.notes, "notes")


def assert_steps_roundtrip_garmin(data: bytes, steps: Sequence[FitStep]) -> None:
    decoded = garmin_read(data)["workout_step_mesgs"]
    assert len(decoded) == len(steps)
    for index, (mesg, step) in enumerate(zip(decoded, steps, strict=True)):
        assert mesg["message_index"] == index
        for key, attribute in GARMIN_STEP_FIELDS.items():
            assert mesg.get(key) == getattr(step, attribute), (index, key)
        assert mesg.get("wkt_step_name") == text_or_none(step.name, "wkt_step_name")
        assert mesg.get("notes") == text_or_none(step.notes, "notes")


# --------------------------------------------------------------------------- helpers


def test_crc16_check_value_matches_garmin() -> None:
    assert crc16(b"123456789") == 0xBB3D
    assert crc16(b"") == 0
    assert crc16(b"123456789") == CrcCalculator.calculate_crc(b"123456789", 0, 9)


def _crc_reference_nibbles(data: bytes, crc: int = 0) -> int:
    """The FIT SDK's nibble-at-a-time CRC, written out independently of the module."""
    table = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
        0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ]  # fmt: skip
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = table[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[nibble]
    return crc


@given(st.binary(max_size=300), st.binary(max_size=50))
def test_crc16_equals_sdk_and_continues(head: bytes, tail: bytes) -> None:
    data = head + tail
    expected = CrcCalculator.calculate_crc(data, 0, len(data))
    assert crc16(data) == expected == _crc_reference_nibbles(data)
    assert crc16(tail, crc16(head)) == expected


def test_crc16_rejects_bad_seed() -> None:
    with pytest.raises(ValueError, match="crc"):
        crc16(b"x", 0x10000)


def test_fit_time() -> None:
    assert fit_time(FIT_EPOCH_UNIX) == 0
    assert fit_time(TIME_CREATED_UNIX) == 1_073_099_045
    epoch = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
    assert epoch + dt.timedelta(seconds=TIME_CREATED) == dt.datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC
    )
    with pytest.raises(ValueError, match="FIT date range"):
        fit_time(FIT_EPOCH_UNIX - 1)
    with pytest.raises(ValueError, match="FIT date range"):
        fit_time(FIT_EPOCH_UNIX + 0xFFFFFFFF)
    with pytest.raises(ValueError, match="must be an int"):
        fit_time(1.5)  # type: ignore[arg-type]


@given(st.binary(max_size=200))
def test_stable_serial_is_deterministic_nonzero_uint32(data: bytes) -> None:
    serial = stable_serial(data)
    assert serial == stable_serial(bytes(data)) == stable_serial(bytearray(data))
    assert 1 <= serial <= 0xFFFFFFFE


def test_stable_serial_spreads_and_validates() -> None:
    serials = {stable_serial(str(i).encode()) for i in range(2000)}
    assert len(serials) == 2000  # no collisions among 2000 small inputs
    with pytest.raises(ValueError, match="bytes"):
        stable_serial("text")  # type: ignore[arg-type]


@given(st.text(), st.integers(0, 80))
def test_truncate_utf8_never_splits_a_character(text: str, limit: int) -> None:
    full = text.encode("utf-8")
    cut = truncate_utf8(text, limit)
    assert len(cut) <= limit
    assert full.startswith(cut)
    decoded = cut.decode("utf-8")  # strict: raises if a character was split
    assert text.startswith(decoded)
    if len(cut) < len(full):
        # Maximal: the next whole character would not have fitted.
        next_char = text[len(decoded)]
        assert len(cut) + len(next_char.encode("utf-8")) > limit


def test_truncate_utf8_examples() -> None:
    assert truncate_utf8("héllo", 2) == b"h"  # é is 2 bytes and does not fit
    assert truncate_utf8("héllo", 3) == "hé".encode()
    assert truncate_utf8("🚴🚴", 7) == "🚴".encode()  # 4-byte characters
    assert truncate_utf8("abc", 0) == b""
    assert truncate_utf8("abc", 10) == b"abc"
    with pytest.raises(ValueError, match="UTF-8"):
        truncate_utf8("\ud800", 10)
    with pytest.raises(ValueError, match="max_bytes"):
        truncate_utf8("abc", -1)


# --------------------------------------------------------------------------- layout


def test_header_layout() -> None:
    data = encode()
    assert data[0] == 14
    assert data[1] == PROTOCOL_VERSION == 0x10
    assert int.from_bytes(data[2:4], "little") == PROFILE_VERSION == 21218
    assert int.from_bytes(data[4:8], "little") == len(data) - 14 - 2
    assert data[8:12] == b".FIT"
    assert int.from_bytes(data[12:14], "little") == CrcCalculator.calculate_crc(data, 0, 12)
    assert int.from_bytes(data[-2:], "little") == crc16(data[:-2])
    header = fitdecode_frames(data)[0]
    assert isinstance(header, fitdecode.FitHeader)
    assert header.header_size == 14
    assert header.proto_ver == (1, 0)
    assert header.crc_matched is not False


def test_one_definition_per_message_and_all_step_fields_declared() -> None:
    frames = fitdecode_frames(encode())
    definitions = [f for f in frames if f.frame_type == fitdecode.FIT_FRAME_DEFINITION]
    assert [(d.name, d.local_mesg_num) for d in definitions] == [
        ("file_id", 0),
        ("workout", 1),
        ("workout_step", 2),
    ]
    step_def = definitions[2]
    declared = [d.def_num for d in step_def.field_defs]
    assert declared == [254, 1, 2, 3, 4, 5, 6, 7, 19, 20, 21, 22, 0, 8]
    sizes = {d.def_num: d.size for d in step_def.field_defs}
    longest_name = max(len((s.name or "").encode()) for s in REFERENCE_STEPS)
    longest_notes = max(len((s.notes or "").encode()) for s in REFERENCE_STEPS)
    assert sizes[0] == longest_name + 1
    assert sizes[8] == longest_notes + 1
    assert not step_def.dev_field_defs
    # Unused fields are present but carry the invalid value, which reads back as None.
    repeat = [f for n, f in fitdecode_messages(encode()) if n == "workout_step"][3]
    assert set(repeat) == set(declared)
    for number in (5, 6, 7, 19, 20, 21, 22, 0, 8):
        assert repeat[number].value is None, number


def test_string_fields_sized_from_longest_and_capped() -> None:
    long_name = "N" * 500
    long_notes = "n" * 500
    steps = [FitStep(OPEN), FitStep(OPEN, name=long_name, notes=long_notes)]
    data = encode(steps, name="W" * 500, description="d" * 500)
    frames = fitdecode_frames(data)
    sizes = {
        (f.name, d.def_num): d.size
        for f in frames
        if f.frame_type == fitdecode.FIT_FRAME_DEFINITION
        for d in f.field_defs
    }
    assert sizes[("workout", 8)] == MAX_STRING_SIZES["wkt_name"]
    assert sizes[("workout", 17)] == MAX_STRING_SIZES["wkt_description"] == 255
    assert sizes[("workout_step", 0)] == MAX_STRING_SIZES["wkt_step_name"]
    assert sizes[("workout_step", 8)] == MAX_STRING_SIZES["notes"] == 255
    steps_out = [f for n, f in fitdecode_messages(data) if n == "workout_step"]
    assert raw(steps_out[0], 0) is None
    assert raw(steps_out[1], 0) == "N" * (MAX_STRING_SIZES["wkt_step_name"] - 1)
    assert raw(steps_out[1], 8) == "n" * 254
    garmin_read(data)
    # No names or notes at all: the string fields shrink to a lone NUL.
    bare = fitdecode_frames(encode([FitStep(OPEN)]))
    step_def = next(f for f in bare if getattr(f, "name", None) == "workout_step")
    assert {d.def_num: d.size for d in step_def.field_defs}[0] == 1


# --------------------------------------------------------------------------- round trips


def test_reference_workout_roundtrips_in_fitdecode() -> None:
    data = encode()
    messages = fitdecode_by_name(data)
    assert [name for name, _ in fitdecode_messages(data)] == [
        "file_id",
        "workout",
        *["workout_step"] * len(REFERENCE_STEPS),
    ]
    (file_id,) = messages["file_id"]
    assert file_id[0].value == "workout"
    assert file_id[1].value == "development"
    assert raw(file_id, 2) == 0
    assert raw(file_id, 3) == SERIAL
    assert raw(file_id, 4) == TIME_CREATED
    assert file_id[4].value == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    (workout,) = messages["workout"]
    assert workout[4].value == "cycling"
    assert raw(workout, 6) == len(REFERENCE_STEPS)
    assert raw(workout, 8) == "planc 4x5 test"
    assert set(workout) == {4, 6, 8}  # optional fields are left out, not written invalid
    assert_steps_roundtrip_fitdecode(data, REFERENCE_STEPS)

    steps = messages["workout_step"]
    # Units, through fitdecode's sub-fields.
    assert (steps[0][2].name, steps[0][2].value) == ("duration_time", 600.0)
    assert (steps[4][2].name, steps[4][2].value) == ("duration_distance", 2000.0)
    assert (steps[3][2].name, steps[3][2].value) == ("duration_step", 1)
    assert (steps[3][4].name, steps[3][4].value) == ("repeat_steps", 4)
    assert steps[3][1].value == "repeat_until_steps_cmplt"
    assert steps[0][5].name == "custom_target_power_low"
    assert (steps[0][5].value, steps[0][6].value) == (50, 65)  # % FTP
    assert (steps[4][5].value - 1000, steps[4][6].value - 1000) == (240, 260)  # watts
    assert steps[8][5].name == "custom_target_heart_rate_low"
    assert (steps[8][5].value - 100, steps[8][6].value - 100) == (100, 130)  # bpm
    assert (steps[9][5].value, steps[9][6].value) == (60, 70)  # % max HR
    assert steps[6][5].name == "custom_target_speed_low"
    assert (steps[6][5].value, steps[6][6].value) == (3.5, 4.0)  # m/s
    assert (steps[5][4].name, steps[5][4].value) == ("target_hr_zone", 3)
    assert (steps[7][2].name, steps[7][2].value) == ("duration_hr", 225)
    assert steps[1][21].name == "secondary_custom_target_cadence_low"
    assert (steps[1][19].value, steps[1][21].value, steps[1][22].value) == ("cadence", 85, 95)
    assert [s[7].value for s in steps] == [
        "warmup", "interval", "recovery", None, "active",
        "active", "active", "rest", "cooldown", "cooldown",
    ]  # fmt: skip
    assert steps[1][8].value == "Stay seated — smooth pedalling"
    assert steps[8][0].value == "Cool down"


def test_reference_workout_roundtrips_in_garmin_sdk() -> None:
    data = encode()
    messages = garmin_read(data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == 5
    assert file_id["manufacturer"] == 255
    assert file_id["product"] == 0
    assert file_id["serial_number"] == SERIAL
    assert file_id["time_created"] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    (workout,) = messages["workout_mesgs"]
    assert workout == {"sport": CYCLING, "num_valid_steps": 10, "wkt_name": "planc 4x5 test"}
    assert_steps_roundtrip_garmin(data, REFERENCE_STEPS)
    steps = messages["workout_step_mesgs"]
    assert steps[0]["duration_time"] == 600.0
    assert steps[4]["duration_distance"] == 2000.0
    assert (steps[3]["duration_step"], steps[3]["repeat_steps"]) == (1, 4)
    assert steps[4]["custom_target_power_low"] - 1000 == 240
    assert steps[8]["custom_target_heart_rate_high"] - 100 == 130
    assert steps[6]["custom_target_speed_high"] == 4.0
    assert steps[1]["secondary_custom_target_cadence_high"] == 95
    # With enum names on, Garmin reads the same types we meant.
    named, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    assert named["file_id_mesgs"][0]["type"] == "workout"
    assert named["workout_step_mesgs"][3]["duration_type"] == "repeat_until_steps_cmplt"


def test_optional_workout_fields_roundtrip_for_a_swim() -> None:
    steps = [FitStep(DISTANCE, 10_000, OPEN_TARGET, intensity=ACTIVE, name="4 lengths")]
    data = encode(
        steps,
        name="Pool",
        sport=SWIMMING,
        sub_sport=17,  # lap_swimming
        description="Technique set: long strokes",
        pool_length_cm=2500,
        pool_length_unit=0,
        capabilities=0x200,
        manufacturer=1,
        product=42,
    )
    (workout,) = fitdecode_by_name(data)["workout"]
    assert workout[4].value == "swimming"
    assert workout[11].value == "lap_swimming"
    assert raw(workout, 17) == "Technique set: long strokes"
    assert (raw(workout, 14), workout[14].value) == (2500, 25.0)
    assert workout[15].value == "metric"
    assert workout[5].value == "distance"
    assert raw(workout, 6) == 1
    (file_id,) = fitdecode_by_name(data)["file_id"]
    assert (raw(file_id, 1), raw(file_id, 2)) == (1, 42)
    (g_workout,) = garmin_read(data)["workout_mesgs"]
    assert g_workout["pool_length"] == 25.0
    assert g_workout["wkt_description"] == "Technique set: long strokes"
    assert g_workout["sub_sport"] == 17
    assert g_workout["capabilities"] == 0x200
    assert_steps_roundtrip_fitdecode(data, steps)
    assert_steps_roundtrip_garmin(data, steps)


NESTED_STEPS: tuple[FitStep, ...] = (
    FitStep(TIME, 600_000, POWER, 0, 50, 60, WARMUP, "WU"),  # 0
    FitStep(TIME, 30_000, POWER, 0, 120, 130, INTERVAL, "On"),  # 1  outer body starts
    FitStep(TIME, 30_000, POWER, 0, 40, 50, RECOVERY, "Off"),  # 2
    FitStep(REPEAT, 1, OPEN_TARGET, 8),  # 3  inner: 1..2 x8
    FitStep(TIME, 300_000, POWER, 0, 50, 55, REST, "Set rest"),  # 4
    FitStep(REPEAT, 1, OPEN_TARGET, 3),  # 5  outer: 1..4 x3
    FitStep(TIME, 600_000, POWER, 0, 40, 50, COOLDOWN, "CD"),  # 6
)


def test_nested_repeats_decode_in_both() -> None:
    data = encode(NESTED_STEPS, name="3x(8x30/30)")
    assert_steps_roundtrip_fitdecode(data, NESTED_STEPS)
    assert_steps_roundtrip_garmin(data, NESTED_STEPS)
    steps = fitdecode_by_name(data)["workout_step"]
    assert [(s[2].name, s[2].value, s[4].value) for s in (steps[3], steps[5])] == [
        ("duration_step", 1, 8),
        ("duration_step", 1, 3),
    ]
    g = garmin_read(data)["workout_step_mesgs"]
    assert [(g[i]["duration_step"], g[i]["repeat_steps"]) for i in (3, 5)] == [(1, 8), (1, 3)]
    # Three levels, the innermost repeat starting the middle body.
    deep = (
        FitStep(TIME, 10_000),
        FitStep(TIME, 20_000),
        FitStep(REPEAT, 1, target_value=2),
        FitStep(REPEAT, 1, target_value=3),
        FitStep(REPEAT, 0, target_value=4),
    )
    data = encode(deep)
    assert_steps_roundtrip_fitdecode(data, deep)
    assert_steps_roundtrip_garmin(data, deep)


def test_deterministic_and_time_created_is_ours() -> None:
    first = encode()
    assert first == encode()
    assert first == encode(list(REFERENCE_STEPS))  # the sequence type does not matter
    assert encode(serial_number=SERIAL + 1) != first
    other_time = fit_time(1_750_000_000)
    data = encode(time_created=other_time)
    (file_id,) = fitdecode_by_name(data)["file_id"]
    assert raw(file_id, 4) == other_time
    assert file_id[4].value == dt.datetime.fromtimestamp(1_750_000_000, tz=dt.UTC)
    garmin_time = garmin_read(data)["file_id_mesgs"][0]["time_created"]
    assert garmin_time == dt.datetime.fromtimestamp(1_750_000_000, tz=dt.UTC)


def test_every_flipped_byte_is_rejected_by_both_decoders() -> None:
    data = encode(NESTED_STEPS)
    assert not fitdecode_rejects(data)
    assert not garmin_rejects(data)
    for position in range(len(data)):
        corrupt = bytearray(data)
        corrupt[position] ^= 0xFF
        assert fitdecode_rejects(bytes(corrupt)), position
        assert garmin_rejects(bytes(corrupt)), position


def test_every_truncation_is_rejected_by_both_decoders() -> None:
    data = encode(NESTED_STEPS)
    for length in range(1, len(data)):
        assert fitdecode_rejects(data[:length]), length
        assert garmin_rejects(data[:length]), length
    # An empty file raises nothing in fitdecode, but holds no FIT data either.
    assert fitdecode_frames(b"") == []
    assert not Decoder(Stream.from_byte_array(bytearray())).is_fit()


# --------------------------------------------------------------------------- properties

NAME_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=120,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workout_name=NAME_TEXT.filter(lambda s: s.strip() != ""),
    step_name=NAME_TEXT,
    notes=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=400,
    ),
)
def test_unicode_names_truncate_on_char_boundaries_and_read_back(
    workout_name: str, step_name: str, notes: str
) -> None:
    steps = [FitStep(TIME, 60_000, name=step_name, notes=notes), FitStep(OPEN)]
    data = encode(steps, name=workout_name, description=notes or None)
    for text, field in (
        (workout_name, "wkt_name"),
        (step_name, "wkt_step_name"),
        (notes, "notes"),
    ):
        cut = truncate_utf8(text, MAX_STRING_SIZES[field] - 1)
        assert len(cut) < MAX_STRING_SIZES[field]
        cut.decode("utf-8")  # strict
    messages = fitdecode_by_name(data)
    assert raw(messages["workout"][0], 8) == text_or_none(workout_name, "wkt_name")
    assert raw(messages["workout_step"][0], 0) == text_or_none(step_name, "wkt_step_name")
    assert raw(messages["workout_step"][0], 8) == text_or_none(notes, "notes")
    if notes:
        assert raw(messages["workout"][0], 17) == text_or_none(notes, "wkt_description")
    # fitdecode decodes with errors="replace" and garmin-fit-sdk with errors="ignore", so a
    # split character would read back as U+FFFD or vanish: the equalities above exclude it.
    g = garmin_read(data)
    assert g["workout_mesgs"][0]["wkt_name"] == text_or_none(workout_name, "wkt_name")
    assert g["workout_step_mesgs"][0].get("wkt_step_name") == text_or_none(
        step_name, "wkt_step_name"
    )
    assert g["workout_step_mesgs"][0].get("notes") == text_or_none(notes, "notes")


U32 = st.integers(0, 0xFFFFFFFE)
OPT_U32 = st.none() | U32
ENUM = st.integers(0, 0xFE)
OPT_ENUM = st.none() | ENUM
PLAIN_DURATIONS = st.integers(0, 0xFE).filter(lambda d: not 6 <= d <= 13)
VALUED_DURATIONS = {0, 1, 2, 3, 4, 14, 15}


@st.composite
def low_high(draw: st.DrawFn) -> tuple[int | None, int | None]:
    low, high = draw(OPT_U32), draw(OPT_U32)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


@st.composite
def plain_steps(draw: st.DrawFn) -> FitStep:
    duration_type = draw(PLAIN_DURATIONS)
    duration_value = draw(U32 if duration_type in VALUED_DURATIONS else OPT_U32)
    low, high = draw(low_high())
    low2, high2 = draw(low_high())
    return FitStep(
        duration_type=duration_type,
        duration_value=duration_value,
        target_type=draw(ENUM),
        target_value=draw(OPT_U32),
        custom_low=low,
        custom_high=high,
        intensity=draw(OPT_ENUM),
        name=draw(st.none() | NAME_TEXT),
        notes=draw(st.none() | NAME_TEXT),
        secondary_target_type=draw(OPT_ENUM),
        secondary_target_value=draw(OPT_U32),
        secondary_custom_low=low2,
        secondary_custom_high=high2,
    )


@st.composite
def step_lists(draw: st.DrawFn, max_steps: int = 25) -> list[FitStep]:
    """Valid step lists: repeats only point back, and their bodies nest."""
    count = draw(st.integers(1, max_steps))
    steps: list[FitStep] = []
    repeats: dict[int, int] = {}  # repeat index -> first body index
    for index in range(count):
        if index > 0 and draw(st.integers(0, 3)) == 0:
            targets = [p for p in range(index) if all(q >= p for k, q in repeats.items() if k >= p)]
            first = draw(st.sampled_from(targets))
            duration_type = draw(st.integers(6, 13))
            count_value = draw(st.integers(1, 0xFFFFFFFE) if duration_type == 6 else U32)
            steps.append(
                FitStep(
                    duration_type,
                    first,
                    draw(ENUM),
                    count_value,
                    intensity=draw(OPT_ENUM),
                    name=draw(st.none() | NAME_TEXT),
                )
            )
            repeats[index] = first
        else:
            steps.append(draw(plain_steps()))
    return steps


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=step_lists(), sport=ENUM)
def test_random_step_lists_roundtrip_field_for_field(steps: list[FitStep], sport: int) -> None:
    data = encode(steps, sport=sport)
    assert data == encode(tuple(steps), sport=sport)
    (workout,) = fitdecode_by_name(data)["workout"]
    assert raw(workout, 6) == len(steps)
    assert raw(workout, 4) == sport
    assert_steps_roundtrip_fitdecode(data, steps)
    assert_steps_roundtrip_garmin(data, steps)


# --------------------------------------------------------------------------- validation

GOOD = FitStep(TIME, 60_000)


def _crossing() -> list[FitStep]:
    # 0 1 2 R(->1) 4 R(->2): the second loop starts inside the first one's body.
    return [
        GOOD,
        GOOD,
        GOOD,
        FitStep(REPEAT, 1, target_value=2),
        GOOD,
        FitStep(REPEAT, 2, target_value=2),
    ]


BAD_STEPS: dict[str, tuple[list[Any], str]] = {
    "negative duration": ([FitStep(TIME, -1)], r"step 0: duration_value=-1 is out of range"),
    "duration > uint32": ([FitStep(TIME, 2**32)], r"duration_value=4294967296 is out of range"),
    "duration = invalid sentinel": ([FitStep(TIME, 0xFFFFFFFF)], r"invalid value, use None"),
    "time without value": ([FitStep(TIME)], r"duration_type 0 needs duration_value \(time"),
    "distance without value": ([FitStep(DISTANCE)], r"needs duration_value \(distance"),
    "repeat at itself": (
        [GOOD, FitStep(REPEAT, 1, target_value=2)],
        r"step 1: repeat step must point back .* at or after itself",
    ),
    "repeat after itself": (
        [GOOD, FitStep(REPEAT, 5, target_value=2), GOOD],
        r"at or after itself",
    ),
    "repeat as first step": ([FitStep(REPEAT, 0, target_value=2)], r"at or after itself"),
    "repeat without pointer": (
        [GOOD, FitStep(REPEAT, None, target_value=2)],
        r"needs duration_value",
    ),
    "repeat without count": ([GOOD, FitStep(REPEAT, 0)], r"needs target_value"),
    "repeat count zero": ([GOOD, FitStep(REPEAT, 0, target_value=0)], r"must be >= 1"),
    "crossing repeats": (_crossing(), r"step 5: .* crosses the repeat at step 3"),
    "enum 255": ([FitStep(TIME, 1, target_type=255)], r"target_type=255 is out of range 0\.\.254"),
    "enum negative": ([FitStep(TIME, 1, intensity=-1)], r"intensity=-1"),
    "secondary too big": (
        [FitStep(TIME, 1, secondary_custom_high=2**40)],
        r"secondary_custom_high",
    ),
    "low above high": ([FitStep(TIME, 1, custom_low=200, custom_high=100)], r"low 200 is greater"),
    "secondary low above high": (
        [FitStep(TIME, 1, secondary_custom_low=2, secondary_custom_high=1)],
        r"secondary custom target: low 2",
    ),
    "bool as int": ([FitStep(TIME, True)], r"must be an int, got bool"),
    "float duration": ([FitStep(TIME, 1.5)], r"must be an int, got float"),
    "NUL in step name": ([FitStep(TIME, 1, name="a\x00b")], r"step 0: name contains a NUL"),
    "NUL in notes": ([FitStep(TIME, 1, notes="\x00")], r"notes contains a NUL"),
    "surrogate in name": ([FitStep(TIME, 1, name="\udc80")], r"not encodable as UTF-8"),
    "not a FitStep": ([{"duration_type": 0}], r"step 0 must be a FitStep"),
    "no steps": ([], r"needs 1\.\.4096 steps"),
    "too many steps": ([GOOD] * (MAX_STEPS + 1), r"got 4097"),
}


@pytest.mark.parametrize(("steps", "message"), BAD_STEPS.values(), ids=BAD_STEPS.keys())
def test_invalid_steps_raise_value_error(steps: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        encode(steps)
    assert isinstance(info.value, FitEncodeError)


BAD_WORKOUTS: dict[str, tuple[dict[str, Any], str]] = {
    "serial zero": ({"serial_number": 0}, r"serial_number=0 is out of range"),
    "serial > uint32": ({"serial_number": 2**32}, r"serial_number=4294967296"),
    "time_created system time": ({"time_created": 1000}, r"time_created=1000 .*system time"),
    "time_created invalid": ({"time_created": 0xFFFFFFFF}, r"time_created=4294967295"),
    "negative time": ({"time_created": -5}, r"time_created=-5"),
    "empty name": ({"name": ""}, r"non-empty"),
    "blank name": ({"name": "   "}, r"non-empty"),
    "NUL in name": ({"name": "a\x00"}, r"workout name contains a NUL"),
    "NUL in description": ({"description": "a\x00"}, r"description contains a NUL"),
    "sport 255": ({"sport": 255}, r"sport=255"),
    "sub_sport 300": ({"sub_sport": 300}, r"sub_sport=300"),
    "capabilities zero": ({"capabilities": 0}, r"capabilities=0 .*use None"),
    "pool on a ride": ({"pool_length_cm": 2500}, r"only for swimming"),
    "pool unit alone": ({"sport": SWIMMING, "pool_length_unit": 0}, r"without pool_length_cm"),
    "pool too long": ({"sport": SWIMMING, "pool_length_cm": 70000}, r"pool_length_cm=70000"),
    "manufacturer invalid": ({"manufacturer": 0xFFFF}, r"manufacturer=65535"),
    "product negative": ({"product": -1}, r"product=-1"),
}


@pytest.mark.parametrize(("overrides", "message"), BAD_WORKOUTS.values(), ids=BAD_WORKOUTS.keys())
def test_invalid_workouts_raise_value_error(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode([GOOD], **overrides)


def test_steps_must_be_a_sequence() -> None:
    with pytest.raises(ValueError, match="steps must be a sequence"):
        encode(iter([GOOD]))  # type: ignore[arg-type]


def test_boundary_values_are_accepted() -> None:
    steps = [
        FitStep(TIME, 0xFFFFFFFE, 0xFE, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0xFE),
        FitStep(REPEAT, 0, target_value=1),
    ]
    data = encode(
        steps,
        sport=0,
        serial_number=0xFFFFFFFF,
        time_created=0x10000000,
        manufacturer=0xFFFE,
        product=0xFFFE,
    )
    assert_steps_roundtrip_fitdecode(data, steps)
    assert_steps_roundtrip_garmin(data, steps)
    assert encode([GOOD] * MAX_STEPS)[:1] == b"\x0e"


# --------------------------------------------------------------------------- corpus


def corpus_files() -> list[Path]:
    if not CORPUS_FIT.is_dir():
        return []
    return sorted(
        [*CORPUS_FIT.glob("garminsdk__Workout*.fit"), *CORPUS_FIT.glob("fit_tool__*.fit")]
    )


def _corpus_params() -> list[Any]:
    files = corpus_files()
    if not files:
        reason = f"FIT corpus not found at {CORPUS_FIT} (set PLANC_CORPUS)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="corpus-missing")]
    return [pytest.param(path, id=path.name) for path in files]


@pytest.mark.parametrize("path", _corpus_params())
def test_corpus_file_decodes_in_fitdecode(path: Path) -> None:
    messages = fitdecode_by_name(path.read_bytes())
    assert messages["file_id"]


def _corpus_workout(path: Path) -> tuple[dict[int, Any], dict[int, Any], list[dict[int, Any]]]:
    messages = fitdecode_by_name(path.read_bytes())
    (file_id,) = messages["file_id"]
    if file_id[0].value != "workout":
        pytest.skip(f"{path.name} is a {file_id[0].value} file, not a workout")
    (workout,) = messages["workout"]
    return file_id, workout, messages["workout_step"]


@pytest.mark.parametrize("path", _corpus_params())
def test_corpus_workouts_reencode_identically(path: Path) -> None:
    """Rebuild each real workout's steps with our encoder; every field reads back the same.

    This checks our field layout against files written by Garmin's SDK, TrainerRoad and
    Stages: same field numbers, same raw values, same repeat encoding.
    """
    _, workout, steps = _corpus_workout(path)
    rebuilt = [
        FitStep(
            **{attr: raw(fields, number) for number, attr in STEP_FIELDS.items()},
            name=raw(fields, 0),
            notes=raw(fields, 8),
        )
        for fields in steps
    ]
    data = encode(
        rebuilt,
        name=raw(workout, 8) or path.stem,
        sport=raw(workout, 4) if raw(workout, 4) is not None else 0,
        sub_sport=raw(workout, 11),
        capabilities=raw(workout, 5),
    )
    ours = fitdecode_by_name(data)["workout_step"]
    assert len(ours) == len(steps)
    for theirs_fields, our_fields in zip(steps, ours, strict=True):
        for number in (254, *STEP_FIELDS, 0, 8):
            assert raw(our_fields, number) == raw(theirs_fields, number), number
            if raw(theirs_fields, number) is not None:
                # Same sub-field resolution (duration_time, repeat_steps, ...) and value.
                assert our_fields[number].name == theirs_fields[number].name
                assert our_fields[number].value == theirs_fields[number].value
    garmin_read(data)


def test_corpus_repeat_encoding_matches_ours() -> None:
    """The SDK sample encodes a repeat exactly as we do: after its body, pointing back."""
    path = CORPUS_FIT / "garminsdk__WorkoutRepeatSteps.fit"
    if not path.is_file():
        pytest.skip(f"FIT corpus not found at {CORPUS_FIT} (set PLANC_CORPUS)")
    _, workout, steps = _corpus_workout(path)
    repeat = steps[3]
    assert repeat[1].value == "repeat_until_steps_cmplt"
    assert (repeat[2].name, repeat[2].value) == ("duration_step", 1)
    assert (repeat[4].name, repeat[4].value) == ("repeat_steps", 3)
    assert raw(repeat, 254) == 3 > raw(repeat, 2)  # after its body, pointing back
    # The sample declares 4 valid steps but holds 5 messages; we write the real count.
    assert raw(workout, 6) == 4 and len(steps) == 5
    ours = encode(
        [
            FitStep(TIME, 60_000),
            FitStep(DISTANCE, 50_000),
            FitStep(DISTANCE, 50_000),
            FitStep(REPEAT, 1, OPEN_TARGET, 3),
            FitStep(HR_LESS_THAN, 225),
        ]
    )
    our_steps = fitdecode_by_name(ours)["workout_step"]
    assert [(f.name, f.value) for f in (our_steps[3][2], our_steps[3][4])] == [
        (repeat[2].name, repeat[2].value),
        (repeat[4].name, repeat[4].value),
    ]
    assert raw(fitdecode_by_name(ours)["workout"][0], 6) == 5

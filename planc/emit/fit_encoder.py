"""planc's own encoder for FIT *workout files* (the binary layer only).

The caller (the FIT emitter) maps the AST to :class:`FitStep` values that are
already in raw FIT units (ms, cm, % FTP or W+1000, ...); this module only lays
those numbers out as bytes.  It knows three messages and nothing else, so it is
small enough to own: no runtime dependency, no licence question, and no risk of
a generic encoder silently dropping a mistyped field (formats.md §3.5, §3.8).

Byte layout, and why
--------------------
A file is ``header | records | file CRC``:

* **14-byte header** ``0E | protocol | profile (u16) | data size (u32) | ".FIT" |
  header CRC (u16)``.  The 12-byte legacy header has no CRC; the 14-byte form
  lets a reader reject a damaged header (and so a bogus data size) before it
  trusts anything else.
* **Protocol 0x10 (1.0).**  Protocol 2.0 is only needed for developer fields
  and 64-bit base types, and we use neither.  A reader must refuse a file whose
  protocol *major* version is newer than its own, so 1.0 is the value every
  decoder, including old device firmware, accepts.  Garmin's own SDK workout
  samples are written as 1.0 too.
* **Profile version 21218 (21.218).**  Fixed, so output is reproducible, and it
  is the profile every field number below was checked against
  (``garmin_fit_sdk.profile`` 21.218.0).  Versions after 21.99 use the
  ``major*1000+minor`` scale, so 21.218 is written as 21218; readers that still
  divide by 100 just report "212.18", which changes nothing else.
* **Records**: ``file_id`` (global 0), ``workout`` (26), then one
  ``workout_step`` (27) per step, in that order, as the workout file type
  requires.  Each message type gets its own local message number (0, 1, 2) and
  is defined exactly once, right before its first data record, so no local
  number is ever redefined.  All definitions are little-endian (architecture 0),
  the byte order every FIT SDK writes.
* **One definition for every workout_step.**  It declares every field we
  support; a field a step does not use carries its base type's *invalid*
  value (0xFF, 0xFFFF, 0xFFFFFFFF, or NUL bytes for strings), which decoders
  treat as "not present".  Fixed-width numeric fields come first and the two
  strings last, so a step is one ``struct`` pack: ``message_index`` (254),
  ``duration_type`` (1), ``duration_value`` (2), ``target_type`` (3),
  ``target_value`` (4), custom low/high (5, 6), ``intensity`` (7), the four
  secondary-target fields (19-22), then ``wkt_step_name`` (0) and ``notes`` (8).
  FIT lets a definition list fields in any order.
* **Strings** are UTF-8, NUL-terminated and NUL-padded to the declared size.
  Because the step definition is shared, a string field is sized once from the
  longest encoded value of that field across all steps, plus 1 for the NUL; a
  field that no step uses is declared 1 byte wide (a lone NUL = "unset").  Text
  that exceeds its cap (:data:`MAX_STRING_SIZES`) is cut on a UTF-8 character
  boundary, never inside a character.
* **File CRC**: CRC-16/ARC with the FIT SDK nibble table, over every byte from
  offset 0 (header included) up to the CRC itself, appended little-endian.

Determinism: the output depends only on the arguments.  Nothing reads the clock,
iterates a set or hashes with a random seed, so the same input always gives the
same bytes (golden files and git diffs stay stable); ``time_created`` and the
``serial_number`` are supplied by the caller, and :func:`stable_serial` derives
the latter from content.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple

from planc.lower.formats import FORMATS
from planc.lower.text import cut_utf8

__all__ = [
    "FIT_DATETIME_MIN",
    "FIT_EPOCH_UNIX",
    "MAX_STEPS",
    "MAX_STRING_SIZES",
    "PROFILE_VERSION",
    "PROTOCOL_VERSION",
    "FitEncodeError",
    "FitStep",
    "crc16",
    "encode_workout",
    "fit_time",
    "stable_serial",
    "truncate_utf8",
]

# --------------------------------------------------------------------------- constants

FIT: Final = FORMATS["fit"]

PROTOCOL_VERSION: Final = 0x10
"""FIT protocol 1.0: no developer fields and no 64-bit types are written (see module doc)."""

PROFILE_VERSION: Final = 21218
"""FIT profile 21.218 in the post-21.99 ``major*1000+minor`` scale (see module doc)."""

FIT_EPOCH_UNIX: Final = 631_065_600
"""1989-12-31T00:00:00Z as Unix seconds: FIT ``date_time`` counts from here."""

FIT_DATETIME_MIN: Final = 0x10000000
"""``date_time`` values below this are device "system time" (seconds since power-on) per
the FIT profile, not absolute times; decoders then return a bare number, not a date."""

MAX_STEPS: Final = FIT.max_steps or 0
"""``message_index`` keeps the step index in its low 12 bits (0x0FFF is the profile's
``mask``; 0x8000 is the ``selected`` flag), so a workout holds at most 4096 steps (the
row of :data:`planc.lower.formats.FORMATS` says so, for the lowering too)."""

MAX_STRING_SIZES: Final[Mapping[str, int]] = MappingProxyType(
    {
        "wkt_name": (FIT.text.name_bytes or 0) + 1,
        "wkt_step_name": (FIT.text.label_bytes or 0) + 1,
        "notes": (FIT.text.notes_bytes or 0) + 1,
        "wkt_description": (FIT.text.description_bytes or 0) + 1,
    }
)
"""Largest declared size, in bytes *including* the NUL terminator, per string field:
the byte limits of the FIT row's text, plus the NUL.

Why these numbers (64 for names, 255 for long text):

* 255 is the hard ceiling: a definition stores a field's size in one byte.  Long text
  (``notes``, ``wkt_description``) gets all of it.  Real exporters go there too: Stages
  Link writes its workout description into a 251-byte field, and TrainerRoad puts whole
  coaching sentences in ``notes``.
* Names are labels.  Devices show only a short prefix (formats.md §3.3 advises about
  15-20 characters; the display limit is undocumented), so shortening for display is the
  lowering's decision, not the encoder's.  The cap here only keeps desktop tools (Garmin
  Connect, TrainingPeaks, ...) from losing a reasonable title while bounding the cost of
  the shared step definition: every step pays for the *longest* name, so a 64-byte cap
  limits that padding to 63 bytes per step, where 255 would allow 254.
* The same sharing applies to ``notes``: one step with 254 bytes of notes makes every
  step carry a 255-byte notes field.  That worst case (about 320 bytes per step with a
  full name) is accepted in exchange for a single, fully deterministic step definition;
  a workout file of a few kilobytes is still tiny for any device.
* The lowering cuts text to these sizes and says so; the encoder still cuts anything
  longer than ``size - 1`` bytes on a UTF-8 character boundary
  (:func:`truncate_utf8`), so a caller's long text is never an error.
"""

# Base types: the wire byte (type number, with 0x80 set on multi-byte types).
_ENUM: Final = 0x00
_UINT16: Final = 0x84
_UINT32: Final = 0x86
_STRING: Final = 0x07
_UINT32Z: Final = 0x8C

# Invalid ("not set") values for the base types we write.
_ENUM_INVALID: Final = 0xFF
_UINT32_INVALID: Final = 0xFFFFFFFF

_HEADER_SIZE: Final = 14
_HEADER_NO_CRC: Final = struct.Struct("<BBHI4s")
_U16: Final = struct.Struct("<H")

_MESG_FILE_ID: Final = 0
_MESG_WORKOUT: Final = 26
_MESG_WORKOUT_STEP: Final = 27

_LOCAL_FILE_ID: Final = 0
_LOCAL_WORKOUT: Final = 1
_LOCAL_STEP: Final = 2

_FILE_TYPE_WORKOUT: Final = 5
_SPORT_SWIMMING: Final = 5

# wkt_step_duration values whose duration_value is ``duration_step`` (a back-pointer to
# the first step of the repeated body), per the profile's sub-field map: 6..13.
_REPEAT_DURATIONS: Final = frozenset(range(6, 14))
_REPEAT_UNTIL_STEPS_CMPLT: Final = 6
# Durations that are meaningless without a value: time, distance, hr </>, calories,
# power </>.
_VALUED_DURATIONS: Final[Mapping[int, str]] = MappingProxyType(
    {
        0: "time (ms)",
        1: "distance (cm)",
        2: "hr_less_than (%/bpm+100)",
        3: "hr_greater_than (%/bpm+100)",
        4: "calories",
        14: "power_less_than (%/W+1000)",
        15: "power_greater_than (%/W+1000)",
    }
)


class FitEncodeError(ValueError):
    """Raised for any input the encoder refuses; a ``ValueError`` so callers can catch either."""


# --------------------------------------------------------------------------- data model


class FitStep(NamedTuple):
    """One ``workout_step`` message, in raw FIT units.

    ``None`` means "not set" and is written as the field's invalid value.  The step's
    ``message_index`` is its position in the sequence passed to :func:`encode_workout`.
    A named tuple (typed and immutable like the dataclass it was, and made five times
    faster: the FIT emitter makes one per step of every file); its repr, which the
    serial number is hashed from, is the dataclass repr it had.
    """

    duration_type: int
    # wkt_step_duration: 0 time, 1 distance, 5 open, 6 repeat_until_steps_cmplt, ...
    duration_value: int | None = None
    # ms for time, cm for distance, the first body step's message_index for repeats.
    target_type: int = 2
    # wkt_step_target: 0 speed, 1 heart_rate, 2 open, 3 cadence, 4 power, ...
    target_value: int | None = None
    # 0 = custom range, 1..n = zone; the repeat count for repeat steps.
    custom_low: int | None = None
    custom_high: int | None = None
    intensity: int | None = None
    # 0 active, 1 rest, 2 warmup, 3 cooldown, 4 recovery, 5 interval, 6 other.
    name: str | None = None
    # ``wkt_step_name``.
    notes: str | None = None
    secondary_target_type: int | None = None
    secondary_target_value: int | None = None
    secondary_custom_low: int | None = None
    secondary_custom_high: int | None = None


# --------------------------------------------------------------------------- helpers

_CRC_NIBBLES: Final = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def _crc_byte_by_nibbles(crc: int, byte: int) -> int:
    """One byte through the FIT SDK's nibble algorithm (low nibble first)."""
    tmp = _CRC_NIBBLES[crc & 0xF]
    crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_NIBBLES[byte & 0xF]
    tmp = _CRC_NIBBLES[crc & 0xF]
    return ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_NIBBLES[(byte >> 4) & 0xF]


# The SDK's nibble table is the reference; a 256-entry table derived from it gives the
# same CRC (the algorithm is a linear, reflected CRC) with half the Python work per byte.
_CRC_TABLE: Final = tuple(_crc_byte_by_nibbles(0, b) for b in range(256))


def crc16(data: bytes, crc: int = 0) -> int:
    """FIT CRC (CRC-16/ARC: poly 0x8005 reflected, init 0) of ``data``, continuing ``crc``.

    Computed with a byte table derived from the FIT SDK's 16-entry nibble table, so the
    result equals the SDK's ``CrcCalculator`` (check value ``crc16(b"123456789") ==
    0xBB3D``).  Pass a previous result as ``crc`` to continue over more data.
    """
    if isinstance(crc, bool) or not isinstance(crc, int) or not 0 <= crc <= 0xFFFF:
        raise FitEncodeError(f"crc must be an int in 0..0xFFFF, got {crc!r}")
    if len(data) > 64 and isinstance(data, bytes | bytearray) and _LITTLE_ENDIAN:
        words = _word_table(len(data))
        if words is not None:
            even = len(data) & ~1
            for word in memoryview(data)[:even].cast("H"):
                crc = words[crc ^ word]
            data = data[even:]
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


# Two bytes at a time: a reflected 16-bit CRC run over two bytes from state ``c`` is
# a table lookup of ``c ^ (the two bytes, little-endian)``, three times faster than two
# byte steps.  The 65,536-entry table takes ~2 ms to build, so it is built once a
# process has CRC'd enough bytes (a plan's build) to repay it, never for one file; it
# is an array of uint16 (128 KB, which stays in the CPU's cache between files, where
# a list of int objects, 2 MB, made it no faster than the byte loop in a real build).
_LITTLE_ENDIAN: Final = sys.byteorder == "little"
_WORD_TABLE_AFTER: Final = 64 * 1024  # bytes CRC'd a byte at a time before it is built
_word_state: list = [0, None]  # [bytes CRC'd so far, the table once built]


def _word_table(size: int) -> list[int] | None:
    table = _word_state[1]
    if table is None:
        _word_state[0] += size
        if _word_state[0] < _WORD_TABLE_AFTER:
            return None
        low = [(t >> 8) ^ _CRC_TABLE[t & 0xFF] for t in _CRC_TABLE]  # then a zero byte
        table = _word_state[1] = array("H", [lo ^ hi for hi in _CRC_TABLE for lo in low])
    return table


# The CRC is linear: run from a state ``s`` over ``n`` bytes it is (what those bytes give
# from 0) XOR (``s`` carried through ``n`` zero bytes), and carrying a state through zero
# bytes is a 16x16 bit matrix.  So a file whose first bytes change per session date (the
# file_id) needs the CRC of the unchanging rest only once (:class:`PreparedWorkout`);
# each date then costs its few changed bytes and a handful of matrix products.
_ZERO_RUNS: list[tuple[int, ...]] = []
"""``_ZERO_RUNS[k]``: images of the 16 state bits carried through 2**k zero bytes (grown
on demand: a workout of a few kilobytes needs about a dozen)."""


def _carried(matrix: tuple[int, ...], state: int) -> int:
    out, bit = 0, 0
    while state:
        if state & 1:
            out ^= matrix[bit]
        state >>= 1
        bit += 1
    return out


def _zero_run(k: int) -> tuple[int, ...]:
    if not _ZERO_RUNS:
        _ZERO_RUNS.append(tuple((1 << i >> 8) ^ _CRC_TABLE[(1 << i) & 0xFF] for i in range(16)))
    while len(_ZERO_RUNS) <= k:
        last = _ZERO_RUNS[-1]
        _ZERO_RUNS.append(tuple(_carried(last, column) for column in last))
    return _ZERO_RUNS[k]


# A plan writes each workout for many dates: once a run of zero bytes has been crossed
# often enough, its matrix becomes two tables (the images of every low and every high
# byte of a state), so crossing it is two look-ups instead of a product bit by bit.
_TABLES_AFTER: Final = 16  # crossings of one run before its tables are built (~30 us)
_RUN_TABLES: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
_RUN_CROSSINGS: dict[int, int] = {}


def _across_run(k: int, state: int) -> int:
    """``state`` carried through 2**k zero bytes."""
    tables = _RUN_TABLES.get(k)
    if tables is None:
        crossings = _RUN_CROSSINGS[k] = _RUN_CROSSINGS.get(k, 0) + 1
        if crossings < _TABLES_AFTER:
            return _carried(_zero_run(k), state)
        tables = _RUN_TABLES[k] = _byte_tables(_zero_run(k))
    return tables[0][state & 0xFF] ^ tables[1][state >> 8]


def _byte_tables(matrix: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The matrix's image of every low byte and of every high byte of a state: linear,
    so a byte's image is its lowest bit's column XOR the image of the rest."""
    out = []
    for first in (0, 8):
        table = [0] * 256
        for byte in range(1, 256):
            lowest = byte & -byte
            table[byte] = table[byte ^ lowest] ^ matrix[first + lowest.bit_length() - 1]
        out.append(tuple(table))
    return out[0], out[1]


def crc16_combine(crc_before: int, crc_after: int, after_length: int) -> int:
    """``crc16(a + b)`` from ``crc16(a)``, ``crc16(b)`` and ``len(b)``, without reading
    ``b`` again (as zlib's ``crc32_combine``)."""
    state, k = crc_before, 0
    while after_length and state:
        if after_length & 1:
            state = _across_run(k, state)
        after_length >>= 1
        k += 1
    return state ^ crc_after


def fit_time(unix_seconds: int) -> int:
    """Convert Unix seconds to FIT ``date_time`` seconds (since 1989-12-31T00:00:00Z).

    Raises :class:`FitEncodeError` when the result does not fit a FIT uint32 date
    (before the FIT epoch, or at/after 0xFFFFFFFF, the invalid value).
    """
    _require_int("unix_seconds", unix_seconds)
    value = unix_seconds - FIT_EPOCH_UNIX
    if not 0 <= value < _UINT32_INVALID:
        raise FitEncodeError(
            f"unix_seconds={unix_seconds} is outside the FIT date range "
            f"({FIT_EPOCH_UNIX}..{FIT_EPOCH_UNIX + _UINT32_INVALID - 1})"
        )
    return value


def stable_serial(data: bytes) -> int:
    """A deterministic, non-zero uint32 ``serial_number`` derived from ``data``.

    FIT asks for (type, manufacturer, product, serial_number) to be unique per file, and
    0 is the invalid value of a ``uint32z``.  Hashing the workout's content (BLAKE2b, with a
    planc-specific personalisation so it never collides with another use of the same
    bytes) gives a serial that differs between workouts yet is identical on every
    recompile, so output stays byte-for-byte reproducible.  The result lies in
    1..0xFFFFFFFE: besides 0 it also avoids 0xFFFFFFFF, which readers that ignore the
    ``z`` in ``uint32z`` would take for "invalid".
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FitEncodeError(f"stable_serial needs bytes, got {type(data).__name__}")
    return _serial(serial_hash(data))


def serial_hash(prefix: bytes) -> hashlib.blake2b:
    """The hash :func:`stable_serial` runs, fed ``prefix``: ``stable_serial(prefix + tail)``
    is then :func:`serial_after` ``(hash, tail)``, without hashing the prefix again."""
    return hashlib.blake2b(prefix, digest_size=8, person=b"planc-fit-serial")


def serial_after(prefix_hash: hashlib.blake2b, tail: bytes) -> int:
    """``stable_serial(prefix + tail)`` for the ``prefix_hash`` of :func:`serial_hash`."""
    h = prefix_hash.copy()
    h.update(tail)
    return _serial(h)


def _serial(h: hashlib.blake2b) -> int:
    return int.from_bytes(h.digest(), "little") % (_UINT32_INVALID - 1) + 1


def truncate_utf8(text: str, max_bytes: int) -> bytes:
    """``text`` as UTF-8, cut to at most ``max_bytes`` bytes without splitting a character.

    When the cut lands inside a multi-byte sequence, the whole character is dropped (we
    back up over UTF-8 continuation bytes, ``0b10xxxxxx``), so the result always decodes
    strictly.  The unit is the code point: a combining mark may be separated from its
    base character, which still decodes fine.  Lone surrogates cannot be encoded and
    raise :class:`FitEncodeError`.
    """
    if not isinstance(text, str):
        raise FitEncodeError(f"text must be a str, got {type(text).__name__}")
    _require_int("max_bytes", max_bytes)
    if max_bytes < 0:
        raise FitEncodeError(f"max_bytes must be >= 0, got {max_bytes}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FitEncodeError(f"text {text!r} is not encodable as UTF-8: {exc.reason}") from exc
    return cut_utf8(text, max_bytes).encode("utf-8")


# --------------------------------------------------------------------------- validation


def _require_int(what: str, value: object) -> None:
    # bool is an int subclass; True as a duration is certainly a caller bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FitEncodeError(f"{what} must be an int, got {type(value).__name__} {value!r}")


def _checked(what: str, value: object, lo: int, hi: int, kind: str) -> int:
    """Validate a set field: an int in ``lo..hi`` (``hi`` excludes the invalid value)."""
    _require_int(what, value)
    assert isinstance(value, int)
    if not lo <= value <= hi:
        raise FitEncodeError(f"{what}={value} is out of range {lo}..{hi} ({kind})")
    return value


def _enum(what: str, value: object) -> int:
    return _checked(what, value, 0, 0xFE, "enum; 0xFF is FIT's invalid value")


def _opt_enum(what: str, value: int | None) -> int:
    return _ENUM_INVALID if value is None else _enum(what, value)


def _u16(what: str, value: object) -> int:
    return _checked(what, value, 0, 0xFFFE, "uint16; 0xFFFF is FIT's invalid value")


def _u32(what: str, value: object) -> int:
    return _checked(
        what, value, 0, 0xFFFFFFFE, "uint32; 0xFFFFFFFF is FIT's invalid value, use None"
    )


def _opt_u32(what: str, value: int | None) -> int:
    return _UINT32_INVALID if value is None else _u32(what, value)


def _text(what: str, text: str | None, field: str) -> bytes:
    """Encode an optional string field's content (without the NUL), capped for ``field``."""
    if text is None:
        return b""
    if not isinstance(text, str):
        raise FitEncodeError(f"{what} must be a str or None, got {type(text).__name__}")
    if "\x00" in text:
        # A NUL ends a FIT string early (and garmin-fit-sdk splits the field on it).
        raise FitEncodeError(f"{what} contains a NUL character: {text!r}")
    return truncate_utf8(text, MAX_STRING_SIZES[field] - 1)


def _check_range(where: str, low: int | None, high: int | None) -> None:
    if low is not None and high is not None and low > high:
        raise FitEncodeError(f"{where}: low {low} is greater than high {high}")


def _check_repeat_nesting(steps: Sequence[FitStep]) -> None:
    """Repeat bodies must nest: an inner repeat's body lies wholly inside the outer's.

    A repeat at index ``j`` pointing at ``p`` owns the body ``p..j-1``.  Any repeat at
    ``k`` in that body must point at ``>= p``; otherwise the two loops cross and no
    tree of repeats describes the file.
    """
    targets: dict[int, int] = {}
    for j, step in enumerate(steps):
        if step.duration_type not in _REPEAT_DURATIONS:
            continue
        p = step.duration_value
        assert p is not None  # validated before
        for k, q in targets.items():
            if p <= k < j and q < p:
                raise FitEncodeError(
                    f"step {j}: repeat of steps {p}..{j - 1} crosses the repeat at step {k} "
                    f"(steps {q}..{k - 1}); repeat bodies must nest"
                )
        targets[j] = p


def _step_values(index: int, step: FitStep) -> tuple[int, ...]:
    """Validate one step and return its numeric fields in definition order."""
    if not isinstance(step, FitStep):
        raise FitEncodeError(f"step {index} must be a FitStep, got {type(step).__name__}")
    where = f"step {index}"
    duration_type = _enum(f"{where}: duration_type", step.duration_type)
    duration_value = _opt_u32(f"{where}: duration_value", step.duration_value)
    target_value = _opt_u32(f"{where}: target_value", step.target_value)
    if duration_type in _REPEAT_DURATIONS:
        if step.duration_value is None:
            raise FitEncodeError(
                f"{where}: repeat step (duration_type {duration_type}) needs duration_value "
                "= message_index of the first step to repeat"
            )
        if duration_value >= index:
            raise FitEncodeError(
                f"{where}: repeat step must point back to an earlier step, but "
                f"duration_value={duration_value} is at or after itself"
            )
        if step.target_value is None:
            raise FitEncodeError(
                f"{where}: repeat step (duration_type {duration_type}) needs target_value "
                "(the repeat count, or the until-condition's value)"
            )
        if duration_type == _REPEAT_UNTIL_STEPS_CMPLT and target_value < 1:
            raise FitEncodeError(f"{where}: repeat count (target_value) must be >= 1, got 0")
    elif duration_type in _VALUED_DURATIONS and step.duration_value is None:
        raise FitEncodeError(
            f"{where}: duration_type {duration_type} needs duration_value "
            f"({_VALUED_DURATIONS[duration_type]})"
        )
    _check_range(f"{where}: custom target", step.custom_low, step.custom_high)
    _check_range(
        f"{where}: secondary custom target", step.secondary_custom_low, step.secondary_custom_high
    )
    return (
        duration_type,
        duration_value,
        _enum(f"{where}: target_type", step.target_type),
        target_value,
        _opt_u32(f"{where}: custom_low", step.custom_low),
        _opt_u32(f"{where}: custom_high", step.custom_high),
        _opt_enum(f"{where}: intensity", step.intensity),
        _opt_enum(f"{where}: secondary_target_type", step.secondary_target_type),
        _opt_u32(f"{where}: secondary_target_value", step.secondary_target_value),
        _opt_u32(f"{where}: secondary_custom_low", step.secondary_custom_low),
        _opt_u32(f"{where}: secondary_custom_high", step.secondary_custom_high),
    )


# --------------------------------------------------------------------------- records


def _definition(local: int, global_num: int, fields: Sequence[tuple[int, int, int]]) -> bytes:
    """A definition record: header, reserved 0, arch 0 (little-endian), global, fields."""
    out = bytearray((0x40 | local, 0, 0))
    out += _U16.pack(global_num)
    out.append(len(fields))
    for number, size, base_type in fields:
        out += bytes((number, size, base_type))
    return bytes(out)


# file_id never changes shape, so its definition and data layout are built once.
_FILE_ID_DEFINITION: Final = _definition(
    _LOCAL_FILE_ID,
    _MESG_FILE_ID,
    (
        (0, 1, _ENUM),  # type
        (1, 2, _UINT16),  # manufacturer
        (2, 2, _UINT16),  # product
        (3, 4, _UINT32Z),  # serial_number
        (4, 4, _UINT32),  # time_created
    ),
)
_FILE_ID_DATA: Final = struct.Struct("<BBHHII")
_FILE_ID_SIZE: Final = len(_FILE_ID_DEFINITION) + _FILE_ID_DATA.size

# workout_step: the numeric part of the shared definition (string sizes vary per file).
_STEP_NUMERIC_FIELDS: Final = (
    (254, 2, _UINT16),  # message_index
    (1, 1, _ENUM),  # duration_type
    (2, 4, _UINT32),  # duration_value
    (3, 1, _ENUM),  # target_type
    (4, 4, _UINT32),  # target_value
    (5, 4, _UINT32),  # custom_target_value_low
    (6, 4, _UINT32),  # custom_target_value_high
    (7, 1, _ENUM),  # intensity
    (19, 1, _ENUM),  # secondary_target_type
    (20, 4, _UINT32),  # secondary_target_value
    (21, 4, _UINT32),  # secondary_custom_target_value_low
    (22, 4, _UINT32),  # secondary_custom_target_value_high
)
# Record header byte + the numeric fields above, in the same order.
_STEP_NUMERIC_FORMAT: Final = "<BHBIBIIIBBIII"


def _file_id(manufacturer: int, product: int, serial_number: int, time_created: int) -> bytes:
    return _FILE_ID_DEFINITION + _FILE_ID_DATA.pack(
        _LOCAL_FILE_ID, _FILE_TYPE_WORKOUT, manufacturer, product, serial_number, time_created
    )


def _workout(
    *,
    name: bytes,
    sport: int,
    num_steps: int,
    sub_sport: int | None,
    capabilities: int | None,
    pool_length_cm: int | None,
    pool_length_unit: int | None,
    description: bytes,
) -> bytes:
    """The workout message: only the fields that were given are declared."""
    fields: list[tuple[int, int, int]] = [(4, 1, _ENUM), (6, 2, _UINT16)]
    fmt = ["<B", "B", "H"]
    values: list[int | bytes] = [_LOCAL_WORKOUT, sport, num_steps]
    if sub_sport is not None:
        fields.append((11, 1, _ENUM))
        fmt.append("B")
        values.append(sub_sport)
    if capabilities is not None:
        fields.append((5, 4, _UINT32Z))
        fmt.append("I")
        values.append(capabilities)
    if pool_length_cm is not None:
        fields.append((14, 2, _UINT16))
        fmt.append("H")
        values.append(pool_length_cm)
    if pool_length_unit is not None:
        fields.append((15, 1, _ENUM))
        fmt.append("B")
        values.append(pool_length_unit)
    fields.append((8, len(name) + 1, _STRING))
    fmt.append(f"{len(name) + 1}s")
    values.append(name)
    if description:
        fields.append((17, len(description) + 1, _STRING))
        fmt.append(f"{len(description) + 1}s")
        values.append(description)
    # struct's "Ns" pads with NUL bytes, which supplies each string's terminator.
    return _definition(_LOCAL_WORKOUT, _MESG_WORKOUT, fields) + struct.pack("".join(fmt), *values)


# --------------------------------------------------------------------------- entry point


def encode_workout(
    *,
    name: str,
    sport: int,
    steps: Sequence[FitStep],
    time_created: int,
    serial_number: int,
    sub_sport: int | None = None,
    description: str | None = None,
    pool_length_cm: int | None = None,
    pool_length_unit: int | None = None,
    capabilities: int | None = None,
    manufacturer: int = 255,
    product: int = 0,
) -> bytes:
    """Encode a complete FIT workout file and return its bytes.

    ``time_created`` is FIT-epoch seconds (see :func:`fit_time`); ``serial_number`` must be
    non-zero (see :func:`stable_serial`).  Pool fields are only accepted for swimming
    (sport 5).  ``num_valid_steps`` is written as ``len(steps)``: the real number of step
    messages, repeat steps included (formats.md §3.3).

    Raises :class:`FitEncodeError` (a ``ValueError``) for anything out of range: negative
    or too-large numbers, the invalid sentinels themselves, a repeat step that does not
    point back to an earlier step or whose body crosses another repeat's, a zero serial,
    a NUL inside a string, no steps or more than :data:`MAX_STEPS`.
    """
    return prepare_workout(
        name=name, sport=sport, steps=steps, sub_sport=sub_sport, description=description,
        pool_length_cm=pool_length_cm, pool_length_unit=pool_length_unit,
        capabilities=capabilities, manufacturer=manufacturer, product=product,
    ).file(serial_number, time_created)


@dataclass(frozen=True, slots=True)
class PreparedWorkout:
    """A workout file checked and encoded but for its file_id (serial number and date).

    The sessions of a plan that run one workout on different days share everything but
    those two numbers, so the steps are checked and encoded once (:func:`prepare_workout`)
    and each day's file costs a file_id record and the CRC (:meth:`file`): the header
    (its size does not change with the date) and the CRC of everything after file_id
    are computed here once, and joined to each date's file_id by
    :func:`crc16_combine`.
    """

    rest: bytes  # the workout message and the step records, after file_id
    manufacturer: int
    product: int
    head: bytes = b""  # the 14-byte header, its CRC included
    head_crc: int = 0  # crc16(head)
    rest_crc: int = 0  # crc16(rest)

    @staticmethod
    def of(rest: bytes, manufacturer: int, product: int) -> PreparedWorkout:
        header = _HEADER_NO_CRC.pack(_HEADER_SIZE, PROTOCOL_VERSION, PROFILE_VERSION,
                                     _FILE_ID_SIZE + len(rest), b".FIT")
        head = header + _U16.pack(crc16(header))
        return PreparedWorkout(rest, manufacturer, product, head, crc16(head), crc16(rest))

    def file(self, serial_number: int, time_created: int) -> bytes:
        """The whole file with this serial number and ``time_created`` (FIT seconds)."""
        _check_file_id(serial_number, time_created, self.manufacturer, self.product)
        file_id = _file_id(self.manufacturer, self.product, serial_number, time_created)
        crc = crc16_combine(crc16(file_id, self.head_crc), self.rest_crc, len(self.rest))
        return b"".join((self.head, file_id, self.rest, _U16.pack(crc)))


def prepare_workout(
    *,
    name: str,
    sport: int,
    steps: Sequence[FitStep],
    sub_sport: int | None = None,
    description: str | None = None,
    pool_length_cm: int | None = None,
    pool_length_unit: int | None = None,
    capabilities: int | None = None,
    manufacturer: int = 255,
    product: int = 0,
    trusted: bool = False,
) -> PreparedWorkout:
    """Everything :func:`encode_workout` checks and encodes but the file_id.

    Raises :class:`FitEncodeError` as :func:`encode_workout` does.  ``trusted`` steps
    come from planc's own FIT lowering, which keeps every value in range: they get one
    cheap check of the whole list instead of one per field (:func:`_trusted_records`),
    and the field-by-field check only runs to say what is wrong when that one fails.
    The bytes are the same either way (tests/test_fit_trusted.py).
    """
    if not isinstance(name, str) or not name.strip():
        raise FitEncodeError(f"workout name must be a non-empty str, got {name!r}")
    name_raw = _text("workout name", name, "wkt_name")
    description_raw = _text("description", description, "wkt_description")
    _check_workout(sport, sub_sport, capabilities, pool_length_cm, pool_length_unit)
    _u16("manufacturer", manufacturer)
    _u16("product", product)
    step_records = (_trusted_records(steps) if trusted else None) or _step_records(steps)
    workout = _workout(
        name=name_raw,
        sport=sport,
        num_steps=len(steps),
        sub_sport=sub_sport,
        capabilities=capabilities,
        pool_length_cm=pool_length_cm,
        pool_length_unit=pool_length_unit,
        description=description_raw,
    )
    return PreparedWorkout.of(b"".join((workout, *step_records)), manufacturer, product)




def _check_workout(sport: int, sub_sport: int | None, capabilities: int | None,
                   pool_length_cm: int | None, pool_length_unit: int | None) -> None:
    """The workout message's numbers (pool fields only for swimming)."""
    _enum("sport", sport)
    if sub_sport is not None:
        _enum("sub_sport", sub_sport)
    if capabilities is not None:
        _checked(
            "capabilities",
            capabilities,
            1,
            0xFFFFFFFF,
            "uint32z bitmask; 0 is FIT's invalid value, use None",
        )
    if pool_length_cm is not None or pool_length_unit is not None:
        if sport != _SPORT_SWIMMING:
            raise FitEncodeError(
                f"pool_length_cm/pool_length_unit are only for swimming (sport 5), "
                f"got sport={sport}"
            )
        if pool_length_cm is None:
            raise FitEncodeError("pool_length_unit given without pool_length_cm")
        _checked("pool_length_cm", pool_length_cm, 1, 0xFFFE, "uint16 centimetres")
        if pool_length_unit is not None:
            _enum("pool_length_unit", pool_length_unit)


def _check_file_id(serial_number: int, time_created: int, manufacturer: int,
                   product: int) -> None:
    if (type(serial_number) is int and type(time_created) is int  # bool is not int
            and 1 <= serial_number <= 0xFFFFFFFF
            and FIT_DATETIME_MIN <= time_created <= _UINT32_INVALID - 1):
        return  # manufacturer and product were checked by prepare_workout
    _checked("serial_number", serial_number, 1, 0xFFFFFFFF, "uint32z; 0 is FIT's invalid value")
    _checked(
        "time_created",
        time_created,
        FIT_DATETIME_MIN,
        _UINT32_INVALID - 1,
        "FIT-epoch seconds; smaller values mean device system time, see fit_time()",
    )
    _u16("manufacturer", manufacturer)
    _u16("product", product)


def _step_records(steps: Sequence[FitStep]) -> list[bytes]:
    """The workout_step definition (sized for the longest strings) and one record per step."""
    if isinstance(steps, str | bytes) or not isinstance(steps, Sequence):
        raise FitEncodeError(f"steps must be a sequence of FitStep, got {type(steps).__name__}")
    count = len(steps)
    if not 1 <= count <= MAX_STEPS:
        raise FitEncodeError(
            f"a workout needs 1..{MAX_STEPS} steps (message_index is 12 bits), got {count}"
        )

    numeric = [_step_values(i, step) for i, step in enumerate(steps)]
    _check_repeat_nesting(steps)
    names = [_text(f"step {i}: name", s.name, "wkt_step_name") for i, s in enumerate(steps)]
    notes = [_text(f"step {i}: notes", s.notes, "notes") for i, s in enumerate(steps)]
    name_size = max(map(len, names)) + 1
    notes_size = max(map(len, notes)) + 1

    step_definition = _definition(
        _LOCAL_STEP,
        _MESG_WORKOUT_STEP,
        (*_STEP_NUMERIC_FIELDS, (0, name_size, _STRING), (8, notes_size, _STRING)),
    )
    pack = struct.Struct(f"{_STEP_NUMERIC_FORMAT}{name_size}s{notes_size}s").pack
    return [step_definition, *(pack(_LOCAL_STEP, i, *values, names[i], notes[i])
                               for i, values in enumerate(numeric))]


_U32_FIELDS: Final = (1, 3, 4, 5, 8, 9, 10)
_STEP_U32_FIELDS: Final = (1, 3, 4, 5, 10, 11, 12)  # the same fields' places in a FitStep
_INT_ONLY: Final = {int}  # positions of the uint32 values in a step's tuple


def _trusted_records(steps: Sequence[FitStep]) -> list[bytes] | None:
    """What :func:`_step_records` returns for steps planc's lowering made, or None when
    a value is not what the lowering promises (the checked path then says which).

    The lowering writes ints in range, repeats that point back at their body and nest,
    counts of at least one and text within the row's byte limits without NULs; this
    checks the whole list at once (every number in range, every text short enough,
    every repeat pointing back) rather than each field in turn.
    """
    count = len(steps)
    if not 1 <= count <= MAX_STEPS:
        return None
    u32, enum = _UINT32_INVALID, _ENUM_INVALID
    numeric = [(s.duration_type, u32 if s.duration_value is None else s.duration_value,
                s.target_type, u32 if s.target_value is None else s.target_value,
                u32 if s.custom_low is None else s.custom_low,
                u32 if s.custom_high is None else s.custom_high,
                enum if s.intensity is None else s.intensity,
                enum if s.secondary_target_type is None else s.secondary_target_type,
                u32 if s.secondary_target_value is None else s.secondary_target_value,
                u32 if s.secondary_custom_low is None else s.secondary_custom_low,
                u32 if s.secondary_custom_high is None else s.secondary_custom_high)
               for s in steps]
    if not _plausible(steps, numeric):
        return None
    try:
        names = [b"" if s.name is None else s.name.encode() for s in steps]
        notes = [b"" if s.notes is None else s.notes.encode() for s in steps]
    except (AttributeError, UnicodeEncodeError):
        return None
    name_size = max(map(len, names)) + 1
    notes_size = max(map(len, notes)) + 1
    if (name_size > MAX_STRING_SIZES["wkt_step_name"] or notes_size > MAX_STRING_SIZES["notes"]
            or any(b"\0" in n for n in names) or any(b"\0" in n for n in notes)):
        return None
    step_definition = _definition(
        _LOCAL_STEP,
        _MESG_WORKOUT_STEP,
        (*_STEP_NUMERIC_FIELDS, (0, name_size, _STRING), (8, notes_size, _STRING)),
    )
    pack = struct.Struct(f"{_STEP_NUMERIC_FORMAT}{name_size}s{notes_size}s").pack
    try:
        return [step_definition, *(pack(_LOCAL_STEP, i, *values, names[i], notes[i])
                                   for i, values in enumerate(numeric))]
    except struct.error:  # a float, or a number out of range: the checked path says which
        return None


def _plausible(steps: Sequence[FitStep], numeric: list[tuple[int, ...]]) -> bool:
    """Every number a set value of its type (the invalid sentinels excluded: None is
    how a step says "not set"), every repeat pointing back at a body that nests."""
    u32s = [v[i] for v in numeric for i in _U32_FIELDS]
    enums = [x for s in steps for x in (s.duration_type, s.target_type, s.intensity,
                                        s.secondary_target_type) if x is not None]
    if set(map(type, u32s)) != _INT_ONLY or set(map(type, enums)) != _INT_ONLY:
        return False  # bool (an int), a float or a str: the checked path says so
    if min(u32s) < 0 or min(enums) < 0 or max(enums) > 0xFE:
        return False
    # a set field holding the invalid value: more invalid values than unset fields
    if max(u32s) == _UINT32_INVALID and u32s.count(_UINT32_INVALID) != [
            s[i] for s in steps for i in _STEP_U32_FIELDS].count(None):
        return False
    for j, v in enumerate(numeric):
        if v[0] in _REPEAT_DURATIONS:
            if (v[1] >= j or v[3] == _UINT32_INVALID
                    or (v[0] == _REPEAT_UNTIL_STEPS_CMPLT and v[3] < 1)):
                return False
        elif v[0] in _VALUED_DURATIONS and v[1] == _UINT32_INVALID:
            return False
        if (v[4] != _UINT32_INVALID and v[5] != _UINT32_INVALID and v[4] > v[5]) or (
                v[9] != _UINT32_INVALID and v[10] != _UINT32_INVALID and v[9] > v[10]):
            return False
    try:
        _check_repeat_nesting(steps)
    except FitEncodeError:
        return False
    return True

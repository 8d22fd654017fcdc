"""Benchmark: planc's FIT workout encoder against garmin-fit-sdk's ``Encoder``.

Run as ``.venv/bin/python bench/bench_fit_encoder.py [--quick]``.  Both encoders write
the same 15-step workout (14 work steps plus one repeat step) from the same
:class:`FitStep` list; the timed call covers the whole path from that list to bytes,
so for the Garmin SDK it includes turning each step into the dict of *raw main
fields* it needs (its encoder drops sub-field names such as ``duration_time``
silently, formats.md §3.5).  Each figure is the best of several rounds, the usual
way to discount scheduler noise.  Both outputs are checked with garmin-fit-sdk's
``Decoder`` before timing, so we never time an encoder that wrote a broken file.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planc.emit.fit_encoder import FitStep, encode_workout, fit_time

TIME, DISTANCE, OPEN, REPEAT = 0, 1, 5, 6
HEART_RATE, OPEN_TARGET, CADENCE, POWER = 1, 2, 3, 4
ACTIVE, REST, WARMUP, COOLDOWN, RECOVERY, INTERVAL = 0, 1, 2, 3, 4, 5

NAME = "Threshold 3x8"
SPORT = 2  # cycling
TIME_CREATED = fit_time(1_704_164_645)
SERIAL = 0x12345678

STEPS: tuple[FitStep, ...] = (
    FitStep(TIME, 600_000, POWER, 0, 50, 65, WARMUP, "Warm up"),
    FitStep(
        TIME,
        60_000,
        POWER,
        0,
        90,
        100,
        ACTIVE,
        "Spin-up",
        secondary_target_type=CADENCE,
        secondary_target_value=0,
        secondary_custom_low=100,
        secondary_custom_high=110,
    ),
    FitStep(TIME, 120_000, POWER, 0, 50, 55, RECOVERY, "Easy"),
    FitStep(TIME, 30_000, POWER, 0, 110, 120, INTERVAL, "Opener"),
    FitStep(TIME, 120_000, POWER, 0, 50, 55, RECOVERY, "Easy"),
    FitStep(TIME, 480_000, POWER, 0, 95, 105, INTERVAL, "Threshold", notes="Hold it steady"),
    FitStep(TIME, 120_000, POWER, 0, 50, 55, RECOVERY, "Recover"),
    FitStep(TIME, 180_000, POWER, 0, 1300, 1320, INTERVAL, "300W"),
    FitStep(TIME, 180_000, POWER, 0, 50, 55, RECOVERY, "Recover"),
    FitStep(REPEAT, 5, OPEN_TARGET, 3),
    FitStep(DISTANCE, 200_000, POWER, 0, 85, 90, ACTIVE, "Tempo 2km"),
    FitStep(TIME, 600_000, POWER, 0, 88, 93, ACTIVE, "Sweet spot"),
    FitStep(TIME, 300_000, HEART_RATE, 2, intensity=ACTIVE, name="HR Z2"),
    FitStep(TIME, 300_000, POWER, 0, 40, 50, COOLDOWN, "Cool down"),
    FitStep(OPEN, None, HEART_RATE, 0, 200, 230, COOLDOWN, "Spin out", notes="Lap when done"),
)


def encode_planc(steps: Sequence[FitStep] = STEPS) -> bytes:
    return encode_workout(
        name=NAME, sport=SPORT, steps=steps, time_created=TIME_CREATED, serial_number=SERIAL
    )


_GARMIN_KEYS = (
    ("duration_type", "duration_type"),
    ("duration_value", "duration_value"),
    ("target_type", "target_type"),
    ("target_value", "target_value"),
    ("custom_target_value_low", "custom_low"),
    ("custom_target_value_high", "custom_high"),
    ("intensity", "intensity"),
    ("wkt_step_name", "name"),
    ("notes", "notes"),
    ("secondary_target_type", "secondary_target_type"),
    ("secondary_target_value", "secondary_target_value"),
    ("secondary_custom_target_value_low", "secondary_custom_low"),
    ("secondary_custom_target_value_high", "secondary_custom_high"),
)


def make_garmin_encoder() -> Callable[[Sequence[FitStep]], bytes] | None:
    try:
        from garmin_fit_sdk import Encoder, Profile
    except ImportError:
        return None
    mesg_num = Profile["mesg_num"]
    file_id, workout, step_num = mesg_num["FILE_ID"], mesg_num["WORKOUT"], mesg_num["WORKOUT_STEP"]

    def encode_garmin(steps: Sequence[FitStep] = STEPS) -> bytes:
        encoder = Encoder()
        encoder.on_mesg(
            file_id,
            {
                "type": 5,
                "manufacturer": 255,
                "product": 0,
                "serial_number": SERIAL,
                "time_created": TIME_CREATED,
            },
        )
        encoder.on_mesg(workout, {"wkt_name": NAME, "sport": SPORT, "num_valid_steps": len(steps)})
        for index, step in enumerate(steps):
            mesg: dict[str, Any] = {"message_index": index}
            for key, attribute in _GARMIN_KEYS:
                value = getattr(step, attribute)
                if value is not None:
                    mesg[key] = value
            encoder.on_mesg(step_num, mesg)
        return bytes(encoder.close())

    return encode_garmin


def check(data: bytes) -> None:
    """Both outputs must pass garmin-fit-sdk's own integrity check."""
    from garmin_fit_sdk import Decoder, Stream

    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit() and decoder.check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert not errors, errors
    assert len(messages["workout_step_mesgs"]) == len(STEPS)


def best_us(fn: Callable[[], bytes], number: int, rounds: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=rounds)) / number * 1e6


def main(argv: Sequence[str]) -> int:
    quick = "--quick" in argv
    rounds = 3 if quick else 7
    n_planc = 500 if quick else 5000
    n_garmin = 50 if quick else 300

    ours = encode_planc()
    print(f"workout: {len(STEPS)} steps ({sum(s.duration_type == REPEAT for s in STEPS)} repeat)")
    print(f"python {sys.version.split()[0]}, best of {rounds} rounds")
    planc_us = best_us(encode_planc, n_planc, rounds)
    print(f"planc encoder        : {planc_us:9.1f} µs/encode  {len(ours):5d} bytes  (x{n_planc})")

    encode_garmin = make_garmin_encoder()
    if encode_garmin is None:
        print("garmin-fit-sdk not installed: skipping the comparison")
        return 0
    theirs = encode_garmin()
    check(ours)
    check(theirs)
    garmin_us = best_us(encode_garmin, n_garmin, rounds)
    print(
        f"garmin-fit-sdk Encoder: {garmin_us:9.1f} µs/encode  {len(theirs):5d} bytes  (x{n_garmin})"
    )
    print(f"ratio garmin / planc : {garmin_us / planc_us:9.1f}x")
    print(f"size  planc / garmin : {len(ours) / len(theirs):9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

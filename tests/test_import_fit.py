"""Importing FIT workouts: durations, repeats (conditional ones too), targets, text, errors.

Inputs are built with planc's own FIT encoder (raw FIT units, any step the profile
allows), so every case is a real, CRC-valid FIT file decoded by fitdecode.
"""

from __future__ import annotations

import struct

import pytest

from planc.ast import (
    CadenceTarget,
    Cue,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Step,
    unrolled_steps,
)
from planc.emit.fit_encoder import FitStep, crc16, encode_workout
from planc.importers import import_file
from planc.importers.fit import CONDITIONAL_REPEATS, OPEN_STEP_SECONDS

TIME, DISTANCE, HR_LT, CALORIES, OPEN, REPEAT = 0, 1, 2, 4, 5, 6
REPEAT_TIME, REPEAT_HR_GT, POWER_GT = 7, 11, 15
SPEED, HR, NO_TARGET, CADENCE, POWER = 0, 1, 2, 3, 4


def fit(*steps: FitStep, sport: int = 2, sub_sport: int | None = None, name: str = "Test",
        description: str | None = None) -> bytes:
    return encode_workout(name=name, sport=sport, sub_sport=sub_sport, steps=list(steps),
                          time_created=0x30000000, serial_number=7, description=description)


def timed(seconds: float, target: int = NO_TARGET, low: int | None = None,
          high: int | None = None, **kw) -> FitStep:
    value = 0 if target != NO_TARGET else None
    return FitStep(TIME, round(seconds * 1000), target, kw.pop("target_value", value), low,
                   high, **kw)


def imp(data: bytes, **kw):
    return import_file(data, path="t.fit", **kw)


def ok(data: bytes, **kw):
    res = imp(data, **kw)
    assert res.ok, res.diagnostics
    return res


def flat(res) -> list[Step]:
    return list(unrolled_steps(res.workout.body))


def codes(res) -> list[str]:
    return [d.code for d in res.diagnostics]


def test_time_and_distance_steps_with_names_and_sections():
    res = ok(fit(
        timed(600, POWER, 50, 65, intensity=2, name="Warm up"),
        FitStep(DISTANCE, 200_000, POWER, 0, 90, 95, intensity=0, name="2 km hard"),
        timed(300, POWER, 40, 50, intensity=3),
        description="Words"))
    w = res.workout
    assert (w.name, w.sport, w.description) == ("Test", "Ride", "Words")
    assert flat(res) == [
        Step(Duration(600.0), label="Warm up",
             power=PowerTarget(PowerUnit.FTP, Range(0.5, 0.65)), section=Section.WARMUP),
        Step(Distance(2000.0), label="2 km hard",
             power=PowerTarget(PowerUnit.FTP, Range(0.9, 0.95))),
        Step(Duration(300.0), power=PowerTarget(PowerUnit.FTP, Range(0.4, 0.5)),
             section=Section.COOLDOWN),
    ]
    # the label '2 km hard' stays a label: the distance is written 2000mtr after it
    assert res.text == ("---\nname: Test\nsport: Ride\ndescription: Words\n---\nWarmup\n"
                        "- Warm up 10m 50-65%\n\n- 2 km hard 2000mtr 90-95%\n\nCooldown\n"
                        "- 5m 40-50%\n")


def test_intensity_classes_other_than_active_are_kept():
    res = ok(fit(timed(60, POWER, 90, 100, intensity=0), timed(60, POWER, 40, 50, intensity=4),
                 timed(60, POWER, 40, 50, intensity=1), timed(60, POWER, 50, 60, intensity=2),
                 timed(60, POWER, 90, 100, intensity=5)))
    assert [s.intensity for s in flat(res)] == [None, Intensity.RECOVERY, Intensity.REST,
                                                Intensity.WARMUP, Intensity.INTERVAL]


def test_repeats_and_nested_repeats():
    res = ok(fit(
        timed(300, POWER, 50, 60),
        timed(60, POWER, 105, 110),
        timed(120, POWER, 88, 92),
        FitStep(REPEAT, 1, NO_TARGET, 4, name="Over-under"),
        timed(360, POWER, 50, 60),
        FitStep(REPEAT, 1, NO_TARGET, 3, name="Main set"),
        timed(600, POWER, 40, 50)))
    outer = res.workout.body[1]
    assert isinstance(outer, Repeat) and (outer.count, outer.title) == (3, "Main set")
    inner = outer.children[0]
    assert isinstance(inner, Repeat) and (inner.count, inner.title) == (4, "Over-under")
    assert len(flat(res)) == 1 + 3 * (4 * 2 + 1) + 1
    assert "Main set 3x\n  Over-under 4x\n    - 1m 105-110%" in res.text


def test_repeat_until_time_becomes_the_nearest_count():
    res = ok(fit(timed(60, POWER, 120, 130), timed(60, POWER, 40, 50),
                 FitStep(REPEAT_TIME, 0, NO_TARGET, 600_000)))
    assert res.workout.body[0].count == 5
    assert "fit-conditional-repeat" in codes(res)


def test_repeat_until_heart_rate_keeps_the_condition_in_the_title():
    res = ok(fit(timed(60), FitStep(DISTANCE, 50_000, POWER, 5),
                 FitStep(DISTANCE, 50_000, POWER, 3),
                 FitStep(REPEAT_HR_GT, 1, HR, 80, name="Rep")))
    rep = res.workout.body[1]
    assert rep.count == CONDITIONAL_REPEATS
    assert rep.title == "Rep (until heart rate above 80% max HR)"
    assert "fit-conditional-repeat" in codes(res)


@pytest.mark.parametrize(("step", "words"), [
    (FitStep(OPEN, None, NO_TARGET), None),
    (FitStep(HR_LT, 225, NO_TARGET), "Until heart rate below 125 bpm"),
    (FitStep(POWER_GT, 1300, NO_TARGET), "Until power above 300 W"),
    (FitStep(CALORIES, 50, NO_TARGET), "Until 50 kcal"),
])
def test_conditions_become_a_lap_press_step_with_the_condition_as_a_cue(step, words):
    res = ok(fit(timed(60, POWER, 50, 60), step))
    last = flat(res)[-1]
    assert last.amount == Duration(float(OPEN_STEP_SECONDS)) and last.until_lap_press
    assert last.cues == ((Cue(0.0, words),) if words else ())
    assert ("fit-condition" if words else "fit-open") in codes(res)


def test_custom_targets_and_offsets():
    res = ok(fit(
        timed(60, POWER, 1200, 1250),
        timed(60, HR, 60, 70),
        timed(60, HR, 230, 250),
        timed(60, CADENCE, 85, 95),
        timed(60, 7, 90, 100),     # power_3s
        timed(60, 10, 1150, 1200),  # power_lap
        timed(60, 13, 240, 250),   # heart_rate_lap
    ))
    s = flat(res)
    assert s[0].power == PowerTarget(PowerUnit.WATTS, Range(200.0, 250.0))
    assert s[1].hr == HrTarget(HrUnit.MAX, Range(0.6, 0.7))
    assert s[2].hr == HrTarget(HrUnit.BPM, Range(130.0, 150.0))
    assert s[3].cadence == CadenceTarget(Range(85.0, 95.0))
    assert (s[4].power.unit, s[4].power_window) == (PowerUnit.FTP, "3s")
    assert (s[5].power.value, s[5].power_window) == (Range(150.0, 200.0), "lap")
    assert (s[6].hr.value, s[6].hr_window) == (Range(140.0, 150.0), "lap")


def test_a_range_across_the_offset_keeps_its_top_and_an_implausible_one_is_left_out():
    res = imp(fit(
        timed(60, POWER, 90, 1250),   # 90 % FTP to 250 W
        timed(60, HR, 80, 250),       # 80 % max HR to 150 bpm
        timed(60, POWER, 60000, 61000),  # 59-60 kW: no power anyone rides
    ))
    s = flat(res)
    assert s[0].power == PowerTarget(PowerUnit.WATTS, Range(250.0, 250.0))
    assert s[1].hr == HrTarget(HrUnit.BPM, Range(150.0, 150.0))
    assert s[2].power is None
    messages = [d.message for d in res.diagnostics]
    assert any("the power range 90-1250 mixes % FTP and watts; only its upper end is kept"
               in m for m in messages), messages
    assert any("the heart-rate range 80-250 mixes % max HR and bpm; only its upper end"
               in m for m in messages), messages
    assert "implausible-value" in codes(res)


def test_speed_is_an_absolute_pace_that_the_text_keeps():
    res = ok(fit(timed(600, SPEED, 3922, 4000), sport=1))
    (step,) = flat(res)
    assert step.pace.unit is PaceUnit.SPEED
    assert "4:10-4:15/km Pace" in res.text
    assert res.workout.sport == "Run"


def test_zones_stay_zones_with_a_warning():
    res = ok(fit(timed(60, POWER, target_value=3), timed(60, HR, target_value=2)))
    s = flat(res)
    assert s[0].power == PowerTarget(PowerUnit.ZONE, Range(3.0, 3.0))
    assert s[1].hr == HrTarget(HrUnit.ZONE, Range(2.0, 2.0))
    assert codes(res).count("fit-zone") == 1


def test_zones_beyond_plancs_are_left_out():
    res = ok(fit(timed(60, POWER, target_value=12)))
    assert flat(res)[0].power is None and "fit-target" in codes(res)


def test_secondary_target_adds_cadence():
    res = ok(fit(timed(60, POWER, 90, 95, secondary_target_type=CADENCE,
                       secondary_target_value=0, secondary_custom_low=95,
                       secondary_custom_high=100)))
    (step,) = flat(res)
    assert step.power.value == Range(0.9, 0.95)
    assert step.cadence == CadenceTarget(Range(95.0, 100.0))


def test_unsupported_target_types_are_left_out_with_a_warning():
    res = ok(fit(timed(60, 5, 1, 3)))  # grade
    assert flat(res)[0].power is None and "fit-target" in codes(res)


def test_plain_notes_are_a_cue_at_the_start():
    res = ok(fit(timed(600, POWER, 50, 60, notes="Hit lap when ready | or not")))
    assert flat(res)[0].cues == (Cue(0.0, "Hit lap when ready | or not"),)


def test_notes_in_plancs_layout_read_back():
    notes = "Sweet spot effort long name | Free ride | (7:30) Halfway | (1:02:03) Late | " \
            "Press lap to move on"
    res = ok(fit(timed(4000, NO_TARGET, name="Sweet spot effort", notes=notes)))
    (step,) = flat(res)
    assert step.label == "Sweet spot effort long name"
    assert step.freeride and step.until_lap_press
    assert step.cues == (Cue(450.0, "Halfway"), Cue(3723.0, "Late"))


def test_sports_map_back_through_the_writers_table():
    assert ok(fit(timed(60, SPEED, 3000, 3100), sport=1, sub_sport=1)).workout.sport == \
        "VirtualRun"
    assert ok(fit(timed(60, POWER, 50, 60), sport=2, sub_sport=6)).workout.sport == \
        "VirtualRide"
    res = ok(fit(timed(60, POWER, 50, 60), sport=0))
    assert res.workout.sport == "Ride" and "fit-sport" in codes(res)


def test_fractional_milliseconds_round_on_the_timeline():
    res = ok(fit(*(timed(61.3334, POWER, 50 + i, 50 + i) for i in range(15))))
    assert sum(s.amount.seconds for s in flat(res)) == 920


def _retyped(data: bytes, file_type: int) -> bytes:
    body = bytearray(data[:-2])
    body[14 + 21 + 1] = file_type  # header, file_id definition, record header: the type byte
    return bytes(body) + struct.pack("<H", crc16(bytes(body)))


@pytest.mark.parametrize(("file_type", "what"), [(4, "activity"), (6, "course"),
                                                 (2, "settings")])
def test_files_that_are_not_workouts_say_what_they_are(file_type, what):
    res = imp(_retyped(fit(timed(60)), file_type))
    assert res.workout is None and codes(res) == ["fit-not-workout"]
    assert f"file_id.type = {what}" in res.diagnostics[0].message


def test_damaged_truncated_empty_and_foreign_files():
    data = fit(timed(60, POWER, 50, 60))
    flipped = bytearray(data)
    flipped[40] ^= 0xFF
    assert codes(imp(bytes(flipped))) == ["fit-crc"]
    assert codes(imp(data[: len(data) // 2])) == ["truncated"]
    assert codes(imp(b"")) == ["empty-file"]
    res = import_file(b"\x00\x01\x02garbage" * 10, path="x.fit")
    assert res.workout is None and codes(res) == ["fit-header"]
    assert res.diagnostics[0].is_error and res.diagnostics[0].path == "x.fit"

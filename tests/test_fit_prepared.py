"""A plan's sessions of one workout share its encoded FIT steps; only the date differs.

planc.emit.fit encodes the steps once per (workout, athlete, options) and, per
session date, writes the file_id (serial number, time_created) and the CRC.  The
bytes must be exactly those of encoding the whole file for that date, as
``encode_workout`` does, with the serial hashed from every field and the date.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import fit as fit_emit
from planc.emit.fit_encoder import FitEncodeError, encode_workout, prepare_workout, stable_serial
from planc.lower import lower
from planc.lower.formats import EmitOptions

sys.path.insert(0, str(ROOT / "bench"))
from _gen import workout_text

ATHLETE = Athlete({"ride": SportThresholds(ftp=250, lthr=170, max_hr=190),
                   "run": SportThresholds(lthr=165, max_hr=185, threshold_pace=4.0)})
DATES = ("2026-01-05", "2026-03-29", "2027-12-31", "2031-06-01")


def whole_file(workout, date: str) -> bytes:
    """The file encoded in one go, as before the steps were shared between dates."""
    lowered = lower("fit", workout, ATHLETE, EmitOptions(date=date))
    fields = {**fit_emit._fields(lowered.workout), "time_created": fit_emit._fit_created(date)}
    serial = stable_serial(repr(sorted(fields.items())).encode("utf-8"))
    return encode_workout(serial_number=serial, **fields)


def workouts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "plans").rglob("*.workout"))]
    return [w for w in (read_workout(t).workout for t in texts + [workout_text(s) for s in
                                                                    range(20)])
            if lower("fit", w, ATHLETE, EmitOptions()).workout is not None]


def test_each_date_gets_the_bytes_of_a_whole_encode():
    fit_emit._PREPARED.clear()
    checked = 0
    for workout in workouts():
        for date in DATES:  # the second date on reuses the encoded steps
            data, diags = fit_emit.emit(workout, ATHLETE, EmitOptions(date=date))
            assert not any(d.is_error for d in diags)
            assert data == whole_file(workout, date), (workout.name, date)
            checked += 1
    assert checked > 40


def test_dates_differ_only_in_file_id_and_crc():
    workout = read_workout(workout_text(3)).workout
    a, _ = fit_emit.emit(workout, ATHLETE, EmitOptions(date=DATES[0]))
    b, _ = fit_emit.emit(workout, ATHLETE, EmitOptions(date=DATES[1]))
    assert len(a) == len(b) and a != b
    differing = [i for i in range(len(a)) if a[i] != b[i]]
    # after the header (14 bytes), file_id's definition (21) and 6 bytes of its record:
    file_id_data = range(14 + 21 + 6, 14 + 21 + 14)  # the serial number and time_created
    assert all(i in file_id_data or i >= len(a) - 2 for i in differing)


def test_a_bad_date_or_serial_is_refused_by_the_shared_encoding():
    prepared = prepare_workout(name="W", sport=2, steps=fit_emit.fit_steps(
        lower("fit", read_workout(workout_text(1)).workout, ATHLETE, EmitOptions()).workout))
    with pytest.raises(FitEncodeError):
        prepared.file(0, 1_000_000_000)
    with pytest.raises(FitEncodeError):
        prepared.file(5, -1)

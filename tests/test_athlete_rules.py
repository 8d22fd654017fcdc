"""The one athlete model: files, flags and plans resolve thresholds by one rule.

Regression tests for copies that had drifted apart (issue 10): the command-line
override used to create empty thresholds for every sport family, so a file with only
an ``other`` section lost its FTP as soon as any flag was given, and ``compile`` then
disagreed with a plan build that used the same file.
"""

from __future__ import annotations

import pytest
from support.plan_helpers import write

from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.cli import main
from planc.plan.athlete_file import load_athlete_file

RIDE = "- 10m 50%\n- 5m 100%\n"


def test_flags_keep_the_other_section_for_every_sport():
    athlete = Athlete({"other": SportThresholds(ftp=200)})
    flagged = athlete.with_flags(SportThresholds(lthr=170))
    ride = flagged.for_sport("Ride")
    assert (ride.ftp, ride.lthr) == (200, 170)
    assert flagged.for_sport("Run").ftp == 200


def test_no_flags_change_nothing():
    athlete = Athlete({"other": SportThresholds(ftp=200)})
    assert athlete.with_flags(SportThresholds()) is athlete


def test_a_flag_wins_over_the_file():
    athlete = Athlete({"ride": SportThresholds(ftp=250, indoor_ftp=240)})
    ride = athlete.with_flags(SportThresholds(ftp=300)).for_sport("VirtualRide")
    assert ride.ftp == 300 and ride.indoor_ftp == 240
    assert ftp_for(ride, indoor=True) == 240 and ftp_for(ride) == 300


@pytest.mark.parametrize("flags", [[], ["--lthr", "170"]])
def test_compile_erg_uses_the_other_ftp_like_a_build(tmp_path, capsys, flags):
    athlete = write(tmp_path, "other: {ftp: 200}\n", "a.yaml")
    workout = write(tmp_path, RIDE, "w.workout")
    code = main(["compile", str(workout), "--to", "erg", "-o", str(tmp_path / "out"),
                 "--athlete", str(athlete), *flags])
    assert code == 0, capsys.readouterr().err
    erg = (tmp_path / "out" / "w.erg").read_text()
    assert "FTP = 200" in erg and "\t100" in erg and "\t200" in erg


def test_unknown_pace_units_is_a_positioned_error(tmp_path):
    path = write(tmp_path, "run:\n  threshold_pace: 4:15/km\n  pace_units: MINS_FURLONG\n",
                 "a.yaml")
    athlete, diags = load_athlete_file(path)
    assert athlete is None
    (d,) = diags
    assert (d.code, d.span.line, d.span.column) == ("athlete-pace-units", 3, 15)
    assert "MINS_KM" in (d.hint or "") or "MINS_MILE" in (d.hint or "")

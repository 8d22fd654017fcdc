"""Athlete files: sections, paces, zones, intervals.icu names, positioned mistakes."""

from __future__ import annotations

import pytest
from support.plan_helpers import write

from planc.plan.athlete_file import athlete_to_yaml, load_athlete_file, parse_pace


def test_full_file(tmp_path):
    path = write(tmp_path, """\
        timezone: Europe/Berlin
        ride: {ftp: 280, indoor_ftp: 270, lthr: 168, max_hr: 186,
               power_zones: [55, 75, 90, 105, 120, 150, 999]}
        Run:
          threshold_pace: "4:15/km"
          lthr: 172
        swim: {threshold_pace: 1:45/100m}
        other: {max_hr: 185}
        """, "athlete.yaml")
    athlete, diags = load_athlete_file(path)
    assert diags == []
    assert athlete.timezone == "Europe/Berlin"
    assert athlete.sports["ride"].ftp == 280 and athlete.sports["ride"].power_zones[-1] == 999
    run = athlete.for_sport("TrailRun")
    assert run.threshold_pace == pytest.approx(1000 / 255)
    assert run.pace_units == "MINS_KM"
    assert athlete.for_sport("Swim").threshold_pace == pytest.approx(100 / 105)
    assert athlete.for_sport("Swim").pace_units == "SECS_100M"
    assert athlete.for_sport("WeightTraining").max_hr == 185
    again, _ = load_athlete_file(write(tmp_path, athlete_to_yaml(athlete), "again.yaml"))
    assert again.sports["ride"] == athlete.sports["ride"]
    assert again.sports["run"].threshold_pace == pytest.approx(run.threshold_pace, rel=1e-5)


def test_speed_in_metres_per_second(tmp_path):
    athlete, _ = load_athlete_file(write(tmp_path, "run: {threshold_pace: 3.92}\n", "a.yaml"))
    assert athlete.sports["run"].threshold_pace == 3.92
    assert athlete.sports["run"].pace_units is None


def test_mistakes_are_positioned(tmp_path):
    path = write(tmp_path, """\
        ride: {ftp: -3, fpt: 3, power_zones: [55, 50]}
        run:
          threshold_pace: "4:75/km"
          lthr: fast
        Run: {}
        bike: {}
        """, "athlete.yaml")
    athlete, diags = load_athlete_file(path)
    assert athlete is None
    got = {(d.code, d.span.line, d.span.column) for d in diags}
    assert got == {("out-of-range", 1, 13), ("unknown-key", 1, 17), ("athlete-zones", 1, 43),
                   ("athlete-pace", 3, 19), ("wrong-type", 4, 9),
                   ("athlete-duplicate", 5, 1), ("unknown-key", 6, 1)}
    hints = {d.code: d.hint for d in diags if d.span.line == 1}
    assert hints["unknown-key"] == "did you mean 'ftp'?"


def test_empty_zones_and_impossible_speeds_are_positioned(tmp_path):
    path = write(tmp_path, """\
        ride: {ftp: 250, power_zones: []}
        run: {threshold_pace: 270}
        """, "athlete.yaml")
    athlete, diags = load_athlete_file(path)
    assert athlete is None
    got = {(d.code, d.span.line, d.span.column, d.message) for d in diags}
    assert got == {("athlete-zones", 1, 31, "power_zones is empty"),
                   ("athlete-pace", 2, 23, "270 m/s is not a threshold pace (0.1 to 20 m/s)")}


def test_missing_and_empty_files(tmp_path):
    assert load_athlete_file(tmp_path / "none.yaml")[1][0].code == "athlete-file"
    assert load_athlete_file(write(tmp_path, "", "e.yaml"))[1][0].code == "athlete-file"
    assert load_athlete_file(write(tmp_path, "ride: [1\n", "b.yaml"))[1][0].code == "yaml-syntax"


def test_parse_pace():
    assert parse_pace("4:00/km") == (pytest.approx(1000 / 240), "MINS_KM")
    assert parse_pace("7:00/mi")[1] == "MINS_MILE"
    assert parse_pace("1:40 / 100y")[1] == "SECS_100Y"
    assert parse_pace("4:15") is None and parse_pace("0:00/km") is None


def test_plan_with_athlete_file_and_inline(tmp_path):
    from planc.plan.load import read_plan

    write(tmp_path, "ride: {ftp: 250}\n", "athletes/me.yaml")
    head = "id: a\nname: A\nstart: 2027-01-04\nweeks: 1\ncalendar: []\n"
    assert read_plan(write(tmp_path, head + "athlete: athletes/me.yaml\n")).plan.athlete \
        .sports["ride"].ftp == 250
    assert read_plan(write(tmp_path, head + "athlete: {run: {lthr: 170}}\n")).plan.athlete \
        .sports["run"].lthr == 170
    result = read_plan(write(tmp_path, head + "athlete: nobody.yaml\n"))
    assert [d.code for d in result.diagnostics] == ["athlete-missing"]
    result = read_plan(write(tmp_path, head + "athlete: {ride: {ftp: lots}}\n"))
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("wrong-type", 6, 23)]

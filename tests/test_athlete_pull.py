"""planc athlete pull: intervals.icu sport settings -> an athlete file --athlete accepts.

The real ``planc`` runs in a subprocess against the local intervals.icu server
(seeded sport settings); the written file is read back with planc's own
athlete-file loader and used by ``planc compile --athlete``.
"""

# ruff: noqa: F811

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import ROOT, run_planc
from support.icu_fixtures import API_KEY, icu_server  # noqa: F401  (fixture used by name)

from planc.icuserver import IcuServer
from planc.plan.athlete_file import load_athlete_file
from planc.publish.sport_settings import clock_pace, convert, parse_sport_filter, to_yaml

SETTINGS = [
    {"id": 11, "types": ["Ride", "VirtualRide", "GravelRide"], "ftp": 277, "indoor_ftp": 265,
     "lthr": 168, "max_hr": 187, "power_zones": [55, 75, 90, 105, 120, 150, 999],
     "hr_zones": [137, 152, 159, 168, 172, 177, 187], "threshold_pace": None,
     "pace_units": "MINS_KM", "w_prime": 21000},
    {"id": 12, "types": ["Run", "VirtualRun", "TrailRun"], "ftp": 0, "lthr": 172,
     "max_hr": 191, "threshold_pace": 1000 / 255, "pace_units": "MINS_KM",
     "pace_zones": [77.5, 87.7, 94.3, 100, 103.4, 111.5, 999], "hr_zones": None},
    {"id": 13, "types": ["Swim", "OpenWaterSwim"], "threshold_pace": 100 / 105,
     "pace_units": "SECS_100M", "hr_zones": [150, 140]},  # not increasing: left out
    {"id": 14, "types": ["WeightTraining", "Workout"], "lthr": 165, "pace_units": "NONE"},
    {"id": 15, "types": ["Other"], "max_hr": 190},  # the canonical "other" settings win
]


def pull(server: IcuServer, *args: str, key: str = API_KEY, cwd: Path | None = None):
    env = {"INTERVALS_ICU_API_KEY": key, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0"}
    return run_planc("athlete", "pull", *args, env=env, input="", cwd=cwd)


def test_pull_round_trips_into_compile(icu_server, tmp_path):
    icu_server.seed_sport_settings(SETTINGS)
    out = tmp_path / "me.yaml"
    proc = pull(icu_server, "-o", str(out))
    assert proc.returncode == 0, proc.stderr_text
    assert f"wrote {out} (ride, run, swim, other)" in proc.stderr_text
    assert "swim: left out hr_zones = [150, 140]" in proc.stderr_text
    athlete, diags = load_athlete_file(out)
    assert diags == [] and athlete is not None
    ride, run, swim, other = (athlete.sports[f] for f in ("ride", "run", "swim", "other"))
    assert (ride.ftp, ride.indoor_ftp, ride.lthr, ride.max_hr) == (277, 265, 168, 187)
    assert ride.power_zones == (55, 75, 90, 105, 120, 150, 999)
    assert ride.hr_zones == (137, 152, 159, 168, 172, 177, 187)
    assert ride.threshold_pace is None
    assert run.ftp is None  # 0 = unset
    assert run.threshold_pace == pytest.approx(1000 / 255, rel=1e-12)
    assert (run.pace_units, run.lthr) == ("MINS_KM", 172)
    assert swim.threshold_pace == pytest.approx(100 / 105, rel=1e-12) and swim.hr_zones is None
    assert (other.max_hr, other.lthr, other.pace_units) == (190, None, None)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Athlete thresholds from intervals.icu sport settings (athlete 0)")
    assert "threshold_pace: 3.9215686274509802  # m/s = 4:15/km" in text
    assert "power_zones: [55, 75, 90, 105, 120, 150, 999]" in text
    assert "w_prime" not in text

    # compile uses the pulled FTP for .erg watts
    workout = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"
    erg = run_planc("compile", str(workout), "--to", "erg", "--athlete", str(out))
    assert erg.returncode == 0, erg.stderr_text
    assert "FTP = 277" in erg.stdout_text
    # stats reads the pulled run thresholds (pace and LTHR change distance and load)
    run_workout = ROOT / "plans" / "workouts" / "threshold-run-pace.workout"
    with_file = run_planc("stats", str(run_workout), "--athlete", str(out))
    without = run_planc("stats", str(run_workout))
    assert with_file.returncode == 0, with_file.stderr_text
    assert with_file.stdout_text != without.stdout_text


def test_stdout_equals_file_and_rewrites_nothing(icu_server, tmp_path):
    icu_server.seed_sport_settings(SETTINGS)
    shown = pull(icu_server)
    assert shown.returncode == 0
    out = tmp_path / "me.yaml"
    assert pull(icu_server, "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == shown.stdout_text
    mtime = out.stat().st_mtime_ns
    again = pull(icu_server, "-o", str(out))
    assert "unchanged:" in again.stderr_text and out.stat().st_mtime_ns == mtime


def test_sport_filter(icu_server):
    icu_server.seed_sport_settings(SETTINGS)
    proc = pull(icu_server, "--sport", "Run", "--sport", "swim")
    assert proc.returncode == 0, proc.stderr_text
    assert "\nrun:\n" in proc.stdout_text and "\nswim:\n" in proc.stdout_text
    assert "ride:" not in proc.stdout_text and "other:" not in proc.stdout_text
    bad = pull(icu_server, "--sport", "Bike")
    assert bad.returncode == 2 and "unknown sport 'Bike'" in bad.stderr_text


def test_no_settings_is_exit_1(icu_server):
    icu_server.seed_sport_settings([{"id": 1, "types": ["Ride"], "ftp": None}])
    proc = pull(icu_server)
    assert proc.returncode == 1
    assert "no usable sport settings" in proc.stderr_text


@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
def test_wrong_key(icu_server, verbose):
    secret = "Pu11-wrong-KEY-5Tq8"
    proc = pull(icu_server, *verbose, key=secret)
    assert proc.returncode == 3
    assert "authentication failed" in proc.stderr_text
    basic = base64.b64encode(f"API_KEY:{secret}".encode()).decode()
    for text in (proc.stdout_text, proc.stderr_text):
        assert secret not in text and basic not in text


def test_unreachable_server_is_exit_3(tmp_path):
    env = {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_BASE_URL": "http://127.0.0.1:9",
           "PLANC_RETRY_BACKOFF": "0.01"}
    proc = run_planc("athlete", "pull", env=env, input="")
    assert proc.returncode == 3
    assert "cannot reach http://127.0.0.1:9: connection refused" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text


def test_convert_and_yaml_units():
    assert parse_sport_filter(["VirtualRide,run"]) == {"ride", "run"}
    assert parse_sport_filter(None) is None
    assert clock_pace(100 / 105, "SECS_100M") == "1:45/100m"
    assert clock_pace(1609.344 / 420, "MINS_MILE") == "7:00/mi"
    assert clock_pace(3.0, None) is None
    pulled = convert([{"types": ["Ride"], "ftp": 250.5, "power_zones": [55, 55, 90]}])
    assert pulled.sections == {"ride": {"ftp": 250.5}}
    assert "ride: left out power_zones" in pulled.notes[0]
    assert to_yaml(pulled, "x") == to_yaml(pulled, "x")
    assert convert([{"types": ["Ride"], "ftp": True}]).sections == {}

"""Metrics formulas: NP, IF and load from the planned second-by-second profile."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.resolve.metrics import normalized, workout_metrics
from planc.resolve.profile import per_second, sample_counts, timeline
from planc.units import NOMINAL_SPEED


def metrics(text: str, sport: str = "Ride", **thr):
    w = read_workout(text, sport=sport).workout
    assert w is not None
    athlete = Athlete({"ride": SportThresholds(**thr), "run": SportThresholds(**thr),
                       "swim": SportThresholds(**thr)}) if thr else None
    return workout_metrics(w, athlete)


def test_one_hour_at_ftp_is_100():
    m = metrics("- 1h 100%")
    assert m.duration_s == 3600
    assert m.intensity == pytest.approx(1.0)
    assert m.load == pytest.approx(100.0)


def test_ranges_count_at_their_midpoint():
    assert metrics("- 1h 70-80%").intensity == pytest.approx(0.75)


def test_ramp_is_interpolated():
    m = metrics("- 10m ramp 50-100%")
    # NP of a linear ramp is above its mean (0.75) because of the 4th power
    assert 0.75 < m.intensity < 0.8


def test_np_above_average_for_intervals():
    m = metrics("10x\n- 1m 150%\n- 1m 50%")
    assert m.intensity > 1.0  # mean is 1.0; 30 s smoothing keeps it above
    assert m.duration_s == 1200


def test_watts_need_ftp():
    assert metrics("- 1h 200w").load is None
    assert metrics("- 1h 200w", ftp=250).intensity == pytest.approx(0.8)


def test_zones_use_defaults():
    # Z2 = 55-75 % -> 65 %
    assert metrics("- 1h Z2").intensity == pytest.approx(0.65)


def test_hr_and_pace_loads():
    m = metrics("- 1h 90% LTHR", sport="Run")
    assert m.load == pytest.approx(81.0) and m.domain == "hr"
    m = metrics("- 10km 4:00/km Pace", sport="Run", threshold_pace=1000 / 240)
    assert m.duration_s == pytest.approx(2400) and m.distance_m == pytest.approx(10000)
    assert m.intensity == pytest.approx(1.0)


def test_a_figure_that_needs_a_missing_threshold_is_unknown_not_partial():
    # no threshold pace: 90 % Pace has no speed, so the step's time, and with it the load,
    # cannot be known (the picture draws it at the nominal running speed, dashed)
    m = metrics("- 2km 90% Pace", sport="Run")
    assert NOMINAL_SPEED["run"] == 3.0
    assert m.unknown_duration_steps == 1 and m.distance_m == 2000
    assert m.duration_s is None and m.load is None and m.intensity is None
    assert m.unknown_load_steps == 1 and m.missing == ("a threshold pace (--threshold-pace)",)
    assert m.as_dict()["missing"] == ["a threshold pace (--threshold-pace)"]
    # the three: an 8 km run, a swim drill, absolute paces (load needs threshold)
    m = metrics("- 8km 80% Pace", sport="Run")
    assert (m.duration_s, m.load, m.unknown_duration_steps) == (None, None, 1)
    m = metrics("- 400mtr 1:45/100m Pace\n- Drill 200mtr\n- 5m 70% Pace", sport="Swim")
    assert m.duration_s is None and m.distance_m is None
    assert (m.unknown_duration_steps, m.unknown_distance_steps) == (1, 1)
    m = metrics("12x\n- 400mtr 3:40/km Pace\n- 1m 6:00/km Pace", sport="Run")
    assert m.duration_s == pytest.approx(12 * (88 + 60)) and m.load is None
    assert m.unknown_load_steps == 24 and not m.complete


def test_distance_steps_are_timed_as_intervals_icu_times_them():
    # no pace target: at threshold pace (2 km at 6:00/km is 720 s, intervals.md 1.11)
    m = metrics("- 2km Z2 HR", sport="Run", threshold_pace=1000 / 360, lthr=170)
    assert m.duration_s == pytest.approx(720) and m.complete
    # an absolute band: at the midpoint of its paces (800 m at 4:15-3:55/km is 196 s)
    m = metrics("- 800mtr 4:15-3:55/km Pace", sport="Run")
    assert m.duration_s == pytest.approx(196)
    # the distance counts timed pace steps (LeonardHd's run)
    m = metrics("- 2m 5:20/km Pace\n- 2km 5:10-5:30/km Pace", sport="Run")
    assert m.distance_m == pytest.approx(120 * 1000 / 320 + 2000)


def test_a_run_without_pace_lasts_what_its_picture_shows():
    w = read_workout("- 10m Z2 HR\n- 1km Z2 HR", sport="Run").workout
    tl = timeline(w)
    assert [s.estimated for s in tl.steps] == [False, True]
    assert tl.total_s == pytest.approx(600 + 1000 / 3.0)  # the picture: nominal speed
    assert workout_metrics(w).duration_s is None  # the figure: unknown
    athlete = Athlete({"run": SportThresholds(threshold_pace=1000 / 300)})
    assert workout_metrics(w, athlete).duration_s == pytest.approx(timeline(w, athlete).total_s) \
        == pytest.approx(600 + 300)


def test_a_timed_step_is_never_estimated():
    m = metrics("- 1km 4:00/km Pace\n- 10m", sport="Run")
    assert m.unknown_duration_steps == 0 and m.duration_s == pytest.approx(840)


def test_untargeted_time_counts_for_duration_only():
    m = metrics("- 1h 100%\n- 1h freeride")
    assert m.duration_s == 7200 and m.load == pytest.approx(100.0)


def test_zone_seconds():
    m = metrics("- 10m 50%\n- 20m 95%")
    assert m.zone_seconds == {"Z1": 600, "Z4": 1200}


def test_load_counts_the_rounded_total_time_not_each_step_rounded():
    # four 2.5 s steps are 10 s; rounding each step on its own gave 4 x 2 = 8 s
    m = metrics("4x\n- 10mtr 100% Pace", sport="Run", threshold_pace=4.0)
    assert m.duration_s == pytest.approx(10)
    assert m.load == pytest.approx(10 / 3600 * 100)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=30), st.integers(1, 3),
       st.integers(1, 7))
def test_samples_add_up_to_the_rounded_total(metres, pace_pct, every):
    text = "\n".join(f"- {m}mtr {50 + 25 * pace_pct}% Pace" for m in metres)
    w = read_workout(text, sport="Run").workout
    tl = timeline(w, Athlete({"run": SportThresholds(threshold_pace=3.7)}))
    assert sum(n for _s, n in sample_counts(tl.steps, every)) == round(tl.total_s / every)
    assert len(per_second(tl.steps)) == round(tl.total_s)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.1, 3.0), min_size=1, max_size=400))
def test_np_is_at_least_mean_of_rolled(samples):
    np_value = normalized(samples)
    assert min(samples) - 1e-9 <= np_value <= max(samples) + 1e-9


def test_an_absurdly_long_workout_is_measured_in_bounded_memory():
    # 200 x 24 h passes the checks (a step may last a day); the profile is sampled
    # coarser instead of holding 17 million seconds
    w = read_workout("Main 200x\n- 23h 100%\n- 1h 50%\n", sport="Ride").workout
    m = workout_metrics(w, Athlete({"ride": SportThresholds(ftp=250)}))
    assert m.duration_s == 200 * 24 * 3600
    assert m.intensity == pytest.approx((23 / 24 + 0.5 ** 4 / 24) ** 0.25, rel=1e-3)
    assert m.load == pytest.approx(200 * 24 * m.intensity ** 2 * 100, rel=1e-6)


def _rolled_np(samples: list[float], w: int) -> float:
    """The definition, window by window (the oracle of the counted flat runs)."""
    if len(samples) < w:
        return sum(samples) / len(samples)
    rolled = [sum(samples[i:i + w]) / w for i in range(len(samples) + 1 - w)]
    return (sum(r ** 4 for r in rolled) / len(rolled)) ** 0.25


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 3.0), st.floats(0.0, 3.0), st.integers(0, 90),
                          st.booleans()), min_size=1, max_size=12),
       st.integers(1, 40))
def test_flat_runs_counted_at_once_give_the_rolled_average(pieces, window):
    """Windows inside a steady run are counted at once (normalized's ``flat``); the
    figure must be the window-by-window one, steady runs next to each other, shorter
    than a window, or between ramps included."""
    samples: list[float] = []
    flat = []
    for a, b, n, steady in pieces:
        if steady and n:
            flat.append((len(samples), n))
            samples.extend([a] * n)
        else:
            samples.extend(a + (b - a) * (i + 0.5) / n for i in range(n))
    if not samples:
        return
    got = normalized(samples, window, tuple(flat))
    assert got == pytest.approx(_rolled_np(samples, window), rel=1e-9, abs=1e-12)
    assert got == pytest.approx(normalized(samples, window), rel=1e-9, abs=1e-12)

"""A figure that needs a threshold planc does not have is unknown, never zero or a partial
sum (issue 12, point 3): in ``planc stats`` tables and JSON, with a count of what is
missing, and ``planc check`` says which threshold a plan's figures need."""

from __future__ import annotations

import json

from conftest import run_planc

RUN_8K = "---\nname: Long run\nsport: Run\n---\n- 8km 80% Pace\n"
SWIM = "---\nname: Swim drills\nsport: Swim\n---\n- 400mtr 1:45/100m Pace\n- Drill 200mtr\n- 5m 70% Pace\n"
RUN_12X = "---\nname: Reps\nsport: Run\n---\n12x\n- 400mtr 3:40/km Pace\n- 1m 6:00/km Pace\n"

PLAN = """\
id: no-thresholds
name: No thresholds
start: 2027-01-04
weeks: 1
athlete: {run: {lthr: 170}}
workouts:
  long:
    sport: Run
    body: |
      - 8km 80% Pace
  easy:
    sport: Run
    body: |
      - 40m Z2 HR
calendar:
  - tue: long
    thu: easy
"""


def _write(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(tmp_path / name) for name in files]


def test_workout_stats_say_unknown_and_why(tmp_path):
    paths = _write(tmp_path, **{"run.workout": RUN_8K, "swim.workout": SWIM,
                                "reps.workout": RUN_12X})
    proc = run_planc("stats", *paths)
    assert proc.returncode == 0, proc.stderr_text
    lines = proc.stdout_text.splitlines()
    run, swim, reps = (next(x for x in lines if x.startswith(name))
                       for name in ("Long run", "Swim drills", "Reps"))
    assert run.split()[3:] == ["?", "8.00", "?", "?"]  # time, km, IF, load
    assert swim.split()[3:] == ["?", "?", "?", "?"]
    assert reps.split()[2:] == ["0:29:36", "6.80", "?", "?"]
    total = next(x for x in lines if x.startswith("total"))
    assert total.split()[1:] == ["0:29:36+", "0+"]  # the known figures only, marked
    assert "  Long run: 1 step's time, 1 step's load need a threshold pace " \
        "(--threshold-pace)" in lines
    assert "  Reps: 24 steps' load needs a threshold pace (--threshold-pace)" in lines


def test_workout_stats_json_counts_what_is_unknown(tmp_path):
    (path,) = _write(tmp_path, **{"swim.workout": SWIM})
    (row,) = json.loads(run_planc("stats", "--json", path).stdout_text)["workouts"]
    assert row["duration_s"] is None and row["distance_m"] is None and row["load"] is None
    assert (row["unknown_duration_steps"], row["unknown_distance_steps"],
            row["unknown_load_steps"]) == (1, 1, 1)
    assert row["missing"] == ["a threshold pace (--threshold-pace)"]
    (row,) = json.loads(run_planc("stats", "--json", path, "--threshold-pace",
                                  "1:40/100m").stdout_text)["workouts"]
    assert row["missing"] == [] and row["duration_s"] == 400 / (100 / 105) + 200 / 1.0 + 300


def test_plan_stats_leave_unknown_sessions_out_of_totals_and_say_so(tmp_path):
    (path,) = _write(tmp_path, **{"plan.yaml": PLAN})
    report = json.loads(run_planc("stats", "--json", path).stdout_text)
    long, easy = report["sessions"]
    assert long["duration_s"] is None and long["unknown"] == ["duration_s", "load"]
    assert long["missing"] == ["a threshold pace (--threshold-pace)"]
    assert easy["duration_s"] == 2400 and "unknown" not in easy
    week = report["weeks"][0]
    assert week["duration_s"] == 2400 and week["unknown_sessions"] == {"duration_s": 1,
                                                                       "load": 1}
    assert report["totals"]["unknown_sessions"] == {"duration_s": 1, "load": 1}
    table = run_planc("stats", path).stdout_text
    assert "0:40+" in table and "+ totals leave out 1 session whose figures are unknown" \
        in table
    assert "2027-01-05 Long: time, load need a threshold pace (--threshold-pace)" in table


def test_check_says_which_threshold_a_plan_needs(tmp_path):
    (path,) = _write(tmp_path, **{"plan.yaml": PLAN})
    proc = run_planc("check", path)
    # build cannot write the run's .fit without a threshold pace: check says so (issue 16)
    assert proc.returncode == 1, proc.stderr_text
    assert "error[missing-threshold]: .fit needs a threshold pace" in proc.stderr_text
    assert f"{path}:16:10: warning[unknown-figure]: 2027-01-05 'Long': planc stats cannot " \
        "know its time and load without a threshold pace (--threshold-pace)" in proc.stderr_text
    assert "hint: give it in the plan's athlete, e.g. 'run: {threshold_pace: 4:30/km}'" \
        in proc.stderr_text
    with_pace = PLAN.replace("{run: {lthr: 170}}", "{run: {lthr: 170, threshold_pace: 4:30/km}}")
    (path,) = _write(tmp_path, **{"plan.yaml": with_pace})
    assert "unknown-figure" not in run_planc("check", path).stderr_text

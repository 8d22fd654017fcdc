"""The local server's workout_doc agrees with intervals.icu's (issue 12, point 5).

Every captured event (../shared/corpus/icu/events.json: real descriptions with
the workout_doc intervals.icu parsed from them) is parsed by the server's own
reader, and the captured answers of other peers (intervals.md §1.7, §1.11)
pin what the corpus, all rides, cannot: distance-step durations, pace units,
the document's distance.  One test publishes the events over real HTTP, so a
publish test reads back what the platform would have stored.
"""

# Fixtures are imported explicitly (no conftest.py); pytest injects them by
# parameter name, which pyflakes reads as redefining the imported name.
# ruff: noqa: F811

from __future__ import annotations

import json

import httpx
import pytest
from conftest import CORPUS
from support.icu_doc import differences
from support.icu_fixtures import API_KEY, icu_server, workout  # noqa: F401

from planc.icuserver.workout_doc import parse_workout

EVENTS_FILE = CORPUS / "icu" / "events.json"
ABSENT = f"captured intervals.icu events not found at {EVENTS_FILE} (set PLANC_CORPUS)"
EVENTS = (json.loads(EVENTS_FILE.read_text(encoding="utf-8"))["entries"]
          if EVENTS_FILE.is_file() else [])
RUN = {"types": ["Run"], "threshold_pace": 1000 / 360, "pace_units": "MINS_KM"}  # 6:00/km


@pytest.mark.parametrize("event", EVENTS, ids=[str(e["id"]) for e in EVENTS])
def test_the_server_parses_the_event_as_intervals_icu_did(event):
    found = differences(parse_workout(event["description"]), event["workout_doc"])
    assert not found, "\n".join(f"{where}: {field}: server {ours!r}, intervals.icu {theirs!r}"
                                for where, field, ours, theirs in found)


def test_published_events_come_back_with_intervals_icus_parse(icu_server):
    if not EVENTS:
        pytest.skip(ABSENT)
    sent = [workout(i % 28 + 1, description=e["description"], type=e["type"],
                    external_id=f"event-{e['id']}") for i, e in enumerate(EVENTS)]
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", API_KEY), timeout=30) as http:
        saved = http.post("/api/v1/athlete/0/events/bulk", params={"upsert": "true"},
                          json=sent).json()
    by_id = {e["external_id"]: e for e in saved}
    for event in EVENTS:
        doc = by_id[f"event-{event['id']}"]["workout_doc"]
        assert not differences(doc, event["workout_doc"]), event["id"]


def test_dropped_lines_leave_no_step():
    doc = parse_workout("- Warm up 20m 157w-213w\n\nStanding starts 5x\n"
                        "- MAX standing start from near-stop\n- 15s 700w\n\n- Cool Down 0s\n"
                        "--- Coach Notes ---\n<!-- rationale -->\n")
    assert [s.get("reps") for s in doc["steps"]] == [None, 5]
    assert doc["steps"][1]["steps"] == [{"duration": 15, "power": {"value": 700, "units": "w"}}]
    assert doc["duration"] == 1200 + 75


def test_distance_steps_get_intervals_icus_duration_estimate():
    # no target: from threshold pace (2 km at 6:00/km is 720 s)
    assert parse_workout("- 2km\n", RUN)["steps"] == [{"distance": 2000.0, "duration": 720}]
    # an absolute pace band: from its midpoint (800 m at 4:15-3:55/km is 196 s)
    (step,) = parse_workout("- 800mtr 4:15-3:55/km Pace\n", RUN)["steps"]
    assert step == {"distance": 800.0, "duration": 196,
                    "pace": {"start": 255.0, "end": 235.0, "units": "secs/km"}}
    # a swim with % pace: from the threshold (tp2intervals' capture: 4800 s)
    swim = {"threshold_pace": 0.8333333, "pace_units": "SECS_100M"}
    assert parse_workout("- 0.8km 20% Pace\n", swim)["steps"][0]["duration"] == 4800


def test_absolute_paces_are_stored_in_seconds_per_unit():
    doc = parse_workout("- 2m 5:20 Pace\n- 200mtr 1:45/100m Pace\n- 1mi 8:00/mi Pace\n", RUN)
    assert [s["pace"] for s in doc["steps"]] == [
        {"value": 320.0, "units": "secs/km"},  # no unit: the athlete's pace units
        {"value": 105.0, "units": "secs/100m"},
        {"value": 480.0, "units": "secs/mile"},
    ]
    assert parse_workout("- 100mtr 1:45/100mtr Pace\n")["steps"] == [{"distance": 100.0}]


def test_the_documents_distance_counts_timed_pace_steps():
    text = ("- 2m 5:20 Pace\n\nActive 3x\n- active 2km 5:10-5:30 Pace\n"
            "- 2m 6:00 Pace intensity=recovery\n")
    doc = parse_workout(text, RUN)
    # LeonardHd's live test: two top-level steps, the repeat's 2 km and its recovery
    assert len(doc["steps"]) == 2 and doc["steps"][0]["duration"] == 120
    rep = doc["steps"][1]
    assert rep["reps"] == 3 and rep["steps"][0]["distance"] == 2000
    assert rep["steps"][1] == {"duration": 120, "pace": {"value": 360.0, "units": "secs/km"},
                               "intensity": "recovery"}
    timed = 120 * 1000 / 320 + 3 * 120 * 1000 / 360
    assert doc["distance"] == pytest.approx(3 * 2000 + timed, abs=0.1)


def test_a_title_line_above_a_bare_count_joins_the_repeat_text():
    doc = parse_workout("Main set\n3x\n- 4m 100%\n- 2m 50%\n")
    assert doc["steps"][0]["text"] == "Main set\n3x" and doc["steps"][0]["reps"] == 3


def test_labels_targets_and_flags_as_the_platform_stores_them():
    (a, b, c, d) = parse_workout(
        "Warmup\n- Press lap 10m Z1\n\n- Z2 Steady 1h45m 197w-256w 85-95rpm\n"
        "- Easy <40% MAP 10m 150w power=1s\n- 4m 70% HR Cadence 85–95rpm, hard\n")["steps"]
    assert a == {"text": "Press lap", "duration": 600, "until_lap_press": True, "warmup": True,
                 "power": {"value": 1, "units": "power_zone"}}
    assert b == {"duration": 6300, "power": {"start": 197, "end": 256, "units": "w"},
                 "cadence": {"start": 85, "end": 95, "units": "rpm"}}
    assert c == {"text": "Easy &lt;", "duration": 600,
                 "power": {"value": 150, "units": "w", "target": "1s"}}
    assert d == {"duration": 240, "hr": {"value": 70, "units": "%hr"},
                 "cadence": {"value": 85, "units": "rpm"}}

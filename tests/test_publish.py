"""planc publish against the local intervals.icu server, over real HTTP on 127.0.0.1.

The end-to-end tests run the installed ``planc`` in a subprocess (real
credentials lookup, real client with real sleeps, real exit codes) against an
:class:`~planc.icuserver.IcuServer` living in this process, so the tests can
queue faults, seed "someone else's" events and read the server's request log.
Retry-After values stay at 0-1 s and ``PLANC_RETRY_BACKOFF`` shrinks the
exponential backoff, so the fault tests finish in seconds.
"""

# Fixtures are imported explicitly (no conftest.py); pytest injects them by
# parameter name, which pyflakes reads as redefining the imported name.
# ruff: noqa: F811

from __future__ import annotations

import base64
import datetime as dt
import functools
import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import planc_command, run_planc
from hypothesis import given, settings
from hypothesis import strategies as st
from support.icu_fixtures import API_KEY, icu_server, ok  # noqa: F401  (fixture used by name)

import planc.icuserver.store as icu_store
from planc.ast import Block, Distance, Duration, Note, Repeat, Step, Workout
from planc.icuserver import Fault, IcuServer
from planc.plan.load import load_plan
from planc.plan.weeks import select
from planc.publish.diff import Change, Owner, changed_fields, diff
from planc.publish.events import build_events, expectation
from planc.publish.verify import check_doc, doc_outline

PLAN_ID = "pub-test"
PREFIX = f"planc:{PLAN_ID}:"

LIBRARY = """\
workouts:
  sweetspot:
    sport: VirtualRide
    name: "Sweet spot {reps}x{work}"
    description: "Seated, smooth.\\n- not a step\\nNot a repeat 3x"
    params: {reps: 3, work: 10m}
    body: |
      Warmup
      - 10m ramp 50-75%

      Main set {reps}x
      - {work} 88-93%
      - 5m 55%

      Cooldown
      - 10m ramp 65-45%
  endurance:
    sport: Ride
    params: {duration: 1h30m}
    body: |
      - Endurance {duration} 65-75%
  track:
    sport: Run
    name: Track 5x1km
    body: |
      - Warm up 15m Z2 HR

      5x
      - Rep 1km 4:00/km Pace
      - Jog 2m 60% Pace

      - Cool down 10m Z1 HR
"""

# Two weeks: Tue sweet spot, Thu track (distance steps), Sat 09:00 endurance, Sun note;
# the second Sunday is a race at 10:00 instead.
WEEKS = """\
calendar:
  - weeks: 1-2
    tue: {workout: sweetspot, reps: [3, 4]}
    thu: {workout: track}
    sat: {workout: endurance, time: "09:00"}
    sun: {note: "Week {week} done", description: "Rest well."}
"""
CALENDAR = WEEKS + """\
  - 2027-01-17:
      race: {name: Test 10k, priority: C, sport: Run, distance: 10km}
      time: "10:00"
"""


def plan_yaml(calendar: str = CALENDAR, timezone: str = "Europe/Berlin",
              start: str = "2027-01-04") -> str:
    header = textwrap.dedent(f"""\
        id: {PLAN_ID}
        name: Publish test
        start: {start}
        weeks: 2
        athlete:
          timezone: {timezone}
          ride: {{ftp: 250}}
          run: {{threshold_pace: "4:15/km", lthr: 170, max_hr: 190}}
        """)
    return header + LIBRARY + calendar


def write_plan(tmp_path: Path, text: str | None = None, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text if text is not None else plan_yaml(), encoding="utf-8")
    return path


def publish(server: IcuServer, plan: Path, *args: str, key: str = API_KEY,
            env: dict[str, str] | None = None, input: str = ""):
    """Run ``planc publish`` against ``server``; stdin is a pipe (not a terminal)."""
    full_env = {"INTERVALS_ICU_API_KEY": key, "INTERVALS_ICU_BASE_URL": server.url,
                "INTERVALS_ICU_ATHLETE_ID": "0", "XDG_CONFIG_HOME": str(plan.parent / "xdg"),
                "PLANC_RETRY_BACKOFF": "0.02", **(env or {})}
    return run_planc("publish", str(plan), *args, env=full_env, input=input)




def ours(server: IcuServer) -> list[dict[str, Any]]:
    events = [e for e in server.events() if str(e.get("external_id", "")).startswith(PREFIX)]
    return sorted(events, key=lambda e: e["external_id"])


def by_external(server: IcuServer) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for e in ours(server):
        assert e["external_id"] not in found, f"duplicate {e['external_id']}"
        found[e["external_id"]] = e
    return found


def writes(server: IcuServer) -> list:
    return [r for r in server.requests if r.method != "GET"]


def expected_ids(plan: Path, weeks: list[str] | None = None) -> set[str]:
    loaded = load_plan(plan)
    return {s.external_id for s in select(loaded, weeks).sessions(loaded.sessions)}


def seed_foreign(server: IcuServer) -> list[dict[str, Any]]:
    """Events planc must never touch: made by hand (same day and name as a planc
    session, no external_id), by another app, and by another planc plan."""
    return [
        server.seed_event({"category": "WORKOUT", "type": "VirtualRide",
                           "start_date_local": "2027-01-05T00:00:00", "name": "Sweet spot 3x10m",
                           "description": "- 1h 60%"}),
        server.seed_event({"category": "NOTE", "start_date_local": "2027-01-07T00:00:00",
                           "name": "Physio", "external_id": "othertool:42"}, client="other-app"),
        server.seed_event({"category": "WORKOUT", "type": "Run",
                           "start_date_local": "2027-01-14T00:00:00", "name": "Other plan",
                           "description": "- 30m Z2 HR",
                           "external_id": "planc:other-plan:2027-01-14:1"},
                          client=server.client),
        server.seed_event({"category": "NOTE", "start_date_local": "2027-01-08T00:00:00",
                           "name": "Lookalike", "external_id": "planc:pub-test-2:2027-01-08:1"},
                          client=server.client),
    ]


def assert_untouched(server: IcuServer, seeded: list[dict[str, Any]]) -> None:
    now = {e["id"]: e for e in server.events()}
    for event in seeded:
        assert now.get(event["id"]) == event


# -- idempotent publishing --------------------------------------------------------------------
def test_publish_twice_keeps_ids_then_updates_in_place_and_creates(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    first = publish(icu_server, plan, "--week", "1", "--yes")
    ok(first)
    before = by_external(icu_server)
    assert set(before) == expected_ids(plan, ["1"])
    assert len(before) == 4
    assert first.stdout_text.count("  create ") == 4
    # one GET, one bulk POST for the week
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in icu_server.requests] == [
        ("GET", "events"), ("POST", "bulk")]

    icu_server.clear_log()
    again = publish(icu_server, plan, "--week", "1", "--yes")
    ok(again)
    assert again.stdout_text.count("  unchanged ") == 4
    assert "nothing to publish" in again.stdout_text
    assert writes(icu_server) == []  # an unchanged week sends no write at all
    assert by_external(icu_server) == before

    # Week 1's Saturday gets longer (update), a Wednesday session appears (create).
    changed = CALENDAR.replace(
        'sat: {workout: endurance, time: "09:00"}',
        'sat: {workout: endurance, time: "09:00", duration: [2h, 1h30m]}\n'
        "    wed: {workout: endurance, duration: 45m}")
    write_plan(tmp_path, plan_yaml(changed))
    icu_server.clear_log()
    third = publish(icu_server, plan, "--week", "1", "--yes")
    ok(third)
    after = by_external(icu_server)
    sat = f"{PREFIX}2027-01-09:endurance"
    wed = f"{PREFIX}2027-01-06:endurance"
    assert after[sat]["id"] == before[sat]["id"]
    assert "Endurance 2h" in after[sat]["description"]
    assert after[sat]["workout_doc"]["duration"] == 7200
    assert wed in after and wed not in before
    for key in set(before) - {sat}:
        assert after[key] == before[key]  # not even re-sent
    assert "  update     2027-01-09 09:00  Ride           Endurance  (description)" in \
        third.stdout_text
    (post,) = [r for r in icu_server.requests if r.method == "POST"]
    assert sorted(e["external_id"] for e in post.body) == [wed, sat]


def test_events_carry_planc_fields(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    ok(publish(icu_server, plan, "--yes"))
    events = by_external(icu_server)
    assert set(events) == expected_ids(plan)
    ss = events[f"{PREFIX}2027-01-05:sweetspot"]
    assert (ss["category"], ss["type"], ss["name"], ss["indoor"]) == (
        "WORKOUT", "VirtualRide", "Sweet spot 3x10m", True)
    assert ss["start_date_local"] == "2027-01-05T00:00:00"
    # prose first, escaped so that it cannot become a step or a repeat
    assert ss["description"].startswith("Seated, smooth.\n`- not a step\nNot a repeat 3x.\n\n")
    assert len(ss["workout_doc"]["steps"]) == 3
    note = events[f"{PREFIX}2027-01-10:week-1-done"]
    assert (note["category"], note["name"], note["description"]) == (
        "NOTE", "Week 1 done", "Rest well.")
    assert "type" not in note and "workout_doc" not in note
    race = events[f"{PREFIX}2027-01-17:test-10k"]
    assert (race["category"], race["type"], race["start_date_local"], race["distance"]) == (
        "RACE_C", "Run", "2027-01-17T10:00:00", 10000.0)
    assert events[f"{PREFIX}2027-01-09:endurance"]["indoor"] is False


# -- reliability ------------------------------------------------------------------------------
def test_connection_dropped_after_commit_then_rerun_has_no_duplicate(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    icu_server.faults.add(Fault.drop_after_write(method="POST"))
    proc = publish(icu_server, plan, "--yes")
    ok(proc)  # the client retried the lost answer; the upsert matched the committed events
    posts = [r for r in icu_server.requests if r.method == "POST"]
    assert [r.status for r in posts] == [None, 200]
    assert set(by_external(icu_server)) == expected_ids(plan)

    # Every attempt dropped: the run fails (exit 3), though each attempt committed.
    write_plan(tmp_path, plan_yaml(CALENDAR.replace("reps: [3, 4]", "reps: [5, 4]")))
    icu_server.faults.add(Fault.drop_after_write(method="POST", times=5))
    failed = publish(icu_server, plan, "--yes")
    assert failed.returncode == 3, failed.stderr_text
    assert "Traceback" not in failed.stderr_text
    assert "Safe to re-run" in failed.stderr_text
    assert "Sweet spot 5x10m" in by_external(icu_server)[f"{PREFIX}2027-01-05:sweetspot"]["name"]
    icu_server.clear_log()
    rerun = publish(icu_server, plan, "--yes")
    ok(rerun)
    assert "nothing to publish" in rerun.stdout_text
    assert writes(icu_server) == []
    assert set(by_external(icu_server)) == expected_ids(plan)
    assert len(icu_server.events()) == len(expected_ids(plan))


def test_storm_of_429_and_503_completes_within_bounds(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    icu_server.faults.add(
        Fault.rate_limited(0, method="GET"),
        Fault(status=503, retry_after=0, method="GET"),
        Fault(status=503, method="POST"),  # no Retry-After: exponential backoff
        Fault.rate_limited(0, method="POST"),
        Fault(status=504, retry_after=0, method="POST"),
        Fault.rate_limited(1, http_date=True, method="POST"),
    )
    proc = publish(icu_server, plan, "--yes")
    ok(proc)
    statuses = [(r.method, r.status) for r in icu_server.requests]
    assert statuses == [("GET", 429), ("GET", 503), ("GET", 200), ("POST", 503),
                        ("POST", 429), ("POST", 504), ("POST", 429), ("POST", 200)]
    assert proc.stderr_text.count("retrying") == 6
    assert set(by_external(icu_server)) == expected_ids(plan)
    assert len(icu_server.events()) == len(expected_ids(plan))


def test_storm_past_the_bounds_fails_cleanly_and_a_rerun_converges(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    icu_server.faults.add(Fault.rate_limited(0, method="POST", times=5))
    proc = publish(icu_server, plan, "--yes")
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr_text
    last = proc.stderr_text.strip().splitlines()
    assert any("gave up after 5 attempts" in line and "HTTP 429" in line for line in last)
    assert "Safe to re-run" in proc.stderr_text
    assert ours(icu_server) == []
    rerun = publish(icu_server, plan, "--yes")
    ok(rerun)
    assert set(by_external(icu_server)) == expected_ids(plan)


def test_failure_in_second_chunk_reports_progress_and_rerun_converges(icu_server, tmp_path):
    """A 60-event selection is two bulk requests; the second fails for good."""
    days = "\n".join(f"    {d}: {{workout: endurance, duration: 30m}}"
                     for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    calendar = "calendar:\n  - weeks: 1-2\n" + days + "\n"
    # 9 weeks x 7 days = 63 sessions
    text = plan_yaml(calendar).replace("weeks: 2\n", "weeks: 9\n", 1).replace(
        "weeks: 1-2", "weeks: 1-9")
    plan = write_plan(tmp_path, text)
    icu_server.faults.add(Fault.slow(0, method="POST"),  # first POST passes untouched
                          Fault.rate_limited(0, method="POST", times=5))
    proc = publish(icu_server, plan, "--yes")
    assert proc.returncode == 3, proc.stderr_text
    assert "50 of 63 created/updated events were saved before the failure; running the same " \
        "command again is safe" in proc.stderr_text
    assert len(ours(icu_server)) == 50
    rerun = publish(icu_server, plan, "--yes")
    ok(rerun)
    assert "13 to create, 0 to update, 50 unchanged" in rerun.stdout_text
    assert len(by_external(icu_server)) == 63


@pytest.mark.parametrize(("status", "message"), [
    (422, "Invalid threshold pace"), (404, "Not Found"), (403, "Access denied")])
def test_client_errors_are_not_retried_and_show_the_service_message(
        icu_server, tmp_path, status, message):
    plan = write_plan(tmp_path)
    body = f'{{"status": {status}, "error": "{message}"}}'
    icu_server.faults.add(Fault.status_code(status, body=body, method="POST"))
    proc = publish(icu_server, plan, "--yes")
    assert proc.returncode == 3
    (line,) = proc.stderr_text.strip().splitlines()
    assert f"HTTP {status}" in line and message in line
    assert [r.method for r in icu_server.requests] == ["GET", "POST"]


# -- prune and foreign events -------------------------------------------------------------------
def test_prune_deletes_only_this_plans_stale_events(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    seeded = seed_foreign(icu_server)
    ok(publish(icu_server, plan, "--yes"))
    assert_untouched(icu_server, seeded)
    before = by_external(icu_server)

    # Thursdays leave the plan.
    write_plan(tmp_path, plan_yaml(CALENDAR.replace("    thu: {workout: track}\n", "")))
    stale = {f"{PREFIX}2027-01-07:track", f"{PREFIX}2027-01-14:track"}

    kept = publish(icu_server, plan, "--yes")  # without --prune: nothing deleted
    ok(kept)
    assert "2 events of this plan in these dates are no longer in it; --prune deletes them" \
        in kept.stdout_text
    assert set(by_external(icu_server)) == set(before)
    assert_untouched(icu_server, seeded)

    icu_server.clear_log()
    week1 = publish(icu_server, plan, "--week", "1", "--prune", "--yes")  # week 1 only
    ok(week1)
    assert "  delete     2027-01-07        Run            Track 5x1km" in week1.stdout_text
    (delete,) = writes(icu_server)
    assert (delete.method, delete.body) == ("PUT", [{"external_id": f"{PREFIX}2027-01-07:track"}])
    assert set(by_external(icu_server)) == set(before) - {f"{PREFIX}2027-01-07:track"}

    everything = publish(icu_server, plan, "--prune", "--yes")
    ok(everything)
    assert "0 to create, 0 to update, 6 unchanged, 1 to delete" in everything.stdout_text
    assert set(by_external(icu_server)) == set(before) - stale
    assert_untouched(icu_server, seeded)

    quiet = publish(icu_server, plan, "--prune", "--yes")
    ok(quiet)
    assert "nothing to publish" in quiet.stdout_text
    assert_untouched(icu_server, seeded)


def test_user_event_on_the_same_day_is_never_updated(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    seeded = seed_foreign(icu_server)
    ok(publish(icu_server, plan, "--week", "1", "--yes"))
    ok(publish(icu_server, plan, "--week", "1", "--prune", "--yes"))
    same_day = [e for e in icu_server.events() if e["start_date_local"].startswith("2027-01-05")]
    assert len(same_day) == 2  # the user's and planc's, side by side
    assert_untouched(icu_server, seeded)


# -- credentials and secrets ------------------------------------------------------------------
WRONG_KEY = "WR0NG-kEy-7hq2Lx9vPz"


@pytest.mark.parametrize("verbose", [False, True])
def test_wrong_key_exit_3_and_never_shown(icu_server, tmp_path, verbose):
    plan = write_plan(tmp_path)
    args = ["--yes", *(["--verbose"] if verbose else [])]
    proc = publish(icu_server, plan, *args, key=WRONG_KEY)
    assert proc.returncode == 3
    assert "authentication failed" in proc.stderr_text
    assert "Unauthorized" in proc.stderr_text  # the service's own message
    assert "Traceback" not in proc.stderr_text
    if verbose:
        assert "GET http://127.0.0.1" in proc.stderr_text and "-> 401" in proc.stderr_text
        assert "'authorization': '[REDACTED]'" in proc.stderr_text
    forms = [WRONG_KEY, base64.b64encode(f"API_KEY:{WRONG_KEY}".encode()).decode(),
             WRONG_KEY[:10], WRONG_KEY[-10:]]
    for text in (proc.stdout_text, proc.stderr_text, repr(icu_server.requests)):
        for form in forms:
            assert form not in text


def test_right_key_never_shown_with_verbose(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    icu_server.faults.add(Fault(status=503, retry_after=0, method="POST"))
    proc = publish(icu_server, plan, "--yes", "--verbose", "--prune")
    ok(proc)
    assert proc.stderr_text.count("-> 200") == 2 and "-> 503" in proc.stderr_text
    basic = base64.b64encode(f"API_KEY:{API_KEY}".encode()).decode()
    for text in (proc.stdout_text, proc.stderr_text):
        assert API_KEY not in text and basic not in text


def test_missing_key_is_a_usage_error(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    proc = publish(icu_server, plan, "--yes", key="")
    assert proc.returncode == 2
    assert "INTERVALS_ICU_API_KEY" in proc.stderr_text
    assert icu_server.requests == []


def test_base_url_flag_beats_the_environment(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    proc = publish(icu_server, plan, "--dry-run", "--base-url", icu_server.url,
                   env={"INTERVALS_ICU_BASE_URL": "http://127.0.0.1:9"})
    ok(proc)
    assert len(icu_server.requests) == 1


def test_plain_http_to_a_remote_host_is_refused(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    proc = publish(icu_server, plan, "--yes", "--base-url", "http://example.com")
    assert proc.returncode == 2
    assert "plain http" in proc.stderr_text


# -- dates ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("athlete_tz", "process_tz"), [
    ("Pacific/Auckland", "Pacific/Honolulu"),
    ("Pacific/Honolulu", "Pacific/Kiritimati"),
])
def test_local_dates_whatever_the_time_zones(icu_server, tmp_path, athlete_tz, process_tz):
    # The plan crosses New Zealand's DST end (2027-04-04) and includes a midnight-adjacent
    # 09:00 session: nothing may shift by a day or an hour.
    plan = write_plan(tmp_path, plan_yaml(WEEKS, timezone=athlete_tz, start="2027-03-29"))
    ok(publish(icu_server, plan, "--yes", env={"TZ": process_tz}))
    loaded = load_plan(plan)
    stored = by_external(icu_server)
    assert len(stored) == len(loaded.sessions)
    for s in loaded.sessions:
        assert stored[s.external_id]["start_date_local"] == (
            f"{s.date.isoformat()}T{s.time or '00:00'}:00")
        assert s.external_id == f"{PREFIX}{s.date.isoformat()}:{s.key}"


# -- dry run and confirmation -----------------------------------------------------------------
def test_dry_run_writes_nothing(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    seed_foreign(icu_server)
    ok(publish(icu_server, plan, "--yes"))
    write_plan(tmp_path, plan_yaml(CALENDAR.replace("    thu: {workout: track}\n", "")
                                   .replace("reps: [3, 4]", "reps: [2, 4]")))
    icu_server.clear_log()
    proc = publish(icu_server, plan, "--dry-run", "--prune")
    ok(proc)
    assert [r.method for r in icu_server.requests] == ["GET"]
    # the action lines (an update's old -> new lines below it are indented further)
    lines = [line for line in proc.stdout_text.splitlines() if not line.startswith("     ")]
    assert lines[0].startswith("plan of action for pub-test, 2027-01-04 to 2027-01-17")
    actions = [line.split()[0] for line in lines[1:] if line[:2] == "  " and line[2] != " "]
    assert actions[:8] == [
        "update", "delete", "unchanged", "unchanged", "unchanged", "delete", "unchanged",
        "unchanged"]
    assert "0 to create, 1 to update, 5 unchanged, 2 to delete" in proc.stdout_text
    assert "dry run: nothing was written" in proc.stdout_text


def test_not_a_terminal_needs_yes(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    proc = publish(icu_server, plan)
    assert proc.returncode == 2
    assert "--yes" in proc.stderr_text and "--dry-run" in proc.stderr_text
    assert icu_server.requests == []


def test_selection_errors_are_usage_errors(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    proc = publish(icu_server, plan, "--week", "7", "--yes")
    assert proc.returncode == 2
    assert "the plan has weeks 1 to 2" in proc.stderr_text
    assert icu_server.requests == []


def test_plan_with_errors_is_not_published(icu_server, tmp_path):
    plan = write_plan(tmp_path, plan_yaml(CALENDAR.replace("workout: track", "workout: trak")))
    proc = publish(icu_server, plan, "--yes")
    assert proc.returncode == 1
    assert "error[unknown-workout]" in proc.stderr_text
    assert icu_server.requests == []


# -- verification -----------------------------------------------------------------------------
def _doc_hook(monkeypatch, change) -> None:
    """Make the local server's workout parser answer something else (a server hook)."""
    real = icu_store.parse_workout
    monkeypatch.setattr(icu_store, "parse_workout",
                        lambda text, settings=None: change(real(text, settings)))


def test_no_steps_parsed_is_an_error_naming_the_session(icu_server, tmp_path, monkeypatch):
    plan = write_plan(tmp_path)
    _doc_hook(monkeypatch, lambda doc: {"steps": [], "duration": 0})
    proc = publish(icu_server, plan, "--week", "1", "--yes")
    assert proc.returncode == 1
    err = proc.stderr_text
    assert "error[publish-verify]: 2027-01-05 'Sweet spot 3x10m': intervals.icu accepted the " \
           "event but parsed no steps" in err
    assert "2027-01-09 'Endurance'" in err and "2027-01-07 'Track 5x1km'" in err
    assert "Week 1 done" not in err  # notes have no workout_doc
    assert "plan.yaml:" in err and "3 errors" in err


def test_outline_and_duration_mismatches_are_errors(icu_server, tmp_path, monkeypatch):
    plan = write_plan(tmp_path)

    def tamper(doc: dict) -> dict:
        if len(doc["steps"]) == 3 and "reps" in doc["steps"][1]:  # sweet spot, track
            doc["steps"][1]["steps"].pop()
        elif len(doc["steps"]) == 1:  # endurance: 30 s longer
            doc["duration"] += 30
        return doc

    _doc_hook(monkeypatch, tamper)
    proc = publish(icu_server, plan, "--week", "1", "--yes")
    assert proc.returncode == 1
    err = proc.stderr_text
    assert ("2027-01-05 'Sweet spot 3x10m': intervals.icu parsed 3 top-level steps "
            "[step, 3x1, step], planc compiled 3 top-level steps [step, 3x2, step]") in err
    assert "2027-01-07 'Track 5x1km': intervals.icu parsed 3 top-level steps [step, 5x1, step]" \
        in err
    assert ("2027-01-09 'Endurance': intervals.icu parsed a duration of 5430 s, planc compiled "
            "5400 s") in err
    assert "published to intervals.icu: 4 created" in proc.stdout_text


def test_a_second_event_instead_of_an_update_is_an_error(icu_server, tmp_path):
    """The calendar holds our external id on an event another client made: the service
    creates a new event instead of updating it, and planc says so."""
    plan = write_plan(tmp_path)
    icu_server.seed_event({"category": "NOTE", "start_date_local": "2027-01-10T00:00:00",
                           "name": "Old", "description": "",
                           "external_id": f"{PREFIX}2027-01-10:week-1-done"}, client="other-key")
    proc = publish(icu_server, plan, "--week", "1", "--yes")
    assert proc.returncode == 1
    assert "2027-01-10 'Week 1 done': intervals.icu created event" in proc.stderr_text
    assert "the calendar now holds both" in proc.stderr_text


# -- in-process units -------------------------------------------------------------------------
def _step(seconds: float | None = None, metres: float | None = None) -> Step:
    return Step(Duration(seconds) if seconds is not None else Distance(metres or 0))


def test_expectation_follows_the_single_level_emission():
    nested = Repeat(2, (_step(60), Repeat(3, (_step(30), _step(30.4))), _step(60)))
    w = Workout((Block((_step(600),), "Warmup"), Note("prose"), nested, _step(300)))
    e = expectation(w)
    # the nested repeat becomes one repeat of 1 + 3*2 + 1 = 8 steps (planc.lower.single_level)
    assert e.outline == ("step", "2x8", "step")
    assert e.duration == 600 + 2 * (60 + 3 * (30 + 30) + 60) + 300
    assert e.steps == 1 + 16 + 1
    assert expectation(Workout((_step(600), _step(metres=1000)))).duration is None


def test_doc_outline_and_check_doc():
    doc = {"steps": [{"duration": 600}, {"reps": 4, "steps": [{}, {}], "duration": 0}],
           "duration": 600}
    assert doc_outline(doc) == ("step", "4x2")
    plan = _half_plan()
    planned = build_events(plan.sessions[:1]).events[0]
    assert check_doc(planned, planned.expectation, None) == []  # nothing to check
    assert check_doc(planned, planned.expectation, {"no": "steps"}) == []


def test_changed_fields_normalises_what_the_service_rewrites():
    ours = {"category": "WORKOUT", "start_date_local": "2027-01-05T00:00:00", "type": "Run",
            "name": "A < B", "description": "- 10m Z2 HR\n", "indoor": False,
            "external_id": "planc:x:2027-01-05:1"}
    theirs = {**ours, "name": "A &lt; B", "description": "- 10m Z2 HR", "id": 5}
    del theirs["indoor"]
    assert changed_fields(ours, theirs) == ()
    assert changed_fields({**ours, "description": ""}, {**theirs, "description": None}) == ()
    assert changed_fields({**ours, "type": "Ride"}, theirs) == ("type",)


HALF = Path(__file__).resolve().parents[1] / "plans" / "half-marathon-12w.yaml"
_HALF_ID = "half-marathon-12w"
_ID = st.sampled_from([
    f"planc:{_HALF_ID}:2027-01-04:swim-aerobic", f"planc:{_HALF_ID}:2027-01-05:threshold-run",
    f"planc:{_HALF_ID}:2027-01-08:easy-run", f"planc:{_HALF_ID}:2027-01-20:tempo",
    f"planc:{_HALF_ID}:2027-01-04:1", f"planc:{_HALF_ID}:2027-01-05:2",  # the legacy form
    f"planc:{_HALF_ID}:anna:2027-01-05:threshold-run",  # a roster athlete's
    f"planc:{_HALF_ID}-2:2027-01-05:threshold-run", "planc:other:2027-01-05:easy",
    "othertool:1", "", None])


@functools.cache
def _half_plan():
    return load_plan(HALF)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ID, st.integers(0, 20), st.sampled_from(["Run", "Swim", None])),
                max_size=12), st.booleans())
def test_diff_only_ever_touches_this_plans_external_ids(existing, prune):
    plan = _half_plan()
    events = build_events(plan.sessions[:2]).events
    calendar = []
    for n, (external_id, day, sport) in enumerate(existing):
        event = {"id": n, "category": "WORKOUT", "name": "x", "type": sport,
                 "start_date_local": f"{dt.date(2027, 1, 1) + dt.timedelta(days=day)}T00:00:00"}
        if external_id is not None:
            event["external_id"] = external_id
        calendar.append(event)
    in_range = select(plan, ["1"]).contains
    owner = Owner(plan.id)
    changes = diff(events, calendar, owner, in_range, prune)
    planned_ids = {e.external_id for e in events}
    for action in changes.actions:
        if action.change is Change.DELETE:
            assert prune and (owner.owns(action.external_id)
                              or owner.may_adopt(action.external_id))
            assert in_range(action.date)
            assert action.external_id not in planned_ids
        if action.existing is not None:
            ext = action.existing.get("external_id")
            assert owner.owns(ext) or (action.change in (Change.ADOPT, Change.DELETE)
                                       and owner.may_adopt(ext))
            if action.change is Change.ADOPT:  # same day, category and sport as the session
                assert action.existing["start_date_local"][:10] == action.date.isoformat()
                assert action.existing["type"] == action.planned.payload["type"]
    assert not [e for e in calendar if "anna" in str(e.get("external_id"))
                and any(a.existing is e for a in changes.actions)]
    deleted = {a.external_id for a in changes.deletions}
    adopted = {id(a.existing) for a in changes.adoptions}
    for event in calendar:  # every stale event of the plan in week 1 is found
        ext = event.get("external_id")
        day = dt.date.fromisoformat(event["start_date_local"][:10])
        if (owner.owns(ext) or owner.may_adopt(ext)) and ext not in planned_ids \
                and in_range(day) and id(event) not in adopted:
            assert ext in deleted if prune else event in changes.stale
    planned = [a for a in changes.actions if a.change is not Change.DELETE]
    assert [a.external_id for a in planned] == [e.external_id for e in events]


# -- confirmation on a terminal ---------------------------------------------------------------
@pytest.mark.parametrize(("answer", "published"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_terminal_asks_before_writing(icu_server, tmp_path, answer, published):
    plan = write_plan(tmp_path)
    env = {**os.environ, "INTERVALS_ICU_API_KEY": API_KEY,
           "INTERVALS_ICU_BASE_URL": icu_server.url, "INTERVALS_ICU_ATHLETE_ID": "0"}
    master, slave = os.openpty()
    try:
        os.write(master, answer.encode())
        proc = subprocess.run([*planc_command(), "publish", str(plan), "--week", "1"],
                              stdin=slave, capture_output=True, env=env, timeout=60,
                              check=False)
    finally:
        os.close(slave)
        os.close(master)
    err = proc.stderr.decode()
    assert proc.returncode == (0 if published else 1), err  # "no" did not do what was asked
    assert "Apply these 4 changes to intervals.icu? [y/N]" in err
    assert (len(ours(icu_server)) == 4) is published
    assert ("not published" in err) is not published
    assert [r.method for r in icu_server.requests] == (["GET", "POST"] if published else ["GET"])

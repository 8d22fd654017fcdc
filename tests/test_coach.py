"""Coach mode: one plan, a roster of athletes, each with their own thresholds, dates and calendar.

Over real HTTP: the installed ``planc`` runs in a subprocess with a coach's API key
against the local intervals.icu server, which knows several athletes and which of
their calendars the key may write.
"""


from __future__ import annotations

import datetime as dt
import functools
import io
import json
import textwrap
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from support.icu_fixtures import API_KEY, ATHLETE_ID, ok, planc_on
from support.readers import read_course

from planc.icuserver import IcuServer
from planc.plan.athlete_file import read_athlete_file
from planc.plan.load import read_plan
from planc.plan.roster import plan_for, read_roster

COACH_KEY = "c0ach-Zq8vW2xR7tLp9s"
PLAN_ID = "squad-test"
FTP = {"anna": 200, "ben": 250, "carl": 300}
LTHR = {"anna": 150, "ben": 160, "carl": 170}
TZ = "Europe/Berlin"

PLAN = f"""\
id: {PLAN_ID}
name: Squad test
start: 2027-01-04
weeks: 2
roster: squad.yaml
params: {{volume: 1}}
athlete: {{ride: {{ftp: 250}}}}
workouts:
  intervals:
    sport: Ride
    name: Intervals
    body: |
      - 10m 60% 88-92% LTHR

      Main set 3x
      - 5m 100%
      - 3m 50%
  long:
    sport: Ride
    params: {{duration: 2h}}
    body: |
      - {{duration}} 65%
  easy:
    sport: Run
    body: |
      - 30m Z2 HR
  swim:
    sport: Swim
    body: |
      - 20m Z2 Pace
calendar:
  - tue: intervals
    thu: [easy, swim]
    sat: {{workout: long, duration: "= round(2h * volume, 5m)"}}
    sun: {{note: "Week {{week}} done"}}
"""

ROSTER = f"""\
timezone: {TZ}
athletes:
  anna:
    id: i101
    name: Anna Keller
    athlete: athletes/anna.yaml
  ben:
    id: i102
    athlete: {{ride: {{ftp: {FTP['ben']}, lthr: {LTHR['ben']}}}, run: {{lthr: 165}},
              swim: {{threshold_pace: "1:50/100m"}}}}
    start: 2027-01-11
    tags: [club]
  carl:
    id: i103
    athlete: {{ride: {{ftp: {FTP['carl']}, lthr: {LTHR['carl']}}}, run: {{lthr: 175}},
              swim: {{threshold_pace: "1:40/100m"}}}}
    start: 2027-01-18
    tags: [club]
    params: {{volume: 0.5}}
    move: {{sat: sun, sun: sat}}
"""

ANNA = (f"ride: {{ftp: {FTP['anna']}, lthr: {LTHR['anna']}}}\nrun: {{lthr: 160}}\n"
        "swim: {threshold_pace: \"2:00/100m\"}\n")


@pytest.fixture
def coach() -> Iterator[IcuServer]:
    """The server: the key's own athlete, three coached calendars and one not coached."""
    with IcuServer(api_key=API_KEY, athlete_id=ATHLETE_ID) as server:
        server.add_coach(COACH_KEY, ["i101", "i102", "i103", "i105"])
        server.add_athlete("i104")  # somebody this key does not coach
        yield server


def squad(tmp_path: Path, plan: str = PLAN, roster: str = ROSTER) -> Path:
    (tmp_path / "athletes").mkdir(exist_ok=True)
    (tmp_path / "athletes" / "anna.yaml").write_text(ANNA, encoding="utf-8")
    (tmp_path / "squad.yaml").write_text(roster, encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text(plan, encoding="utf-8")
    return path


planc = functools.partial(planc_on, key=COACH_KEY)  # the coach's key unless told




def sessions_of(plan: Path, name: str) -> list:
    found = read_roster(plan.parent / "squad.yaml")
    member = found.roster.members[name]
    result = plan_for(plan, member, found.roster).result
    assert result.ok, result.diagnostics
    return result.plan.sessions


def calendar(server: IcuServer, athlete: str) -> dict[str, dict[str, Any]]:
    events = {}
    for e in server.events(athlete):
        if str(e.get("external_id", "")).startswith("planc:"):
            assert e["external_id"] not in events, f"duplicate {e['external_id']}"
            events[e["external_id"]] = e
    return events


def writes(server: IcuServer) -> list:
    return [r for r in server.requests if r.method != "GET"]


# -- three athletes, three calendars -----------------------------------------------------------
def test_three_athletes_get_their_own_events_dates_and_thresholds(coach, tmp_path):
    plan = squad(tmp_path)
    proc = planc(coach, "publish", "plan.yaml", "--for", "all", "--yes", cwd=tmp_path)
    ok(proc)
    for name, athlete_id, monday in (("anna", "i101", "2027-01-04"), ("ben", "i102", "2027-01-11"),
                                     ("carl", "i103", "2027-01-18")):
        stored = calendar(coach, athlete_id)
        sessions = sessions_of(plan, name)
        assert set(stored) == {s.external_id for s in sessions}
        assert all(x.startswith(f"planc:{PLAN_ID}:{name}:") for x in stored)
        assert min(s.date for s in sessions).isoformat() >= monday
        for s in sessions:
            assert stored[s.external_id]["start_date_local"] == f"{s.date.isoformat()}T00:00:00"
        assert f"== {name} ({athlete_id}) ==" in proc.stdout_text
    # carl's long ride is on Sunday (move), half as long (params: volume 0.5)
    carl = calendar(coach, "i103")
    long = carl[f"planc:{PLAN_ID}:carl:2027-01-24:long"]
    assert long["workout_doc"]["duration"] == 3600
    assert carl[f"planc:{PLAN_ID}:carl:2027-01-23:week-1-done"]["category"] == "NOTE"
    assert calendar(coach, "i105") == {} and coach.events(ATHLETE_ID) == []
    assert "published: 10 created" in proc.stdout_text  # the summary table

    coach.clear_log()
    again = planc(coach, "publish", "plan.yaml", "--for", "all", "--yes", cwd=tmp_path)
    ok(again)
    assert "nothing to publish: the calendars are up to date" in again.stdout_text
    assert writes(coach) == []
    assert [r.method for r in coach.requests] == ["GET"] * 3  # one read per calendar

    # The same Tuesday session compiled for each: .erg watts scale exactly with FTP; FIT
    # keeps power as % FTP (the head unit applies the athlete's FTP) and has heart rate in
    # bpm from each athlete's LTHR.
    ok(planc(coach, "build", "plan.yaml", "--for", "all", "--formats", "erg,fit", "-o", "out",
             cwd=tmp_path))
    ergs, fits = {}, {}
    for name in FTP:
        (tue,) = [s for s in sessions_of(plan, name) if s.ref == "intervals" and s.week == 1]
        stem = tmp_path / "out" / name / f"week-01-{tue.date - dt.timedelta(days=1)}" / \
            f"{tue.date}-1-intervals"
        ergs[name] = read_course(stem.with_suffix(".erg").read_bytes())
        fits[name] = _fit_steps(stem.with_suffix(".fit").read_bytes())
    for name in FTP:
        watts = [v for _, v in ergs[name].points]
        assert watts == [round(v * FTP[name] / FTP["anna"]) for _, v in ergs["anna"].points]
        assert watts[0] == 0.6 * FTP[name]
        assert ergs[name].header["FTP"] == str(FTP[name])
        assert [s["power"] for s in fits[name]] == [s["power"] for s in fits["anna"]]
        low, high = fits[name][0]["hr"]
        assert abs(low - 0.88 * LTHR[name]) <= 0.5 and abs(high - 0.92 * LTHR[name]) <= 0.5
    assert ergs["anna"].points != ergs["ben"].points


def _fit_steps(data: bytes) -> list[dict[str, Any]]:
    """Power (custom % FTP low/high) and heart rate (bpm low/high) of each workout step."""
    steps = []
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "workout_step":
                raw = {f.name: f.raw_value for f in frame.fields}
                hr = (raw.get("secondary_custom_target_heart_rate_low"),
                      raw.get("secondary_custom_target_heart_rate_high"))
                steps.append({
                    "power": (raw.get("custom_target_power_low"),
                              raw.get("custom_target_power_high")),
                    "hr": None if None in hr else (hr[0] - 100, hr[1] - 100)})  # bpm + 100
    return steps


def test_removing_the_first_of_two_sessions_on_a_day_touches_only_it(coach, tmp_path):
    plan = squad(tmp_path)
    ok(planc(coach, "publish", "plan.yaml", "--for", "ben", "--yes", cwd=tmp_path))
    before = calendar(coach, "i102")
    plan.write_text(PLAN.replace("thu: [easy, swim]", "thu: [swim]"), encoding="utf-8")
    coach.clear_log()
    proc = planc(coach, "publish", "plan.yaml", "--for", "ben", "--prune", "--yes", cwd=tmp_path)
    ok(proc)
    (delete,) = writes(coach)
    assert delete.body == [{"external_id": f"planc:{PLAN_ID}:ben:2027-01-14:easy"},
                           {"external_id": f"planc:{PLAN_ID}:ben:2027-01-21:easy"}]
    after = calendar(coach, "i102")
    assert after == {k: v for k, v in before.items() if not k.endswith(":easy")}

    plan.write_text(PLAN.replace("thu: [easy, swim]", "thu: [swim, easy]"), encoding="utf-8")
    ok(planc(coach, "publish", "plan.yaml", "--for", "ben", "--yes", cwd=tmp_path))
    coach.clear_log()
    plan.write_text(PLAN.replace("thu: [easy, swim]", "thu: [easy, swim]"), encoding="utf-8")
    reordered = planc(coach, "publish", "plan.yaml", "--for", "ben", "--yes", cwd=tmp_path)
    ok(reordered)
    assert "nothing to publish" in reordered.stdout_text and writes(coach) == []


# -- one athlete fails, the others are published ---------------------------------------------
def _foreign(server: IcuServer) -> list[dict[str, Any]]:
    """Events planc must never touch: made by hand and by another app in a roster athlete's
    calendar, and planc events in the calendar of an athlete the roster does not list."""
    return [
        server.seed_event({"category": "WORKOUT", "type": "Ride", "name": "Intervals",
                           "start_date_local": "2027-01-05T00:00:00", "description": "- 1h 60%"},
                          athlete_id="i101"),
        server.seed_event({"category": "NOTE", "start_date_local": "2027-01-07T00:00:00",
                           "name": "Physio", "external_id": "othertool:42"},
                          athlete_id="i101", client="other-app"),
        server.seed_event({"category": "NOTE", "start_date_local": "2027-01-10T00:00:00",
                           "name": "Week 1 done",
                           "external_id": f"planc:{PLAN_ID}:dave:2027-01-10:week-1-done"},
                          athlete_id="i105", client=server.add_key("dave-key", "i105")),
    ]


def test_a_forbidden_athlete_fails_alone_and_nothing_foreign_is_touched(coach, tmp_path):
    roster = ROSTER.replace("    id: i102\n", "    id: i104\n")  # ben's calendar: not coached
    squad(tmp_path, roster=roster)
    seeded = _foreign(coach)
    proc = planc(coach, "publish", "plan.yaml", "--for", "all", "--prune", "--yes", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout_text + proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    out = proc.stdout_text
    table = out[out.index("\nathlete "):]
    assert "anna     i101        published: 10 created" in table
    assert "carl     i103        published: 10 created" in table
    assert "ben      i104        FAILED: intervals.icu authentication failed (HTTP 403: Access " \
           "denied)" in table
    assert "1 of 3 athletes not published: ben" in table
    assert "ben (i104): intervals.icu authentication failed" in proc.stderr_text
    assert len(calendar(coach, "i101")) == 10 and len(calendar(coach, "i103")) == 10
    assert coach.events("i104") == []
    now = {e["id"]: e for a in ("i101", "i105") for e in coach.events(a)}
    for event in seeded:
        assert now[event["id"]] == event

    # the re-run converges: the others are up to date, ben still fails
    coach.clear_log()
    rerun = planc(coach, "publish", "plan.yaml", "--for", "all", "--prune", "--yes",
                  cwd=tmp_path)
    assert rerun.returncode == 3
    assert "anna     i101        up to date" in rerun.stdout_text
    assert writes(coach) == []


def test_publishing_one_athletes_plan_into_anothers_calendar_is_refused(coach, tmp_path):
    squad(tmp_path)
    ok(planc(coach, "publish", "plan.yaml", "--for", "ben", "--yes", cwd=tmp_path))
    before = coach.events("i102")
    # A copy of the roster where anna got ben's id by mistake.
    (tmp_path / "wrong.yaml").write_text(ROSTER.replace("id: i101", "id: i102").replace(
        "    id: i102\n    athlete: {ride", "    id: i109\n    athlete: {ride"), encoding="utf-8")
    coach.clear_log()
    proc = planc(coach, "publish", "plan.yaml", "--roster", "wrong.yaml", "--for", "anna",
                 "--yes", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout_text + proc.stderr_text
    err = proc.stderr_text
    assert "wrong.yaml:4:9: error[publish-other-athlete]: the calendar of i102 holds planc " \
           "events of ben" in err
    assert "not anna's: nothing was written there" in err and "check anna's id" in err
    assert "^^^^" in err
    assert writes(coach) == [] and coach.events("i102") == before
    assert "anna     i102        refused: the calendar of i102 holds planc events of ben" in \
        proc.stdout_text


def test_a_plan_with_a_roster_publishes_only_with_for(coach, tmp_path):
    squad(tmp_path)
    proc = planc(coach, "publish", "plan.yaml", "--yes", cwd=tmp_path)
    assert proc.returncode == 2
    assert "has a roster" in proc.stderr_text and "--for all" in proc.stderr_text
    for command in ("publish", "stats", "build", "render"):
        alone = planc(coach, command, "plan.yaml", "--roster", "squad.yaml", cwd=tmp_path)
        assert alone.returncode == 2 and "--roster says which roster" in alone.stderr_text
    flags = planc(coach, "stats", "plan.yaml", "--for", "all", "--ftp", "300", cwd=tmp_path)
    assert flags.returncode == 2 and "leave out --athlete, --ftp" in flags.stderr_text
    assert coach.requests == []


def test_events_the_athlete_published_without_a_roster_are_adopted(coach, tmp_path):
    """Ben published the plan to his own calendar; now his coach publishes it for him."""
    plan = squad(tmp_path)
    plain = PLAN.replace("roster: squad.yaml\n", "").replace(
        "start: 2027-01-04", "start: 2027-01-11").replace(
        "athlete: {ride: {ftp: 250}}", "athlete: {ride: {ftp: 250, lthr: 160}, run: {lthr: 165}, "
        "swim: {threshold_pace: '1:50/100m'}}")
    (tmp_path / "mine.yaml").write_text(plain, encoding="utf-8")
    ben_key = "b3n-own-KEY-77"
    coach.add_key(ben_key, "i102")
    ok(planc(coach, "publish", "mine.yaml", "--yes", cwd=tmp_path, key=ben_key))
    ids = {e["id"] for e in coach.events("i102")}
    proc = planc(coach, "publish", "plan.yaml", "--for", "ben", "--prune", "--yes", cwd=tmp_path)
    ok(proc)
    assert "10 to adopt" in proc.stdout_text
    assert {e["id"] for e in coach.events("i102")} == ids
    assert set(calendar(coach, "i102")) == {s.external_id for s in sessions_of(plan, "ben")}


# -- roster mistakes ---------------------------------------------------------------------
@pytest.mark.parametrize(("roster", "who", "expected"), [
    (ROSTER, "anna,bem", ["squad.yaml:2:1: error[roster-unknown]: --for bem: 'bem' is not in "
                          "the roster", "hint: did you mean 'ben'?"]),
    (ROSTER, "tag:clubs", ["error[roster-unknown]: --for tag:clubs: nobody in the roster has "
                           "the tag 'clubs'", "hint: did you mean 'tag:club'?"]),
    (ROSTER.replace("id: i103", "id: i102"), "all",
     ["squad.yaml:14:9: error[roster-duplicate-id]: carl and ben have the same intervals.icu "
      "id i102", "hint: ben's is on line 8"]),
    (ROSTER.replace("athletes/anna.yaml", "athletes/anne.yaml"), "anna",
     ["squad.yaml:6:14: error[athlete-missing]: anna's athlete file is not there",
      "hint: paths are relative to the roster"]),
    (ROSTER.replace("athletes/anna.yaml", "pull"), "anna",
     ["error[athlete-missing]", "hint: run 'planc athlete pull --for anna' to write it"]),
    (ROSTER.replace("params: {volume: 0.5}", "params: {volum: 0.5}"), "carl",
     ["squad.yaml:19:14: error[roster-parameter]: carl's 'volum' is not a parameter of this "
      "plan", "hint: did you mean 'volume'?"]),
    (ROSTER.replace("start: 2027-01-11", "start: 2027-01-12"), "ben",
     ["error[start-not-monday]", "hint: start: 2027-01-11 (the Monday before)"]),
])
def test_roster_mistakes_are_positioned_errors_with_hints(coach, tmp_path, roster, who, expected):
    squad(tmp_path, roster=roster)
    if "athlete: pull" in roster:  # 'pull': athletes/anna.yaml, not written yet
        (tmp_path / "athletes" / "anna.yaml").unlink()
    proc = planc(coach, "publish", "plan.yaml", "--for", who, "--yes", cwd=tmp_path)
    assert proc.returncode in (1, 2), proc.stdout_text + proc.stderr_text
    for text in expected:
        assert text in proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    assert coach.requests == []  # nothing is read or written before the roster is right
    check = planc(coach, "check", "plan.yaml", "--for", who, cwd=tmp_path)
    assert check.returncode in (1, 2) and expected[0] in check.stderr_text


# -- athlete pull, stats, render --------------------------------------------------------------
def test_athlete_pull_for_all_writes_thresholds_and_todays_fitness(coach, tmp_path):
    plan = squad(tmp_path, roster=ROSTER.replace("athletes/anna.yaml", "pull").replace(
        "    id: i103\n", "    id: i104\n"))  # carl's id: not coached
    (tmp_path / "athletes" / "anna.yaml").unlink()
    today = dt.datetime.now(zoneinfo.ZoneInfo(TZ)).date()
    coach.seed_sport_settings([{"id": 1, "types": ["Ride"], "ftp": 222, "lthr": 151}],
                              athlete_id="i101")
    for days, ctl in ((3, 40.0), (1, 42.5), (-1, 99.0)):  # -1: tomorrow, not yet
        coach.seed_wellness((today - dt.timedelta(days=days)).isoformat(), ctl, ctl + 10,
                            athlete_id="i101")
    proc = planc(coach, "athlete", "pull", "--roster", "squad.yaml", "--for", "all", cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr_text
    err = proc.stderr_text
    anna = tmp_path / "athletes" / "anna.yaml"
    assert "anna     i101        wrote athletes/anna.yaml (ride)" in err
    assert "carl     i104        FAILED: intervals.icu authentication failed" in err
    assert "ben's thresholds are inline in the roster" in err
    found = read_athlete_file(anna)
    assert found.athlete.sports["ride"].ftp == 222
    assert (found.fitness.date, found.fitness.ctl, found.fitness.atl) == (
        today - dt.timedelta(days=1), 42.5, 52.5)
    assert (tmp_path / "athletes" / "ben.yaml").is_file()

    # stats for anna: the projection starts from what intervals.icu measured
    stats = planc(coach, "stats", "plan.yaml", "--for", "anna", "--json", cwd=tmp_path)
    ok(stats)
    (report,) = json.loads(stats.stdout_text)["athletes"]
    assert report["athlete"] == "anna" and report["id"] == "i101"
    measured = read_plan(plan).plan.start > found.fitness.date
    if measured:
        assert (report["start_ctl"], report["start_atl"]) == (42.5, 52.5)
    assert report["measured"] == {"date": found.fitness.date.isoformat(), "ctl": 42.5,
                                  "atl": 52.5}


def test_stats_for_all_is_one_line_per_athlete_per_week(coach, tmp_path):
    squad(tmp_path)
    proc = planc(coach, "stats", "plan.yaml", "--for", "all", cwd=tmp_path)
    ok(proc)
    lines = proc.stdout_text.splitlines()
    assert lines[0] == f"Squad test ({PLAN_ID}): 3 athletes"
    rows = [line.split()[:3] for line in lines if line[:1].isdigit()]
    assert rows == [["1", "anna", "2027-01-04"], ["1", "ben", "2027-01-11"],
                    ["1", "carl", "2027-01-18"], ["2", "anna", "2027-01-11"],
                    ["2", "ben", "2027-01-18"], ["2", "carl", "2027-01-25"]]
    totals = {line.split()[1]: line for line in lines if line.startswith("total")}
    assert set(totals) == set(FTP)
    assert totals["carl"] != totals["ben"]  # carl's long rides are half as long


def test_render_for_all_writes_a_squad_page_over_the_athletes_sites(coach, tmp_path):
    squad(tmp_path)
    ok(planc(coach, "render", "plan.yaml", "--for", "all", "-o", "site", cwd=tmp_path))
    site = tmp_path / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in FTP:
        assert f'href="{name}/index.html"' in index
        assert (site / name / "index.html").is_file()
    assert "Anna Keller" in index and "Weekly load, side by side" in index
    row = index[index.index('<tr><th scope="row">1</th>'):]
    row = row[:row.index("</tr>")]
    assert row.count('class="bar"') == 3 and "4 Jan" in row and "18 Jan" in row
    again = planc(coach, "render", "plan.yaml", "--for", "all", "-o", "site", cwd=tmp_path)
    ok(again)
    assert " 0 written" in again.stderr_text


def test_a_variant_changes_only_what_the_roster_says(tmp_path):
    plan = squad(tmp_path)
    plain = read_plan(plan).plan
    ben = sessions_of(plan, "ben")
    assert [s.date - dt.timedelta(days=7) for s in ben] == [s.date for s in plain.sessions]
    assert [s.key for s in ben] == [s.key for s in plain.sessions]
    assert all(s.external_id == f"planc:{PLAN_ID}:ben:{s.date}:{s.key}" for s in ben)
    assert [(s.name, s.text) for s in ben] == [(s.name, s.text) for s in plain.sessions]
    carl = {s.date.weekday(): s for s in sessions_of(plan, "carl") if s.week == 1}
    assert carl[6].ref == "long" and carl[5].kind == "NOTE"
    assert textwrap.dedent(carl[6].text).strip() == "- 1h 65%"

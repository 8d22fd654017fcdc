"""planc publish --as-plan / --library / --targets / --apply-to, over real HTTP.

The installed ``planc`` runs in a subprocess against an :class:`IcuServer` in this
process (as in ``test_publish.py``), so the tests read the server's folders,
workouts, calendars and request log directly.
"""

# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from support.icu_fixtures import API_KEY, icu_server, ok, planc_on  # noqa: F401  (fixture used by name)

from planc.icuserver import Fault, IcuServer
from planc.plan.load import load_plan
from planc.plan.stats import plan_stats

COACH_KEY = "c0ach-Lib7vW2xR7tLp9s"
PLAN_ID = "lib-test"

PLAN = f"""\
id: {PLAN_ID}
name: Library test
description: Two weeks to try the library.
start: 2027-01-04
weeks: 2
fitness: {{ctl: 40, atl: 35}}
athlete:
  ride: {{ftp: 250}}
  run: {{threshold_pace: "4:15/km", lthr: 170, max_hr: 190}}
workouts:
  sweetspot:
    sport: VirtualRide
    name: "Sweet spot {{reps}}x10m"
    params: {{reps: 3}}
    body: |
      Warmup
      - 10m ramp 50-75%

      Main set {{reps}}x
      - 10m 88-93%
      - 5m 55%

      Cooldown
      - 10m ramp 65-45%
  endurance:
    sport: Ride
    body: |
      - Endurance 1h30m 65-75%
  easy:
    sport: Run
    name: Easy run
    body: |
      - 40m Z2 HR
calendar:
  - weeks: 1-2
    tue: {{workout: sweetspot, reps: [3, 4]}}
    thu: easy
    sat: {{workout: endurance, time: "09:00"}}
    sun: {{note: "Week {{week}} done", description: "Rest well."}}
  - 2027-01-16:
      race: {{name: Club 10k, priority: B, sport: Run, distance: 10km}}
"""

ROSTER = """\
timezone: Europe/Berlin
athletes:
  anna:
    id: i101
    athlete: {ride: {ftp: 200}, run: {lthr: 160}}
    start: 2027-02-01
  ben:
    id: i102
    athlete: {ride: {ftp: 260}, run: {lthr: 165}}
    start: 2027-03-08
    tags: [club]
    move: {sat: sun, sun: sat}
"""


def write_plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


planc = planc_on




def folders(server: IcuServer, athlete: str | None = None) -> list[dict[str, Any]]:
    return server.store.library.folders(athlete or server.athlete_id)


def writes(server: IcuServer) -> list:
    return [r for r in server.requests if r.method != "GET"]


def by_key(folder: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """planc's workouts of a folder by their planc-key tag."""
    out = {}
    for w in folder["children"]:
        keys = [t for t in w.get("tags") or () if t.startswith("planc-key:")]
        if keys:
            assert keys[0] not in out, f"duplicate {keys[0]}"
            out[keys[0]] = w
    return out


# -- a training plan, idempotently -------------------------------------------------------------
def test_as_plan_twice_leaves_one_folder_with_the_same_workouts(icu_server, tmp_path):
    write_plan(tmp_path)
    first = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    ok(first)
    (folder,) = folders(icu_server)
    assert folder["type"] == "PLAN" and folder["name"] == "Library test"
    assert folder["description"].splitlines()[0] == "Two weeks to try the library."
    assert folder["description"].splitlines()[-1] == f"planc:{PLAN_ID}"
    assert (folder["duration_weeks"], folder["starting_ctl"], folder["starting_atl"]) == (2, 40, 35)
    assert folder["activity_types"] == ["Ride", "Run", "VirtualRide"]
    workouts = by_key(folder)
    # 2 weeks x (tue, thu, sat, sun); the race takes week 2's Saturday
    assert len(workouts) == 8
    days = {k: w["day"] for k, w in workouts.items()}
    assert days["planc-key:1:sweetspot"] == 1 and days["planc-key:8:sweetspot"] == 8
    assert days["planc-key:12:club-10k"] == 12
    race = workouts["planc-key:12:club-10k"]
    assert race["sub_type"] == "RACE" and race["distance"] == 10000
    assert "planc-kind:race-b" in race["tags"]
    note = workouts["planc-key:6:week-1-done"]
    assert note["description"] == "Rest well." and "planc-kind:note" in note["tags"]
    sweet = workouts["planc-key:8:sweetspot"]
    assert sweet["name"] == "Sweet spot 4x10m" and sweet["workout_doc"]["steps"]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in icu_server.requests] == [
        ("GET", "folders"), ("POST", "folders"), ("POST", "bulk")]

    icu_server.clear_log()
    again = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    ok(again)
    assert "nothing to publish" in again.stdout_text
    assert writes(icu_server) == []
    (same,) = folders(icu_server)
    assert same["id"] == folder["id"]
    assert {k: w["id"] for k, w in by_key(same).items()} == \
        {k: w["id"] for k, w in workouts.items()}


def test_editing_one_session_updates_exactly_that_workout(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    ok(planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path))
    before = by_key(folders(icu_server)[0])
    plan.write_text(PLAN.replace("- Endurance 1h30m 65-75%", "- Endurance 2h 65-75%"),
                    encoding="utf-8")
    icu_server.clear_log()
    proc = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    ok(proc)
    assert "1 to update" in proc.stdout_text  # week 1's endurance ride (a race in week 2)
    puts = writes(icu_server)
    assert [r.method for r in puts] == ["PUT"]
    after = by_key(folders(icu_server)[0])
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"planc-key:5:endurance"}
    assert {k: w["id"] for k, w in after.items()} == {k: w["id"] for k, w in before.items()}
    assert after["planc-key:5:endurance"]["moving_time"] == 7200


def test_a_workout_added_by_hand_survives_prune(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    ok(planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path))
    folder = folders(icu_server)[0]
    hand = icu_server.store.library.create_workout(icu_server.athlete_id, {
        "name": "Coach's extra", "type": "Ride", "description": "- 1h 60%",
        "folder_id": folder["id"], "day": 3})
    other_tags = icu_server.store.library.create_workout(icu_server.athlete_id, {
        "name": "Other plan's", "type": "Ride", "folder_id": folder["id"], "day": 4,
        "tags": ["planc:other-plan", "planc-key:4:endurance"]})
    plan.write_text(PLAN.replace("    thu: easy\n", ""), encoding="utf-8")
    kept = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    ok(kept)
    assert "2 workouts of this plan in the folder are no longer in it" in kept.stdout_text
    assert len(by_key(folders(icu_server)[0])) == 9  # 8 + the other plan's: none deleted

    icu_server.clear_log()
    pruned = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--prune", "--yes",
                   cwd=tmp_path)
    ok(pruned)
    assert sorted(r.method for r in writes(icu_server)) == ["DELETE", "DELETE"]
    children = {w["id"]: w for w in folders(icu_server)[0]["children"]}
    assert children[hand["id"]] == hand and children[other_tags["id"]] == other_tags
    assert not [k for k in by_key(folders(icu_server)[0]) if k.endswith(":easy")]


def test_someone_elses_folder_with_the_name_is_refused(icu_server, tmp_path):
    write_plan(tmp_path)
    theirs = icu_server.store.library.create_folder(icu_server.athlete_id, {
        "name": "Library test", "type": "PLAN", "description": "made by hand"})
    proc = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    assert proc.returncode == 1
    assert "did not create" in proc.stderr_text and "--folder NAME" in proc.stderr_text
    assert writes(icu_server) == []
    ok(planc(icu_server, "publish", "plan.yaml", "--as-plan", "--folder", "Library test (planc)",
             "--yes", cwd=tmp_path))
    mine = [f for f in folders(icu_server) if f["id"] != theirs["id"]]
    assert [f["name"] for f in mine] == ["Library test (planc)"]
    assert icu_server.store.library.folder(icu_server.athlete_id, theirs["id"])["children"] == []


def test_dry_run_reads_and_writes_nothing(icu_server, tmp_path):
    write_plan(tmp_path)
    proc = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--dry-run", cwd=tmp_path)
    ok(proc)
    assert "  create     training plan 'Library test'" in proc.stdout_text
    assert proc.stdout_text.count("  create ") == 9
    assert writes(icu_server) == [] and folders(icu_server) == []


def test_library_folder_holds_each_distinct_workout_once(icu_server, tmp_path):
    write_plan(tmp_path)
    ok(planc(icu_server, "publish", "plan.yaml", "--library", "--yes", cwd=tmp_path))
    (folder,) = folders(icu_server)
    assert folder["type"] == "FOLDER"
    names = sorted(w["name"] for w in folder["children"])
    assert names == ["Easy run", "Endurance", "Sweet spot 3x10m", "Sweet spot 4x10m"]
    assert all("day" not in w for w in folder["children"])
    icu_server.clear_log()
    again = planc(icu_server, "publish", "plan.yaml", "--library", "--yes", cwd=tmp_path)
    ok(again)
    assert writes(icu_server) == []


def test_library_flags_that_do_not_go_together(icu_server, tmp_path):
    write_plan(tmp_path)
    for args, words in [(["--library", "--apply-to", "all"], "--apply-to applies a training"),
                        (["--as-plan", "--week", "1"], "whole plan"),
                        (["--folder", "X"], "--folder goes with"),
                        (["--as-plan", "--targets"], "--targets are calendar events")]:
        proc = planc(icu_server, "publish", "plan.yaml", *args, "--yes", cwd=tmp_path)
        assert proc.returncode == 2 and words in proc.stderr_text, proc.stderr_text


# -- apply and share ---------------------------------------------------------------------------
@pytest.fixture
def coach() -> Any:
    with IcuServer(api_key=API_KEY, athlete_id="i9") as server:
        server.add_coach(COACH_KEY, ["i101", "i102"])
        yield server


def test_apply_to_two_athletes_puts_sessions_on_their_own_dates(coach, tmp_path):
    write_plan(tmp_path, PLAN.replace("weeks: 2\n", "weeks: 2\nroster: squad.yaml\n"))
    (tmp_path / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    proc = planc(coach, "publish", "plan.yaml", "--as-plan", "--apply-to", "all",
                 "--share-with", "tag:club", "--yes", cwd=tmp_path, key=COACH_KEY)
    ok(proc)
    assert "applied to anna (i101) from 2027-02-01: 8 of 8 workouts" in proc.stdout_text
    assert "ben (i102)  (the plan as written: moved days of the roster need 'planc publish " \
        "--for')" in proc.stdout_text
    (folder,) = folders(coach, "i9000")
    plan = load_plan(tmp_path / "plan.yaml")
    for athlete, start in (("i101", dt.date(2027, 2, 1)), ("i102", dt.date(2027, 3, 8))):
        events = coach.events(athlete)
        assert len(events) == 8
        got = sorted((e["start_date_local"][:10], e["name"]) for e in events)
        want = sorted(((start + (s.date - plan.start)).isoformat(), s.name)
                      for s in plan.sessions)
        assert got == want
        assert {e["plan_folder_id"] for e in events} == {folder["id"]}
    assert [s["id"] for s in coach.store.library.shared_with(folder["id"])] == ["i102"]

    coach.clear_log()
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")  # the roster from --roster
    again = planc(coach, "publish", "plan.yaml", "--as-plan", "--apply-to", "all",
                  "--share-with", "tag:club", "--roster", "squad.yaml", "--yes", cwd=tmp_path,
                  key=COACH_KEY)
    ok(again)
    assert "already applied" in again.stdout_text and "nothing to publish" in again.stdout_text
    assert writes(coach) == [] and len(coach.events("i101")) == 8


# -- weekly targets, races, notes --------------------------------------------------------------
def targets(server: IcuServer) -> dict[str, dict[str, Any]]:
    return {e["external_id"]: e for e in server.events() if e["category"] == "TARGET"}


def test_targets_carry_the_computed_week_and_follow_the_plan(icu_server, tmp_path):
    plan = write_plan(tmp_path)
    ok(planc(icu_server, "publish", "plan.yaml", "--targets", "--yes", cwd=tmp_path))
    loaded = load_plan(plan)
    stats = plan_stats(loaded.sessions, loaded.athlete)
    found = targets(icu_server)
    assert len(found) == 5  # (VirtualRide, Ride, Run) in week 1, no Ride in week 2
    for week in stats["weeks"]:
        for sport, figures in week["by_sport"].items():
            event = found[f"planc:{PLAN_ID}:{week['start']}:target-{sport.lower()}"]
            assert event["type"] == sport
            assert event["start_date_local"] == f"{week['start']}T00:00:00"
            assert event["load_target"] == round(figures["load"])
            assert event["time_target"] == round(figures["duration_s"])
    assert found[f"planc:{PLAN_ID}:2027-01-04:target-ride"]["time_target"] == 5400
    categories = {e["name"]: e["category"] for e in icu_server.events()}
    assert categories["Club 10k"] == "RACE_B" and categories["Week 1 done"] == "NOTE"

    plan.write_text(PLAN.replace("- Endurance 1h30m 65-75%", "- Endurance 2h 65-75%"),
                    encoding="utf-8")
    icu_server.clear_log()
    ok(planc(icu_server, "publish", "plan.yaml", "--targets", "--yes", cwd=tmp_path))
    after = targets(icu_server)
    ride = after[f"planc:{PLAN_ID}:2027-01-04:target-ride"]
    assert ride["time_target"] == 7200 and ride["id"] == \
        found[f"planc:{PLAN_ID}:2027-01-04:target-ride"]["id"]
    assert ride["load_target"] > found[f"planc:{PLAN_ID}:2027-01-04:target-ride"]["load_target"]
    unchanged = {k for k in after if after[k] == found[k]}
    assert unchanged == set(found) - {f"planc:{PLAN_ID}:2027-01-04:target-ride"}


# -- import back -------------------------------------------------------------------------------
ATHLETE = 'ride: {ftp: 250}\nrun: {threshold_pace: "4:15/km", lthr: 170, max_hr: 190}\n'


def device_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".zwo", ".mrc", ".erg", ".fit")}


@pytest.mark.parametrize("plan_file", ["tmp", "plans/half-marathon-12w.yaml"])
def test_round_trip_publish_import_build_gives_the_same_device_files(icu_server, tmp_path,
                                                                     plan_file):
    repo = Path(__file__).resolve().parents[1]
    if plan_file == "tmp":
        plan = write_plan(tmp_path, PLAN.replace("    sat: {workout: endurance, time: \"09:00\"}",
                                                 "    sat: [{workout: endurance, time: \"09:00\"},"
                                                 " {note: Stretch, time: \"07:00\"}]"))
        name = "Library test"
    else:
        plan = repo / plan_file
        name = "Half marathon in 12 weeks"
        athlete_hm = ('run: {threshold_pace: "4:15/km", lthr: 172, max_hr: 190}\n'
                      'swim: {threshold_pace: "1:45/100m"}\n')
    (tmp_path / "athlete.yaml").write_text(ATHLETE if plan_file == "tmp" else athlete_hm,
                                           encoding="utf-8")
    ok(planc(icu_server, "publish", str(plan), "--as-plan", "--yes", cwd=tmp_path))
    icu_server.clear_log()
    back = planc(icu_server, "import", "--from-icu", "--folder", name, "-o", "back",
                 "--athlete", "athlete.yaml", cwd=tmp_path)
    ok(back)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in icu_server.requests] == [
        ("GET", "folders")]
    (imported,) = (tmp_path / "back").glob("*.yaml")
    assert "athlete: \"../athlete.yaml\"" in imported.read_text(encoding="utf-8")
    for source, out in ((plan, "one"), (imported, "two")):
        ok(planc(icu_server, "build", str(source), "-o", out, "--formats", "zwo,mrc,erg,fit",
                 cwd=tmp_path))
    one, two = device_files(tmp_path / "one"), device_files(tmp_path / "two")
    assert len(one) > 10
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    again = planc(icu_server, "import", "--from-icu", "--folder", name, "-o", "back",
                  "--athlete", "athlete.yaml", cwd=tmp_path)
    ok(again)  # the same bytes: nothing to keep or force


def test_import_a_workout_folder_and_a_hand_made_plan(icu_server, tmp_path):
    write_plan(tmp_path)
    ok(planc(icu_server, "publish", "plan.yaml", "--library", "--yes", cwd=tmp_path))
    ok(planc(icu_server, "import", "--from-icu", "--folder", "Library test", "-o", "lib",
             cwd=tmp_path))
    files = sorted(p.name for p in (tmp_path / "lib").iterdir())
    assert files == ["easy-run.workout", "endurance.workout", "sweet-spot-3x10m.workout",
                     "sweet-spot-4x10m.workout"]
    text = (tmp_path / "lib" / "sweet-spot-4x10m.workout").read_text(encoding="utf-8")
    assert "sport: VirtualRide" in text and "Main set 4x" in text and "planc" not in text
    ok(planc(icu_server, "check", "lib", cwd=tmp_path))

    lib = icu_server.store.library
    plan = lib.create_folder(icu_server.athlete_id, {"name": "By hand", "type": "PLAN"})
    lib.create_workout(icu_server.athlete_id, {"folder_id": plan["id"], "day": 0,
                                               "name": "Rest and eat", "description": "Sleep."})
    lib.create_workout(icu_server.athlete_id, {"folder_id": plan["id"], "day": 2,
                                               "name": "Hills", "type": "Run",
                                               "description": "6x\n- 1m Z4 HR\n- 2m Z1 HR"})
    ok(planc(icu_server, "import", "--from-icu", "--folder", "By hand", "--start",
             "2027-05-03", "-o", "hand", cwd=tmp_path))
    text = (tmp_path / "hand" / "by-hand.yaml").read_text(encoding="utf-8")
    assert '  - 2027-05-03: {note: "Rest and eat", description: "Sleep."}' in text
    assert "  - 2027-05-05: hills" in text
    # the imported plan has no athlete: check says what build would refuse (its .fit)
    checked = planc(icu_server, "check", "hand/by-hand.yaml", cwd=tmp_path)
    assert checked.returncode == 1 and "error[missing-threshold]" in checked.stderr_text
    assert "- 1m Z4 HR" in checked.stderr_text

    missing = planc(icu_server, "import", "--from-icu", "--folder", "Nope", cwd=tmp_path)
    assert missing.returncode == 2 and "'By hand'" in missing.stderr_text


def test_targets_for_roster_athletes_carry_each_ones_week(coach, tmp_path):
    write_plan(tmp_path, PLAN.replace("weeks: 2\n", "weeks: 2\nroster: squad.yaml\n"))
    (tmp_path / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    ok(planc(coach, "publish", "plan.yaml", "--for", "all", "--targets", "--yes",
             cwd=tmp_path, key=COACH_KEY))
    anna = {e["external_id"]: e for e in coach.events("i101") if e["category"] == "TARGET"}
    ben = {e["external_id"]: e for e in coach.events("i102") if e["category"] == "TARGET"}
    assert f"planc:{PLAN_ID}:anna:2027-02-01:target-ride" in anna
    assert f"planc:{PLAN_ID}:ben:2027-03-08:target-ride" in ben
    # load from % FTP: the same ride is the same time and load whatever the FTP
    a = anna[f"planc:{PLAN_ID}:anna:2027-02-01:target-virtualride"]
    b = ben[f"planc:{PLAN_ID}:ben:2027-03-08:target-virtualride"]
    assert a["time_target"] == b["time_target"] and a["load_target"] == b["load_target"]


def test_a_lost_answer_to_the_bulk_create_is_not_replayed_and_a_rerun_converges(icu_server,
                                                                              tmp_path):
    write_plan(tmp_path)
    icu_server.faults.add(Fault.drop_after_write(method="POST", path_contains="workouts/bulk"))
    lost = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    assert lost.returncode == 3 and "did not send it again" in lost.stderr_text
    assert "Traceback" not in lost.stderr_text
    assert sum(1 for r in icu_server.requests if r.path.endswith("workouts/bulk")) == 1
    saved = by_key(folders(icu_server)[0])
    assert len(saved) == 8  # the service saved them all before the connection dropped
    icu_server.clear_log()
    again = planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path)
    ok(again)
    assert "nothing to publish" in again.stdout_text and writes(icu_server) == []
    assert by_key(folders(icu_server)[0]) == saved


def test_a_503_on_the_bulk_create_is_retried(icu_server, tmp_path):
    write_plan(tmp_path)
    icu_server.faults.add(Fault.status_code(503, method="POST", path_contains="workouts/bulk"))
    ok(planc(icu_server, "publish", "plan.yaml", "--as-plan", "--yes", cwd=tmp_path))
    assert sum(1 for r in icu_server.requests if r.path.endswith("workouts/bulk")) == 2
    assert len(by_key(folders(icu_server)[0])) == 8

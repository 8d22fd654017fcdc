"""``planc review``: a plan against what the athlete did, over real HTTP to the local server.

The plan is published with ``planc publish`` first, so the events carry planc's
external ids; activities are then seeded the way intervals.icu holds them (some
paired with those events, some not), and ``planc review`` runs in process.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_planc
from support.icu_fixtures import API_KEY, ATHLETE_ID, ok, planc_on

from planc.icuserver import IcuServer
from planc.publish.review import Observed, compliance, pair

COACH_KEY = "c0ach-r3view-Zq8vW2x"

PLAN = """\
id: review-test
name: Review test
start: 2027-01-04
weeks: 2
athlete: {ride: {ftp: 250}, run: {lthr: 165}, swim: {threshold_pace: "2:00/100m"}}
workouts:
  intervals:
    sport: Ride
    name: Intervals
    body: |
      - 60m 75%
  easy:
    sport: Run
    name: Easy run
    body: |
      - 40m Z2 HR
  swim:
    sport: Swim
    name: Swim
    body: |
      - 30m Z2 Pace
  long:
    sport: Ride
    name: Long ride
    body: |
      - 120m 65%
calendar:
  - tue: intervals
    wed: easy
    thu: swim
    fri: long
  - tue: intervals
"""

TODAY = "2027-01-11"


@pytest.fixture
def server() -> Iterator[IcuServer]:
    with IcuServer(api_key=API_KEY, athlete_id=ATHLETE_ID) as icu:
        yield icu


planc = planc_on




def published(server: IcuServer, tmp_path: Path, athlete: str = ATHLETE_ID,
              key: str = API_KEY, *extra: str) -> dict[str, dict[str, Any]]:
    """Publish the plan; its events by date and sport."""
    ok(planc(server, "publish", "plan.yaml", "--yes", *extra, cwd=tmp_path, key=key))
    return {(e["start_date_local"][:10], e["type"]): e for e in server.events(athlete)
            if str(e.get("external_id", "")).startswith("planc:")}


def activity(day: str, sport: str, minutes: int, load: int, **more: Any) -> dict[str, Any]:
    return {"start_date_local": f"{day}T07:30:00", "type": sport, "name": more.pop("name", sport),
            "moving_time": minutes * 60, "elapsed_time": minutes * 60 + 120,
            "icu_training_load": load, **more}


def seed_week(server: IcuServer, events: dict, athlete: str = ATHLETE_ID) -> None:
    """Tuesday as planned, Wednesday short, Thursday missed, Friday's long ride done on
    Saturday (not paired), and an extra ride on Sunday."""
    tue, wed = events[("2027-01-05", "Ride")], events[("2027-01-06", "Run")]
    server.seed_activity(activity("2027-01-05", "VirtualRide", 60, 56,
                                  paired_event_id=tue["id"], compliance=98.0,
                                  distance=30000.0), athlete)
    server.seed_activity(activity("2027-01-06", "Run", 20, 20, paired_event_id=wed["id"]),
                         athlete)
    server.seed_activity(activity("2027-01-09", "Ride", 115, 80, name="Long ride (Sat)"), athlete)
    server.seed_activity(activity("2027-01-10", "Ride", 90, 45, name="Coffee ride"), athlete)
    for day, ctl, atl in (("2027-01-03", 40.0, 35.0), ("2027-01-10", 42.5, 48.0)):
        server.seed_wellness(day, ctl, atl, athlete_id=athlete)


def write_plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_week_of_done_short_missed_moved_and_extra(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    events = published(server, tmp_path)
    seed_week(server, events)
    server.clear_log()
    proc = planc(server, "review", "plan.yaml", "--week", "1", "--today", TODAY, "--json",
                 cwd=tmp_path)
    ok(proc)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in server.requests] == [
        ("GET", "events"), ("GET", "activities"), ("GET", "wellness")]
    review = json.loads(proc.stdout_text)
    assert review["version"] == 1
    by_day = {s["date"]: s for s in review["sessions"]}
    assert [(d, s["status"], s["match"]) for d, s in sorted(by_day.items())] == [
        ("2027-01-05", "done", "paired"), ("2027-01-06", "partial", "paired"),
        ("2027-01-07", "missed", None), ("2027-01-08", "moved", "next day")]
    tue = by_day["2027-01-05"]
    assert tue["planned"]["duration_s"] == 3600 and tue["done"]["duration_s"] == 3600
    assert tue["planned"]["load"] == 56.2  # 1 h at IF 0.75
    assert tue["done"]["distance_m"] == 30000.0 and tue["done"]["icu_compliance"] == 98.0
    assert tue["compliance"] == round(100 * 56 / 56.2, 1)
    wed = by_day["2027-01-06"]
    assert wed["compliance"] == round(100 * 20 / wed["planned"]["load"], 1) < 80
    assert by_day["2027-01-07"]["done"] is None and by_day["2027-01-07"]["compliance"] is None
    assert by_day["2027-01-08"]["done"]["date"] == "2027-01-09"
    assert all(s["external_id"].startswith("planc:review-test:") for s in review["sessions"])
    assert [(a["date"], a["name"], a["load"]) for a in review["extra"]] == [
        ("2027-01-10", "Coffee ride", 45.0)]
    [week] = review["weeks"]
    assert week["planned"]["sessions"] == 4 and week["done"]["sessions"] == 4
    assert week["planned"]["load"] == round(sum(s["planned"]["load"]
                                                for s in review["sessions"]), 1)
    done = [s["done"] for s in review["sessions"] if s["done"]] + review["extra"]
    for key in ("duration_s", "load"):
        assert week["done"][key] == round(sum(d[key] for d in done), 1)
        assert sum(t["done"][key] for t in week["by_sport"].values()) == week["done"][key]
    assert week["by_sport"]["Ride"]["done"]["sessions"] == 3  # two planned rides + the extra
    fitness = review["fitness"]
    assert fitness["actual"][-1] == {"date": "2027-01-10", "ctl": 42.5, "atl": 48.0,
                                     "tsb": -5.5}
    assert fitness["from_today"][0]["date"] == "2027-01-11"
    assert fitness["from_today"][-1]["date"] == "2027-01-17"
    assert {d["date"] for d in fitness["projected"]} >= {"2027-01-10"}


def test_the_table_says_the_same(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    seed_week(server, published(server, tmp_path))
    proc = planc(server, "review", "plan.yaml", "--week", "1", "--today", TODAY, cwd=tmp_path)
    ok(proc)
    text = proc.stdout_text
    assert "review of Review test (review-test), 2027-01-04 to 2027-01-10, as of 2027-01-11" \
        in text
    lines = {line[:10] + line[12:24].strip(): line for line in text.splitlines()
             if line[:4] == "2027"}
    assert " missed " in lines["2027-01-07Swim"]
    assert "(found by next day: 2027-01-09)" in lines["2027-01-08Ride"]
    assert " extra " in lines["2027-01-10Ride"]
    assert "fitness on 2027-01-10: CTL 42.5 ATL 48.0 TSB -5.5; the plan projected" in text


def test_upcoming_sessions_are_planned_not_missed(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    published(server, tmp_path)
    proc = planc(server, "review", "plan.yaml", "--today", "2027-01-07", "--json", cwd=tmp_path)
    ok(proc)
    review = json.loads(proc.stdout_text)
    assert review["to"] == "2027-01-10"  # the plan's weeks up to the end of this week
    assert [(s["date"], s["status"]) for s in review["sessions"]] == [
        ("2027-01-05", "missed"), ("2027-01-06", "missed"), ("2027-01-07", "planned"),
        ("2027-01-08", "planned")]
    assert review["fitness"] == {"actual": [], "projected": review["fitness"]["projected"],
                                 "from_today": []}


@pytest.mark.parametrize(("planned", "done", "expected"), [
    ({"load": 80.0, "duration_s": 3600.0, "distance_m": None}, {"load": 60.0}, 75.0),
    ({"load": 80.0, "duration_s": 3600.0, "distance_m": None},
     {"load": None, "duration_s": 4500.0}, 125.0),
    ({"load": None, "duration_s": None, "distance_m": 10000.0},
     {"load": 12.0, "duration_s": 3000.0, "distance_m": 8000.0}, 80.0),
    ({"load": 0.0, "duration_s": 1200.0, "distance_m": None}, {"load": 5.0, "duration_s": 400.0},
     33.3),
    ({"load": 50.0, "duration_s": 3600.0, "distance_m": None}, None, None),
    ({"load": None, "duration_s": None, "distance_m": None}, {"load": 40.0}, None),
])
def test_compliance_by_hand(planned, done, expected):
    """100 x done / planned on load, else moving time, else distance (zero planned counts
    as unknown); never capped."""
    assert compliance(planned, done) == expected


def test_pairing_prefers_intervals_icu_pairing_and_one_activity_serves_one_session():
    rows = [{"date": "2027-01-05", "sport": "Ride", "external_id": "planc:p:2027-01-05:a"},
            {"date": "2027-01-05", "sport": "Ride", "external_id": "planc:p:2027-01-05:b"},
            {"date": "2027-01-06", "sport": "Run", "external_id": "planc:p:2027-01-06:c"}]
    events = [{"id": 7, "external_id": "planc:p:2027-01-05:b"}]
    first = {"id": "i1", "start_date_local": "2027-01-05T06:00:00", "type": "Ride"}
    second = {"id": "i2", "start_date_local": "2027-01-05T18:00:00", "type": "Ride",
              "paired_event_id": 7}
    swim = {"id": "i3", "start_date_local": "2027-01-06T18:00:00", "type": "Swim"}
    found, left = pair(rows, Observed(events, [second, swim, first], []))
    assert {i: (a["id"], how) for i, (a, how) in found.items()} == {
        0: ("i1", "same day"), 1: ("i2", "paired")}
    assert left == [swim]  # a swim never stands in for a run


# -- a squad ---------------------------------------------------------------------------------

ROSTER = """\
athletes:
  anna: {id: i101}
  ben: {id: i102}
  carl: {id: i104}
"""


def test_squad_review_reports_an_unreadable_athlete_and_shows_the_others(tmp_path: Path):
    write_plan(tmp_path, PLAN.replace("weeks: 2\n", "weeks: 2\nroster: squad.yaml\n"))
    (tmp_path / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    with IcuServer(api_key=API_KEY, athlete_id=ATHLETE_ID) as server:
        server.add_coach(COACH_KEY, ["i101", "i102"])
        server.add_athlete("i104")  # not coached by this key: 403
        ok(planc(server, "publish", "plan.yaml", "--for", "anna,ben", "--yes", cwd=tmp_path,
                 key=COACH_KEY))
        anna = {(e["start_date_local"][:10], e["type"]): e for e in server.events("i101")}
        seed_week(server, anna, "i101")
        proc = planc(server, "review", "plan.yaml", "--for", "all", "--week", "1",
                     "--today", TODAY, "--json", cwd=tmp_path, key=COACH_KEY)
        text = planc(server, "review", "plan.yaml", "--for", "all", "--week", "1",
                     "--today", TODAY, cwd=tmp_path, key=COACH_KEY)
    assert proc.returncode == 3 and text.returncode == 3
    assert "Traceback" not in proc.stderr_text
    out = json.loads(proc.stdout_text)
    assert [(a["athlete"], a["id"], "review" in a) for a in out["athletes"]] == [
        ("anna", "i101", True), ("ben", "i102", True), ("carl", "i104", False)]
    assert "403" in out["athletes"][2]["error"]
    statuses = {a["athlete"]: [s["status"] for s in a["review"]["sessions"]]
                for a in out["athletes"][:2]}
    assert statuses == {"anna": ["done", "partial", "missed", "moved"],
                        "ben": ["missed"] * 4}
    assert all(s["external_id"].startswith("planc:review-test:anna:")
               for s in out["athletes"][0]["review"]["sessions"])
    sections = text.stdout_text.split("\n== ")
    assert [s.split(" ==")[0] for s in sections[1:]] == ["anna (i101)", "ben (i102)",
                                                         "carl (i104)"]
    assert "not reviewed:" in sections[3]
    assert "1 of 3 athletes not reviewed: carl" in text.stdout_text
    summary = text.stdout_text.split("\n\nathlete ")[-1].splitlines()
    assert summary[0].split() == ["done", "partial", "moved", "missed", "planned", "extra",
                                  "load", "done/planned", "CTL"]
    assert summary[1].split() == ["anna", "1", "1", "1", "1", "0", "1", "156/223", "(70%)",
                                  "42.5"]
    assert summary[2].split() == ["ben", "0", "0", "0", "4", "0", "0", "0/223", "(0%)", "-"]
    assert summary[3].split()[:3] == ["carl", "not", "reviewed:"]
    assert "carl (i104)" in text.stderr_text
    # the squad's saved review on each athlete's site; carl's has none
    (tmp_path / "squad-review.json").write_text(proc.stdout_text, encoding="utf-8")
    ok(run_planc("render", "plan.yaml", "--for", "all", "--review", "squad-review.json",
                 "-o", "site", "-q", cwd=tmp_path))
    pages = {name: (tmp_path / "site" / name / "index.html").read_text(encoding="utf-8")
             for name in ("anna", "ben", "carl")}
    assert 'class="actual-ctl"' in pages["anna"] and 'class="done status-moved"' in pages["anna"]
    assert 'class="done status-missed"' in pages["ben"] and "actual-ctl" not in pages["ben"]
    assert 'class="done' not in pages["carl"]
    (tmp_path / "anna.json").write_text(json.dumps(out["athletes"][0]["review"]),
                                        encoding="utf-8")
    single = run_planc("render", "plan.yaml", "--for", "all", "--review", "anna.json",
                       "-o", "site", cwd=tmp_path)
    assert single.returncode == 2 and "--for needs the squad's review" in single.stderr_text
    squad_without_for = run_planc("render", "plan.yaml", "--review", "squad-review.json",
                                  "-o", "site", cwd=tmp_path)
    assert squad_without_for.returncode == 2


def test_review_of_a_plan_with_a_roster_needs_for(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path, PLAN.replace("weeks: 2\n", "weeks: 2\nroster: squad.yaml\n"))
    (tmp_path / "squad.yaml").write_text(ROSTER, encoding="utf-8")
    proc = planc(server, "review", "plan.yaml", cwd=tmp_path)
    assert proc.returncode == 2 and "--for" in proc.stderr_text


def test_moved_to_the_day_before(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    published(server, tmp_path)
    server.seed_activity(activity("2027-01-06", "Swim", 30, 25))  # Thursday's swim, on Wednesday
    proc = planc(server, "review", "plan.yaml", "--week", "1", "--today", TODAY, "--json",
                 cwd=tmp_path)
    ok(proc)
    thu = next(s for s in json.loads(proc.stdout_text)["sessions"] if s["date"] == "2027-01-07")
    assert (thu["status"], thu["match"], thu["done"]["date"]) == (
        "moved", "day before", "2027-01-06")


def test_dates_outside_the_plan_review_nothing(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    proc = planc(server, "review", "plan.yaml", "--today", "2026-12-01", "--json",
                 cwd=tmp_path)
    ok(proc)
    assert json.loads(proc.stdout_text)["sessions"] == []
    assert dt.date.fromisoformat(json.loads(proc.stdout_text)["to"]) == dt.date(2027, 1, 4)


# -- the picture: planc render --review ------------------------------------------------------


def _saved(server: IcuServer, tmp_path: Path) -> Path:
    write_plan(tmp_path)
    seed_week(server, published(server, tmp_path))
    proc = planc(server, "review", "plan.yaml", "--today", TODAY, "--json", cwd=tmp_path)
    ok(proc)
    saved = tmp_path / "review.json"
    saved.write_text(proc.stdout_text, encoding="utf-8")
    return saved


def test_render_with_a_review_shows_done_beside_planned(server: IcuServer, tmp_path: Path):
    from lxml import html

    _saved(server, tmp_path)
    proc = run_planc("render", "plan.yaml", "--review", "review.json", "-o", "site", "-q",
                     cwd=tmp_path)
    ok(proc)
    index = tmp_path / "site" / "index.html"
    doc = html.fromstring(index.read_bytes())
    done = {" ".join(e.text_content().split()) for e in doc.xpath("//span[contains(@class,"
                                                                    "'done')]")}
    assert "done · 1h00m · load 56 · 100 %" in done
    assert "partial · 20m · load 20 · 42 %" in done
    assert "missed" in done and "planned" in done
    assert "moved · 1h55m · load 80 · 95 % · on 2027-01-09" in done
    assert [" ".join(e.text_content().split()) for e in doc.xpath("//div[@class='extra']")] == [
        "extra Coffee ride Ride · 1h30m · load 45"]
    assert [" ".join(p.text_content().split()) for p in doc.xpath("//p[@class='done']")] == [
        "done 4× · 4h45m · load 201", "done 0× · 0m · load 0"]
    chart = doc.xpath("//svg[@class='chart']")[0]
    assert chart.xpath(".//path[@class='done-bars']") and chart.xpath(
        ".//polyline[@class='actual-ctl']")
    assert "measured CTL 42 on 2027-01-10" in chart.get("aria-label")
    for page in (tmp_path / "site").rglob("*.html"):  # every link resolves inside the site
        for href in html.fromstring(page.read_bytes()).xpath("//a/@href"):
            if not href.startswith("#"):
                assert (page.parent / href.split("#")[0]).is_file(), (page, href)
    ok(run_planc("render", "plan.yaml", "--review", "review.json", "-o", "again", "-q",
                 cwd=tmp_path))
    first, second = tmp_path / "site", tmp_path / "again"
    def site_files(root):  # the cache (.planc-cache/) records paths and times: not the site
        return sorted(p.relative_to(root) for p in root.rglob("*")
                      if p.is_file() and ".planc-cache" not in p.relative_to(root).parts)

    files = site_files(first)
    assert files == site_files(second)
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files
               if f.name != "site-manifest.json")
    plain = run_planc("render", "plan.yaml", "-o", "plain", "-q", cwd=tmp_path)
    ok(plain)
    text = (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")
    assert "done-bars" not in text and "class=\"done" not in text


def test_render_refuses_a_file_that_is_not_this_plans_review(server: IcuServer,
                                                             tmp_path: Path):
    saved = _saved(server, tmp_path)
    other = json.loads(saved.read_text(encoding="utf-8"))
    other["plan"]["id"] = "another-plan"
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    (tmp_path / "old.json").write_text('{"version": 0}', encoding="utf-8")
    for name, words in (("other.json", "a review of plan 'another-plan', not of 'review-test'"),
                        ("old.json", "not a planc review of version 1"),
                        ("missing.json", "--review missing.json")):
        proc = run_planc("render", "plan.yaml", "--review", name, "-o", "site", cwd=tmp_path)
        assert proc.returncode == 2 and words in proc.stderr_text, proc.stderr_text
        assert "Traceback" not in proc.stderr_text


def test_the_reviewed_site_in_a_real_browser(server: IcuServer, tmp_path: Path):
    import test_browser

    if not test_browser.CHROMIUM:
        pytest.skip("headless Chromium not found (/usr/bin/chromium): run .ci/install-browser")
    _saved(server, tmp_path)
    ok(run_planc("render", "plan.yaml", "--review", "review.json", "-o", "site", "-q",
                 cwd=tmp_path))
    page = tmp_path / "site" / "index.html"
    proc, got, (colours, ink) = test_browser.screenshot(tmp_path, page, (1280, 900), "review")
    assert got == (1280, 900) and colours > 40 and 0.02 < ink < 0.9
    assert test_browser.console_errors(proc.stderr) == []
    dom = test_browser.browser(tmp_path, page.as_uri(), "--dump-dom").stdout
    assert 'class="done-bars"' in dom and 'class="actual-ctl"' in dom
    assert dom.count('class="extra"') == 1


def test_weeks_the_plan_lacks_are_said_before_any_request(server: IcuServer, tmp_path: Path):
    write_plan(tmp_path)
    proc = planc(server, "review", "plan.yaml", "--week", "9", cwd=tmp_path)
    assert proc.returncode == 2 and "--week 9: the plan has weeks 1 to 2" in proc.stderr_text
    assert server.requests == []

"""The local server's workout library (folders, plans, workouts, apply-plan, shared-with),
over real HTTP with plain httpx, so these pin the server apart from planc's client."""

# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.icu_fixtures import API_KEY, ATHLETE_ID, icu_server  # noqa: F401

from planc.icuserver import IcuServer
from planc.icuserver.validate import load_subset

BASE = "/api/v1/athlete/0"
COACH = "c0ach-srv-Lib7vW2xR7t"


@pytest.fixture
def http(icu_server: IcuServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", API_KEY), timeout=5) as client:
        yield client


def plan_folder(http: httpx.Client, **fields) -> dict:
    answer = http.post(f"{BASE}/folders", json={"name": "P", "type": "PLAN", **fields})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_subset_holds_the_library_operations_and_schemas():
    doc = load_subset()
    assert {"Folder", "CreateFolderDTO", "Workout", "WorkoutEx", "ApplyPlanDTO",
            "SharedWith"} <= set(doc["components"]["schemas"])
    for path in ("/api/v1/athlete/{id}/workouts/bulk", "/api/v1/athlete/{id}/events/apply-plan",
                 "/api/v1/athlete/{id}/folders/{folderId}/shared-with"):
        assert path in doc["paths"]


def test_folders_hold_their_workouts_by_day(http):
    folder = plan_folder(http, description="d", duration_weeks=2)
    bulk = http.post(f"{BASE}/workouts/bulk", json=[
        {"folder_id": folder["id"], "day": 3, "name": "b", "type": "Ride",
         "description": "- 10m 60%", "tags": ["x"]},
        {"folder_id": folder["id"], "day": 1, "name": "a", "type": "Run",
         "description": "- 20m Z2 HR"}])
    assert bulk.status_code == 200
    saved = bulk.json()
    assert [w["workout_doc"]["duration"] for w in saved] == [600, 1200]
    (listed,) = http.get(f"{BASE}/folders").json()
    assert [w["name"] for w in listed["children"]] == ["a", "b"]
    assert listed["num_workouts"] == 2 and listed["duration_weeks"] == 2
    # PUT merges: fields left out keep their value
    put = http.put(f"{BASE}/workouts/{saved[0]['id']}", json={"name": "b2"}).json()
    assert (put["name"], put["day"], put["tags"]) == ("b2", 3, ["x"])
    assert http.delete(f"{BASE}/workouts/{saved[0]['id']}").json() == [saved[0]["id"]]
    assert http.get(f"{BASE}/workouts/{saved[0]['id']}").status_code == 404
    assert http.delete(f"{BASE}/folders/{folder['id']}").status_code == 200
    assert http.get(f"{BASE}/workouts").json() == []


@pytest.mark.parametrize(("body", "status", "words"), [
    ([{"folder_id": 1, "name": "x", "type": "Bike"}], 422, "$[0].type"),
    ([{"folder_id": 999999, "name": "x"}], 422, "$[0].folder_id: folder 999999 not found"),
    ([{"folder_id": 1, "day": "two"}], 422, "$[0].day: expected an integer"),
    ({"name": "x"}, 422, "expected an array"),
])
def test_workout_bodies_are_validated(http, body, status, words):
    answer = http.post(f"{BASE}/workouts/bulk", json=body)
    assert answer.status_code == status and words in answer.json()["error"], answer.text


def test_apply_plan_from_a_coachs_folder_and_share_it(icu_server):
    icu_server.add_coach(COACH, {"i101": "WRITE", "i102": "READ"})
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", COACH), timeout=5) as coach:
        folder = plan_folder(coach)
        coach.post(f"{BASE}/workouts/bulk", json=[
            {"folder_id": folder["id"], "day": 0, "name": "a", "type": "Ride",
             "description": "- 1h 60%"},
            {"folder_id": folder["id"], "day": 9, "name": "b", "type": "Ride",
             "time": "07:30:00", "description": "- 30m 50%"}])
        body = {"folder_id": folder["id"], "start_date_local": "2027-02-03T00:00:00"}
        assert coach.post("/api/v1/athlete/i101/events/apply-plan", json=body).json() == {}
        events = sorted(icu_server.events("i101"), key=lambda e: e["start_date_local"])
        assert [(e["start_date_local"], e["name"], e["plan_folder_id"]) for e in events] == [
            ("2027-02-03T00:00:00", "a", folder["id"]), ("2027-02-12T07:30:00", "b", folder["id"])]
        assert all("external_id" not in e for e in events)
        # READ permission may not write a calendar; an unknown folder is 404
        assert coach.post("/api/v1/athlete/i102/events/apply-plan", json=body).status_code == 403
        bad = coach.post("/api/v1/athlete/i101/events/apply-plan", json={**body, "folder_id": 7})
        assert bad.status_code == 404
        share = f"{BASE}/folders/{folder['id']}/shared-with"
        assert coach.put(share, json=[{"id": "i101"}, {"id": "i102"}]).status_code == 200
        assert [s["id"] for s in coach.get(share).json()] == ["i101", "i102"]
        assert coach.get(f"{BASE}/folders").json()[0]["sharedWithCount"] == 2
    # another athlete's key cannot see the coach's folder
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", API_KEY), timeout=5) as own:
        assert own.get(f"{BASE}/folders/{folder['id']}/shared-with").status_code == 404

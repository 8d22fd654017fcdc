"""The local intervals.icu server itself: spec subset, validation, semantics, faults.

Talks to it with plain httpx over real HTTP (not through IntervalsClient), so
these tests pin the server's behaviour independently of the client's.
"""

# Fixtures are imported explicitly (no conftest.py); pytest injects them by
# parameter name, which pyflakes reads as redefining the imported name.
# ruff: noqa: F811

from __future__ import annotations

import email.utils
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.icu_fixtures import API_KEY, ATHLETE_ID, icu_server, workout  # noqa: F401

from planc.icuserver import Fault, IcuServer
from planc.icuserver.__main__ import parse_fault
from planc.icuserver.make_subset import OPERATIONS, build_subset
from planc.icuserver.validate import SchemaError, Validator, load_subset
from planc.icuserver.workout_doc import parse_duration, parse_workout

FULL_SPEC = Path(__file__).resolve().parents[2] / "shared" / "ref" / "intervals-openapi.json"
EVENTS = "/api/v1/athlete/0/events"


@pytest.fixture
def http(icu_server: IcuServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", API_KEY), timeout=5) as client:
        yield client


def _bulk(http: httpx.Client, events: list[dict[str, Any]], upsert: bool = True) -> httpx.Response:
    return http.post(f"{EVENTS}/bulk", params={"upsert": str(upsert).lower()}, json=events)


# -- the spec subset ----------------------------------------------------------------------
@pytest.mark.skipif(not FULL_SPEC.is_file(), reason="../shared/ref/intervals-openapi.json absent")
def test_subset_is_a_verbatim_copy_of_the_full_spec():
    raw = FULL_SPEC.read_bytes()
    spec = json.loads(raw)
    subset = load_subset()
    assert subset == build_subset(spec, hashlib.sha256(raw).hexdigest())
    for name, schema in subset["components"]["schemas"].items():
        assert schema == spec["components"]["schemas"][name], name
    for template, method in OPERATIONS:
        assert subset["paths"][template][method] == spec["paths"][template][method]


def test_subset_has_what_the_server_validates():
    schemas = load_subset()["components"]["schemas"]
    assert {"Event", "EventEx", "DoomedEvent", "SportSettings", "SportInfo"} <= set(schemas)
    assert "WORKOUT" in schemas["EventEx"]["properties"]["category"]["enum"]
    assert "VirtualRide" in schemas["SportInfo"]["properties"]["type"]["enum"]


# -- auth -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("auth", "status", "message"),
    [
        (None, 401, "Unauthorized"),
        (("API_KEY", "wrong"), 401, "Unauthorized"),
        (("api_key", API_KEY), 401, "Unauthorized"),  # the user name is literally API_KEY
        (("athlete", API_KEY), 401, "Unauthorized"),
    ],
)
def test_basic_auth_is_required(icu_server, auth, status, message):
    response = httpx.get(f"{icu_server.url}{EVENTS}", auth=auth)
    assert response.status_code == status
    assert response.json() == {"status": status, "error": message}
    assert icu_server.requests[-1].client is None


def test_bearer_and_apikey_headers_are_rejected(icu_server):
    bearer = httpx.get(f"{icu_server.url}{EVENTS}", headers={"Authorization": f"Bearer {API_KEY}"})
    assert bearer.status_code == 403 and bearer.json()["error"] == "Access denied"
    wrong_scheme = httpx.get(
        f"{icu_server.url}{EVENTS}", headers={"Authorization": f"ApiKey API_KEY:{API_KEY}"}
    )
    assert wrong_scheme.status_code == 401


def test_athlete_zero_and_own_id_work_other_ids_are_denied(http):
    assert http.get(f"/api/v1/athlete/{ATHLETE_ID}/sport-settings").status_code == 200
    assert http.get("/api/v1/athlete/0/sport-settings").status_code == 200
    denied = http.get("/api/v1/athlete/i1/sport-settings")
    assert denied.status_code == 403 and denied.json() == {"status": 403, "error": "Access denied"}


def test_unknown_paths_and_methods(http):
    assert http.get("/api/v1/athlete/0/nothing").status_code == 404
    assert http.delete(f"{EVENTS}/bulk").status_code == 405


# -- validation -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"category": "WORKOT"}, '$[0].category: "WORKOT" is not one of'),
        ({"type": "Active Recovery"}, '$[0].type: "Active Recovery" is not one of'),
        ({"target": "WATTS"}, '$[0].target: "WATTS" is not one of'),
        ({"sub_type": "Warmup"}, '$[0].sub_type: "Warmup" is not one of'),
        ({"start_date_local": "2026-11-02"}, "yyyy-MM-ddTHH:mm:ss"),
        ({"start_date_local": "2026-11-02T07:00:00Z"}, "yyyy-MM-ddTHH:mm:ss"),
        ({"start_date_local": "2026-13-02T07:00:00"}, "is not a valid local-date-time"),
        ({"moving_time": "1h"}, "$[0].moving_time: expected an integer"),
        ({"moving_time": 2**31}, "out of range for int32"),
        ({"indoor": "yes"}, "$[0].indoor: expected a boolean"),
        ({"tags": "a,b"}, "$[0].tags: expected an array"),
        ({"category": None}, "$[0].category: is required"),
    ],
)
def test_invalid_events_get_422_with_a_message(icu_server, http, change, fragment):
    response = _bulk(http, [workout(1), workout(2, **change)])
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and fragment.replace("[0]", "[1]") in body["error"]
    assert icu_server.events() == []  # nothing of a rejected batch is stored


def test_body_shape_errors(http):
    assert http.post(f"{EVENTS}/bulk", json=workout(1)).status_code == 422  # not an array
    broken = http.post(
        f"{EVENTS}/bulk", content=b"[{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "JSON parse error" in broken.json()["error"]
    assert http.put(f"{EVENTS}/bulk-delete", json=[{"id": "x"}]).status_code == 422
    assert http.post(f"{EVENTS}/bulk", params={"upsert": "maybe"}, json=[]).status_code == 422


def test_valid_event_with_every_planc_field_is_accepted(http):
    event = workout(
        1,
        indoor=True,
        color="green",
        tags=["planc"],
        target="POWER",
        sub_type="NONE",
        start_date_local="2026-11-02T07:30:00",
    )
    response = _bulk(http, [event])
    assert response.status_code == 200, response.text


def test_unknown_and_server_owned_fields_are_ignored(http):
    event = workout(1, colour="red", id=5, workout_doc={"steps": []}, icu_ftp=300)
    (saved,) = _bulk(http, [event]).json()
    assert "colour" not in saved and "icu_ftp" not in saved
    assert saved["id"] != 5 and len(saved["workout_doc"]["steps"]) == 3


def test_responses_validate_against_the_spec_schemas(icu_server, http):
    validator = Validator()
    op = "/api/v1/athlete/{id}/events/bulk", "post"
    note = workout(2, category="NOTE", description="Build starts")
    saved = _bulk(http, [workout(1), note]).json()
    validator.validate(saved, validator.response_schema(*op))
    assert "workout_doc" not in saved[1]  # only workouts are parsed
    listed = http.get(EVENTS, params={"oldest": "2026-11-01", "newest": "2026-11-30"}).json()
    validator.validate(
        listed, validator.response_schema("/api/v1/athlete/{id}/events{format}", "get")
    )
    one = http.get(f"{EVENTS}/{saved[0]['id']}").json()
    validator.validate(
        one, validator.response_schema("/api/v1/athlete/{id}/events/{eventId}", "get")
    )
    changed = http.put(f"{EVENTS}/{saved[0]['id']}", json={"name": "x"}).json()
    validator.validate(changed, validator.schema("Event"))
    gone = http.put(f"{EVENTS}/bulk-delete", json=[{"id": saved[1]["id"]}]).json()
    validator.validate(gone, validator.schema("DeleteEventsResponse"))
    settings = http.get("/api/v1/athlete/0/sport-settings").json()
    validator.validate(
        settings, validator.response_schema("/api/v1/athlete/{athleteId}/sport-settings", "get")
    )
    assert settings and settings[0]["ftp"] == 250


def test_validator_rejects_what_the_spec_forbids():
    validator = Validator()
    with pytest.raises(SchemaError, match=r"\$\.updated: .* not a valid date-time"):
        validator.validate({"id": 1, "updated": "yesterday"}, validator.schema("Event"))
    with pytest.raises(SchemaError, match="expected an integer"):
        validator.validate({"id": True}, validator.schema("Event"))
    with pytest.raises(SchemaError, match="a value is required"):
        validator.validate(None, validator.schema("Event"))


# -- calendar semantics ---------------------------------------------------------------------
def test_upsert_matches_external_id_of_the_same_client_only(icu_server, http):
    (first,) = _bulk(http, [workout(1)]).json()
    (again,) = _bulk(http, [workout(1, name="New")]).json()
    assert again["id"] == first["id"] and again["name"] == "New"
    icu_server.add_key("other-key")
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", "other-key")) as other:
        (theirs,) = _bulk(other, [workout(1)]).json()
    assert theirs["id"] != first["id"]
    assert len(icu_server.events()) == 2


def test_without_upsert_every_post_creates(icu_server, http):
    _bulk(http, [workout(1)], upsert=False)
    _bulk(http, [workout(1)], upsert=False)
    assert len(icu_server.events()) == 2


def test_upsert_merges_fields(http):
    (first,) = _bulk(http, [workout(1, color="green")]).json()
    (second,) = _bulk(http, [workout(1, description="- 20m 60%")]).json()
    assert second["color"] == "green"  # absent fields keep their value
    assert second["workout_doc"]["duration"] == 1200 and second["moving_time"] == 1200
    assert second["uid"] == first["uid"]


def test_bulk_delete_semantics(icu_server, http):
    ui = icu_server.seed_event(workout(1))
    (mine,) = _bulk(http, [workout(1)]).json()
    (other,) = _bulk(http, [workout(2)]).json()
    refs = [{"external_id": "planc:test:1"}, {"external_id": "nope"}, {"id": 424242}]
    assert http.put(f"{EVENTS}/bulk-delete", json=refs).json() == {"eventsDeleted": 1}
    # by id, any event of the athlete goes, whoever made it; external_id wins over id
    both = [{"id": ui["id"]}, {"id": other["id"], "external_id": "nope"}]
    assert http.put(f"{EVENTS}/bulk-delete", json=both).json() == {"eventsDeleted": 1}
    assert [e["id"] for e in icu_server.events()] == [other["id"]]
    assert mine["id"] not in [e["id"] for e in icu_server.events()]


def test_list_events_range_category_and_defaults(icu_server, http):
    icu_server.seed_event(workout(1, start_date_local="2026-11-02T23:59:59"))
    icu_server.seed_event(workout(2, category="NOTE"))
    icu_server.seed_event(workout(3, start_date_local="2026-11-04T00:00:00"))

    def ids(**params: str) -> list[str]:
        return [e["external_id"] for e in http.get(EVENTS, params=params).json()]

    assert ids(oldest="2026-11-02", newest="2026-11-03") == ["planc:test:1", "planc:test:2"]
    assert ids(oldest="2026-11-03", newest="2026-11-04") == ["planc:test:2", "planc:test:3"]
    assert ids(oldest="2026-11-01", newest="2026-11-30", category="NOTE") == ["planc:test:2"]
    assert ids(oldest="2026-11-01", newest="2026-11-30", category="NOTE,WORKOUT", limit="2") == [
        "planc:test:1",
        "planc:test:2",
    ]
    assert ids(oldest="2026-11-05", newest="2026-11-01") == []
    assert ids() == []  # default window: today .. today+6 days
    bad = http.get(EVENTS, params={"oldest": "02/11/2026"})
    assert bad.status_code == 422 and "oldest" in bad.json()["error"]


def test_single_event_get_put_delete(icu_server, http):
    (event,) = _bulk(http, [workout(1)]).json()
    url = f"{EVENTS}/{event['id']}"
    assert http.get(url).json()["name"] == "Workout 1"
    updated = http.put(url, json={"name": "Renamed", "description": "- 1m30 100%"}).json()
    assert updated["name"] == "Renamed" and updated["workout_doc"]["duration"] == 90
    assert http.put(url, json={"target": "nope"}).status_code == 422
    assert http.delete(url).status_code == 200
    missing = http.get(url)
    assert (
        missing.status_code == 404 and missing.json()["error"] == f"Event {event['id']} not found"
    )
    assert http.put(url, json={"name": "x"}).status_code == 404
    assert http.delete(url).status_code == 404
    assert icu_server.events() == []


def test_events_are_kept_per_athlete(icu_server, http):
    icu_server.add_key("key-of-b", athlete_id="iB")
    _bulk(http, [workout(1)])
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", "key-of-b")) as other:
        assert (
            other.get(EVENTS, params={"oldest": "2026-11-01", "newest": "2026-11-30"}).json() == []
        )
        assert other.get("/api/v1/athlete/iB/sport-settings").json() == []
    assert len(icu_server.events()) == 1 and icu_server.events("iB") == []


# -- request log ----------------------------------------------------------------------------
def test_request_log_has_method_path_query_body_status_and_no_headers(icu_server, http):
    _bulk(http, [workout(1)])
    http.get(EVENTS, params={"oldest": "2026-11-01", "newest": "2026-11-02"})
    post, get = icu_server.requests
    assert (post.method, post.path, post.query, post.status) == (
        "POST",
        f"{EVENTS}/bulk",
        {"upsert": ["true"]},
        200,
    )
    assert post.body == [workout(1)]
    assert get.query == {"oldest": ["2026-11-01"], "newest": ["2026-11-02"]} and get.body is None
    assert API_KEY not in repr(icu_server.requests) + repr(icu_server)
    icu_server.clear_log()
    assert icu_server.requests == []


# -- faults ---------------------------------------------------------------------------------
def test_faults_429_variants(icu_server, http):
    icu_server.faults.add(
        Fault.rate_limited(3), Fault.rate_limited(60, http_date=True), Fault.rate_limited()
    )
    seconds = http.get(EVENTS)
    assert seconds.status_code == 429 and seconds.headers["Retry-After"] == "3"
    assert seconds.json() == {"status": 429, "error": "Too Many Requests"}
    dated = http.get(EVENTS)
    when = email.utils.parsedate_to_datetime(dated.headers["Retry-After"]).timestamp()
    assert 55 < when - time.time() <= 61
    assert "Retry-After" not in http.get(EVENTS).headers
    assert http.get(EVENTS).status_code == 200  # recovered


def test_fault_status_codes_and_raw_bodies(icu_server, http):
    icu_server.faults.add(
        Fault.status_code(500),
        Fault.status_code(502, body="<html>Bad Gateway</html>"),
        Fault.status_code(503, times=2),
    )
    assert http.get(EVENTS).json() == {"status": 500, "error": "Internal Server Error"}
    bad_gateway = http.get(EVENTS)
    assert bad_gateway.status_code == 502 and bad_gateway.text == "<html>Bad Gateway</html>"
    assert bad_gateway.headers["Content-Type"].startswith("text/plain")
    assert [http.get(EVENTS).status_code for _ in range(3)] == [503, 503, 200]


def test_faults_match_method_and_path(icu_server, http):
    icu_server.faults.add(Fault.status_code(503, method="POST", path_contains="/bulk"))
    assert http.get(EVENTS).status_code == 200
    assert http.put(f"{EVENTS}/bulk-delete", json=[]).status_code == 200
    assert _bulk(http, [workout(1)]).status_code == 503
    assert icu_server.faults.pending == []
    assert icu_server.events() == []  # a status fault never reaches the store


def test_drop_after_commit_commits_then_closes(icu_server, http):
    icu_server.faults.add(Fault.drop_after_write())
    with pytest.raises(httpx.RemoteProtocolError):
        _bulk(http, [workout(1)])
    assert len(icu_server.events()) == 1
    assert icu_server.requests[-1].status is None
    assert (
        icu_server.requests[-1].fault is not None
        and icu_server.requests[-1].fault.drop_after_commit
    )
    assert _bulk(http, [workout(1)]).status_code == 200  # the next request is served normally


def test_drop_before_commit_leaves_the_store_alone(icu_server, http):
    icu_server.faults.add(Fault.drop_connection())
    with pytest.raises(httpx.RemoteProtocolError):
        _bulk(http, [workout(1)])
    assert icu_server.events() == []


def test_slow_fault_delays_the_answer(icu_server, http):
    icu_server.faults.add(Fault.slow(0.2))
    started = time.monotonic()
    assert http.get(EVENTS).status_code == 200
    assert time.monotonic() - started >= 0.2
    icu_server.faults.add(Fault.slow(0.3))
    with pytest.raises(httpx.ReadTimeout):
        http.get(EVENTS, timeout=0.1)


def test_cli_fault_syntax():
    assert parse_fault("503x2") == Fault(status=503, times=2)
    assert parse_fault("429:5") == Fault(status=429, retry_after=5.0)
    assert parse_fault("drop") == Fault.drop_after_write(method="POST")
    with pytest.raises(Exception, match="bad fault"):
        parse_fault("teapot")


# -- workout_doc ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "seconds"),
    [
        ("30s", 30),
        ("10m", 600),
        ("1h", 3600),
        ("1m30", 90),
        ("2m30s", 150),
        ("1h15m", 4500),
        ("90", None),
        ("500mtr", None),
        ("2km", None),
        ("95%", None),
        ("m", None),
        ("", None),
    ],
)
def test_parse_duration(token, seconds):
    assert parse_duration(token) == seconds


def test_parse_workout_steps_and_repeats():
    text = (
        "Sweet spot\n- Warm up 10m ramp 50-75%\n\nMain set 3x\n- 8m 90%\n- 2m 55%\n\n"
        "4X\n- 30s 120%\n- 30s 50%\n\n- 5m 50%\n- 2km easy\nnote: have fun"
    )
    doc = parse_workout(text)
    assert [s.get("reps") for s in doc["steps"]] == [None, 3, 4, None, None]
    assert doc["steps"][1] == {
        "reps": 3,
        "text": "Main set 3x",
        "steps": [{"duration": 480, "power": {"value": 90, "units": "%ftp"}},
                  {"duration": 120, "power": {"value": 55, "units": "%ftp"}}],
        "duration": 1800,
        "distance": 0,
    }
    # a distance step without a pace and without a threshold pace: no duration to estimate
    assert doc["steps"][4] == {"distance": 2000.0}
    assert doc["duration"] == 600 + 1800 + 240 + 300
    assert parse_workout("just prose") == {"steps": [], "duration": 0, "distance": 0}


# -- a coach's key ------------------------------------------------------------------------
COACH_KEY = "c0ach-K3y-9fWq2"


def test_subset_has_the_coach_endpoints():
    doc = load_subset()
    assert {"AthleteWithTags", "Wellness"} <= set(doc["components"]["schemas"])
    assert "get" in doc["paths"]["/api/v1/athletes"]
    assert "ctl" in doc["components"]["schemas"]["Wellness"]["properties"]


def test_a_coach_reaches_the_calendars_it_coaches_and_no_other(icu_server):
    icu_server.add_coach(COACH_KEY, {"i101": "WRITE", "i102": "READ"})
    icu_server.add_athlete("i103")  # on the server, not coached by this key
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", COACH_KEY), timeout=5) as coach:
        def bulk(athlete: str) -> httpx.Response:
            return coach.post(f"/api/v1/athlete/{athlete}/events/bulk",
                              params={"upsert": "true"}, json=[workout(1)])

        assert bulk("i101").status_code == 200
        assert coach.get("/api/v1/athlete/i101/events",
                         params={"oldest": "2026-11-01", "newest": "2026-11-30"}).json()
        assert coach.get("/api/v1/athlete/i102/sport-settings").status_code == 200
        assert bulk("i102").status_code == 403  # read-only
        for denied in (bulk("i103"), coach.get("/api/v1/athlete/i103/events"),
                       coach.get(f"/api/v1/athlete/{ATHLETE_ID}/wellness")):
            assert denied.status_code == 403 and denied.json()["error"] == "Access denied"
        again = bulk("i101").json()  # the coach's own events match its external ids
        assert len(icu_server.events("i101")) == 1 and again[0]["athlete_id"] == "i101"
    assert icu_server.events("i102") == [] and icu_server.events("i103") == []
    assert [r.status for r in icu_server.requests if r.method == "POST"] == [
        200, 403, 403, 200]


def test_the_athletes_list_is_the_caller_and_the_coached_without_keys(icu_server):
    icu_server.add_coach(COACH_KEY, {"i101": "WRITE", "i102": "READ"}, athlete_id="i9")
    icu_server.add_athlete("i101", name="Anna Keller", timezone="Europe/London")
    with httpx.Client(base_url=icu_server.url, auth=("API_KEY", COACH_KEY), timeout=5) as coach:
        found = coach.get("/api/v1/athletes").json()
    assert [(a["id"], a.get("icu_permission"), a.get("icu_coach")) for a in found] == [
        ("i9", None, True), ("i101", "WRITE", None), ("i102", "READ", None)]
    assert found[1]["name"] == "Anna Keller" and found[1]["timezone"] == "Europe/London"
    assert all("icu_api_key" not in a for a in found)
    schema = load_subset()["components"]["schemas"]["AthleteWithTags"]["properties"]
    assert all(set(a) <= set(schema) for a in found)


def test_wellness_records_by_local_date(icu_server, http):
    for day, ctl in (("2027-01-01", 50.0), ("2027-01-02", 51.5), ("2027-01-05", 49.0)):
        icu_server.seed_wellness(day, ctl, ctl - 5)
    got = http.get("/api/v1/athlete/0/wellness",
                   params={"oldest": "2027-01-02", "newest": "2027-01-05"}).json()
    assert [(w["id"], w["ctl"], w["atl"]) for w in got] == [
        ("2027-01-02", 51.5, 46.5), ("2027-01-05", 49.0, 44.0)]
    bad = http.get("/api/v1/athlete/0/wellness", params={"oldest": "2027-1-2"})
    assert bad.status_code == 422
    assert http.get("/api/v1/athlete/0/wellness.csv").status_code == 404


# -- activities (planc review) ---------------------------------------------------------------


def test_activities_are_listed_by_local_date_newest_first_and_validated(tmp_path):
    import datetime as dt

    from planc.publish.client import IntervalsClient

    demo = json.loads((Path(__file__).resolve().parents[1] / "plans" / "review-demo.json")
                      .read_text(encoding="utf-8"))
    with IcuServer("k3y", "i1") as server:
        server.seed(demo)
        with pytest.raises(SchemaError, match=r"activity\.moving_time"):
            server.seed_activity({"start_date_local": "2027-01-04T07:00:00",
                                  "moving_time": "an hour"})
        with IntervalsClient("k3y", "0", server.url) as client:
            week = client.activities(dt.date(2027, 1, 4), dt.date(2027, 1, 6))
            assert [a["start_date_local"][:10] for a in week] == [
                "2027-01-06", "2027-01-05", "2027-01-04"]
            assert client.wellness(dt.date(2027, 1, 1), dt.date(2027, 1, 31))[-1]["ctl"] == 41.2
        validator = server.validator
        validator.validate(week, validator.response_schema("/api/v1/athlete/{id}/activities",
                                                           "get"))
        assert [r.status for r in server.requests] == [200, 200]
        answer = httpx.get(f"{server.url}/api/v1/athlete/0/activities",
                           auth=("API_KEY", "k3y"))
        assert answer.status_code == 422 and "oldest" in answer.json()["error"]


def test_a_bad_seed_file_is_a_usage_error(tmp_path, capsys):
    from planc.icuserver.__main__ import main

    bad = tmp_path / "seed.json"
    bad.write_text('{"athletes": {"i1": {"activities": [{"moving_time": "x"}]}}}')
    with pytest.raises(SystemExit) as stop:
        main(["--port", "0", "--seed", str(bad)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"--seed {bad}: activity.moving_time: expected an integer" in err

"""IntervalsClient against the local intervals.icu server, over real HTTP on 127.0.0.1.

No mocks: faults are injected in the server; only time is faked (see
``icu_fixtures.FakeClock``), so waits are asserted exactly and nothing sleeps.
"""

# Fixtures are imported explicitly (no conftest.py); pytest injects them by
# parameter name, which pyflakes reads as redefining the imported name.
# ruff: noqa: F811

from __future__ import annotations

import base64
import logging
import os
import time
import traceback
from datetime import date
from pathlib import Path

import pytest
from support.icu_fixtures import (  # noqa: F401  (pytest fixtures are used by name)
    API_KEY,
    ATHLETE_ID,
    FakeClock,
    fake_clock,
    icu_client,
    icu_server,
    make_client,
    workout,
)

from planc.icuserver import Fault, IcuServer
from planc.publish.client import (
    AuthError,
    IntervalsClient,
    ServiceError,
    retry_after_seconds,
)
from planc.publish.credentials import (
    Credentials,
    CredentialsError,
    default_config_path,
    load_credentials,
)

BULK = "/events/bulk"


def _posts(server: IcuServer) -> list:
    return [r for r in server.requests if r.method == "POST"]


def _secret_forms(key: str) -> list[str]:
    return [key, base64.b64encode(f"API_KEY:{key}".encode()).decode()]


# -- idempotent publishing ----------------------------------------------------------------
def test_upsert_twice_gives_same_ids_and_one_event_each(icu_server, icu_client):
    events = [workout(n) for n in range(3)]
    first = icu_client.bulk_upsert(events)
    second = icu_client.bulk_upsert(events)
    assert [e["id"] for e in first] == [e["id"] for e in second]
    assert [e["external_id"] for e in second] == [e["external_id"] for e in events]
    assert len(icu_server.events()) == 3
    assert all(r.query == {"upsert": ["true"]} for r in _posts(icu_server))


def test_changed_event_is_updated_in_place(icu_server, icu_client):
    (before,) = icu_client.bulk_upsert([workout(1)])
    changed = workout(1, name="Renamed", description="- 1h 70%")
    (after,) = icu_client.bulk_upsert([changed])
    assert after["id"] == before["id"]
    assert after["name"] == "Renamed"
    assert after["workout_doc"]["duration"] == 3600
    (stored,) = icu_server.events()
    assert stored["description"] == "- 1h 70%"


def test_upsert_returns_parsed_workout_doc(icu_client):
    (event,) = icu_client.bulk_upsert([workout(2)])
    doc = event["workout_doc"]
    assert len(doc["steps"]) == 3
    assert doc["duration"] == 600 + 3 * 180 + 300
    assert event["moving_time"] == doc["duration"]


def test_bulk_upsert_requires_external_ids(icu_server, icu_client):
    with pytest.raises(ValueError, match="external_id"):
        icu_client.bulk_upsert([workout(1), workout(2, external_id="")])
    assert icu_server.requests == []


def test_bulk_upsert_sends_batches(icu_server, icu_client):
    icu_client.max_batch = 2
    saved = icu_client.bulk_upsert([workout(n) for n in range(5)])
    assert len(saved) == 5
    assert [len(r.body) for r in _posts(icu_server)] == [2, 2, 1]


def test_drop_after_commit_then_retry_makes_no_duplicate(icu_server, icu_client, fake_clock):
    icu_server.faults.add(Fault.drop_after_write(method="POST"))
    saved = icu_client.bulk_upsert([workout(n) for n in range(2)])
    assert [r.status for r in _posts(icu_server)] == [None, 200]
    assert len(icu_server.events()) == 2
    assert sorted(e["id"] for e in saved) == sorted(e["id"] for e in icu_server.events())
    assert len(fake_clock.sleeps) == 1  # one backoff, no pacing wait after it


def test_storm_of_429_and_503_completes_within_bounds(icu_server, fake_clock):
    icu_server.faults.add(
        Fault.rate_limited(times=2),
        Fault.status_code(503),
        Fault.rate_limited(1),
        Fault.status_code(502, body="<html>Bad Gateway</html>"),
        Fault.status_code(504),
        Fault.drop_after_write(),
    )
    with make_client(icu_server, fake_clock, max_attempts=8, max_total_seconds=30) as client:
        started = fake_clock.now()
        saved = client.bulk_upsert([workout(n) for n in range(4)])
        elapsed = fake_clock.now() - started
    assert len(saved) == 4 and len(icu_server.events()) == 4
    assert [r.status for r in icu_server.requests] == [429, 429, 503, 429, 502, 504, None, 200]
    assert elapsed <= 30
    assert 1.0 in fake_clock.sleeps  # the one Retry-After
    assert len(fake_clock.sleeps) == 7


def test_past_the_bounds_raises_then_rerun_converges(icu_server, fake_clock):
    events = [workout(n) for n in range(3)]
    icu_server.faults.add(Fault.drop_after_write(times=3))
    with make_client(icu_server, fake_clock, max_attempts=3) as client:
        with pytest.raises(ServiceError) as caught:
            client.bulk_upsert(events)
        assert caught.value.status is None
        assert "gave up after 3 attempts" in str(caught.value)
        assert "re-run" in str(caught.value)
        assert len(icu_server.events()) == 3  # the writes did happen
        saved = client.bulk_upsert(events)
    assert len(icu_server.events()) == 3
    assert {e["id"] for e in saved} == {e["id"] for e in icu_server.events()}


def test_persistent_503_gives_up_with_service_status(icu_server, fake_clock):
    icu_server.faults.add(Fault.status_code(503, times=10))
    with (
        make_client(icu_server, fake_clock, max_attempts=4) as client,
        pytest.raises(ServiceError) as caught,
    ):
        client.sport_settings()
    error = caught.value
    assert error.status == 503 and error.message == "Service Unavailable"
    assert "gave up after 4 attempts (HTTP 503: Service Unavailable)" in str(error)
    assert len(icu_server.requests) == 4
    assert len(fake_clock.sleeps) == 3


def test_time_budget_bounds_the_retries(icu_server, fake_clock):
    icu_server.faults.add(Fault.rate_limited(120))
    with (
        make_client(icu_server, fake_clock, max_total_seconds=60) as client,
        pytest.raises(ServiceError, match=r"would wait 120\.0 s, past the 60 s budget"),
    ):
        client.bulk_upsert([workout(1)])
    assert fake_clock.sleeps == []  # failed at once rather than waiting past the budget


def test_backoff_grows_with_equal_jitter(icu_server, fake_clock):
    icu_server.faults.add(Fault.status_code(503, times=4))
    with make_client(icu_server, fake_clock, max_attempts=5) as client:
        client.sport_settings()
    ceilings = [0.5, 1.0, 2.0, 4.0]
    assert len(fake_clock.sleeps) == 4
    for wait, ceiling in zip(fake_clock.sleeps, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling


# -- Retry-After --------------------------------------------------------------------------
def test_retry_after_seconds_is_honoured(icu_server, icu_client, fake_clock):
    icu_server.faults.add(Fault.rate_limited(7))
    icu_client.list_events(date(2026, 11, 1), date(2026, 11, 7))
    assert fake_clock.sleeps == [7.0]


def test_retry_after_http_date_is_honoured(icu_server, icu_client, fake_clock):
    icu_server.faults.add(Fault.rate_limited(30, http_date=True))
    icu_client.list_events(date(2026, 11, 1), date(2026, 11, 7))
    (wait,) = fake_clock.sleeps
    assert 27.0 < wait <= 30.5  # HTTP dates have whole-second resolution


def test_429_without_retry_after_uses_backoff(icu_server, icu_client, fake_clock):
    icu_server.faults.add(Fault.rate_limited())
    icu_client.sport_settings()
    (wait,) = fake_clock.sleeps
    assert 0.25 <= wait <= 0.5


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Sun, 22 Nov 2026 10:00:30 GMT", 30.0),
        ("Sun, 22 Nov 2026 09:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_parsing(header, expected):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(header, now) == expected


# -- non-retried errors -------------------------------------------------------------------
def test_500_is_retried_once_only(icu_server, icu_client):
    icu_server.faults.add(Fault.status_code(500))
    assert icu_client.sport_settings()
    icu_server.clear_log()
    icu_server.faults.add(Fault.status_code(500, times=2))
    with pytest.raises(ServiceError) as caught:
        icu_client.sport_settings()
    assert caught.value.status == 500
    assert len(icu_server.requests) == 2


def test_422_invalid_enum_surfaces_the_service_message(icu_server, icu_client):
    with pytest.raises(ServiceError) as caught:
        icu_client.bulk_upsert([workout(1, category="WORKOT")])
    error = caught.value
    assert not isinstance(error, AuthError)
    assert error.status == 422
    assert "category" in error.message and "WORKOT" in error.message
    assert error.message in str(error)
    assert len(icu_server.requests) == 1  # not retried
    assert icu_server.events() == []


def test_422_invalid_date_surfaces_the_service_message(icu_server, icu_client):
    with pytest.raises(ServiceError) as caught:
        icu_client.bulk_upsert([workout(1, start_date_local="2026-11-02")])
    assert caught.value.status == 422
    assert "start_date_local" in caught.value.message
    assert "yyyy-MM-ddTHH:mm:ss" in caught.value.message


def test_non_json_error_body_is_reported(icu_server, icu_client):
    icu_server.faults.add(Fault.status_code(418, body="<html><b>I'm a\n teapot</b></html>"))
    with pytest.raises(ServiceError) as caught:
        icu_client.sport_settings()
    assert caught.value.status == 418
    assert caught.value.message == "<html><b>I'm a teapot</b></html>"


def test_unknown_event_is_404(icu_server, fake_clock):
    with (
        make_client(icu_server, fake_clock, athlete_id="0") as client,
        pytest.raises(ServiceError) as caught,
    ):
        client._request("GET", "/api/v1/athlete/0/events/99999")
    assert caught.value.status == 404
    assert caught.value.message == "Event 99999 not found"


def test_slow_response_times_out_and_is_retried(icu_server, fake_clock):
    icu_server.faults.add(Fault.slow(0.35, method="GET"))
    with make_client(icu_server, fake_clock, timeout=0.1) as client:
        assert client.sport_settings()
    assert len(fake_clock.sleeps) == 1
    for _ in range(40):  # the abandoned slow request finishes server-side a little later
        if len(icu_server.requests) == 2:
            break
        time.sleep(0.05)
    assert [r.path.endswith("sport-settings") for r in icu_server.requests] == [True, True]


def test_connection_refused_gives_up_cleanly(fake_clock):
    server = IcuServer(api_key=API_KEY).start()
    url = server.url
    server.stop()  # nothing listens on that port any more
    client = IntervalsClient(
        API_KEY,
        base_url=url,
        sleep=fake_clock.sleep,
        clock=fake_clock.now,
        max_attempts=3,
        connect_timeout=1.0,
    )
    with client, pytest.raises(ServiceError) as caught:
        client.sport_settings()
    assert caught.value.status is None
    assert "connection refused" in str(caught.value)
    assert fake_clock.sleeps == []  # refused: no retry (the pacer sleeps only between requests)


# -- secrets ------------------------------------------------------------------------------
def _assert_no_secret(text: str, key: str) -> None:
    for form in _secret_forms(key):
        assert form not in text
    # no fragment of the key either (e.g. a truncated header echoed somewhere)
    for start in range(len(key) - 7):
        assert key[start : start + 8] not in text


def test_wrong_key_raises_auth_error_and_never_shows_it(icu_server, fake_clock, caplog):
    wrong = "WRONG-s3cr3t-Vx9Qm2Lk"
    caplog.set_level(logging.DEBUG)
    with make_client(icu_server, fake_clock, api_key=wrong) as client:
        client_repr = repr(client) + str(client)
        with pytest.raises(AuthError) as caught:
            client.list_events(date(2026, 11, 1), date(2026, 11, 7))
    error = caught.value
    assert error.status == 401 and error.message == "Unauthorized"
    assert "authentication failed" in str(error)
    assert len(icu_server.requests) == 1  # not retried
    texts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        client_repr,
        caplog.text,
        repr(caplog.records),
    ]
    assert "-> 401" in caplog.text  # the DEBUG request line was really logged
    for text in texts:
        _assert_no_secret(text, wrong)


def test_debug_logging_redacts_the_authorization_header(icu_server, icu_client, caplog):
    caplog.set_level(logging.DEBUG)
    icu_server.faults.add(Fault.status_code(503), Fault.drop_after_write())
    icu_client.bulk_upsert([workout(1)])
    icu_client.sport_settings()
    assert "'authorization': '[REDACTED]'" in caplog.text
    assert "POST http://127.0.0.1" in caplog.text and "-> 200" in caplog.text
    assert "RemoteProtocolError" in caplog.text
    _assert_no_secret(caplog.text + repr(icu_client), API_KEY)
    for record in caplog.records:
        _assert_no_secret(record.getMessage() + repr(record.args), API_KEY)


def test_errors_after_retries_never_show_the_key(icu_server, fake_clock):
    icu_server.faults.add(Fault.status_code(502, body=f"proxy echoed {API_KEY}", times=5))
    with (
        make_client(icu_server, fake_clock, max_attempts=2) as client,
        pytest.raises(ServiceError) as caught,
    ):
        client.sport_settings()
    text = str(caught.value) + repr(caught.value) + str(caught.value.message)
    assert "[REDACTED]" in text
    _assert_no_secret(text, API_KEY)


def test_plain_http_to_a_remote_host_is_refused():
    with pytest.raises(ValueError, match="plain http") as caught:
        IntervalsClient(API_KEY, base_url="http://intervals.icu")
    _assert_no_secret(str(caught.value), API_KEY)


def test_credentials_in_the_base_url_are_refused_without_echo():
    with pytest.raises(ValueError, match="user name or password") as caught:
        IntervalsClient(API_KEY, base_url=f"https://API_KEY:{API_KEY}@intervals.icu")
    _assert_no_secret(str(caught.value), API_KEY)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:0",
                                 "http://127.0.0.1:port", "ftp://127.0.0.1", "https://"])
def test_impossible_base_urls_are_refused_before_any_request(url):
    with pytest.raises(ValueError, match="base URL must be"):
        IntervalsClient(API_KEY, base_url=url)


def test_athlete_id_is_quoted_into_the_path(icu_server, fake_clock):
    with (
        make_client(icu_server, fake_clock, athlete_id="i/../0") as client,
        pytest.raises(AuthError),
    ):
        client.sport_settings()
    assert icu_server.requests[-1].path == "/api/v1/athlete/i%2F..%2F0/sport-settings"


def test_bearer_style_or_wrong_athlete_is_auth_error(icu_server, fake_clock):
    with (
        make_client(icu_server, fake_clock, athlete_id="i999") as client,
        pytest.raises(AuthError) as caught,
    ):
        client.sport_settings()
    assert caught.value.status == 403 and caught.value.message == "Access denied"


# -- scoping, listing, pacing ---------------------------------------------------------------
def test_bulk_delete_by_external_id_only_touches_own_events(icu_server, icu_client):
    ui = icu_server.seed_event(workout(1))  # same external id, made in the web UI
    other = icu_server.seed_event(workout(1), client="another-app")
    (mine,) = icu_client.bulk_upsert([workout(1)])
    assert mine["id"] not in (ui["id"], other["id"])  # upsert did not adopt them either
    assert icu_client.bulk_delete([{"external_id": "planc:test:1"}]) == 1
    assert icu_client.bulk_delete([{"external_id": "planc:test:1"}, {"id": 987654}]) == 0
    assert sorted(e["id"] for e in icu_server.events()) == sorted([ui["id"], other["id"]])
    assert icu_client.bulk_delete([]) == 0


def test_two_keys_of_one_athlete_are_separate_clients(icu_server, icu_client, fake_clock):
    icu_server.add_key("second-key-XYZ")
    icu_client.bulk_upsert([workout(1)])
    with make_client(icu_server, fake_clock, api_key="second-key-XYZ") as other:
        other.bulk_upsert([workout(1)])
        assert other.bulk_delete([{"external_id": "planc:test:1"}]) == 1
    (left,) = icu_server.events()
    assert left["external_id"] == "planc:test:1"


def test_list_events_filters_dates_inclusively_and_by_category(icu_client):
    icu_client.bulk_upsert(
        [
            workout(1),  # 2026-11-02
            workout(
                2, category="NOTE", description="rest week", start_date_local="2026-11-03T18:30:00"
            ),
            workout(3),  # 2026-11-04
            workout(8),  # 2026-11-09
        ]
    )
    found = icu_client.list_events(date(2026, 11, 2), date(2026, 11, 4))
    assert [e["external_id"] for e in found] == ["planc:test:1", "planc:test:2", "planc:test:3"]
    workouts = icu_client.list_events(date(2026, 11, 2), date(2026, 11, 4), category="WORKOUT")
    assert [e["external_id"] for e in workouts] == ["planc:test:1", "planc:test:3"]


def test_sport_settings(icu_server, icu_client):
    icu_server.seed_sport_settings([{"id": 7, "types": ["Ride"], "ftp": 301}])
    assert icu_client.sport_settings() == [{"id": 7, "types": ["Ride"], "ftp": 301}]


def test_pacing_keeps_requests_apart(icu_server, icu_client, fake_clock):
    wall = time.monotonic()
    started = fake_clock.now()
    for _ in range(6):
        icu_client.sport_settings()
    elapsed = fake_clock.now() - started
    assert elapsed >= 5 * 0.1
    assert sum(fake_clock.sleeps) <= 5 * 0.1 + 1e-9  # waits only as long as needed
    assert time.monotonic() - wall < 2.0  # and never really slept


# -- credentials ----------------------------------------------------------------------------
def _config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "planc" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_credentials_from_environment_with_defaults(tmp_path):
    creds = load_credentials({"INTERVALS_ICU_API_KEY": API_KEY}, tmp_path / "none.toml")
    assert (creds.api_key, creds.athlete_id, creds.base_url) == (
        API_KEY,
        "0",
        "https://intervals.icu",
    )
    assert creds.source == "environment"
    env = {
        "INTERVALS_ICU_API_KEY": API_KEY,
        "INTERVALS_ICU_ATHLETE_ID": "i77",
        "INTERVALS_ICU_BASE_URL": "http://127.0.0.1:8765/",
    }
    creds = load_credentials(env, tmp_path / "none.toml")
    assert (creds.athlete_id, creds.base_url) == ("i77", "http://127.0.0.1:8765")


def test_credentials_from_private_config_file(tmp_path):
    path = _config(tmp_path, f'[intervals]\napi_key = "{API_KEY}"\nathlete_id = "i5"\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path), "INTERVALS_ICU_BASE_URL": "http://localhost:1"}
    assert default_config_path(env) == path
    creds = load_credentials(env)
    assert (creds.api_key, creds.athlete_id, creds.base_url) == (
        API_KEY,
        "i5",
        "http://localhost:1",
    )
    assert creds.source == str(path)


def test_config_path_falls_back_to_home(tmp_path):
    assert default_config_path({"HOME": str(tmp_path)}) == tmp_path / ".config/planc/config.toml"
    relative = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "relative/dir"}
    assert default_config_path(relative) == tmp_path / ".config/planc/config.toml"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_readable_config_file_is_refused(tmp_path, mode):
    path = _config(tmp_path, f'[intervals]\napi_key = "{API_KEY}"\n', mode)
    with pytest.raises(CredentialsError) as caught:
        load_credentials({}, path)
    message = str(caught.value)
    assert str(path) in message and f"chmod 600 {path}" in message
    _assert_no_secret(message, API_KEY)


def test_environment_key_does_not_open_the_file(tmp_path):
    path = _config(tmp_path, "not toml at all [", 0o644)
    creds = load_credentials({"INTERVALS_ICU_API_KEY": API_KEY}, path)
    assert creds.api_key == API_KEY


def test_missing_key_names_the_variable_and_the_file(tmp_path):
    with pytest.raises(CredentialsError, match="INTERVALS_ICU_API_KEY") as caught:
        load_credentials({}, tmp_path / "absent.toml")
    assert str(tmp_path / "absent.toml") in str(caught.value)
    path = _config(tmp_path, '[intervals]\nathlete_id = "i1"\n')
    with pytest.raises(CredentialsError, match="INTERVALS_ICU_API_KEY"):
        load_credentials({}, path)


def test_bad_config_file_is_reported_without_content(tmp_path):
    path = _config(tmp_path, f'[intervals]\napi_key = "{API_KEY}\n')
    with pytest.raises(CredentialsError) as caught:
        load_credentials({}, path)
    assert "not valid TOML" in str(caught.value)
    _assert_no_secret(str(caught.value), API_KEY)


def test_credentials_repr_hides_the_key():
    creds = Credentials(API_KEY, "i1", "https://intervals.icu", "environment")
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        _assert_no_secret(text, API_KEY)
        assert "***" in text


def test_client_from_credentials_publishes(icu_server, fake_clock):
    creds = load_credentials(
        {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_BASE_URL": icu_server.url}, "/nonexistent"
    )
    with IntervalsClient(
        creds.api_key,
        creds.athlete_id,
        creds.base_url,
        sleep=fake_clock.sleep,
        clock=fake_clock.now,
    ) as client:
        (event,) = client.bulk_upsert([workout(4)])
    assert event["athlete_id"] == ATHLETE_ID

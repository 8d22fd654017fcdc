"""Event identity: an external id follows the session it came from, not its place in a day.

Against the local intervals.icu server over real HTTP (``planc publish`` in a
subprocess), plus the id forms themselves (``planc.plan.identity``).
"""

# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import os
import subprocess
import textwrap

from conftest import planc_command
from hypothesis import given
from hypothesis import strategies as st
from support.icu_fixtures import API_KEY, icu_server  # noqa: F401  (fixture used by name)
from test_publish import LIBRARY, PREFIX, by_external, ok, publish, write_plan, writes

from planc.plan.identity import event_id, key_from_name, occurrence_keys, parse_event_id
from planc.plan.load import load_plan

SWIM = """\
  swim:
    sport: Swim
    body: |
      - 20m Z2 Pace
"""


def day_plan(day: str, *, start: str = "2027-01-04") -> str:
    """A one-week plan whose Wednesday is ``day`` (a YAML flow list of sessions)."""
    return textwrap.dedent(f"""\
        id: pub-test
        name: Identity test
        start: {start}
        weeks: 1
        athlete:
          ride: {{ftp: 250}}
          run: {{threshold_pace: "4:15/km", lthr: 170, max_hr: 190}}
          swim: {{threshold_pace: "1:45/100m"}}
        """) + LIBRARY + SWIM + f"calendar:\n  - wed: {day}\n  - sat: endurance\n"


WED = "2027-01-06"


def test_removing_the_first_of_two_sessions_deletes_exactly_that_event(icu_server, tmp_path):
    plan = write_plan(tmp_path, day_plan("[track, swim]"))
    ok(publish(icu_server, plan, "--yes"))
    before = by_external(icu_server)
    assert set(before) == {f"{PREFIX}{WED}:track", f"{PREFIX}{WED}:swim",
                           f"{PREFIX}2027-01-09:endurance"}

    write_plan(tmp_path, day_plan("[swim]"))
    icu_server.clear_log()
    proc = publish(icu_server, plan, "--prune", "--yes")
    ok(proc)
    assert "0 to create, 0 to update, 2 unchanged, 1 to delete" in proc.stdout_text
    (delete,) = writes(icu_server)  # no update of the run into a swim: one deletion only
    assert (delete.method, delete.body) == ("PUT", [{"external_id": f"{PREFIX}{WED}:track"}])
    after = by_external(icu_server)
    assert after == {k: v for k, v in before.items() if k != f"{PREFIX}{WED}:track"}


def test_reordering_or_adding_a_session_on_a_day_touches_only_the_new_one(icu_server, tmp_path):
    plan = write_plan(tmp_path, day_plan("[track, swim]"))
    ok(publish(icu_server, plan, "--yes"))
    before = by_external(icu_server)

    write_plan(tmp_path, day_plan("[swim, track]"))
    icu_server.clear_log()
    proc = publish(icu_server, plan, "--prune", "--yes")
    ok(proc)
    assert "nothing to publish" in proc.stdout_text and writes(icu_server) == []

    write_plan(tmp_path, day_plan("[{workout: endurance, duration: 30m}, swim, track]"))
    icu_server.clear_log()
    ok(publish(icu_server, plan, "--prune", "--yes"))
    (post,) = writes(icu_server)
    assert [e["external_id"] for e in post.body] == [f"{PREFIX}{WED}:endurance"]
    after = by_external(icu_server)
    assert {k: after[k] for k in before} == before


def test_a_repeated_workout_is_numbered_only_on_its_second_use(tmp_path):
    plan = load_plan(write_plan(tmp_path, day_plan(
        '[{workout: endurance, time: "18:00"}, swim, {workout: endurance, time: "07:00"}, '
        "{note: Eat, key: fuel}]")))
    wed = [(s.time, s.external_id.rsplit(":", 1)[1]) for s in plan.sessions
           if s.date.isoformat() == WED]
    assert wed == [("07:00", "endurance"), ("18:00", "endurance#2"), (None, "swim"),
                   (None, "fuel")]


def _legacy(server, plan_path, seeded_by=None) -> dict[str, dict]:
    """The events an earlier planc published: positional ids planc:<plan>:<date>:<slot>,
    one of them already paired with a done activity."""
    plan = load_plan(plan_path)
    from planc.publish.events import build_events

    out = {}
    for planned in build_events(plan.sessions).events:
        s = planned.session
        legacy = f"{PREFIX}{s.date.isoformat()}:{s.slot}"
        event = {**planned.payload, "external_id": legacy}
        if s.ref == "track":
            event["paired_activity_id"] = "i555"
        out[s.external_id] = server.seed_event(event, client=seeded_by or server.client)
    return out


def test_events_of_the_positional_id_form_are_adopted_in_place(icu_server, tmp_path):
    plan = write_plan(tmp_path, day_plan("[track, swim]"))
    legacy = _legacy(icu_server, plan)
    # Since that publish, the track session got a new name and the swim is a bit longer.
    write_plan(tmp_path, day_plan(
        "[{workout: track, name: Track 5x1km (hills)}, "
        "{sport: Swim, name: Swim, body: '- 25m Z2 Pace'}]"))
    proc = publish(icu_server, plan, "--prune", "--yes")
    ok(proc)
    assert "0 to create, 0 to update, 0 unchanged, 3 to adopt, 0 to delete" in proc.stdout_text
    assert f"(was {PREFIX}{WED}:1, name)" in proc.stdout_text
    assert [r.method for r in writes(icu_server)] == ["PUT", "PUT", "PUT"]  # one per event
    after = by_external(icu_server)
    assert set(after) == set(legacy)
    for new_id, old in legacy.items():
        assert after[new_id]["id"] == old["id"]  # the same event: pairing kept
    track = after[f"{PREFIX}{WED}:track"]
    assert track["paired_activity_id"] == "i555" and track["name"] == "Track 5x1km (hills)"
    assert "25m" in after[f"{PREFIX}{WED}:swim"]["description"]
    assert len(icu_server.events()) == 3

    icu_server.clear_log()
    again = publish(icu_server, plan, "--prune", "--yes")
    ok(again)
    assert "nothing to publish" in again.stdout_text and writes(icu_server) == []


def test_a_legacy_event_with_no_matching_session_is_only_pruned(icu_server, tmp_path):
    plan = write_plan(tmp_path, day_plan("[track, swim]"))
    _legacy(icu_server, plan)
    write_plan(tmp_path, day_plan("[swim]"))
    kept = publish(icu_server, plan, "--yes")
    ok(kept)
    assert "1 event of this plan in these dates is no longer in it" in kept.stdout_text
    pruned = publish(icu_server, plan, "--prune", "--yes")
    ok(pruned)
    assert f"delete     {WED}        Run            Track 5x1km" in pruned.stdout_text
    assert set(by_external(icu_server)) == {f"{PREFIX}{WED}:swim",
                                            f"{PREFIX}2027-01-09:endurance"}


def _on_a_terminal(server, plan, *args: str, answer: str = "y\n"):
    env = {**os.environ, "INTERVALS_ICU_API_KEY": API_KEY,
           "INTERVALS_ICU_BASE_URL": server.url, "INTERVALS_ICU_ATHLETE_ID": "0"}
    master, slave = os.openpty()
    try:
        os.write(master, answer.encode())
        return subprocess.run([*planc_command(), "publish", str(plan), *args], stdin=slave,
                              capture_output=True, env=env, timeout=60, check=False)
    finally:
        os.close(slave)
        os.close(master)


def test_a_sport_change_is_shown_and_needs_yes_even_on_a_terminal(icu_server, tmp_path):
    plan = write_plan(tmp_path, day_plan("[{workout: track, key: am}]"))
    ok(publish(icu_server, plan, "--yes"))
    event = by_external(icu_server)[f"{PREFIX}{WED}:am"]
    write_plan(tmp_path, day_plan("[{workout: swim, key: am}]"))

    icu_server.clear_log()
    proc = _on_a_terminal(icu_server, plan)
    err, out = proc.stderr.decode(), proc.stdout.decode()
    assert proc.returncode == 2, err
    assert f"update     {WED}        Swim           Swim  (type, name, description)  " \
           "SPORT CHANGES Run -> Swim" in out
    assert "1 update would change an event's sport" in err and "--yes" in err
    assert "Apply these" not in err and writes(icu_server) == []

    ok(publish(icu_server, plan, "--yes"))
    after = by_external(icu_server)[f"{PREFIX}{WED}:am"]
    assert (after["id"], after["type"]) == (event["id"], "Swim")


# -- the id forms -------------------------------------------------------------------------
_NAME = st.text(st.characters(codec="utf-8"), max_size=30)


@given(_NAME, st.sampled_from(["note", "race", "workout"]))
def test_a_key_from_a_name_never_reads_as_a_slot(name, kind):
    key = key_from_name(name, kind)
    day = dt.date(2027, 1, 6)
    for athlete in (None, "anna"):
        parsed = parse_event_id(event_id("p", athlete, day, key))
        assert parsed is not None and not parsed.legacy
        assert (parsed.plan, parsed.athlete, parsed.date, parsed.key) == ("p", athlete, day, key)


def test_the_three_forms_and_others():
    day = dt.date(2027, 1, 6)
    assert parse_event_id("planc:p:2027-01-06:3").legacy
    assert parse_event_id("planc:p:anna:2027-01-06:long-ride#2").athlete == "anna"
    assert parse_event_id("planc:p:2027-01-06:easy").key == "easy"
    for other in ("othertool:1", "planc:p:2027-13-06:easy", "planc:p:Anna:2027-01-06:x",
                  "planc:p:2027-01-06", "planc:p:a:b:2027-01-06:x", None, 7,
                  "planc:p:anna:2027-01-06:3"):
        assert parse_event_id(other) is None, other
    assert occurrence_keys(["a", "b", "a", "a"]) == ["a", "b", "a#2", "a#3"]
    assert event_id("p", "anna", day, "x") == "planc:p:anna:2027-01-06:x"

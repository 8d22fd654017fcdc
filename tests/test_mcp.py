"""``planc mcp`` with the official SDK's own client, over stdio, as an assistant's client runs it.

The client starts ``python -m planc mcp``, lists the tools, checks a bad text and
gets positioned diagnostics, compiles to text and to FIT (base64), reads the
reference, and publishes: refused without a dry run, then, after one on the same
connection, published to the local intervals.icu stand-in over real HTTP.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from support.icu_fixtures import API_KEY, ATHLETE_ID, icu_server  # noqa: F401

from planc.mcp import tools

TOOLS = {"check", "compile", "stats", "reference", "publish", "review"}


def server_params(env: dict[str, str] | None = None, cwd: Path | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("INTERVALS_ICU_")}
    return StdioServerParameters(command=sys.executable, args=["-m", "planc", "mcp"],
                                 env={**base, **(env or {})}, cwd=cwd)


async def call(session: ClientSession, name: str, **arguments: Any):
    return await session.call_tool(name, arguments)


@asynccontextmanager
async def connection(env: dict[str, str] | None = None,
                     cwd: Path | None = None) -> AsyncIterator[ClientSession]:
    """One client connection: ``async with connection() as session``.

    The SDK's two contexts are nested as written, not entered by hand: a class
    that called their ``__aenter__``/``__aexit__`` itself made a failing assertion
    hang the test run (the server process outlived the test and asyncio's
    runner waited for its reader tasks at teardown) instead of reporting it.
    """
    async with (stdio_client(server_params(env, cwd)) as (read, write),
                ClientSession(read, write) as session):
        await session.initialize()
        yield session


@pytest.mark.asyncio
async def test_tools_are_listed_and_a_bad_text_gets_positioned_diagnostics():
    async with connection() as session:
        listed = await session.list_tools()
        assert {t.name for t in listed.tools} == TOOLS
        result = await call(session, "check", text="Warmup\n- 10m 50%\n\n- Swim 400m Z2\n"
                            "- Hard 10m 4.30/km Pace\n")
        assert not result.is_error
        found = result.structured_content
        assert found["ok"] is False and found["errors"] == 1
        by_code = {d["code"]: d for d in found["diagnostics"]}
        assert by_code["bad-pace"] | {"hint": None} == {
            "path": "<workout>", "line": 5, "column": 12, "end_line": 5, "end_column": 24,
            "severity": "error", "code": "bad-pace", "hint": None,
            "message": by_code["bad-pace"]["message"]}
        assert by_code["bad-pace"]["hint"]
        good = await call(session, "check", text="- 10m 50%\n")
        assert good.structured_content == {"ok": True, "errors": 0, "warnings": 0,
                                           "diagnostics": []}


@pytest.mark.asyncio
async def test_compile_gives_text_and_fit_as_base64():
    async with connection() as session:
        text = "---\nname: Openers\n---\n- 10m 60%\n- 1m 110%\n"
        icu = (await call(session, "compile", text=text, format="icu")).structured_content
        assert icu["encoding"] == "text" and "- 10m 60%" in icu["content"]
        fit = (await call(session, "compile", text=text, format="fit",
                          ftp=250)).structured_content
        assert fit["encoding"] == "base64" and fit["file_name"] == "openers.fit"
        assert base64.b64decode(fit["content"])[8:12] == b".FIT"
        bad = (await call(session, "compile", text="- Hard 10m 4.30/km Pace\n")).structured_content
        assert bad["content"] is None and bad["diagnostics"][0]["code"] == "bad-pace"
        unknown = await call(session, "compile", text=text, format="pdf")
        assert unknown.is_error


@pytest.mark.asyncio
async def test_stats_and_reference():
    async with connection() as session:
        found = (await call(session, "stats", text="- 1h 75%\n", ftp=250)).structured_content
        assert found["workout"]["duration_s"] == 3600.0
        assert found["workout"]["intensity"] == pytest.approx(0.75, abs=0.01)
        ref = (await call(session, "reference")).structured_content["reference"]
        assert "minutes-or-metres" in ref and "'m' is MINUTES" in ref


PLAN = """\
id: mcp-test
name: MCP test
start: 2026-11-30
weeks: 1
athlete: {ride: {ftp: 250}}
workouts:
  easy: {sport: Ride, body: "- 45m 60%"}
calendar:
  - tue: easy
    thu: easy
"""


@pytest.mark.asyncio
async def test_publish_is_refused_without_a_dry_run_and_works_after_one(icu_server,  # noqa: F811
                                                                         tmp_path: Path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    env = {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_ATHLETE_ID": ATHLETE_ID,
           "INTERVALS_ICU_BASE_URL": icu_server.url, "XDG_CONFIG_HOME": str(tmp_path)}
    async with connection(env) as session:
        refused = await call(session, "publish", path=str(plan), dry_run=False)
        assert refused.is_error and "dry_run=true first" in refused.content[0].text
        dry = (await call(session, "publish", path=str(plan))).structured_content
        assert dry["published"] is False and len(dry["actions"]) == 2
        plan.write_text(PLAN.replace("45m", "50m"), encoding="utf-8")  # not what was shown
        changed = await call(session, "publish", path=str(plan), dry_run=False)
        assert changed.is_error
        plan.write_text(PLAN, encoding="utf-8")
        done = (await call(session, "publish", path=str(plan),
                           dry_run=False)).structured_content
        assert done["published"] is True and done["outcome"].startswith("2 created")
    async with connection(env) as session:  # a new connection has seen no dry run
        again = await call(session, "publish", path=str(plan), dry_run=False)
        assert again.is_error


def test_check_reads_a_plan_draft_with_its_includes(tmp_path: Path):
    (tmp_path / "lib.yaml").write_text(
        "workouts:\n  w:\n    sport: Ride\n    params: [work]\n    body: |\n"
        "      - {work} 90%\n", encoding="utf-8")
    draft = ("id: p\nname: P\nstart: 2027-01-04\nweeks: 1\ninclude: [lib.yaml]\n"
             "calendar:\n  - mon: {workout: w, work: 400min}\n")
    found = tools.check(text=draft, path=str(tmp_path / "plan.yaml"))
    column = draft.split("\n")[6].index("400min") + 1
    # '400min' is no duration: the step is dropped (at the argument), the workout empty (lib)
    assert [(d["code"], d["line"], d["column"]) for d in found["diagnostics"]] == [
        ("no-steps", 6, 7), ("dropped-by-icu", 7, column)]


def test_a_plan_check_says_what_build_would_stop_at(tmp_path: Path):
    """The assistant is told what `planc check` tells a person: a session in watts
    with no FTP in the plan cannot become the % FTP a .zwo needs."""
    from conftest import run_planc

    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.replace("athlete: {ride: {ftp: 250}}\n", "")
                    .replace("45m 60%", "45m 200w"), encoding="utf-8")
    found = tools.check(path=str(plan))
    cli = run_planc("check", str(plan), "--json")
    want = [(d["code"], d["line"], d["column"]) for d in json.loads(cli.stdout)["diagnostics"]]
    assert found["errors"] >= 1 and "missing-threshold" in {d["code"] for d in found["diagnostics"]}
    assert [(d["code"], d["line"], d["column"]) for d in found["diagnostics"]] == want


@pytest.mark.asyncio
async def test_review_answers_what_planc_review_json_prints(tmp_path: Path):
    """Over stdio with the SDK's client, against the local intervals.icu stand-in: the
    tool's review is the command's --json, and it sends only the command's three GETs."""
    from support.icu_fixtures import ok, planc_on
    from test_review import PLAN as REVIEW_PLAN
    from test_review import TODAY, published, seed_week

    from planc.icuserver import IcuServer

    with IcuServer(api_key=API_KEY, athlete_id=ATHLETE_ID) as server:
        (tmp_path / "plan.yaml").write_text(REVIEW_PLAN, encoding="utf-8")
        seed_week(server, published(server, tmp_path))
        cli = planc_on(server, "review", "plan.yaml", "--week", "1", "--today", TODAY,
                       "--json", cwd=tmp_path)
        ok(cli)
        server.clear_log()
        env = {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_ATHLETE_ID": ATHLETE_ID,
               "INTERVALS_ICU_BASE_URL": server.url, "XDG_CONFIG_HOME": str(tmp_path)}
        async with connection(env, cwd=tmp_path) as session:
            got = await call(session, "review", path="plan.yaml", weeks=["1"], today=TODAY)
            bad_day = await call(session, "review", path="plan.yaml", today="11/01/2027")
        assert not got.is_error, got.content
        assert got.structured_content["review"] == json.loads(cli.stdout_text)
        assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in server.requests] == [
            ("GET", "events"), ("GET", "activities"), ("GET", "wellness")]
        assert bad_day.is_error and "is not a date" in bad_day.content[0].text

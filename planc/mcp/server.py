"""The MCP wiring: the tools of :mod:`planc.mcp.tools` on the official SDK's server, over stdio.

One process serves one connection (the client starts ``planc mcp``), so the
publish gate (what had a dry run) lives in the server built for it and dies with
the connection.  Every tool's answer is structured content (a JSON object); a
request a tool cannot serve is a tool error with a message in planc's words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from planc import __version__
from planc.mcp import tools

INSTRUCTIONS = """\
planc checks and compiles training workouts written in intervals.icu workout text
(planc's language is a superset of it). Call `reference` once for the language, then
`check` every workout or plan you write and fix each diagnostic (line, column, code,
hint) before you show or publish it: intervals.icu silently misreads what planc
reports ('400m' is 400 minutes). `publish` writes to the athlete's intervals.icu
calendar only after a dry run of the same plan on this connection; `review` compares
a plan with what the athlete did (read only)."""

T = TypeVar("T")

Text = Annotated[str | None, Field(description="workout text (or a plan's YAML, with path)")]
Path = Annotated[str | None, Field(description="a workout or plan file; plans include "
                                                "other files relative to it")]
Sport = Annotated[str | None, Field(description="sport of a workout without a header "
                                                 "(Ride, Run, Swim, ...; default Ride)")]
Weeks = Annotated[list[str] | None, Field(description="plan weeks: '3', '1-4' or '2027-W05'; "
                                                       "default the whole plan")]


def _serve(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except tools.ToolError as exc:
        raise ToolError(str(exc)) from None


def create_server() -> MCPServer:
    server: MCPServer = MCPServer("planc", version=__version__, instructions=INSTRUCTIONS)
    gate = tools.PublishGate()

    @server.tool(name="check")
    def check(text: Text = None, path: Path = None, sport: Sport = None) -> dict[str, Any]:
        """Check a workout text or a plan like 'planc check': every mistake as a diagnostic
        with path, line, column, end_line, end_column, severity, code, message and hint."""
        return _serve(tools.check, text, path, sport)

    @server.tool(name="compile")
    def compile_(text: Annotated[str, Field(description="workout text")],
                 format: Annotated[str, Field(description="icu, zwo, mrc, erg, fit or svg")]
                 = "icu",
                 sport: Sport = None, name: str | None = None, ftp: float | None = None,
                 lthr: float | None = None, max_hr: float | None = None,
                 threshold_pace: str | None = None, athlete: str | None = None,
                 indoor: bool = False, strict: bool = False) -> dict[str, Any]:
        """Compile a workout like 'planc compile --to FORMAT': the file's name and content
        (text formats as text, .fit as base64), with the diagnostics of the compile."""
        thresholds = tools.Thresholds(athlete, ftp, lthr, max_hr, threshold_pace)
        return _serve(tools.compile_workout, text, format, sport=sport, name=name,
                      indoor=indoor, strict=strict, thresholds=thresholds)

    @server.tool(name="stats")
    def stats(text: Text = None, path: Path = None, sport: Sport = None, weeks: Weeks = None,
              ftp: float | None = None, lthr: float | None = None,
              max_hr: float | None = None, threshold_pace: str | None = None,
              athlete: str | None = None) -> dict[str, Any]:
        """Duration, distance, intensity factor and load of a workout, or a plan's weekly
        table and fitness projection, like 'planc stats --json'."""
        thresholds = tools.Thresholds(athlete, ftp, lthr, max_hr, threshold_pace)
        return _serve(tools.stats, text, path, sport=sport, weeks=weeks,
                      thresholds=thresholds)

    @server.tool(name="reference")
    def reference() -> dict[str, Any]:
        """The workout language in a page: rules, step tokens, and every diagnostic code
        with its fix (generated from planc's grammar and code registry)."""
        return {"reference": tools.reference()}

    @server.tool(name="publish")
    def publish(path: Annotated[str, Field(description="the plan file")],
                dry_run: Annotated[bool, Field(description="only show the plan of action")]
                = True,
                weeks: Weeks = None, prune: bool = False,
                base_url: str | None = None) -> dict[str, Any]:
        """Publish plan weeks to the intervals.icu calendar like 'planc publish --yes'.
        Refused unless the same plan (same files, weeks and prune) had a dry run on this
        connection: call it with dry_run=true, show the actions, then dry_run=false."""
        return _serve(tools.publish, gate, path, weeks=weeks, dry_run=dry_run, prune=prune,
                      base_url=base_url)

    @server.tool(name="review")
    def review(path: Annotated[str, Field(description="the plan file")],
               weeks: Weeks = None,
               today: Annotated[str | None, Field(description="review as of this date "
                                                  "(YYYY-MM-DD; default today)")] = None,
               base_url: str | None = None) -> dict[str, Any]:
        """Review plan weeks against what the athlete did, like 'planc review --json':
        per session planned and done time, distance and load, compliance and a status
        (done, partial, missed, moved, planned), extra activities, weekly totals and
        actual CTL/ATL beside the plan's projection.  Reads intervals.icu; writes nothing."""
        return _serve(tools.review, path, weeks=weeks, today=today, base_url=base_url)

    return server


def serve() -> None:
    """Answer MCP requests on standard input and output until the client disconnects."""
    create_server().run("stdio")

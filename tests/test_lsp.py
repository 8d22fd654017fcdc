"""``planc lsp`` end to end: a real LSP client (pytest-lsp) talks to ``planc lsp`` over stdio.

Each test starts the server as a user's editor does (``python -m planc lsp``), opens
documents, edits them and asks questions, and checks the answers the way an editor
would use them: diagnostics at the right LSP range (0-based, UTF-16), cleared by an
edit; a hover with watts at the athlete's FTP; completions; go-to-definition into an
included library.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is in the test extras")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from planc.lsp import analysis  # noqa: E402

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "planc", "lsp"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    athlete = tmp_path / "athlete.yaml"
    athlete.write_text("ride: {ftp: 250, lthr: 170}\n", encoding="utf-8")
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"planc": {"athlete": str(athlete)}},
        root_uri=tmp_path.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def diagnostics(client: LanguageClient, uri: str, cleared: bool = False,
                      timeout: float = 20.0, found: bool = False) -> list[types.Diagnostic]:
    """The diagnostics the server has published for ``uri``: the first ones, with
    ``cleared`` once they are empty, with ``found`` once there are some (the client
    records each publication as it comes)."""
    async def wait() -> list[types.Diagnostic]:
        while True:
            now = client.diagnostics.get(uri)
            if now is not None and (not cleared or not now) and (not found or now):
                return list(now)
            await asyncio.sleep(0.01)
    return await asyncio.wait_for(wait(), timeout)


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "planc") -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


def rng(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=start),
                       end=types.Position(line=line, character=end))


@pytest.mark.asyncio
async def test_an_error_appears_at_its_range_and_an_edit_clears_it(client: LanguageClient,
                                                                   tmp_path: Path):
    text = "Warmup\n- 10m 50%\n\n- Hard 10m 4.30/km Pace\n"
    uri = open_doc(client, tmp_path / "w.workout", text)
    found = await diagnostics(client, uri)
    assert [(d.code, d.severity, d.range) for d in found] == [
        ("bad-pace", types.DiagnosticSeverity.Error, rng(3, 11, 23))]
    assert "hint: write minutes:seconds and a unit, e.g. '4:30/km Pace'" in found[0].message
    change(client, uri, 2, text.replace("4.30/km Pace", "120%"))
    assert await diagnostics(client, uri, cleared=True) == []


@pytest.mark.asyncio
async def test_ranges_count_utf16_units_after_wide_characters(client: LanguageClient,
                                                              tmp_path: Path):
    # the emoji is one code point (planc's column) but two UTF-16 units (the client's)
    uri = open_doc(client, tmp_path / "e.workout", "- Sprint 🚀 5m 20min\n")
    found = await diagnostics(client, uri)
    assert [(d.code, d.range) for d in found] == [("unknown-token", rng(0, 15, 20))]


@pytest.mark.asyncio
async def test_hover_gives_watts_and_zone_at_the_athlete_ftp(client: LanguageClient,
                                                             tmp_path: Path):
    text = "Main set 5x\n- VO2 3m 110-120% 95rpm\n- Easy 3m 50%\n"
    uri = open_doc(client, tmp_path / "h.workout", text)
    await diagnostics(client, uri)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=1, character=4)))
    assert hover is not None
    value = hover.contents.value
    assert "**VO2** · 3:00 · 5×, first at 0:00" in value
    assert "275–300 W" in value and "Z5" in value and "95 rpm" in value
    header = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=0, character=2)))
    assert header is not None and "5× 6:00 = **30:00**" in header.contents.value


@pytest.mark.asyncio
async def test_completion_offers_units_after_a_number(client: LanguageClient,
                                                      tmp_path: Path):
    uri = open_doc(client, tmp_path / "c.workout", "- 10\n")
    await diagnostics(client, uri)
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=0, character=4)))
    labels = [i.label for i in result.items]
    assert {"10m", "10s", "10mtr", "10%", "10rpm"} <= set(labels)


PLAN = """\
id: p
name: P
start: 2027-01-04
weeks: 2
athlete: {{ride: {{ftp: 250}}}}
include: [lib.yaml]
calendar:
  - mon: {{workout: intervals, work: {work}}}
"""
LIBRARY = """\
workouts:
  intervals:
    sport: Ride
    params: [work]
    body: |
      - Hard {work} 105%
      - Easy 5m 50%
"""


@pytest.mark.asyncio
async def test_a_bad_library_argument_is_reported_at_the_argument(client: LanguageClient,
                                                                  tmp_path: Path):
    (tmp_path / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    text = PLAN.format(work="10min")
    uri = open_doc(client, tmp_path / "plan.yaml", text, "yaml")
    found = await diagnostics(client, uri)
    column = text.split("\n")[7].index("10min")
    assert [(d.code, d.range) for d in found] == [("dropped-by-icu",
                                                  rng(7, column, column + 5))]
    assert "'work' fills {work}" in found[0].message
    change(client, uri, 2, PLAN.format(work="10m"))
    assert await diagnostics(client, uri, cleared=True) == []

    # the library's workout name completes after 'workout:', its parameters after it
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=7, character=20)))
    assert "intervals" in [i.label for i in result.items]
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=7, character=31)))
    assert "work" in [i.label for i in result.items]

    # go to the definition of 'intervals' in the included library
    location = await client.text_document_definition_async(types.DefinitionParams(
        types.TextDocumentIdentifier(uri=uri), types.Position(line=7, character=24)))
    assert location is not None
    assert location.uri == (tmp_path / "lib.yaml").as_uri()
    assert location.range == rng(1, 2, 11)

    # hovering the library body (open beside the plan) shows the plan's first session
    lib_uri = open_doc(client, tmp_path / "lib.yaml", LIBRARY, "yaml")
    await diagnostics(client, lib_uri)
    hover = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri=lib_uri), types.Position(line=5, character=9)))
    assert hover is not None
    assert "week 1, Mon 2027-01-04 (intervals)" in hover.contents.value
    assert "105% FTP = **262 W**" in hover.contents.value


@pytest.mark.asyncio
async def test_an_error_in_an_unopened_library_is_published_for_it(client: LanguageClient,
                                                                   tmp_path: Path):
    (tmp_path / "lib.yaml").write_text(LIBRARY.replace("50%", "50 %"), encoding="utf-8")
    uri = open_doc(client, tmp_path / "plan.yaml", PLAN.format(work="10m"), "yaml")
    lib_uri = (tmp_path / "lib.yaml").as_uri()
    found = await diagnostics(client, lib_uri)
    assert found and found[0].range.start.line == 6
    change(client, uri, 2, PLAN.format(work="10m").replace("include: [lib.yaml]\n", ""))
    assert await diagnostics(client, lib_uri, cleared=True) == []


def test_the_analysis_matches_planc_check_on_the_example_plans():
    """The editor shows exactly what 'planc check' reports (same codes, same spans)."""
    from planc.plan.rejections import check_plan

    root = Path(__file__).resolve().parent.parent / "plans"
    for plan in sorted(root.glob("*.yaml")):
        if plan.name == "squad.yaml":
            continue  # a roster, not a plan: it has no weeks to break
        text = plan.read_text(encoding="utf-8").replace("weeks: ", "weeks: x", 1)
        path = str(plan.resolve())
        got = analysis.analyse(path, text).diagnostics
        assert got, "the broken plan has a diagnostic"
        plan_copy = Path(path).with_name(".check-copy.yaml")
        try:
            plan_copy.write_text(text, encoding="utf-8")
            want = check_plan(str(plan_copy))
        finally:
            plan_copy.unlink()
        assert [(d.code, d.span) for d in got] == [(d.code, d.span) for d in want]


def test_the_vscode_grammar_reads_the_example_workouts():
    """The TextMate grammar is valid JSON whose patterns compile, and it scopes every
    step line of the example workouts as a step with a duration or distance."""
    import json
    import re

    root = Path(__file__).resolve().parent.parent
    ext = root / "editors" / "vscode"
    package = json.loads((ext / "package.json").read_text(encoding="utf-8"))
    grammar_path = ext / package["contributes"]["grammars"][0]["path"]
    assert (ext / package["main"]).is_file()
    assert (ext / package["contributes"]["languages"][0]["configuration"]).is_file()
    grammar = json.loads(grammar_path.read_text(encoding="utf-8"))
    rules = grammar["repository"]
    compiled = {name: re.compile(rule.get("match") or rule["begin"])
                for name, rule in rules.items()}
    amounts = [re.compile(p["match"]) for p in rules["step"]["patterns"][:2]]
    for path in sorted((root / "plans" / "workouts").glob("*.workout")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if compiled["step"].match(line) and not line.strip("- "):
                continue
            if compiled["step"].match(line):
                assert any(a.search(line) for a in amounts), (path.name, line)


def _tm_patterns(rule: dict, name: str) -> list[tuple[str, str]]:
    found = [(f"{name}.{key}", rule[key]) for key in ("match", "begin", "end") if key in rule]
    for i, inner in enumerate(rule.get("patterns", [])):
        found += _tm_patterns(inner, f"{name}[{i}]")
    return found


def test_the_vscode_grammar_reads_a_long_line_in_linear_time():
    """The editor runs these patterns on every line the user types: the repeat pattern's
    lazy title before '\\d+' tried every digit of a line of digits as the count's
    start (a 4,000-digit line took 1.6 s here), as the reader's REPEAT_HEADER once did;
    the pool-length pattern's runs of '\\s*' split trailing spaces every way.  Each
    shape below, 20,000 characters long, must take milliseconds, not minutes."""
    import json
    import re
    import time

    root = Path(__file__).resolve().parent.parent
    grammar = json.loads((root / "editors" / "vscode" / "syntaxes" / "planc.tmLanguage.json")
                         .read_text(encoding="utf-8"))
    patterns = [p for name, rule in grammar["repository"].items()
                for p in _tm_patterns(rule, name)]
    for name, pattern in patterns:
        rx = re.compile(pattern)
        for prefix in ("", "- ", "pool length ", "Main set ", "> ", "- 1m "):
            for piece in ("9", " ", "9 ", "x", "9.", " 9x", "9:"):
                line = prefix + piece * (20_000 // len(piece)) + "é"
                start = time.process_time()
                rx.search(line)
                took = time.process_time() - start
                assert took < 0.5, f"{name} took {took:.2f} s on {prefix!r} + {piece!r}..."


def test_yaml_that_is_not_plancs_gets_no_diagnostics(tmp_path: Path):
    ci = str(tmp_path / "ci.yaml")
    assert analysis.analyse(ci, "jobs:\n  test:\n    runs-on: x\n").diagnostics == []
    lib = "workouts:\n  w: {sport: Ride, body: '- Hard 10m 4.30/km Pace'}\n"
    assert [d.code for d in analysis.analyse(ci, lib).diagnostics] == ["bad-pace"]
    athlete = "ride: {ftp: -5}\n"
    assert analysis.analyse(ci, athlete).diagnostics


@pytest.mark.asyncio
async def test_formatting_is_planc_fmt(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "f.workout", "-   10m   50%\n\n\n- 5m 60%  \n")
    await diagnostics(client, uri)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert [e.new_text for e in edits] == ["- 10m 50%\n\n- 5m 60%\n"]
    assert edits[0].range.start == types.Position(line=0, character=0)


@pytest.mark.asyncio
async def test_a_plan_reads_an_unsaved_library_and_the_disk_again_when_it_closes(
        client: LanguageClient, tmp_path: Path):
    (tmp_path / "lib.yaml").write_text(LIBRARY, encoding="utf-8")
    uri = open_doc(client, tmp_path / "plan.yaml", PLAN.format(work="10m"), "yaml")
    assert await diagnostics(client, uri) == []
    lib = tmp_path / "lib.yaml"
    lib_uri = lib.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=lib_uri, language_id="yaml", version=1, text=LIBRARY)))
    change(client, lib_uri, 2, LIBRARY.replace("intervals:", "renamed:"))  # not saved
    found = await diagnostics(client, uri, found=True)
    assert [d.code for d in found] == ["unknown-workout"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        types.TextDocumentIdentifier(uri=lib_uri)))
    assert await diagnostics(client, uri, cleared=True) == []


def test_a_plan_shows_what_build_would_stop_at(tmp_path: Path):
    """A session in watts with no FTP: the editor marks what `planc check` (and build)
    reports, not only the reading's own diagnostics."""
    from planc.plan.rejections import check_plan

    text = ("id: p\nname: P\nstart: 2027-01-04\nweeks: 1\n"
            "workouts:\n  w: {sport: Ride, body: \"- 30m 200w\"}\ncalendar:\n  - mon: w\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    got = analysis.analyse(str(plan), text).diagnostics
    assert "missing-threshold" in {d.code for d in got}
    assert [(d.code, d.span) for d in got] == [(d.code, d.span) for d in check_plan(plan)]

"""The command line's shared conventions (issue 16, point 5), each run in process.

Exit codes are one table for every command; ``-q``/``-v`` exist on every command;
colour follows NO_COLOR/FORCE_COLOR; ``check --json`` prints one document;
``publish --dry-run --detailed-exitcode`` says whether changes are pending; a
refused connection or an unknown host fails at once, without retries; a sport
written in people's words gets the intervals.icu type as its suggestion.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_planc
from support.icu_fixtures import API_KEY, icu_server  # noqa: F401  (fixture used by name)

from planc.cli import COMMANDS
from planc.commands import ExitCode

SWEET = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"
PLAN = """\
id: conv
name: Conventions
start: 2027-01-04
weeks: 1
athlete: {ride: {ftp: 250}}
calendar:
  - mon: {sport: Ride, name: Easy, body: "- 30m 60%"}
"""


def workout(tmp_path: Path, text: str, name: str = "w.workout") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------- exit codes --

def test_one_exit_code_table_in_the_enum_and_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in {int(c) for c in ExitCode}:
        assert f"| **{code}** |" in readme, f"exit code {code} is not in README's table"


def test_an_unreadable_file_is_a_usage_error_for_every_reading_command(tmp_path: Path):
    missing = str(tmp_path / "missing.zwo")
    for command in ("check", "compile", "import"):
        proc = run_planc(command, missing)
        assert proc.returncode == ExitCode.USAGE, (command, proc.stderr_text)


def test_import_counts_what_it_imported(tmp_path: Path):
    good = workout(tmp_path, "- 10m 50%\n", "good.txt")
    proc = run_planc("import", str(good), str(tmp_path / "gone.zwo"), "-o", str(tmp_path / "o"))
    assert proc.returncode == ExitCode.USAGE
    assert "1 of 2 files imported; 1 failed (above)" in proc.stderr_text


# -------------------------------------------------------------------- -q / -v --

@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_quiet_and_verbose(command: str):
    proc = run_planc(command, "--help")
    assert proc.returncode == 0
    assert "-q, --quiet" in proc.stdout_text and "-v, --verbose" in proc.stdout_text


def test_quiet_drops_warnings_and_keeps_errors(tmp_path: Path):
    warned = workout(tmp_path, "- 400m 50%\n- 10m Z2\n")
    loud = run_planc("check", str(warned))
    assert loud.returncode == 0 and "warning[minutes-or-metres]" in loud.stderr_text
    quiet = run_planc("check", "-q", str(warned))
    assert (quiet.returncode, quiet.stderr_text) == (0, "")
    broken = workout(tmp_path, "- 400m 50%\n- 10m Z9\n", "b.workout")
    quiet = run_planc("check", "-q", str(broken))
    assert quiet.returncode == 1 and "error[bad-zone]" in quiet.stderr_text
    assert "minutes-or-metres" not in quiet.stderr_text


def test_verbose_shows_every_repeat(tmp_path: Path):
    many = workout(tmp_path, "".join(f"- 10m Z9 # {i}\n" for i in range(30)))
    short = run_planc("check", str(many)).stderr_text
    assert short.count("error[bad-zone]") == 20 and "10 more [bad-zone] not shown" in short
    full = run_planc("check", "-v", str(many)).stderr_text
    assert full.count("error[bad-zone]") == 30 and "not shown" not in full


# --------------------------------------------------------------------- colour --

def test_colour_only_when_forced_and_never_with_no_color(tmp_path: Path):
    broken = workout(tmp_path, "- 10m Z9\n")
    plain = run_planc("check", str(broken)).stderr_text  # captured: not a terminal
    assert "\x1b[" not in plain
    forced = run_planc("check", str(broken), env={"FORCE_COLOR": "1"}).stderr_text
    assert "\x1b[1;31merror[bad-zone]\x1b[0m" in forced
    assert _no_escapes(forced) == plain, "colour changes no word"
    both = run_planc("check", str(broken), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert both.stderr_text == plain


def _no_escapes(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# ----------------------------------------------------------------------- json --

def test_check_json_is_one_document_on_stdout(tmp_path: Path):
    broken = workout(tmp_path, "- 400m 50%\n- 10m Z9\n")
    proc = run_planc("check", "--json", str(broken), str(SWEET))
    assert proc.returncode == 1 and proc.stderr_text == ""
    doc = json.loads(proc.stdout_text)
    assert (doc["ok"], doc["errors"], doc["warnings"]) == (False, 1, 1)
    assert doc["files"] == [str(broken), str(SWEET)]
    assert doc["diagnostics"][1] == {
        "path": str(broken), "line": 2, "column": 7, "end_line": 2, "end_column": 9,
        "severity": "error", "code": "bad-zone",
        "message": "power zone Z9 does not exist (zones are Z1-Z7)",
        "hint": "use Z1 to Z7, or an explicit percentage"}
    good = run_planc("check", "--json", "--strict", str(broken))
    assert json.loads(good.stdout_text)["errors"] == 2  # --strict counts warnings as errors


def test_check_json_of_a_plan_carries_its_diagnostics(tmp_path: Path):
    plan = workout(tmp_path, PLAN.replace("sport: Ride", "sport: Bike"), "plan.yaml")
    doc = json.loads(run_planc("check", "--json", str(plan)).stdout_text)
    assert [(d["code"], d["line"], d["hint"]) for d in doc["diagnostics"]] == [
        ("unknown-sport", 7, "did you mean 'Ride'?")]


# ------------------------------------------------------------- sport synonyms --

@pytest.mark.parametrize(("written", "meant"), [("Bike", "Ride"), ("cycling", "Ride"),
                                                 ("Zwift", "VirtualRide"), ("running", "Run"),
                                                 ("Swimming", "Swim"), ("Hikke", "Hike")])
def test_did_you_mean_knows_what_people_call_a_sport(tmp_path: Path, written: str,
                                                     meant: str):
    path = workout(tmp_path, f"---\nsport: {written}\n---\n- 10m 50%\n")
    proc = run_planc("check", str(path))
    assert proc.returncode == 1 and f"hint: did you mean '{meant}'?" in proc.stderr_text
    flag = run_planc("compile", "--sport", written, str(SWEET))
    assert flag.returncode == 2 and f"did you mean {meant}?" in flag.stderr_text


# -------------------------------------------------------------------- publish --

def _publish(server, plan: Path, *args: str):
    env = {"INTERVALS_ICU_API_KEY": API_KEY, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0", "XDG_CONFIG_HOME": str(plan.parent / "xdg")}
    return run_planc("publish", str(plan), *args, env=env)


def test_detailed_exitcode_says_whether_changes_are_pending(icu_server, tmp_path: Path):  # noqa: F811
    plan = workout(tmp_path, PLAN, "plan.yaml")
    pending = _publish(icu_server, plan, "--dry-run", "--detailed-exitcode")
    assert pending.returncode == ExitCode.CHANGES_PENDING == 2, pending.stderr_text
    assert _publish(icu_server, plan, "--yes").returncode == 0
    same = _publish(icu_server, plan, "--dry-run", "--detailed-exitcode")
    assert same.returncode == 0, same.stderr_text
    plain = _publish(icu_server, plan, "--dry-run")
    assert plain.returncode == 0
    broken = workout(tmp_path, PLAN.replace("30m 60%", "30m Z9"), "broken.yaml")
    assert _publish(icu_server, broken, "--dry-run", "--detailed-exitcode").returncode == 1
    alone = _publish(icu_server, plan, "--yes", "--detailed-exitcode")
    assert alone.returncode == 1 and "goes with --dry-run" in alone.stderr_text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_fails_at_once(tmp_path: Path):
    plan = workout(tmp_path, PLAN, "plan.yaml")
    env = {"INTERVALS_ICU_API_KEY": API_KEY, "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
           "INTERVALS_ICU_BASE_URL": f"http://127.0.0.1:{_closed_port()}"}
    started = time.monotonic()
    proc = run_planc("publish", str(plan), "--dry-run", env=env)
    assert time.monotonic() - started < 3  # five attempts with backoff took about 6 s
    assert proc.returncode == ExitCode.SERVICE
    assert "connection refused (is the server running? check --base-url)" in proc.stderr_text
    assert "retrying" not in proc.stderr_text


def test_an_unknown_host_is_not_retried():
    import httpx

    from planc.publish.client import unreachable

    try:
        raise httpx.ConnectError("[Errno -2] Name or service not known")
    except httpx.ConnectError as exc:
        assert unreachable(exc) is not None and "unknown host" in unreachable(exc)
    try:
        try:
            raise socket.gaierror(-3, "Temporary failure in name resolution")
        except socket.gaierror as inner:
            raise httpx.ConnectError("wrapped") from inner
    except httpx.ConnectError as exc:
        assert "unknown host" in (unreachable(exc) or "")
    assert unreachable(httpx.ConnectTimeout("timed out")) is None  # that one is retried


# ---------------------------------------------------------------- YAML errors --

@pytest.mark.parametrize(("text", "message", "hint"), [
    ("id: p\nname: P\n start: 2027-01-04\n", "a 'key: value' cannot start here",
     "line 3 is indented 1 space; the lines above start in column 1: line it up with "
     "line 2 (0 spaces)"),
    ("calendar:\n  - mon: {sport: Ride}\n   - tue: {sport: Run}\n",
     "this line is out of line with the ones above it",
     "line 3 is indented 3 spaces; the lines above start in columns 1, 3: line it up with "
     "line 2 (2 spaces)"),
    ("calendar:\n\t- mon: {sport: Ride}\n", "a tab character: YAML indents with spaces only",
     "replace the tab with spaces"),
    ("calendar:\n  - mon: {sport: Ride\n", "a { … } mapping is not closed", "write {key"),
])
def test_yaml_errors_are_in_plancs_words(tmp_path: Path, text: str, message: str,
                                         hint: str):
    plan = workout(tmp_path, text, "plan.yaml")
    proc = run_planc("check", str(plan))
    assert proc.returncode == 1
    assert f"error[yaml-syntax]: {message}" in proc.stderr_text
    assert f"hint: {hint}" in proc.stderr_text
    assert "<block" not in proc.stderr_text and "expected" not in proc.stderr_text


# ----------------------------------------------------- durations in messages --

def test_cue_positions_are_written_as_durations_and_distances(tmp_path: Path):
    timed = workout(tmp_path, "- 5m 50%\n  > 6m30s Too late\n")
    assert "cue at 6m30s is past the end of its step (5m)" in \
        run_planc("check", str(timed)).stderr_text
    paced = workout(tmp_path, "---\nsport: Run\n---\n- 1km 80% Pace\n  > 1200mtr Late\n",
                    "r.workout")
    assert "cue at 1.2km is past the end of its step (1km)" in \
        run_planc("check", str(paced)).stderr_text


def test_an_update_shows_old_and_new_for_each_field(icu_server, tmp_path: Path):  # noqa: F811
    keyed = PLAN.replace("{sport: Ride,", "{key: easy, sport: Ride,")
    plan = workout(tmp_path, keyed, "plan.yaml")
    assert _publish(icu_server, plan, "--yes").returncode == 0
    plan.write_text(keyed.replace("name: Easy", "name: Easier")
                    .replace('"- 30m 60%"', '"- 10m 50%\\n- 30m 60%"'), encoding="utf-8")
    proc = _publish(icu_server, plan, "--dry-run")
    assert proc.returncode == 0, proc.stderr_text
    out = proc.stdout_text
    assert "      name: Easy -> Easier\n" in out
    assert "      description:\n        + - 10m 50%\n" in out
    assert "- 30m 60%" not in out.split("description:")[1].split("\n")[1]  # unchanged step


def test_build_json_names_the_output_and_carries_the_diagnostics(tmp_path: Path):
    plan = workout(tmp_path, PLAN.replace("30m 60%", "30m 60-70%"), "plan.yaml")
    proc = run_planc("build", str(plan), "-o", str(tmp_path / "out"), "--json")
    assert proc.returncode == 0, proc.stderr_text
    doc = json.loads(proc.stdout_text)
    assert doc["exit_code"] == 0 and doc["ok"] is True
    assert doc["output"] == str(tmp_path / "out")
    assert doc["manifest"] == str(tmp_path / "out" / "manifest.json")
    assert {d["code"] for d in doc["diagnostics"]} == {"range-midpoint"}
    assert "range-midpoint" not in proc.stderr_text  # in the document, not printed
    broken = workout(tmp_path, PLAN.replace("30m 60%", "30m Z9"), "broken.yaml")
    bad = run_planc("build", str(broken), "-o", str(tmp_path / "o2"), "--json")
    assert bad.returncode == 1 and json.loads(bad.stdout_text)["errors"] == 1


def test_publish_json_lists_the_plan_of_action(icu_server, tmp_path: Path):  # noqa: F811
    plan = workout(tmp_path, PLAN, "plan.yaml")
    proc = _publish(icu_server, plan, "--dry-run", "--json")
    assert proc.returncode == 0, proc.stderr_text
    doc = json.loads(proc.stdout_text)
    assert doc["exit_code"] == 0 and doc["dry_run"] is True and doc["ok"] is True
    (calendar,) = doc["calendars"]
    assert calendar["plan"] == "conv" and calendar["athlete"] is None
    assert [(a["action"], a["date"], a["name"]) for a in calendar["actions"]] == [
        ("create", "2027-01-04", "Easy")]
    assert "plan of action for conv" in proc.stderr_text  # the human view, on stderr


def test_check_reports_what_build_would_reject(tmp_path: Path):
    plan = workout(tmp_path, PLAN.replace("athlete: {ride: {ftp: 250}}\n", "")
                   .replace('"- 30m 60%"', '"- 30m 200w"'), "plan.yaml")
    build = run_planc("build", str(plan), "-o", str(tmp_path / "out"))
    assert build.returncode == 1
    check = run_planc("check", str(plan))
    assert check.returncode == 1, check.stderr_text
    wanted = sorted(line for line in build.stderr_text.splitlines() if "error[" in line)
    assert sorted(line for line in check.stderr_text.splitlines() if "error[" in line) == wanted
    assert wanted and all("missing-threshold" in line for line in wanted)


def test_build_json_is_printed_on_a_no_change_rebuild_too(tmp_path: Path):
    plan = workout(tmp_path, PLAN, "plan.yaml")
    args = ("build", str(plan), "-o", str(tmp_path / "out"), "--json")
    first = run_planc(*args)
    again = run_planc(*args)
    assert first.returncode == again.returncode == 0
    assert json.loads(again.stdout_text) == json.loads(first.stdout_text)


def test_quiet_silences_progress_lines_of_fmt_and_import(tmp_path: Path):
    messy = workout(tmp_path, "-   10m 50%\n")
    assert "1 file reformatted" in run_planc("fmt", str(messy)).stderr_text
    messy.write_text("-   10m 50%\n", encoding="utf-8")
    quiet = run_planc("fmt", "-q", str(messy))
    assert (quiet.returncode, quiet.stderr_text) == (0, "")
    assert messy.read_text(encoding="utf-8") == "- 10m 50%\n"
    a, b = workout(tmp_path, "- 10m 50%\n", "a.txt"), workout(tmp_path, "- 5m 60%\n", "b.txt")
    loud = run_planc("import", str(a), str(b), "-o", str(tmp_path / "o"))
    assert "2 of 2 files imported" in loud.stderr_text
    quiet = run_planc("import", "-q", str(a), str(b), "-o", str(tmp_path / "o2"))
    assert (quiet.returncode, quiet.stderr_text) == (0, "")

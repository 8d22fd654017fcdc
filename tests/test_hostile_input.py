"""Hostile or absurd input gets a clear message and a documented exit code, never a
traceback, a hang or a flood (found by a black-box hunt through the CLI)."""

from __future__ import annotations

import os
import re

import pytest
from conftest import ROOT, run_installed, run_planc
from support.timing import within

from planc.diagnostics import Diagnostic, Severity, Span, render
from planc.plan.expr import ExprError, evaluate
from planc.publish.credentials import CredentialsError, load_credentials

VO2 = ROOT / "plans" / "workouts" / "vo2max-5x3.workout"
GIB = 1 << 30  # address space for a subprocess reading hostile input: planc needs ~0.2 GB
TOO_LARGE = "larger than 4 MB; planc reads input files up to that size"


def test_a_long_source_line_is_shown_as_a_window_around_the_caret():
    line = "- 1m 50% " + "90rpm " * 1000 + "BAD " + "90rpm " * 1000
    column = line.index("BAD") + 1
    d = Diagnostic(Severity.ERROR, "unknown-token", "bad", Span(1, column, 1, column + 3),
                   "x.workout")
    text = render(d, {"x.workout": line})
    source, caret = text.splitlines()[1:3]
    assert len(source) < 120 and source.startswith("  1 | …") and source.endswith("…")
    assert source[caret.index("^"):caret.index("^") + 3] == "BAD"
    assert caret.count("^") == 3


def test_control_characters_never_reach_the_terminal():
    line = "- Evil\x1b[31m\u202e label 10m 50%"
    d = Diagnostic(Severity.WARNING, "w", "label 'Evil\x1b[31m'", Span(1, 3, 1, 7), "x")
    text = render(d, {"x": line})
    assert "\x1b" not in text and "\u202e" not in text
    assert "Evil?[31m? label" in text


def test_a_mistake_repeated_fifty_thousand_times_is_printed_twenty_times(tmp_path):
    path = tmp_path / "cadence.workout"
    path.write_text("- 1m 50% " + "90rpm " * 50_000 + "\n", encoding="utf-8")
    with within(20, "checking 50,000 repeated targets"):
        proc = run_planc("check", str(path))
    assert proc.returncode == 0
    assert proc.stderr_text.count("warning[duplicate-target]") == 20
    assert "note: 49979 more [duplicate-target] not shown" in proc.stderr_text
    assert "49999 warnings" in proc.stderr_text
    assert len(proc.stderr_text) < 20_000


DEEP = "the expression is nested too deeply"


@pytest.mark.parametrize(("text", "value", "refusal"), [
    # deep but short: the value, or (when the caller's stack is already deep) refused as deep
    ("(" * 240 + "10m" + ")" * 240, ("duration", 600.0), DEEP),
    ("-" * 499 + "1", ("number", -1.0), DEEP),  # 499 minus signs, odd: negative
    ("min(" * 80 + "1" + ",1)" * 80, None, "the expression is 561 characters long "
                                           "(planc allows 500)"),
    ("(" * 400 + "1" + ")" * 400, None, "the expression is 801 characters long "
                                        "(planc allows 500)"),
])
def test_deep_or_long_expressions_evaluate_or_are_expression_errors(text, value, refusal):
    with within(2, "evaluating a deep expression"):
        try:
            result = evaluate(text, {"week": 1, "n": 1})
        except ExprError as exc:
            assert str(exc) == refusal
        else:
            assert value is not None and (result.kind, result.value) == value


@pytest.mark.parametrize(("flag", "value"), [("--ftp", "nan"), ("--ftp", "inf"),
                                             ("--lthr", "-5"), ("--threshold-pace", "99:99/km"),
                                             ("--threshold-pace", "nan"),
                                             ("--threshold-pace", "270")])
def test_impossible_threshold_flags_are_usage_errors(tmp_path, flag, value):
    proc = run_planc("compile", str(VO2), "--to", "erg", flag, value, "-o", str(tmp_path))
    assert proc.returncode == 2, proc.stderr_text
    assert f"planc compile: error: argument {flag}: '{value}'" in proc.stderr_text
    assert not list(tmp_path.iterdir())


def test_a_binary_athlete_file_is_an_error_not_a_crash(tmp_path):
    athlete = tmp_path / "athlete.yaml"
    athlete.write_bytes(os.urandom(64) + b"\xff\xfe\x00")
    proc = run_planc("compile", str(VO2), "--to", "erg", "--athlete", str(athlete))
    assert proc.returncode == 1 and proc.stdout == b""
    # positioned at the first byte that is not UTF-8, as far as the file is text
    assert re.match(rf"{re.escape(str(athlete))}:1:\d+: error\[encoding\]: the file is not "
                    r"UTF-8 text", proc.stderr_text), proc.stderr_text
    assert proc.stderr_text.endswith("1 error\n") and "Traceback" not in proc.stderr_text


def test_a_binary_or_directory_config_file_is_a_credentials_error(tmp_path):
    config = tmp_path / "planc" / "config.toml"
    config.parent.mkdir()
    config.write_bytes(b"\xff\xfe[intervals]\x00")
    config.chmod(0o600)
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    with pytest.raises(CredentialsError, match="not UTF-8"):
        load_credentials(env)
    config.unlink()
    config.mkdir()
    with pytest.raises(CredentialsError, match="is a directory"):
        load_credentials(env)


def test_an_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # 9**9 values if expanded: in a subprocess, so a regression times out instead of hanging
    with within(30, "refusing an alias bomb"):
        proc = run_installed("check", str(path), timeout=60, max_memory=GIB)
    assert proc.returncode == 1, proc.stderr_text
    assert f"{path}:" in proc.stderr_text and "error[yaml-too-large]" in proc.stderr_text


def test_aliases_within_reason_still_work(tmp_path):
    from planc.plan.yamlsrc import parse_yaml

    tree, diags = parse_yaml("a: &a [1, 2]\nb: [*a, *a]\n", "x.yaml")
    assert not diags and len(tree.get("b").items) == 2


@pytest.mark.parametrize(("args", "status", "said"), [
    (("check", "/dev/zero"), 2, f"planc check: error: /dev/zero: {TOO_LARGE}"),
    (("import", "/dev/zero"), 2, f"/dev/zero: error[unreadable]: cannot read the file: {TOO_LARGE}"),
    (("import", "-"), 2, f"<stdin>: error[unreadable]: cannot read the file: {TOO_LARGE}"),
    (("compile", str(VO2), "--to", "erg", "--athlete", "/dev/zero"), 1,
     f"/dev/zero: error[athlete-file]: cannot read athlete file: {TOO_LARGE}"),
], ids=["check", "import", "import-stdin", "athlete"])
def test_an_endless_input_is_refused_without_reading_it_all(args, status, said):
    """/dev/zero as a file, as standard input and as an athlete file: refused at the
    one size limit, quickly, in 1 GB of address space (unbounded, it took every byte)."""
    with open("/dev/zero", "rb") as zero, within(30, f"planc {args[0]} of /dev/zero"):
        proc = run_installed(*args, input=zero, timeout=60, max_memory=GIB)
    assert proc.returncode == status, proc.stderr_text
    assert said in proc.stderr_text and proc.stdout == b""


@pytest.mark.parametrize("value", ["nan", "-5", "1e309"])
def test_impossible_starting_fitness_is_a_usage_error(value):
    proc = run_planc("stats", str(ROOT / "plans" / "half-marathon-12w.yaml"), "--json",
                     "--ctl", value)
    assert proc.returncode == 2 and proc.stdout == b""
    assert f"planc stats: error: argument --ctl: '{value}' is not a training load (0 to " \
           "1000)" in proc.stderr_text


@pytest.mark.parametrize("length", ["0mtr", "99999999mtr", "2m"])
def test_impossible_pool_lengths_are_errors(tmp_path, length):
    from planc.check import read_workout

    parsed = read_workout(f"Pool length: {length}\n- 100mtr Z2 Pace\n", sport="Swim")
    assert [d.code for d in parsed.diagnostics if d.is_error] == ["pool-length"]


def test_the_plan_of_action_is_one_line_per_event_whatever_the_name():
    import datetime as dt

    from planc.publish.diff import Action, Change

    line = Action(Change.CREATE, "planc:x:2027-01-04:1", dt.date(2027, 1, 4), None, "Ride",
                  "Evil\nname\x1b[2J\u202e").line()
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert line.endswith("Evil name?[2J?")

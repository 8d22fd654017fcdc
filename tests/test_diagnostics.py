"""One test per check: the code, the position and the message a user sees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_planc

from planc.check import read_workout
from planc.diagnostics import render

# (text, sport, code, severity, line, column, message fragment, hint fragment)
CASES = [
    # a line intervals.icu drops (no duration it reads) is dropped, with why
    ("- 10m 50%\n- Hard 20min 120%\n", "Ride", "dropped-by-icu", "warning", 2, 8,
     "drops this step: it has no duration or distance ('20min' is not one)", "'20m'"),
    ("- 1.5h 60%\n", "Ride", "dropped-by-icu", "warning", 1, 3, "'1.5h'", "1h30m"),
    ("- 400meters 80% Pace\n", "Run", "dropped-by-icu", "warning", 1, 3, "400meters",
     "'400mtr'"),
    ("- 5:00 70%\n", "Ride", "dropped-by-icu", "warning", 1, 3, "'5:00'", "5:00/km Pace"),
    ("- Hard 120%\n", "Ride", "dropped-by-icu", "warning", 1, 1, "no duration", "'5m'"),
    ("4x\n- MAX standing start from near-stop\n- 15s 700w\n", "Ride", "dropped-by-icu",
     "warning", 2, 1, "intervals.icu drops this step", "'5m'"),
    ("- Cool Down 0s\n- 10m 50%\n", "Ride", "dropped-by-icu", "warning", 1, 13,
     "its length '0s' is zero", "remove"),
    ("- 0mtr 50%\n- 10m 50%\n", "Ride", "dropped-by-icu", "warning", 1, 3, "'0mtr'", None),
    ("- 10 min 50%\n- 5m 50%\n", "Ride", "dropped-by-icu", "warning", 1, 3, "'10 min' is not one",
     "'10m'"),
    ("- Easy 2 km 50% Pace\n- 5m 50%\n", "Run", "dropped-by-icu", "warning", 1, 8, "'2 km'",
     "'2km'"),
    ("- 10m (200w)\n", "Ride", "unread-target", "warning", 1, 7, "'(200w)'", "'200w'"),
    ("- MAX effort\n", "Ride", "no-steps", "error", 1, 1, "every step line is dropped",
     "duration"),
    # a value-shaped word planc does not read: said, never silently text
    ("- 45m 120w in the first 10min\n", "Ride", "unknown-token", "warning", 1, 25,
     "'10min' is not a value intervals.icu reads", "'10m'"),
    ("- 10m 50% ≈20s\n", "Ride", "unknown-token", "warning", 1, 11, "'≈20s'", None),
    # a bare number right after a value is a target without its unit; a zone glued to its kind
    ("- 10m 200\n", "Ride", "unknown-token", "warning", 1, 7, "'200'", "'200w'"),
    ("- 10m 90% 200-250\n", "Ride", "unknown-token", "warning", 1, 11, "'200-250'",
     "'200-250w'"),
    ("- 10m Z2HR\n", "Run", "unknown-token", "warning", 1, 7, "'Z2HR'", "'Z2 HR'"),
    ("- 10m 50% then 2 easy\n", "Ride", "unknown-token", None, 0, 0, None, None),
    ("- Ramp 1 10m 50%\n", "Ride", "unknown-token", None, 0, 0, None, None),
    ("- 5km 5 Pace\n", "Run", "bad-pace", "error", 1, 7, "'5 Pace'", "'5:00/km Pace'"),
    ("- 5km 4.30/km Pace\n", "Run", "bad-pace", "error", 1, 7, "'4.30/km Pace' is not a pace",
     "'4:30/km Pace'"),
    ("- 5km 5/km Pace\n", "Run", "bad-pace", "error", 1, 7, "'5/km Pace'", "'5:00/km Pace'"),
    ("- 5km 4:30km Pace\n", "Run", "bad-pace", "error", 1, 7, "'4:30km Pace'",
     "'4:30/km Pace'"),
    # intervals.icu's label rule: the label ends at the first value, or inside a word that
    # ends in a whole number and a unit (measured, intervals.md §1.11)
    ("- Easy <40% MAP 10m 50%\n", "Ride", "label-cut", "warning", 1, 8,
     "ends the label at '<40%', so the label is 'Easy <' and 'MAP' is not part of it",
     "out of labels"),
    ("- 20min effort 20m 276w\n", "Ride", "label-cut", "warning", 1, 3,
     "so the step has no label and 'effort' is not part of it", None),
    ("- Recovery spin 150w (easy) 45m 120w\n", "Ride", "label-cut", "warning", 1, 17,
     "'150w', so the label is 'Recovery spin' and '(easy)' is not part of it", None),
    ("- Suit worth 0.33s per lap 20m 210w\n", "Ride", "label-cut", None, 0, 0, "", None),
    ("- 10m rmp 50-70%\n", "Ride", "unknown-word", "warning", 1, 7,
     "'rmp' is not a keyword intervals.icu reads", "'ramp'"),
    ("- 20min effort 20m 276w\n", "Ride", "unknown-word", None, 0, 0, "", None),
    ("Warmpu\n- 10m ramp 50-75%\n", "Ride", "section-spelling", "warning", 1, 1,
     "'Warmpu' is a title", "did you mean 'Warmup'?"),
    ("Cooldwon\n- 10m ramp 65-45%\n", "Ride", "section-spelling", "warning", 1, 1,
     "'Cooldwon' is a title", "did you mean 'Cooldown'?"),
    ("Warm and steady\n- 10m 55%\n", "Ride", "section-spelling", None, 0, 0, "", None),
    ("- 5m 2m 60%\n", "Ride", "two-durations", "error", 1, 6, "second duration", "own step"),
    ("- 200mtr Z2 Pace 20s rest\n", "Swim", "two-durations", "error", 1, 18, "'20s'",
     "intensity=rest"),
    ("- 400m 70% Pace\n", "Swim", "minutes-or-metres", "warning", 1, 3, "400 minutes", "'400mtr'"),
    ("- 200m 60%\n", "Ride", "minutes-or-metres", "warning", 1, 3, "200 minutes (3.3 h)",
     "'200mtr'"),
    ("- 10m 5:00/km\n", "Run", "pace-without-keyword", "error", 1, 7, "no 'Pace'",
     "'5:00/km Pace'"),
    ("- 100mtr 1:45/100mtr Pace\n", "Swim", "pace-unit", "error", 1, 10, "'/100mtr'", "'/100m'"),
    ("- 10m 92-88%\n", "Ride", "reversed-range", "warning", 1, 7, "goes down", "ramp"),
    ("- 10m 75-75%\n", "Ride", "empty-range", "warning", 1, 7, "same start and end",
     "single value"),
    ("0x\n- 1m 100%\n", "Ride", "repeat-count", "error", 1, 1, "repeats nothing", "2x"),
    ("1x\n- 1m 100%\n", "Ride", "repeat-count", "warning", 1, 1, "1x repeats once", "2x"),
    ("Main set 2.5x\n- 1m 100%\n", "Ride", "repeat-count", "error", 1, 10,
     "'2.5x' is not a whole number", "'3x'"),
    ("Main set -2x\n- 1m 100%\n", "Ride", "repeat-count", "error", 1, 10, "negative", "'3x'"),
    ("Main 500x\n- 1m 100%\n", "Ride", "repeat-count", "error", 1, 6, "absurd", "split"),
    ("Main set 4x\n\n- 5m 50%\n", "Ride", "empty-repeat", "error", 1, 1, "has no steps",
     "step lines"),
    ("- Z2 Easy 10m\n", "Ride", "label-dropped", "warning", 1, 3, "drops the label", "after"),
    ("- Steady & smooth 10m 50%\n", "Ride", "label-html", "warning", 1, 3, "HTML-escaped",
     "plain words"),
    ("- 100000h 100%\n", "Ride", "step-too-long", "error", 1, 3, "100,000 hours",
     "'m' is minutes"),
    ("- 2000km 5:00/km Pace\n", "Run", "step-too-long", "error", 1, 3, "2,000 km", "unit"),
    ("- 10m 99999999%\n", "Ride", "absurd-target", "error", 1, 7, "99,999,999% of FTP",
     "maxeffort"),
    ("- 10m 50 %\n", "Ride", "unread-target", "warning", 1, 7, "'50 %' looks like a target",
     "no space before '%'"),
    ("- 10m -50%\n", "Ride", "unread-target", "warning", 1, 7, "'-50%'", "no sign"),
    ("- Nul\x00x 1m 50%\n", "Ride", "control-character", "warning", 1, 6, "U+0000",
     "delete it"),
    ("- 10m 4:60/km Pace\n", "Run", "bad-pace", "error", 1, 7, "60 or more seconds",
     "5:00/km"),
    ("---\nname: A\nname: B\n---\n- 10m 50%\n", "Ride", "header-key", "warning", 3, 1,
     "'name' appears twice", "keep one"),
    ("Main set 3x\n- 1m 100%\n- 1m 50%\nCooldown\n- 5m 40%\n", "Ride", "missing-blank-line",
     "warning", 4, 1, "'Cooldown' is inside the repeat 'Main set 3x'", "blank line before"),
    ("- 10m Z7\n", "Ride", "absurd-zone", "warning", 1, 7, "absurd", "150-200%"),
    ("- 10m Z9\n", "Ride", "bad-zone", "error", 1, 7, "Z9 does not exist", "Z1 to Z7"),
    ("- 10m Z0 HR\n", "Run", "bad-zone", "error", 1, 7, "Z0", None),
    ("- 400mtr 75%\n", "Swim", "power-on-sport", "error", 1, 10, "Swim has no power",
     "' Pace'"),
    ("- 30m Z2\n", "Run", "power-on-run", "warning", 1, 7, "power target on a run", "'Z2 HR'"),
    ("- 10m 60% 2x\n", "Ride", "inline-repeat", "error", 1, 11, "not a repeat",
     "its own line"),
    ("- 10m ramp 60%\n", "Ride", "ramp-without-range", "error", 1, 7, "needs a range",
     "'ramp 50-75%'"),
    ("- 10m 60% intensity=hard\n", "Ride", "bad-option", "error", 1, 11, "unknown intensity",
     "one of"),
    ("- 10m 60% intensty=rest\n", "Ride", "bad-option", "error", 1, 11, "unknown option",
     "'intensity='"),
    ("- 10m 60% power=5s\n", "Ride", "bad-option", "error", 1, 11, "averaging window",
     "power=1s"),
    ("- 10m 60% 70%\n", "Ride", "duplicate-target", "warning", 1, 11, "last one wins", None),
    ("- 5m 60%\nMain 3x\n- 1m 100%\n", "Ride", "missing-blank-line", "warning", 2, 1,
     "without a blank line", "blank line"),
    ("Warm up\n- 10m 50%\n", "Ride", "section-spelling", "warning", 1, 1, "'Warmup' header",
     "'Warmup'"),
    ("> 1m Go\n- 10m 50%\n", "Ride", "orphan-cue", "error", 1, 1, "must follow a step", None),
    ("- 10m 50%\n> 12m Go\n", "Ride", "cue-offset", "error", 2, 1, "past the end", None),
    ("---\nname: X\nsprot: Run\n---\n- 10m 50%\n", "Ride", "header-key", "error", 3, 1,
     "unknown header key 'sprot'", "'sport'"),
    ("---\nsport: Rnu\n---\n- 10m 50%\n", None, "unknown-sport", "error", 2, 8,
     "unknown sport 'Rnu'", "'Run'"),
    ("---\nname: X\n- 10m 50%\n", "Ride", "header-syntax", "error", 3, 1, "key: value", "---"),
    ("- 10m 88–92%\n", "Ride", "non-ascii-dash", "warning", 1, 7,
     "reads '88–92%' as its first number only", "'88-92%'"),
    ("--- Coach notes ---\n- 10m 50%\n", "Ride", "divider", "warning", 1, 1, "dropped", "'//'"),
    ("", "Ride", "no-steps", "warning", 1, 1, "no steps", None),
    ("Pool length: 25 furlongs\n- 100mtr 70% Pace\n", "Swim", "pool-length", "error", 1, 1,
     "unknown pool length unit 'furlongs'", "25y"),
    ("- Ramp 10m 50-60%\n", "Ride", "ramp-in-label", "warning", 1, 3, "read as label text",
     "'- 10m ramp 50-75%'"),
    # a title that ends like a repeat count but is not one: its steps run once
    ("Main set x3\n- 1m 100%\n", "Ride", "not-a-repeat", "warning", 1, 1, "not a repeat",
     "'Main set 3x'"),
    ("Main set 3x:\n- 1m 100%\n", "Ride", "not-a-repeat", "warning", 1, 1, "run once",
     "'Main set 3x'"),
    ("Hills 6 times\n- 1m 100%\n", "Ride", "not-a-repeat", "warning", 1, 1, "'Hills 6 times'",
     "'Hills 6x'"),
    ("Main set 3x\n- 1m 100%\n", "Ride", "not-a-repeat", None, 0, 0, None, None),
    ("Box 2x4\n- 1m 100%\n", "Ride", "not-a-repeat", None, 0, 0, None, None),
    ("- 10m 5:20 Pace\n", "Run", "pace-unit", "warning", 1, 7, "assumes /km", "'5:20/km Pace'"),
]


def _find(diags, code):
    found = [d for d in diags if d.code == code]
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "sport", "code", "severity", "line", "column", "message", "hint"), CASES,
    ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_check(text, sport, code, severity, line, column, message, hint):
    parsed = read_workout(text, path="w.workout", sport=sport)
    if severity is None:  # negative case: the code must not appear
        assert _find(parsed.diagnostics, code) is None, _find(parsed.diagnostics, code)
        return
    d = _find(parsed.diagnostics, code)
    assert d is not None, [(x.code, x.message) for x in parsed.diagnostics]
    assert d.severity == severity
    assert (d.span.line, d.span.column) == (line, column)
    assert message in d.message
    if hint is not None:
        assert d.hint and hint in d.hint, d.hint
    if severity == "error":
        assert parsed.workout is None


def test_several_errors_in_one_run():
    text = "- 10m 5:00/km\n- 5km 5/km Pace\n- 20min 50%\n\n0x\n- 1m 90%\n"
    parsed = read_workout(text, sport="Run")
    codes = [d.code for d in parsed.diagnostics if d.is_error]
    assert codes == ["pace-without-keyword", "bad-pace", "repeat-count"]
    lines = sorted({d.span.line for d in parsed.diagnostics if d.is_error})
    assert lines == [1, 2, 5]
    assert [d.span.line for d in parsed.diagnostics if d.code == "dropped-by-icu"] == [3]


def test_rendering_has_source_line_caret_and_hint():
    text = "- 10m 50%\n- Hard 20min 120%\n"
    parsed = read_workout(text, path="w.workout")
    out = render(parsed.diagnostics[0], {"w.workout": text})
    assert out.splitlines() == [
        "w.workout:2:8: warning[dropped-by-icu]: intervals.icu drops this step: it has no "
        "duration or distance ('20min' is not one); planc drops it too",
        "  2 | - Hard 20min 120%",
        "    |        ^^^^^",
        "  hint: minutes are written '20m'",
    ]


def test_limits_keep_hostile_input_cheap():
    text = "A 200x\n B 200x\n  - 1s 50%\n"
    parsed = read_workout(text)
    assert [d.code for d in parsed.diagnostics if d.is_error] == ["too-many-steps"]
    deep = "".join(" " * i + f"L{i} 2x\n" for i in range(6)) + " " * 6 + "- 1s 50%\n"
    parsed = read_workout(deep)
    assert "too-deep" in [d.code for d in parsed.diagnostics]


def test_huge_input_is_refused_quickly():
    parsed = read_workout("- 1m 50%\n" * 200_000)
    assert [d.code for d in parsed.diagnostics] == ["too-large"]


# ---------------------------------------------------------------- plans --

PLAN = """\
id: p
name: p
start: 2026-11-30
weeks: 2
workouts:
  w:
    sport: Ride
    params: {reps: 3, work: 4m}
    body: |
      Main set {reps}x
      - {work} 90%
calendar:
  - tue: {workout: w, ARGS}
"""


def _plan_errors(tmp_path, text):
    from planc.plan.load import read_plan

    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return [(d.code, d.span.line) for d in read_plan(path).diagnostics if d.is_error]


@pytest.mark.parametrize(("args", "code"), [
    ("reps: ²", "bad-count"),  # '²'.isdigit() is true, int('²') raised (issue 11, item 3)
    ("reps: ١", "bad-count"),
    ("work: 5:00/km", "pace-without-keyword"),
])
def test_one_bad_argument_is_one_error(tmp_path, args, code):
    """... not also an 'empty-repeat' for the repeat its step was in (issue 12, point 4)."""
    assert _plan_errors(tmp_path, PLAN.replace("ARGS", args)) == [(code, 13)]


@pytest.mark.parametrize("weeks", ["'1_2'", "'١'", "'1-²'"])
def test_weeks_are_ascii_whole_numbers(tmp_path, weeks):
    text = PLAN.replace("  - tue: {workout: w, ARGS}", f"  - weeks: {weeks}\n    tue: w")
    assert [code for code, _ in _plan_errors(tmp_path, text)] == ["bad-weeks"]


HOSTILE = Path(os.environ.get("PLANC_HOSTILE", Path(__file__).resolve().parents[1].parent
                              / "shared" / "hostile"))


@pytest.mark.parametrize(("name", "code"), [("parse-keyerror-dotted-I.workout", "no-steps"),
                                            ("plan-superscript-count.yaml", "bad-count")])
def test_hostile_reproducers_are_clean_errors(name, code):
    path = HOSTILE / name
    if not path.is_file():
        pytest.skip(f"hostile reproducer not found at {path} (set PLANC_HOSTILE)")
    proc = run_planc("check", str(path))
    assert proc.returncode == 1, proc.stderr_text
    assert f"error[{code}]" in proc.stderr_text and "internal error" not in proc.stderr_text


# ------------------------------------------------------------ encodings --


@pytest.mark.parametrize("command", [("check",), ("stats",), ("compile", "--to", "icu")])
def test_a_file_that_is_not_utf8_is_a_positioned_error(tmp_path, command):
    path = tmp_path / "w.workout"
    path.write_bytes("- 10m 50%\n- Café crème 5m 60%\n".encode("cp1252"))  # a Windows editor
    proc = run_planc(*command, str(path))
    assert proc.returncode == 1, proc.stderr_text
    lines = proc.stderr_text.splitlines()
    assert lines[0] == (f"{path}:2:6: error[encoding]: the file is not UTF-8 text: byte 0xE9 "
                        "('é') looks like Windows-1252 (cp1252)")
    assert lines[1:4] == ["  2 | - Caf� cr�me 5m 60%", "    |      ^",
                          "  hint: save the file as UTF-8 (in most editors: Save As, Encoding: "
                          "UTF-8)"]


def test_a_plan_that_is_not_utf8_is_a_positioned_error(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(PLAN.replace("ARGS", "reps: 3").replace("name: p", "name: “Base”")
                     .encode("cp1252"))
    proc = run_planc("check", str(path))
    assert proc.returncode == 1, proc.stderr_text
    assert proc.stderr_text.startswith(f"{path}:2:7: error[encoding]: the file is not UTF-8 "
                                       "text: byte 0x93 ('“') looks like Windows-1252")


def test_utf16_is_named(tmp_path):
    path = tmp_path / "w.workout"
    path.write_bytes("- 10m 50%\n".encode("utf-16"))
    proc = run_planc("check", str(path))
    assert proc.returncode == 1 and "looks like UTF-16" in proc.stderr_text

"""``planc fmt``: golden before/after pairs, idempotence, meaning kept, and the command's codes.

Meaning is the AST: a workout read back from the new text equals the one read from
the old (positions are not compared), and a plan has the same sessions.  Random
workouts come from the printer's own strategy (tests/test_printer.py), written by
the printer and then given a careless layout (spaces, blank lines, comments); both
example plans are formatted as copies beside their libraries.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_printer import workouts

from planc.check import read_workout
from planc.cli import main
from planc.fmt import _meaning, format_plan, format_text, format_workout
from planc.plan import read_plan
from planc.syntax.printer import write

GOLDEN = Path(__file__).resolve().parent / "golden" / "fmt"
PLANS = Path(__file__).resolve().parent.parent / "plans"


@pytest.mark.parametrize("before", sorted(GOLDEN.glob("*.before.*")), ids=lambda p: p.name)
def test_golden_pairs(before: Path, tmp_path: Path):
    after = before.with_name(before.name.replace(".before.", ".after."))
    # a plan is formatted where it lies (no includes here); a copy keeps the golden intact
    copy = tmp_path / before.name
    shutil.copy(before, copy)
    got = format_text(before.read_text(encoding="utf-8"), str(copy))
    assert got.text == after.read_text(encoding="utf-8")
    again = format_text(got.text, str(copy))
    assert again.text == got.text, "formatting twice is formatting once"


def test_comments_blank_lines_and_nesting_are_kept():
    text = ("// intro\n\n\nSets 2x\n   Reps 3x\n        - 30s 120%\n  // recover\n"
            "        - 30s 50%\n   - 2m 50%   \n\n\n\n- 5m 40%\n")
    got = format_workout(text)
    assert got.text == ("// intro\n\nSets 2x\n  Reps 3x\n    - 30s 120%\n    // recover\n"
                        "    - 30s 50%\n  - 2m 50%\n\n- 5m 40%\n")


def test_a_header_value_the_printer_would_respace_is_kept_as_written():
    got = format_workout("---\nname:   Two  spaces\nsport: Ride\n---\n- 10m 50%\n")
    assert got.text == "---\nname: Two  spaces\nsport: Ride\n---\n- 10m 50%\n"


def test_a_file_with_errors_is_left_alone():
    got = format_workout("- Hard 10m 4.30/km Pace\n")
    assert got.text is None and [d.code for d in got.diagnostics] == ["bad-pace"]


# ------------------------------------------------------------- properties --

def _messy(text: str, data) -> str:
    """The same workout, laid out carelessly: doubled spaces inside step lines, trailing
    spaces, doubled blank lines, and comment lines dropped in."""
    out = []
    lines = text.split("\n")
    header = lines.index("---", 1) + 1 if lines[0] == "---" else 0  # no comments in there
    for number, line in enumerate(lines):
        stripped = line.lstrip()
        if number < header:
            out.append(line)
            continue
        if stripped.startswith("- ") and data.draw(st.booleans()):
            line = line.replace("- ", "-   ", 1)
        if line.strip() and data.draw(st.booleans()):
            line += "  "
        if data.draw(st.integers(0, 5)) == 0:
            out.append("// a note to self")
        out.append(line)
        if not line.strip() and data.draw(st.booleans()):
            out.append("")
    return "\n".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=workouts("planc"), data=st.data())
def test_fmt_keeps_the_workout_and_is_idempotent(w, data):
    text = _messy(write(w, "planc"), data)
    before = read_workout(text, sport=w.sport)
    assert before.workout is not None, (text, before.diagnostics)
    got = format_workout(text, sport=w.sport)
    assert got.text is not None
    assert read_workout(got.text, sport=w.sport).workout == before.workout
    assert format_workout(got.text, sport=w.sport).text == got.text
    assert got.text.count("// a note to self") == text.count("// a note to self")


@pytest.mark.parametrize("plan", ["cycling-base-build-8w.yaml", "half-marathon-12w.yaml"])
def test_the_example_plans_keep_their_sessions(plan: str, tmp_path: Path):
    shutil.copytree(PLANS, tmp_path / "plans")
    path = str(tmp_path / "plans" / plan)
    text = Path(path).read_text(encoding="utf-8")
    got = format_plan(text, path)
    assert got.text is not None
    before = read_plan(path)
    Path(path).write_text(got.text, encoding="utf-8")
    after = read_plan(path)
    assert before.plan is not None and len(before.plan.sessions) > 20
    assert _meaning(after) == _meaning(before)
    assert format_plan(got.text, path).text == got.text
    assert got.text.count("#") == text.count("#"), "every comment is kept"


# ---------------------------------------------------------------- command --

MESSY = "-   10m   50%\n\n\n- 5m 60%  \n"
TIDY = "- 10m 50%\n\n- 5m 60%\n"


def test_check_exits_1_when_a_file_would_change_and_writes_nothing(tmp_path: Path, capsys):
    path = tmp_path / "w.workout"
    path.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    assert path.read_text(encoding="utf-8") == MESSY
    assert f"would reformat {path}" in capsys.readouterr().err
    assert main(["fmt", "--diff", str(path)]) == 0
    diff = capsys.readouterr().out
    assert "--   10m   50%" in diff.splitlines() and "+- 10m 50%" in diff.splitlines()
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_rewrites_in_place_keeping_permissions_then_check_passes(tmp_path: Path, capsys):
    path = tmp_path / "w.workout"
    path.write_text(MESSY, encoding="utf-8")
    os.chmod(path, 0o600)
    assert main(["fmt", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == TIDY
    assert path.stat().st_mode & 0o777 == 0o600
    before = path.stat().st_mtime_ns
    assert main(["fmt", "--check", str(path)]) == 0
    assert main(["fmt", str(path)]) == 0
    assert path.stat().st_mtime_ns == before, "an unchanged file is not rewritten"
    assert "1 file already formatted" in capsys.readouterr().err


def test_errors_and_symlinks_are_left_alone(tmp_path: Path, capsys):
    bad = tmp_path / "bad.workout"
    bad.write_text("-  Hard 10m 4.30/km Pace\n", encoding="utf-8")
    assert main(["fmt", str(bad)]) == 1
    assert bad.read_text(encoding="utf-8") == "-  Hard 10m 4.30/km Pace\n"
    assert "error[bad-pace]" in capsys.readouterr().err
    real = tmp_path / "real.workout"
    real.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "link.workout"
    link.symlink_to(real)
    assert main(["fmt", str(link)]) == 2
    assert real.read_text(encoding="utf-8") == MESSY and link.is_symlink()
    assert "symbolic link" in capsys.readouterr().err


def test_standard_input_goes_to_standard_output(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MESSY.encode())))
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == TIDY

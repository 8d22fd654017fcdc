"""--strict is enforced in lowering: a workout whose lowering fails has no bytes, and no
command writes a file for it.

The bug this pins (issue 10): ``planc build --strict`` printed "N errors", exited 1 and
still wrote every file and the manifest, because ``EmitOptions.strict`` was never read
and warnings were only promoted when printed.
"""

from __future__ import annotations

import pytest
from support.plan_helpers import plan_text, write
from support.readers import ATHLETE

from planc.check import read_workout
from planc.cli import main
from planc.emit import emit
from planc.lower import lower
from planc.lower.formats import FORMATS, EmitOptions

STRICT = EmitOptions(strict=True)
# what each format has to approximate: a range where one value fits, a ramp (FIT has
# none), a cue (intervals.icu text has none), a distance step drawn without a pace
APPROXIMATED = {
    "zwo": "- 10m 60%\n- 10m 88-93%\n", "mrc": "- 10m 60%\n- 10m 88-93%\n",
    "erg": "- 10m 60%\n- 10m 88-93%\n", "fit": "- 10m ramp 50-70%\n",
    "icu": "- 10m 60%\n> 5m Halfway\n", "svg": "- 10m 60%\n- 2km\n",
}


def ride(text: str):
    parsed = read_workout(text, sport="Ride")
    assert parsed.workout is not None, parsed.diagnostics
    return parsed.workout


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_warning_under_strict_is_an_error_and_no_bytes(fmt):
    w = ride(APPROXIMATED[fmt])
    data, diags = emit(fmt, w, ATHLETE)
    assert data and diags and not any(d.is_error for d in diags), (fmt, diags)
    data, strict = emit(fmt, w, ATHLETE, STRICT)
    assert data == b""
    assert [(d.code, d.message, d.span) for d in strict] == [
        (d.code, d.message, d.span) for d in diags]
    assert all(d.is_error for d in strict)


@pytest.mark.parametrize("fmt", ["zwo", "mrc", "erg", "fit"])
def test_lowering_under_strict_has_no_workout(fmt):
    lowered = lower(fmt, ride("- 10m 88-93%\n- 5m ramp 50-60%\n"), ATHLETE, STRICT)
    assert lowered.workout is None
    assert lowered.diagnostics and all(d.is_error for d in lowered.diagnostics)
    assert lower(fmt, ride("- 10m 88-93%\n- 5m ramp 50-60%\n"), ATHLETE).workout is not None


def test_an_ignored_rewrite_stays_quiet_under_strict():
    w = ride("2x\n- 1m 100%\n- 1m 50%\n")  # unrolling a course file's repeats is exact
    data, diags = emit("mrc", w, ATHLETE, STRICT)
    assert data and diags == []


PLAN = plan_text("- tue: sweetspot\n")  # ramps and a range: every device format approximates


def test_build_strict_writes_nothing_and_fails(tmp_path, capsys):
    path = write(tmp_path, PLAN)
    out = tmp_path / "out"
    flags = ["--ftp", "250", "--formats", "zwo,mrc,erg,fit,icu"]
    assert main(["build", str(path), "-o", str(out), "--strict", *flags]) == 1
    err = capsys.readouterr().err
    assert "error[range-midpoint]" in err and "errors" in err
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))
    assert main(["build", str(path), "-o", str(out), *flags]) == 0
    assert (out / "manifest.json").exists()


def test_build_strict_fails_on_a_plan_warning_before_writing(tmp_path, capsys):
    body = "      - 10m 60%\n      - 10m 70-60%\n"  # a reversed range: a check warning
    library = ("workouts:\n  easy:\n    sport: Ride\n    body: |\n" + body)
    path = write(tmp_path, plan_text("- tue: easy\n", library=library))
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out), "--strict", "--formats", "icu"]) == 1
    assert "error[reversed-range]" in capsys.readouterr().err
    assert not out.exists() or not any(out.rglob("*"))


def test_compile_strict_writes_nothing(tmp_path, capsys):
    src = tmp_path / "w.workout"
    src.write_text("- 10m 60%\n- 5m 88-93%\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compile", str(src), "--to", "zwo,icu", "-o", str(out), "--strict",
                 "--ftp", "250"]) == 1
    assert "error[range-midpoint]" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())

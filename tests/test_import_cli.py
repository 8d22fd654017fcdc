"""planc import (in process, tests/support/cli.py): stdout, -o DIR, per-file errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_planc

GOLDEN = ROOT / "tests" / "golden" / "import"
ZWO = """<workout_file><name>{name}</name><workout>
<SteadyState Duration="600" Power="0.6"/>
<IntervalsT Repeat="4" OnDuration="60" OffDuration="60" OnPower="1.2" OffPower="0.5"/>
</workout></workout_file>"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for key, name in (("a", "Sweet spot"), ("b", "Sweet spot"), ("evil", "../../escape me")):
        p = tmp_path / f"{key}.zwo"
        p.write_text(ZWO.format(name=name), encoding="utf-8")
        out[key] = p
    bad = tmp_path / "broken.zwo"
    bad.write_text(ZWO.format(name="x")[:80], encoding="utf-8")
    out["bad"] = bad
    return out


def test_one_file_prints_planc_text():
    proc = run_planc("import", str(GOLDEN / "run-distance.zwo"))
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stdout_text == (GOLDEN / "run-distance.zwo.workout").read_text(encoding="utf-8")


def test_several_files_one_bad_exit_1_and_the_others_written(files, tmp_path):
    out = tmp_path / "out"
    proc = run_planc("import", str(files["a"]), str(files["bad"]), str(files["b"]), "-o",
                     str(out))
    assert proc.returncode == 1
    assert f"{files['bad']}:" in proc.stderr_text and "error[xml-syntax]" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text
    written = sorted(p.name for p in out.iterdir())
    assert written == ["sweet-spot-2.workout", "sweet-spot.workout"]
    text = (out / "sweet-spot.workout").read_text(encoding="utf-8")
    assert text.startswith("---\nname: Sweet spot\nsport: Ride\n---\n")
    assert "4x\n- 1m 120%\n- 1m 50%\n" in text


def test_names_are_safe_slugs_inside_the_directory(files, tmp_path):
    out = tmp_path / "out"
    proc = run_planc("import", str(files["evil"]), "-o", str(out))
    assert proc.returncode == 0, proc.stderr_text
    assert [p.name for p in out.iterdir()] == ["escape-me.workout"]
    assert not (tmp_path.parent / "escape me.workout").exists()


def test_writes_are_atomic_and_unchanged_files_are_left_alone(files, tmp_path):
    out = tmp_path / "out"
    assert run_planc("import", str(files["a"]), "-o", str(out)).returncode == 0
    target = out / "sweet-spot.workout"
    before = target.stat().st_mtime_ns
    assert run_planc("import", str(files["a"]), "-o", str(out)).returncode == 0
    assert target.stat().st_mtime_ns == before
    assert [p.name for p in out.iterdir()] == ["sweet-spot.workout"]  # no temporary files


def test_imported_text_passes_planc_check(tmp_path):
    out = tmp_path / "out"
    inputs = [str(p) for p in sorted(GOLDEN.iterdir())
              if p.suffix in (".zwo", ".mrc", ".erg", ".txt")]
    assert run_planc("import", *inputs, "-o", str(out)).returncode == 0
    written = sorted(str(p) for p in out.iterdir())
    assert len(written) == len(inputs)
    proc = run_planc("check", *written)
    assert proc.returncode == 0, proc.stderr_text


def test_directory_argument_imports_its_workout_files(tmp_path):
    out = tmp_path / "out"
    proc = run_planc("import", str(GOLDEN), "-o", str(out))
    assert proc.returncode == 0, proc.stderr_text
    # .zwo x2, .mrc, .erg, named after the workouts; text files (.txt) are not picked
    assert sorted(p.name for p in out.iterdir()) == [
        "cafe-quirks-edition.workout", "distance-run.workout", "erg-file.workout",
        "pyramid.workout"]
    assert (out / "pyramid.workout").read_bytes() == (GOLDEN / "pyramid.mrc.workout").read_bytes()


def test_standard_input_and_options():
    data = (GOLDEN / "surges.erg").read_bytes().replace(b"FTP=300\r\n", b"")
    proc = run_planc("import", "-", "--ftp", "300", "--name", "From stdin",
                     "--cue-times", "seconds", input=data)
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stdout_text.startswith("---\nname: From stdin\n")
    assert "- 5m 50%" in proc.stdout_text and "> 0s Spin up" in proc.stdout_text
    proc = run_planc("import", "-", input=b"- 10m 60% Pace\n")
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stdout_text == "---\nsport: Ride\n---\n- 10m 60% Pace\n"
    proc = run_planc("import", "-", "--sport", "run", input=b"- 10m 60% Pace\n")
    assert proc.returncode == 0
    assert proc.stdout_text == "---\nsport: Run\n---\n- 10m 60% Pace\n"


@pytest.mark.parametrize(("args", "said"), [
    (("a.zwo", "b.zwo"), "planc import: error: several files need -o DIR"),
    (("x.zwo", "--sport", "Cycling"), "argument --sport: unknown sport 'Cycling'"),
    (("x.zwo", "--cue-times", "hours"), "argument --cue-times: invalid choice: 'hours'"),
])
def test_usage_errors_exit_2(args, said):
    proc = run_planc("import", *args)
    assert proc.returncode == 2 and proc.stdout == b""
    assert said in proc.stderr_text and "Traceback" not in proc.stderr_text


def test_output_that_is_a_file_is_a_usage_error(files, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    proc = run_planc("import", str(files["a"]), "-o", str(target))
    assert proc.returncode == 2 and "not a directory" in proc.stderr_text


def test_missing_and_non_workout_files_are_errors_naming_them(tmp_path):
    fit = tmp_path / "damaged.fit"
    fit.write_bytes(b"\x0e\x10" + b"\x00" * 30)  # a FIT header with its signature gone
    proc = run_planc("import", str(tmp_path / "missing.zwo"), str(fit), "-o",
                     str(tmp_path / "out"))
    assert proc.returncode == 2  # a file that cannot be read is a usage error, as elsewhere
    assert "missing.zwo: error[unreadable]: cannot read the file: No such file" in \
        proc.stderr_text
    assert f"{fit}: error[fit-header]: not a valid FIT file" in proc.stderr_text
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_edited_workout_is_not_overwritten_without_force(files, tmp_path):
    out = tmp_path / "out"
    assert run_planc("import", str(files["a"]), "-o", str(out)).returncode == 0
    target = out / "sweet-spot.workout"
    edited = target.read_text(encoding="utf-8") + "// my notes\n"
    target.write_text(edited, encoding="utf-8")
    proc = run_planc("import", str(files["a"]), "-o", str(out))
    assert proc.returncode == 1 and "--force" in proc.stderr_text
    assert target.read_text(encoding="utf-8") == edited
    assert run_planc("import", str(files["a"]), "-o", str(out), "--force").returncode == 0
    assert "// my notes" not in target.read_text(encoding="utf-8")

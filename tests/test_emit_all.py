"""``compile --to all`` is honest (issue 13, point 5).

Before: a swim with ``--to all`` wrote only .fit and .txt and said nothing of the
formats it skipped, and one format's error (an .erg with no FTP) meant no file at
all was written, for the formats that compiled too.
"""

from __future__ import annotations

from conftest import ROOT, run_planc

SWIM = ROOT / "plans" / "workouts" / "swim-css-ladder.workout"


def names(folder) -> list[str]:
    """The files written (not the output tree's own hidden cache)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_swim_says_which_formats_it_skips(tmp_path):
    out = tmp_path / "out"
    done = run_planc("compile", str(SWIM), "--to", "all", "--threshold-pace", "1:45/100m",
                     "-o", str(out))
    assert done.returncode == 0, done.stderr_text
    assert names(out) == ["css-ladder-2-6k.fit", "css-ladder-2-6k.txt"]
    assert done.stderr_text.splitlines()[-1] == (
        f"{SWIM}: .zwo .mrc .erg skipped: no form for Swim")


def test_a_named_format_is_not_reported_as_skipped(tmp_path):
    done = run_planc("compile", str(SWIM), "--to", "icu,fit", "--threshold-pace", "1:45/100m",
                     "-o", str(tmp_path / "out"))
    assert done.returncode == 0 and "skipped" not in done.stderr_text


def test_a_ride_without_ftp_writes_what_compiled_and_fails(tmp_path):
    src = tmp_path / "ride.workout"
    src.write_text("- 10m 60%\n- 5m 200W\n- 5m Z2 HR\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_planc("compile", str(src), "--to", "all", "--lthr", "170", "-o", str(out))
    assert done.returncode == 1
    assert names(out) == ["ride.fit", "ride.txt"]  # intervals.icu and FIT need no FTP
    err = done.stderr_text
    assert err.count("error[missing-threshold]") == 3
    assert err.splitlines()[-1] == f"{src}: .zwo .mrc .erg not written (the errors above say why)"


def test_each_workout_that_compiled_is_written_when_another_failed(tmp_path):
    good, bad = tmp_path / "good.workout", tmp_path / "bad.workout"
    good.write_text("- 10m 60%\n", encoding="utf-8")  # % FTP needs no FTP in .zwo
    bad.write_text("- 10m 60%\n- 5m 200w\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_planc("compile", str(good), str(bad), "--to", "zwo",
                     "-o", str(out))
    assert done.returncode == 1 and f"{bad}:2:" in done.stderr_text
    assert names(out) == ["good.zwo"]
    assert "not written" not in done.stderr_text  # one format: its error says it all


def test_strict_still_writes_nothing_when_one_format_fails(tmp_path):
    src = tmp_path / "ride.workout"
    src.write_text("- 10m 60%\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_planc("compile", str(src), "--to", "all", "--strict", "-o", str(out))
    assert done.returncode == 1 and names(out) == []

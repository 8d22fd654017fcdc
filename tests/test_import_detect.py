"""Format sniffing by content, intervals.icu text, and bad input of every kind.

Whatever the bytes, import_file returns diagnostics and never raises; a file it
cannot import gets an error naming the file; and a workout it does return always
has planc text that reads back as that workout (no ``import-internal`` error).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.profile_oracle import TEST_ATHLETE

from planc.check import read_workout
from planc.emit import emit
from planc.importers import import_file
from planc.importers.detect import sniff

ROOT = Path(__file__).resolve().parent.parent
SWEET_SPOT = ROOT / "plans" / "workouts" / "sweet-spot-3x15.workout"


def _emitted() -> dict[str, bytes]:
    w = read_workout(SWEET_SPOT.read_text(encoding="utf-8")).workout
    return {fmt: emit(fmt, w, TEST_ATHLETE)[0] for fmt in ("zwo", "mrc", "erg", "fit", "icu")}


FILES = _emitted()


@pytest.mark.parametrize("fmt", ["zwo", "mrc", "erg", "fit", "icu"])
@pytest.mark.parametrize("name", ["workout.bin", "noext", "workout.zwo", "workout.fit"])
def test_content_decides_the_format(fmt, name):
    assert sniff(FILES[fmt], name).kind == fmt
    res = import_file(FILES[fmt], path=name, sport="Ride" if fmt == "icu" else None)
    assert res.ok, res.diagnostics
    assert res.format == fmt


def test_a_misnamed_file_is_read_by_content_with_a_warning():
    res = import_file(FILES["fit"], path="workout.zwo")
    assert res.ok and res.format == "fit"
    (d,) = [d for d in res.diagnostics if d.code == "extension-mismatch"]
    assert "a FIT file" in d.message and d.path == "workout.zwo"


def test_utf16_xml_is_sniffed_as_zwo():
    data = FILES["zwo"].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    res = import_file(data.encode("utf-16"), path="x.zwo")
    assert res.ok, res.diagnostics


def test_intervals_icu_text_is_parsed_and_made_canonical():
    text = "Warmup\n-   10m   ramp 50-75%\n\nMain set 3x\n- 5m 95%\n- Easy 55%\n"
    res = import_file(text.encode(), path="session.txt")
    # no duration: intervals.icu drops the step, and so does planc, saying so where it is
    (d,) = [d for d in res.diagnostics if d.code == "dropped-by-icu"]
    assert (d.path, d.span.line) == ("session.txt", 6)
    res = import_file(text.replace("Easy", "2m").encode(), path="session.txt", sport="Run")
    assert res.ok
    assert res.text == ("---\nname: session\nsport: Run\n---\nWarmup\n- 10m ramp 50-75%\n\n"
                        "Main set 3x\n- 5m 95%\n- 2m 55%\n")


def test_planc_text_keeps_its_header_cues_and_nesting():
    text = (ROOT / "plans/workouts/anaerobic-40-20.workout").read_text(encoding="utf-8")
    res = import_file(text.encode(), path="a.workout")
    assert res.ok and res.workout.name == "40/20s anaerobic"
    assert "Sets 3x\n  40/20s 8x\n    - Hard 40s 130% 100rpm" in res.text


def test_name_override_and_file_stem_fallback():
    res = import_file(FILES["mrc"], path="dir/my file.mrc", name="  New\nname ")
    assert res.workout.name == "New name"
    assert import_file(FILES["fit"], path="x.fit").workout.name == "Sweet spot 3x15"
    nameless = b'<workout_file><workout><SteadyState Duration="60" Power="0.5"/></workout>' \
               b"</workout_file>"
    res = import_file(nameless, path="dir/my file.zwo")
    assert res.ok and res.workout.name == "my file"  # the file's stem, path and suffix gone
    assert res.text.startswith("---\nname: my file\n")


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty-file"),
    (b"  \n\t\n", "empty-file"),
    (b"\x00\x01\x02\x03binary\x00\xff" * 20, "not-a-workout"),
])
def test_empty_and_binary_files(data, code):
    res = import_file(data, path="thing.dat")
    assert res.workout is None and [d.code for d in res.diagnostics] == [code]
    assert res.diagnostics[0].path == "thing.dat"


def test_missing_file_and_directory(tmp_path):
    res = import_file(tmp_path / "nope.zwo")
    assert res.workout is None and res.diagnostics[0].code == "unreadable"
    assert "nope.zwo" in res.diagnostics[0].path
    res = import_file(tmp_path)
    assert res.workout is None and [d.code for d in res.diagnostics] == ["unreadable"]
    assert res.diagnostics[0].message == "cannot read the file: is a directory"


def _check(res) -> None:
    assert all(d.path for d in res.diagnostics)
    assert "import-internal" not in [d.code for d in res.diagnostics]
    if res.workout is None:
        assert any(d.is_error for d in res.diagnostics)
    else:
        assert read_workout(res.text).workout == res.workout


# hostile bytes: each example must be imported (or refused) within HOSTILE_DEADLINE
HOSTILE_DEADLINE = dt.timedelta(seconds=5)  # generous: a shared machine, the first import


@settings(max_examples=300, deadline=HOSTILE_DEADLINE,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["x.zwo", "x.fit", "x.erg", "x", "x.txt"]))
def test_random_bytes_never_raise(data, path):
    _check(import_file(data, path=path))


@settings(max_examples=400, deadline=HOSTILE_DEADLINE,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FILES)), st.data())
def test_damaged_files_never_raise(fmt, data):
    raw = bytearray(FILES[fmt])
    how = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    if how == "truncate":
        raw = raw[:at]
    elif how == "flip":
        raw[at] ^= data.draw(st.integers(1, 255))
    elif how == "insert":
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    else:
        del raw[at:at + data.draw(st.integers(1, 16))]
    _check(import_file(bytes(raw), path=f"damaged.{fmt}"))


@pytest.mark.parametrize("fmt", ["zwo", "mrc", "erg", "fit"])
def test_truncated_files_are_errors(fmt):
    data = FILES[fmt]
    cut = data[: len(data) * 2 // 3]
    res = import_file(cut, path=f"cut.{fmt}")
    assert res.workout is None
    errors = [d for d in res.diagnostics if d.is_error]
    assert len(errors) == 1 and errors[0].path == f"cut.{fmt}"
    if fmt != "fit":
        assert errors[0].span.line > 0  # text formats say where

"""The one bounded reader (planc.inputs): every input, stdin included, is read at most
4 MB + 1 byte, so an endless or huge input is refused without filling memory."""

from __future__ import annotations

import io
import sys
import time

import pytest

from planc import inputs
from planc.cli import main
from planc.importers import import_file


def test_endless_file_is_refused_quickly():
    t0 = time.perf_counter()
    with pytest.raises(inputs.InputTooLarge):
        inputs.read_bytes("/dev/zero")
    assert time.perf_counter() - t0 < 2


def test_endless_stdin_is_refused(monkeypatch):
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            b[:] = b"\0" * len(b)
            return len(b)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    with pytest.raises(inputs.InputTooLarge):
        inputs.read_bytes("-")


def test_import_of_dev_zero_is_a_diagnostic_not_a_memory_error():
    result = import_file("/dev/zero")
    assert not result.ok
    assert [d.code for d in result.diagnostics] == ["unreadable"]
    assert "larger than 4 MB" in result.diagnostics[0].message


def test_athlete_dev_zero_is_an_athlete_file_error(capsys, tmp_path):
    workout = tmp_path / "w.workout"
    workout.write_text("- 10m 50%\n")
    code = main(["compile", str(workout), "--to", "icu", "--athlete", "/dev/zero"])
    assert code == 1
    assert "larger than 4 MB" in capsys.readouterr().err


def test_not_utf8_names_the_byte():
    with pytest.raises(inputs.NotText) as exc:
        inputs.decode(b"- 10m 50%\n- Caf\xe9 5m 60%\n")
    assert exc.value.offset == 15


def test_text_is_read_once_and_remembered(tmp_path):
    path = tmp_path / "w.workout"
    path.write_text("\ufeff- 10m 50%\n")
    assert inputs.read_text(path) == "- 10m 50%\n"
    path.write_text("changed")
    assert inputs.source_text(str(path)) == "- 10m 50%\n"


def test_mrc_cue_before_the_start_is_moved_to_the_start():
    mrc = (b"[COURSE HEADER]\r\nMINUTES PERCENT\r\n[END COURSE HEADER]\r\n[COURSE DATA]\r\n"
           b"0\t50\r\n10\t50\r\n[END COURSE DATA]\r\n[COURSE TEXT]\r\n-1\tGo\t5\r\n"
           b"[END COURSE TEXT]\r\n")
    result = import_file(mrc, path="cue.mrc")
    assert result.ok, result.diagnostics
    assert "cue-before-start" in [d.code for d in result.diagnostics]
    assert "- 10m 50%\n> 0s Go\n" in result.text

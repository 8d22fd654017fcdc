"""The line reader's stored table (planc.syntax.learnt): a sound one makes the reader
without Lark, and a missing, stale, damaged or wrong one is never trusted: the reader
is built from Lark's parser again and the file rewritten.  In a fresh process, a
common workout is then read without importing Lark at all."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from planc.syntax import grammar, learnt
from planc.syntax.grammar import LineReader, parser

TEXT = ("Warmup\n- 10m ramp 50-75% 90rpm\n\nMain set 3x\n- Hard 5m 105% 95rpm\n"
        "> 2m Spin up\n- 3m Z1 HR\n\n// done\nCooldown\n- 5m 50%\n")


@pytest.fixture
def table(tmp_path: Path, monkeypatch) -> Path:
    """A cache folder of this test's own, and no reader made yet in this process."""
    monkeypatch.setenv("PLANC_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(grammar, "_FAST", [])
    return Path(grammar.learnt_file(str(tmp_path))[0])


def _builds(monkeypatch) -> list:
    """Counts the readers built from Lark's parser (not from the stored table)."""
    calls: list = []
    real = LineReader.build.__func__

    def counting(cls, lark):
        calls.append(1)
        return real(cls, lark)

    monkeypatch.setattr(LineReader, "build", classmethod(counting))
    return calls


def _fresh_reader(monkeypatch) -> LineReader:
    monkeypatch.setattr(grammar, "_FAST", [])
    reader = grammar._fast_reader()
    assert reader is not None
    return reader


def _reads(reader: LineReader) -> list:
    return [(r.kind, r.line, r.column, r.text, [(t.type, str(t), t.start_pos, t.end_pos)
                                                 for t in r.tokens]) for r in reader.read(TEXT)]


def test_a_sound_table_makes_the_reader_without_lark_s_parser(table, monkeypatch) -> None:
    walked = LineReader.build(parser())
    _fresh_reader(monkeypatch)
    assert table.exists()
    calls = _builds(monkeypatch)
    recalled = _fresh_reader(monkeypatch)
    assert calls == []  # from the table, not built again
    assert recalled.table() == walked.table()
    assert _reads(recalled) == _reads(walked)


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))


def _rewrite(path: Path, change) -> None:
    """A payload changed by ``change``, under a checksum that matches it (what a
    damaged checksum cannot catch: the key and the shape checks must)."""
    stored = list(marshal.loads(path.read_bytes().partition(b"\n")[2]))
    change(stored)
    payload = marshal.dumps(tuple(stored))
    path.write_bytes(b"%08x" % zlib.crc32(payload) + b"\n" + payload)


def _move_out_of_range(stored: list) -> None:
    table = list(stored[1])
    table[4] = [{**table[4][0], "DASH": 99}, *table[4][1:]]
    stored[1] = tuple(table)


def _no_scanners(stored: list) -> None:
    stored[1] = ([], *stored[1][1:])


def _odd_newline(stored: list) -> None:
    stored[1] = (*stored[1][:2], "\n+", *stored[1][3:])


def _older_format(stored: list) -> None:
    stored[0] = stored[0].replace(f"{learnt.FORMAT}|", "1|", 1)


def _other_grammar(stored: list) -> None:
    stored[0] = stored[0] + "\n// an edit"


@pytest.mark.parametrize("spoil", [
    _damage,
    lambda p: p.write_bytes(p.read_bytes()[:40]),
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"not a table\n\x00\x01"),
    lambda p: _rewrite(p, _move_out_of_range),
    lambda p: _rewrite(p, _no_scanners),
    lambda p: _rewrite(p, _odd_newline),
    lambda p: _rewrite(p, _older_format),
    lambda p: _rewrite(p, _other_grammar),
    lambda p: p.unlink(),
], ids=["flipped-bit", "truncated", "empty", "garbage", "move-out-of-range", "no-scanners",
        "odd-newline", "older-format", "other-grammar", "missing"])
def test_a_spoilt_table_is_built_again_and_rewritten(table, monkeypatch, spoil) -> None:
    _fresh_reader(monkeypatch)
    spoil(table)
    calls = _builds(monkeypatch)
    rebuilt = _fresh_reader(monkeypatch)
    assert calls == [1]
    again = _fresh_reader(monkeypatch)  # the rewritten file is sound
    assert calls == [1]
    assert again.table() == rebuilt.table() == LineReader.build(parser()).table()


def test_another_lark_makes_the_table_stale(table, monkeypatch) -> None:
    _fresh_reader(monkeypatch)
    monkeypatch.setattr(learnt, "lark_version", lambda: "9.9.9@elsewhere")
    calls = _builds(monkeypatch)
    _fresh_reader(monkeypatch)
    assert calls == [1]


def test_an_edit_of_the_reader_s_code_makes_the_table_stale(table, monkeypatch) -> None:
    """A development copy edited (or checked out at another commit) under the same
    version: the table learnt by the old code of starts.py is not trusted."""
    _fresh_reader(monkeypatch)
    starts = os.path.join(os.path.dirname(grammar.__file__), "starts.py")
    real_stat = os.stat

    def edited(path, *args, **kwargs):
        found = real_stat(path, *args, **kwargs)
        if isinstance(path, str) and os.path.abspath(path) == os.path.abspath(starts):
            return os.stat_result(tuple(found), {"st_mtime_ns": found.st_mtime_ns + 1000})
        return found

    monkeypatch.setattr(os, "stat", edited)
    calls = _builds(monkeypatch)
    _fresh_reader(monkeypatch)
    assert calls == [1]


def test_lark_s_version_is_read_without_importing_it() -> None:
    import lark

    found = learnt.lark_version()
    assert found is not None and found.startswith(f"{lark.__version__}@")
    assert os.path.samefile(found.split("@", 1)[1].rsplit(":", 2)[0], lark.__file__)


def test_without_a_cache_folder_nothing_is_stored(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLANC_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("a file where the folder should be")
    monkeypatch.setattr(grammar, "_FAST", [])
    assert grammar._fast_reader() is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_an_unwritable_place_only_costs_the_build(table, monkeypatch) -> None:
    table.mkdir()  # a directory where the file should be: writing it fails
    _fresh_reader(monkeypatch)
    calls = _builds(monkeypatch)
    _fresh_reader(monkeypatch)
    assert calls == [1]
    assert not list(table.parent.glob("*.tmp"))


_HEAVY = ("lark", "dataclasses", "inspect", "typing")  # none needed to check a common workout
_CHECK = """
import sys
import time
from planc.cli import main
code = main(["check", "-q", sys.argv[1]])
print(code, sorted(m for m in sys.modules if m in sys.argv[2:] or m.startswith("lark.")))
"""


def _check_in_a_fresh_process(path: Path, cache: Path) -> tuple[str, str]:
    env = {**os.environ, "PLANC_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _CHECK, str(path), *_HEAVY], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    code, _, modules = done.stdout.strip().partition(" ")
    assert done.stderr == "" or code != "0", done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    return code, modules


def test_a_common_workout_is_checked_without_importing_lark(tmp_path: Path) -> None:
    """The first run ever (an empty cache folder) reads with Lark and stores the
    table; every later run, even of a text never seen, with front matter or not, reads
    without Lark (nor dataclasses, inspect or typing); a text with an error still goes
    through Lark, whose errors the diagnostics are made from."""
    cache = tmp_path / "cache"
    workout = tmp_path / "w.workout"
    workout.write_text(TEXT)
    code, modules = _check_in_a_fresh_process(workout, cache)
    assert code == "0" and "'lark'" in modules
    assert Path(grammar.learnt_file(str(cache))[0]).exists()
    workout.write_text(TEXT + "- 7m 55%\n")  # new to the result cache: parsed again
    assert _check_in_a_fresh_process(workout, cache) == ("0", "[]")
    workout.write_text("---\nname: Hills\nsport: Ride\n---\n" + TEXT)  # front matter too
    assert _check_in_a_fresh_process(workout, cache) == ("0", "[]")
    workout.write_text("---\nname: Hills\n" + TEXT)  # a header never closed: Lark's error
    code, modules = _check_in_a_fresh_process(workout, cache)
    assert code == "1" and "'lark'" in modules


def test_a_reader_from_the_table_parses_no_regexp(table, monkeypatch) -> None:
    """What white space the scanners surely skip is stored too: reading a common
    workout with a reader made from the table asks re's parser nothing more (the
    scanners' own compiles aside)."""
    from planc.syntax import starts

    walked = LineReader.build(parser())
    _fresh_reader(monkeypatch)

    def refused(*args):
        raise AssertionError("a regexp was parsed to decide a narrowing")

    monkeypatch.setattr(starts, "parse", refused)
    recalled = _fresh_reader(monkeypatch)
    assert _reads(recalled) == _reads(walked)


def test_each_key_has_a_file_of_its_own_and_old_ones_are_removed(table, monkeypatch) -> None:
    """Two plancs sharing a cache folder (an upgrade, a development checkout beside an
    installed one) must not rewrite each other's table on every run: the file is named
    after its key.  A table stored under another key and not rewritten for
    OLD_TABLE_DAYS is removed when a new one is stored; a recent one is kept."""
    folder = table.parent
    other = folder / "workout-grammar-0badc0de.reader"
    other.write_bytes(b"another planc's table")
    old = folder / "workout-grammar-00000000.lark-cache"
    old.write_bytes(b"an old Lark cache")
    long_ago = time.time() - (grammar.OLD_TABLE_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    _fresh_reader(monkeypatch)
    assert table.exists() and table.name != other.name
    assert other.read_bytes() == b"another planc's table"
    assert not old.exists()
    names = {grammar.learnt_file(str(folder))[0]}
    monkeypatch.setattr(learnt, "code_version", lambda: "another checkout")
    names.add(grammar.learnt_file(str(folder))[0])
    assert len(names) == 2


def test_the_terminals_from_the_stored_table_are_lark_s(table, monkeypatch) -> None:
    """The printer asks what a label word would read as (tokens.is_label_word) through
    the line reader's scanners, so that writing intervals.icu text needs no Lark: each
    terminal it names must be in the table, with Lark's own regexp."""
    from planc.syntax.tokens import _STEP_VALUE_TERMINALS

    _fresh_reader(monkeypatch)  # learnt from Lark and stored
    _fresh_reader(monkeypatch)  # made from the stored table
    monkeypatch.setattr(grammar, "parser", lambda: pytest.fail("Lark was asked"))
    found = grammar.terminal_regexps(_STEP_VALUE_TERMINALS)
    lark = {t.name: t.pattern.to_regexp() for t in parser().terminals}
    assert {n: found[n] for n in _STEP_VALUE_TERMINALS} == {
        n: lark[n] for n in _STEP_VALUE_TERMINALS}

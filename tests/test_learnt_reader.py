"""The line reader's learnt table, kept beside Lark's cache (planc.syntax.learnt): a
sound file is recalled (no walk of Lark's parser), and a missing, stale, damaged or
wrong one is never trusted: the table is learnt again and the file rewritten."""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

import pytest

from planc.syntax import grammar, learnt
from planc.syntax.grammar import LineReader, parser

TEXT = ("Warmup\n- 10m ramp 50-75% 90rpm\n\nMain set 3x\n- Hard 5m 105% 95rpm\n"
        "> 2m Spin up\n- 3m Z1 HR\n\n// done\nCooldown\n- 5m 50%\n")


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """Where the table goes, beside a file standing for Lark's cache (the key is its
    size and modification time)."""
    (tmp_path / grammar._LARK_CACHE).write_bytes(b"lark tables")
    return tmp_path / grammar._LEARNT


def _walks(monkeypatch) -> list:
    calls: list = []
    real = grammar._walk

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(grammar, "_walk", counting)
    return calls


def _same_reader(a: LineReader, b: LineReader) -> None:
    assert (a.first, a.moves) == (b.first, b.moves)
    assert [s.terminals for s in a.scanners] == [s.terminals for s in b.scanners]
    assert [(r.kind, r.line, r.column, [(t.type, str(t)) for t in r.tokens]) for r in
            a.read(TEXT)] == [(r.kind, r.line, r.column, [(t.type, str(t)) for t in r.tokens])
                              for r in b.read(TEXT)]


def test_a_sound_table_is_recalled_and_reads_as_a_walked_one(table, monkeypatch) -> None:
    walked = LineReader.build(parser())
    first = LineReader.build(parser(), table)
    assert table.exists()
    calls = _walks(monkeypatch)
    recalled = LineReader.build(parser(), table)
    assert calls == []  # recalled, not learnt again
    assert walked is not None and first is not None and recalled is not None
    _same_reader(walked, recalled)


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))


def _rewrite(path: Path, change) -> None:
    """A payload changed by ``change``, under a digest that matches it (what a
    damaged digest check cannot catch: the reader's own checks must)."""
    stored = list(marshal.loads(path.read_bytes().partition(b"\n")[2]))
    change(stored)
    payload = marshal.dumps(tuple(stored))
    path.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def _swap_positions(stored: list) -> None:
    stored[1] = [stored[1][1], stored[1][0], *stored[1][2:]]


def _other_names(stored: list) -> None:
    stored[2] = [["WORD"], *stored[2][1:]]


def _move_out_of_range(stored: list) -> None:
    stored[4] = [{**stored[4][0], "DASH": 99}, *stored[4][1:]]


def _older_format(stored: list) -> None:
    stored[0] = stored[0].replace(f"{learnt.FORMAT}:", "0:", 1)


@pytest.mark.parametrize("spoil", [
    _damage,
    lambda p: p.write_bytes(p.read_bytes()[:40]),
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"not a table\n\x00\x01"),
    lambda p: _rewrite(p, _swap_positions),
    lambda p: _rewrite(p, _other_names),
    lambda p: _rewrite(p, _move_out_of_range),
    lambda p: _rewrite(p, _older_format),
    lambda p: p.unlink(),
], ids=["flipped-bit", "truncated", "empty", "garbage", "positions-swapped",
        "other-terminals", "move-out-of-range", "older-format", "missing"])
def test_a_spoilt_table_is_learnt_again_and_rewritten(table, monkeypatch, spoil) -> None:
    LineReader.build(parser(), table)
    spoil(table)
    calls = _walks(monkeypatch)
    rebuilt = LineReader.build(parser(), table)
    assert calls == [1]
    again = LineReader.build(parser(), table)  # the rewritten file is sound
    assert calls == [1] and rebuilt is not None and again is not None
    _same_reader(LineReader.build(parser()), rebuilt)


def test_a_table_of_another_lark_cache_is_stale(table, monkeypatch) -> None:
    LineReader.build(parser(), table)
    lark_cache = table.with_name(grammar._LARK_CACHE)
    stat = lark_cache.stat()
    os.utime(lark_cache, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    calls = _walks(monkeypatch)
    assert LineReader.build(parser(), table) is not None
    assert calls == [1]


def test_without_lark_s_cache_nothing_is_stored(tmp_path: Path) -> None:
    path = tmp_path / grammar._LEARNT  # no Lark cache beside it: no key
    assert LineReader.build(parser(), path) is not None
    assert not path.exists()


def test_an_unwritable_place_only_costs_the_walk(table) -> None:
    table.mkdir()  # a directory where the file should be: writing it fails
    assert LineReader.build(parser(), table) is not None
    assert not list(table.parent.glob("*.tmp"))

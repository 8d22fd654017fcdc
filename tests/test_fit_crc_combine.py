"""crc16_combine crosses a run of zero bytes by a bit-by-bit matrix product, and, once
a run has been crossed often (a plan's many dates), by two byte tables: both ways
give crc16 of the joined bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planc.emit import fit_encoder
from planc.emit.fit_encoder import crc16, crc16_combine


def _check(before: bytes, after: bytes) -> None:
    assert crc16_combine(crc16(before), crc16(after), len(after)) == crc16(before + after)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=40), st.binary(max_size=3000))
def test_combine_is_the_crc_of_the_joined_bytes(before: bytes, after: bytes) -> None:
    _check(before, after)


def test_the_byte_tables_cross_a_run_as_the_matrix_does() -> None:
    for k in range(12):
        matrix = fit_encoder._zero_run(k)
        low, high = fit_encoder._byte_tables(matrix)
        for state in (1, 0x80, 0x100, 0x8000, 0xFFFF, 0x1234, 0xBEEF):
            assert low[state & 0xFF] ^ high[state >> 8] == fit_encoder._carried(matrix, state)


def test_combine_after_the_tables_are_built() -> None:
    payload = bytes(range(256)) * 12
    for n in range(fit_encoder._TABLES_AFTER + 4):  # every run used past the threshold
        _check(b"head%d" % n, payload[: 1 + n * 97])
    assert fit_encoder._RUN_TABLES, "the tables were built"
    for size in (1, 2, 255, 256, 1701, 3071):
        _check(b"\x12\x34", payload[:size])

"""Repeat recovery from flat step lists (planc.importers.structure): the rule and its laws."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planc.ast import Duration, PowerTarget, PowerUnit, Range, Repeat, Step, unrolled_steps
from planc.importers.structure import MAX_COUNT, recover_repeats


def s(seconds: int, pct: int) -> Step:
    return Step(Duration(float(seconds)), power=PowerTarget(PowerUnit.FTP,
                                                            Range(pct / 100, pct / 100)))


A, B, C, W, X = s(60, 120), s(60, 50), s(300, 55), s(600, 60), s(30, 200)


def shape(nodes) -> list:
    out = []
    for n in nodes:
        if isinstance(n, Repeat):
            out.append((n.count, shape(n.children)))
        else:
            out.append(n)
    return out


def test_on_off_pairs_become_a_repeat():
    assert shape(recover_repeats([W, A, B, A, B, A, B, C])) == [W, (3, [A, B]), C]


def test_one_pair_is_not_a_repeat():
    assert recover_repeats([W, A, B, C]) == [W, A, B, C]


def test_a_single_step_is_never_a_repeat():
    assert recover_repeats([A, A, A, B]) == [A, A, A, B]


def test_last_recovery_missing_keeps_work_first():
    # 4 x (on, off) then a final on with no recovery (phisad AC_Breakaway)
    assert shape(recover_repeats([W, A, B, A, B, A, B, A, B, A, C])) == [W, (4, [A, B]), A, C]


def test_phase_tie_goes_to_the_hardest_step_first():
    # B A B A B: the same coverage either way; the body starts with the harder A
    assert shape(recover_repeats([B, A, B, A, B])) == [B, (2, [A, B])]
    assert shape(recover_repeats([A, B, A, B, A])) == [(2, [A, B]), A]


def test_longest_run_wins_and_nests():
    # 3 x (4 x (A, B), C) flattened
    flat = ([A, B] * 4 + [C]) * 3
    assert shape(recover_repeats([W, *flat, W])) == [W, (3, [(4, [A, B]), C]), W]


def test_shorter_body_wins_a_tie():
    assert shape(recover_repeats([A, B] * 4)) == [(4, [A, B])]


def test_triplets():
    assert shape(recover_repeats([W, X, A, B, X, A, B, X, A, B, C])) == [W, (3, [X, A, B]), C]


def test_adjacent_identical_repeats_merge():
    first = Repeat(3, (A, B))
    assert recover_repeats([first, Repeat(2, (A, B))]) == [Repeat(5, (A, B))]


def test_repeat_nodes_with_the_same_rest_nest():
    r = Repeat(10, (A, B))
    assert shape(recover_repeats([r, C, r, C, r])) == [(2, [(10, [A, B]), C]), (10, [A, B])]


def test_count_is_capped_at_the_language_limit():
    out = recover_repeats([A, B] * (MAX_COUNT + 5))
    assert isinstance(out[0], Repeat) and out[0].count == MAX_COUNT
    assert list(unrolled_steps(tuple(out))) == [A, B] * (MAX_COUNT + 5)


steps = st.sampled_from([A, B, C, W, X])


@settings(max_examples=300, deadline=None)
@given(st.lists(steps, max_size=40))
def test_recovery_keeps_the_timeline(seq):
    out = recover_repeats(seq)
    assert list(unrolled_steps(tuple(out))) == seq
    assert len(out) <= len(seq)


@settings(max_examples=200, deadline=None)
@given(st.lists(steps, max_size=30))
def test_recovery_is_idempotent(seq):
    once = recover_repeats(seq)
    assert recover_repeats(once) == once


@st.composite
def unique_structures(draw):
    """Workouts whose steps are all different, so the flat list has one reading."""
    counter = iter(range(10, 10_000))

    def fresh() -> Step:
        return s(30 + next(counter), 100)

    nodes = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["step", "repeat", "nested"]))
        if kind == "step":
            nodes.append(fresh())
        elif kind == "repeat":
            body = tuple(fresh() for _ in range(draw(st.integers(2, 4))))
            nodes.append(Repeat(draw(st.integers(2, 6)), body))
        else:
            inner = Repeat(draw(st.integers(2, 4)),
                           tuple(fresh() for _ in range(draw(st.integers(2, 3)))))
            body = (inner, *(fresh() for _ in range(draw(st.integers(1, 2)))))
            if draw(st.booleans()):
                body = body[1:] + body[:1]
            nodes.append(Repeat(draw(st.integers(2, 4)), body))
    return nodes


@settings(max_examples=300, deadline=None)
@given(unique_structures())
def test_unambiguous_structure_is_recovered_exactly(nodes):
    flat = list(unrolled_steps(tuple(nodes)))
    assert recover_repeats(flat) == nodes

"""Repeat recovery (planc.importers.structure) is the rule, and it is linear.

The package finds runs with a heap of candidates over the whole list; the reference
in tests/support/structure_oracle.py tries every start and period of every part.
They must agree on every list; speed is measured in bench/import_structure.py.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.structure_oracle import recover_repeats as reference

from planc.ast import Duration, PowerTarget, PowerUnit, Range, Repeat, Step, unrolled_steps
from planc.importers.structure import MAX_COUNT, recover_repeats


def s(seconds: int, pct: int) -> Step:
    return Step(Duration(float(seconds)), power=PowerTarget(PowerUnit.FTP,
                                                            Range(pct / 100, pct / 100)))


ALPHABET = [s(60, 120), s(60, 50), s(300, 55), s(30, 120), s(60, 120 + 1)]
ALPHABET.append(Repeat(3, (ALPHABET[0], ALPHABET[1])))
ALPHABET.append(Repeat(2, (ALPHABET[0], ALPHABET[1])))

element = st.sampled_from(ALPHABET)
chunk = st.tuples(st.lists(element, min_size=1, max_size=5), st.integers(1, 7))
sequences = st.one_of(
    st.lists(element, max_size=40),
    st.lists(chunk, max_size=8).map(lambda cs: [x for body, n in cs for x in body * n]),
)


@settings(max_examples=400, deadline=None)
@given(sequences)
@example([ALPHABET[1], ALPHABET[0]] * 3 + [ALPHABET[1]])
@example([ALPHABET[5], ALPHABET[0], ALPHABET[1], ALPHABET[6]])
def test_the_fast_search_finds_what_the_rule_says(seq):
    found = recover_repeats(seq)
    assert found == reference(seq)
    assert list(unrolled_steps(tuple(found))) == list(unrolled_steps(tuple(seq)))


def test_long_runs_past_the_count_limit_agree_with_the_rule():
    a, b, c = ALPHABET[:3]
    seq = [c, *([a, b] * (MAX_COUNT + 37)), c, *([a, a, b] * 150), a]
    assert recover_repeats(seq) == reference(seq)


def test_a_long_chain_of_repeats():
    # 2,500 separate two-step repeats one after another: the reference searches the rest
    # of the list again after each one (12 s); the parts are joined without recursion
    steps = [s(10 + i % 50, 40 + i % 60) for i in range(2600)]
    seq = [x for i in range(2500) for x in (steps[i], steps[i + 1]) * 2]
    out = recover_repeats(seq)
    assert len(out) == 2500 and all(isinstance(r, Repeat) and r.count == 2 for r in out)

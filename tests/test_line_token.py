"""planc.syntax.linetoken.LineToken behaves as Lark's Token wherever a reader of
tokens can tell: slots, equality, hashing, repr, update, copy and pickle."""

from __future__ import annotations

import copy
import pickle

import pytest
from lark import Token

from planc.syntax.linetoken import LineToken

ARGS = ("DURATION", "10m", 2, 3, 4, 3, 7, 5)


def test_the_same_slots_as_lark_s_token() -> None:
    assert set(LineToken.__slots__) == set(Token.__slots__)
    assert LineToken.__match_args__ == Token.__match_args__


def _facts(tok) -> tuple:
    return (*(getattr(tok, name) for name in Token.__slots__), str(tok), repr(tok), hash(tok))


@pytest.mark.parametrize("other", ["10m", "10", LineToken("WORD", "10m"),
                                   LineToken("DURATION", "10m"), LineToken("DURATION", "5m")])
def test_comparisons_are_lark_s(other) -> None:
    ours, lark = LineToken(*ARGS), Token(*ARGS)
    theirs = Token(other.type, str(other)) if isinstance(other, LineToken) else other
    assert (ours == other) == (lark == theirs)
    assert (ours != other) == (lark != theirs)
    assert (other == ours) == (theirs == lark)


def test_repr_update_copy_and_pickle_are_lark_s() -> None:
    ours, lark = LineToken(*ARGS), Token(*ARGS)
    assert _facts(ours) == _facts(lark)
    assert _facts(ours.update(value="5m")) == _facts(lark.update(value="5m"))
    assert _facts(ours.update("WORD")) == _facts(lark.update("WORD"))
    assert _facts(LineToken.new_borrow_pos("WORD", "x", ours)) == _facts(
        Token.new_borrow_pos("WORD", "x", lark))
    assert _facts(copy.deepcopy(ours)) == _facts(copy.deepcopy(lark))
    assert _facts(copy.copy(ours)) == _facts(copy.copy(lark))
    back = pickle.loads(pickle.dumps(ours))
    assert type(back) is LineToken and _facts(back) == _facts(pickle.loads(pickle.dumps(lark)))
    assert ours.__reduce__()[1] == lark.__reduce__()[1]
    assert {ours: 1}["10m"] == 1 and isinstance(ours, str)

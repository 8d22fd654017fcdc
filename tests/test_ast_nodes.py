"""The AST nodes behave as ``@dataclass(frozen=True, slots=True)`` classes would.

planc/ast.py writes their ``__init__`` out and shares one base class for
equality, hash, repr and immutability (start-up speed: see its docstring).
Here every node of every workout in plans/workouts/ and of generated rides is
compared with a real frozen dataclass built from the same fields and defaults.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from planc import ast
from planc.check import read_workout

sys.path.insert(0, str(ROOT / "bench"))
from _gen import workout_text

NODE_CLASSES = [c for c in vars(ast).values()
                if isinstance(c, type) and issubclass(c, ast._Frozen) and c is not ast._Frozen]


def reference(cls: type) -> type:
    """What ``@dataclass(frozen=True, slots=True)`` makes of the same fields."""
    defaults = inspect.signature(cls.__init__).parameters
    specs = []
    for f in dataclasses.fields(cls):
        default = defaults[f.name].default
        kw = {} if default is inspect.Parameter.empty else {"default": default}
        specs.append((f.name, f.type, dataclasses.field(compare=f.compare, repr=f.repr, **kw)))
    return dataclasses.make_dataclass(cls.__qualname__, specs, frozen=True, slots=True)


REFERENCES = {cls: reference(cls) for cls in NODE_CLASSES}


def nodes(value, out: list) -> list:
    if isinstance(value, ast._Frozen):
        out.append(value)
        for f in dataclasses.fields(value):
            nodes(getattr(value, f.name), out)
    elif isinstance(value, tuple):
        for item in value:
            nodes(item, out)
    return out


def corpus() -> list:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "plans").rglob("*.workout"))]
    texts += [workout_text(seed, 15) for seed in range(30)]
    found: list = []
    for text in texts:
        nodes(read_workout(text).workout, found)
    return found


NODES = corpus()


def as_reference(node):
    ref = REFERENCES[type(node)]
    return ref(**{f.name: getattr(node, f.name) for f in dataclasses.fields(node)})


def test_every_node_class_is_in_the_corpus():
    assert {type(n) for n in NODES} >= set(NODE_CLASSES) - {ast.PoolLength}


def test_repr_and_hash_are_the_dataclasses():
    for node in NODES:
        ref = as_reference(node)
        assert repr(node) == repr(ref)
        assert hash(node) == hash(ref)


def test_equality_is_the_dataclasses():
    by_class: dict[type, list] = {}
    for node in NODES:
        by_class.setdefault(type(node), []).append(node)
    for group in by_class.values():
        sample = group[:40]
        for a in sample:
            for b in sample:
                assert (a == b) == (as_reference(a) == as_reference(b))
                assert (a != b) == (as_reference(a) != as_reference(b))
    step, note = next(n for n in NODES if isinstance(n, ast.Step)), ast.Note("x")
    assert step != note and (step == 1) is False


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda c: c.__name__)
def test_defaults_fields_and_match_args_are_the_dataclasses(cls):
    ref = REFERENCES[cls]
    assert cls.__match_args__ == ref.__match_args__
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(ref)]
    assert cls.__slots__ == ref.__slots__


def test_nodes_are_immutable_and_survive_pickle_copy_and_replace():
    step = next(n for n in NODES if isinstance(n, ast.Step) and n.span != ast.NO_SPAN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.label = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del step.label
    with pytest.raises(AttributeError):
        step.not_a_field = 1
    for twin in (pickle.loads(pickle.dumps(step)), copy.copy(step), copy.deepcopy(step)):
        assert twin == step and twin.span == step.span
    changed = dataclasses.replace(step, label="Sprint")
    assert changed.label == "Sprint" and changed.span == step.span and changed != step


def test_the_corpus_is_not_empty():
    assert len(NODES) > 500 and Path(ROOT / "plans").is_dir()


# -- the other frozen records made the same way (planc.ast._frozen)

from planc.athlete import Athlete, SportThresholds  # noqa: E402
from planc.diagnostics import Diagnostic, Severity, error, warning  # noqa: E402
from planc.limits import Limit  # noqa: E402

_THR = SportThresholds(ftp=250, lthr=170, power_zones=(55, 75, 999), pace_units="MINS_KM")
OTHER_RECORDS = [
    _THR, SportThresholds(), SportThresholds(ftp=250),
    Athlete({"ride": _THR}, "Europe/Paris", 30), Athlete(),
    Diagnostic(Severity.ERROR, "syntax", "unexpected text", ast.Span(1, 2, 1, 3), "w", "hint"),
    error("no-steps", "x"), warning("control-character", "y", ast.Span.point(2, 1)),
    Limit("an FTP", 10, 3000, "W"),
]


def acts_as_frozen_dataclass(record, peers) -> None:
    """``record`` shows, compares (with each of ``peers`` of its class), hashes and refuses
    assignment as the real frozen dataclass of its class's fields would."""
    cls = type(record)
    ref_cls = reference(cls)

    def twin(of):
        return ref_cls(**{f.name: getattr(of, f.name) for f in dataclasses.fields(of)})

    ref = twin(record)
    assert repr(record) == repr(ref)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(ref)]
    assert cls.__slots__ == ref_cls.__slots__ and cls.__match_args__ == ref_cls.__match_args__
    for other in peers:
        if type(other) is cls:
            assert (record == other) == (ref == twin(other))
    try:
        expected = hash(ref)
    except TypeError:
        with pytest.raises(TypeError):
            hash(record)
    else:
        assert hash(record) == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.__setattr__(dataclasses.fields(record)[0].name, None)


@pytest.mark.parametrize("record", OTHER_RECORDS, ids=repr)
def test_other_records_behave_as_frozen_dataclasses(record):
    acts_as_frozen_dataclass(record, OTHER_RECORDS)
    assert pickle.loads(pickle.dumps(record)) == record
    assert dataclasses.replace(record) == record


def test_mutable_records_compare_and_show_as_dataclasses():
    """planc.ast.Record (line records, parse results, sources): a dataclass's == (field
    tuples, so a NaN field equals itself), no hash, and its repr."""
    from planc.commands._common import Source
    from planc.syntax import Parsed
    from planc.syntax.grammar import Line

    ref = dataclasses.make_dataclass("Source", [("path", str), ("text", str)], slots=True)
    nan = float("nan")
    assert (Source("a", nan) == Source("a", nan)) == (ref("a", nan) == ref("a", nan))
    assert (Source("a", "x") == Source("a", "y")) is False and Source("a", "x") != 1
    assert repr(Source("w", "- 5m")) == repr(ref("w", "- 5m"))
    assert Parsed(None, []) == Parsed(None, []) and Line("blank", 0, 0).tokens == []
    assert repr(Line("step", 1, 1)) == "Line(kind='step', line=1, column=1, tokens=[], text='')"
    with pytest.raises(TypeError):
        hash(Parsed(None, []))

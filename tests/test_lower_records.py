"""The lowering's records behave as the dataclasses they were, and stay off start-up.

planc.lower.formats (Format, TextLimits, EmitOptions), planc.lower.common (Lowered,
Timed), planc.lower.zwo (_Piece) and planc.resolve.targets (Missing) are made with
planc.ast's ``_frozen`` instead of ``@dataclass(frozen=True, slots=True)``: the
dataclasses module and its class making were ~5 ms of a cold ``planc compile``.
Here each is held to a real frozen dataclass of the same fields (repr, ==, hash,
fields, slots, replace), their defaults to the dataclass's, and a fresh process
shows that a cold ``planc compile --to zwo -o DIR`` of a new text needs no Lark,
and that the command, the lowering and the writers' dispatch import no
dataclasses, inspect or typing (lxml, loaded only to write a .zwo, imports
inspect and typing itself; the output tree's records are held to theirs in
tests/test_output_records.py).
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
from test_ast_nodes import acts_as_frozen_dataclass, reference
from test_learnt_reader import TEXT

from planc.ast import Duration, Step
from planc.diagnostics import error
from planc.lower.common import Lowered, Timed
from planc.lower.formats import FORMATS, EmitOptions, Format, TextLimits
from planc.lower.zwo import _Piece
from planc.resolve.targets import Missing

RECORDS = [
    *FORMATS.values(), TextLimits(), TextLimits(name_bytes=63),
    EmitOptions(), EmitOptions(strict=True, date="2026-12-02", fit_max_steps=50),
    Lowered(None), Lowered(None, [error("no-steps", "x")]),
    Timed(30.0), Timed(1000.0, 0.25), Missing("an FTP", "--ftp"),
    _Piece(Step(Duration(60.0)), 60.0, "steady", 0.75, 0.75, None, ((10.0, "go"),)),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_behave_as_frozen_dataclasses(record):
    acts_as_frozen_dataclass(record, RECORDS)
    ref = reference(type(record))(
        **{f.name: getattr(record, f.name) for f in dataclasses.fields(record)})
    if any(isinstance(v, MappingProxyType) for v in ref.__getstate__()):
        with pytest.raises(TypeError):  # a row's targets or levels: never picklable
            pickle.dumps(record)
    else:
        assert pickle.loads(pickle.dumps(record)) == record
    assert dataclasses.replace(record) == record and record.but() == record


def test_defaults_are_the_dataclasses():
    """A default_factory gave each record a new dict or list; a plain default was shared."""
    a, b = Format("x", ".x", False, "x", "X"), Format("y", ".y", False, "y", "Y")
    assert a.targets == {} and a.levels == {} and a.targets is not b.targets
    assert a.text == TextLimits() and a.text is b.text
    assert (a.families, a.lowering, a.reader, a.nesting, a.ramps, a.lap_press) == (
        None, None, None, None, True, False)
    assert Lowered(None).diagnostics == [] and Lowered(None).diagnostics is not Lowered(
        None).diagnostics
    assert Timed(5.0).per_offset == 1.0
    assert EmitOptions() == EmitOptions(False, False, None, None, False)
    assert EmitOptions().but(indoor=True) == dataclasses.replace(EmitOptions(), indoor=True)


_RUN = """
import sys
from planc.cli import main
code = main(sys.argv[1:5] + ["-o", sys.argv[5]])
print(code, sorted(m for m in sys.modules if m in ("lark", "dataclasses", "inspect", "typing")))
"""
_STAGES = """
import sys
import planc.commands.compile, planc.emit, planc.lower, planc.lower.zwo, planc.lower.icu
print(sorted(m for m in sys.modules if m in ("lark", "dataclasses", "inspect", "typing")))
"""


def _fresh(code: str, *args: str, cache: Path) -> str:
    env = {**os.environ, "PLANC_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip()


def test_a_cold_compile_to_zwo_of_a_new_text_imports_no_lark(tmp_path: Path) -> None:
    """The first run ever stores the line reader's table (with Lark); a later compile of
    a text never seen reads it without Lark.  dataclasses (planc.output.tree) and lxml's
    inspect and typing are the heavy modules still on that path."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    workout = tmp_path / "w.workout"
    workout.write_text(TEXT)
    run = ("compile", str(workout), "--to", "zwo", str(out))
    assert _fresh(_RUN, *run, cache=cache).startswith("0 ")
    workout.write_text(TEXT + "- 7m 55%\n")  # new to the result cache: compiled again
    code, _, modules = _fresh(_RUN, *run, cache=cache).partition(" ")
    assert code == "0" and "'lark'" not in modules
    assert (out / "w.zwo").is_file() or any(out.glob("*.zwo"))


def test_the_compile_command_and_the_lowering_import_no_dataclasses(tmp_path: Path) -> None:
    assert _fresh(_STAGES, cache=tmp_path / "cache") == "[]"

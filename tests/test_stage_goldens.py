"""Stage goldens: what each example workout is after the syntax stage and after each target's
lowering, beside the emitted files (tests/golden/emit/).

A change to the parser shows up in tests/golden/ast/, a change to a lowering in
tests/golden/lowered/<format>/, before it shows up (or hides) in the bytes of a
file.  Dumps are tests/support/astdump.py's one-node-per-line trees, spans included.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.astdump import dump_lowered, dump_workout
from support.golden import AST, LOWERED, check_golden, lowered
from support.readers import ATHLETE, EXAMPLES, example

from planc.ast import Workout
from planc.lower.fit import lower_fit
from planc.lower.icu import lower_icu
from planc.lower.trainer import lower_trainer
from planc.lower.zwo import lower_zwo
from planc.syntax import parse_workout

# format -> its lowering, called as the emitted goldens are compiled (ATHLETE, outdoors);
# a new target format adds its row here
LOWERINGS: dict[str, Callable[[Workout], object]] = {
    "icu": lambda w: lower_icu(w),
    "zwo": lambda w: lower_zwo(w, ATHLETE),
    "mrc": lambda w: lower_trainer(w, ATHLETE, "mrc"),
    "erg": lambda w: lower_trainer(w, ATHLETE, "erg"),
    "fit": lambda w: lower_fit(w, ATHLETE),
}
IDS = [p.stem for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_ast_golden(path: Path) -> None:
    parsed = parse_workout(path.read_text(encoding="utf-8"), path=path.name)
    assert parsed.workout is not None, parsed.diagnostics
    check_golden(AST / f"{path.stem}.txt", dump_workout(parsed.workout))


@pytest.mark.parametrize("fmt", sorted(LOWERINGS))
@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_lowered_golden(path: Path, fmt: str) -> None:
    result = LOWERINGS[fmt](example(path))
    text = dump_lowered(result.workout, result.diagnostics)
    check_golden(lowered(fmt) / f"{path.stem}.txt", text)


def test_every_example_has_stage_goldens_and_nothing_else() -> None:
    stems = {p.stem for p in EXAMPLES}
    assert len(stems) >= 10
    assert {p.stem for p in AST.glob("*.txt")} == stems
    assert {p.name for p in LOWERED.iterdir()} == set(LOWERINGS)
    for fmt in LOWERINGS:
        assert {p.stem for p in lowered(fmt).glob("*.txt")} == stems, fmt


def test_a_lowering_that_refuses_says_why_in_its_golden() -> None:
    """Runs have no course-file form: the .mrc golden of a run holds the error, not a tree."""
    text = (lowered("mrc") / "endurance-run-hr.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "no lowered form"
    assert "error[unsupported-sport]" in text

"""The output tree's records behave as the dataclasses they were, and stay off start-up.

planc.output.tree's ManifestKind and Previous are made with planc.ast's ``_frozen``,
TreeResult with its ``Record``, OutputTree as a plain slotted class: importing
dataclasses (and making the classes) was ~2 ms of every cold ``compile -o DIR``.
A write set of one file into an existing folder is fsynced file by file (no ctypes
for ``syncfs``), and paths are text (planc.output.files.path_text spells them as
pathlib would) until a caller asks for a Path.  A fresh process shows dataclasses,
ctypes and pathlib stay off that path (run with ``-S``: the editable install's
import hook would import pathlib itself).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_ast_nodes import acts_as_frozen_dataclass
from test_learnt_reader import TEXT

from planc.output.files import joined, path_text, stem, suffix
from planc.output.tree import ManifestKind, Previous, TreeResult

PATHS = st.text(alphabet="/.ab\\ ", max_size=12)


@pytest.mark.skipif(os.sep != "/", reason="POSIX spelling; elsewhere pathlib itself")
@given(PATHS, st.text(alphabet="/.ab", min_size=1, max_size=8))
def test_path_text_spells_paths_as_pathlib(path: str, rel: str):
    assert path_text(path) == str(Path(path))
    assert (stem(path), suffix(path)) == (Path(path).stem, Path(path).suffix)
    if not rel.startswith("/"):
        assert joined(path_text(path), rel) == str(Path(path) / rel)


def _files(manifest):
    return manifest["files"]


RECORDS = [
    ManifestKind("manifest.json", "build", "one folder per plan", len, _files),
    ManifestKind(name="site.json", product="rendering", hint="h", owner=len, files=_files),
    Previous(), Previous(None, frozenset({"a.zwo"})), Previous({"plan": 1}, frozenset()),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_behave_as_frozen_dataclasses(record):
    acts_as_frozen_dataclass(record, RECORDS)
    assert dataclasses.replace(record) == record and record.but() == record


def test_a_tree_result_is_the_mutable_dataclass_it_was():
    ref = dataclasses.make_dataclass("TreeResult", [
        ("written", list, dataclasses.field(default_factory=list)),
        ("unchanged", list, dataclasses.field(default_factory=list)),
        ("removed", list, dataclasses.field(default_factory=list)),
        ("temporaries", list, dataclasses.field(default_factory=list)),
        ("key", object, None)], slots=True)
    made = TreeResult(written=[Path("a")], key="k")
    assert repr(made) == repr(ref(written=[Path("a")], key="k"))
    assert made == TreeResult([Path("a")], [], [], [], "k") and made != TreeResult()
    assert TreeResult().written is not TreeResult().written
    assert made.no_change() == TreeResult(unchanged=[Path("a")], key="k")
    with pytest.raises(TypeError):
        hash(made)


_RUN = """
import sys
from planc.cli import main
code = main(sys.argv[1:5] + ["-o", sys.argv[5]])
print(code, sorted(m for m in sys.modules if m in ("dataclasses", "ctypes", "pathlib")))
"""


def test_a_cold_compile_into_a_folder_imports_no_dataclasses_ctypes_nor_pathlib(tmp_path: Path):
    import site

    cache, out = tmp_path / "cache", tmp_path / "out"
    out.mkdir()
    workout = tmp_path / "w.workout"
    checkout = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PLANC_CACHE_DIR": str(cache),
           "PYTHONPATH": os.pathsep.join([checkout, *site.getsitepackages()])}
    for text in (TEXT, TEXT + "- 7m 55%\n"):  # the second is new: compiled and written again
        workout.write_text(text)
        done = subprocess.run(
            [sys.executable, "-S", "-c", _RUN, "compile", str(workout), "--to", "zwo", str(out)],
            env=env, capture_output=True, text=True, timeout=120, check=False)
        assert "Traceback" not in done.stderr, done.stderr
    assert done.stdout.strip() == "0 []"
    assert any(out.glob("*.zwo"))

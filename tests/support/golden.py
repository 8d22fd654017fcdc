"""The one way a test compares output with a golden file, and the one way to rewrite it.

Goldens live under tests/golden/, one folder per pipeline stage (see
tests/golden/README.md).  A test calls :func:`check_golden` with the golden's path
and the bytes (or text) it produced: they must be equal, byte for byte.  After an
intended change, ``pytest --regen`` rewrites the goldens the selected tests reach
instead of comparing them; review the diff and name the reason in the commit.
CI refuses ``--regen`` (tests/conftest.py and .ci/run), so no landing regenerates.
"""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
AST = GOLDEN / "ast"  # syntax: the tree each example parses to
LOWERED = GOLDEN / "lowered"  # lower: the tree each target's lowering leaves, per format
EMIT = GOLDEN / "emit"  # emit: the files written, per format
IMPORT = GOLDEN / "import"  # importers: inputs and the planc text they give
PLANS = GOLDEN / "plans"  # build: the output tree of each example plan

# set once per session by tests/conftest.py from the --regen option
_regen = False


def emitted(fmt: str) -> Path:
    """The folder of the emitted goldens of ``fmt`` (``icu``, ``zwo``, ``mrc``, ``erg``, ...)."""
    return EMIT / fmt


def lowered(fmt: str) -> Path:
    """The folder of the lowered-workout goldens of ``fmt``."""
    return LOWERED / fmt


def set_regen(enabled: bool) -> None:
    """Whether :func:`check_golden` rewrites goldens (``--regen``) instead of comparing."""
    global _regen
    _regen = enabled


def regenerating() -> bool:
    return _regen


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _first_difference(got: bytes, want: bytes) -> str:
    """Where two byte strings part, as ``line L, byte B``, so a failure points at it."""
    at = next((i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
              min(len(got), len(want)))
    line = want[:at].count(b"\n") + 1
    return f"first difference at byte {at} (line {line}); got {len(got)} bytes, " \
           f"golden has {len(want)}"


def check_golden(path: Path, data: bytes | str) -> None:
    """Assert ``data`` equals the golden at ``path`` byte for byte; under --regen, write it."""
    got = _as_bytes(data)
    if _regen:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != got:
            path.write_bytes(got)
        return
    assert path.exists(), f"{path} is missing: run pytest --regen to create it, then review"
    want = path.read_bytes()
    assert got == want, f"{path} differs: {_first_difference(got, want)} (pytest --regen " \
                        "rewrites it after an intended change)"


def files_under(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` by its relative POSIX path, with its bytes (but
    planc's own .planc-cache folder: its lock and cache state are not output)."""
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*"))
            if p.is_file() and ".planc-cache" not in p.relative_to(directory).parts}


def check_golden_tree(golden: Path, produced: Path) -> None:
    """Assert the folder ``produced`` holds exactly the files of ``golden``, byte for byte;
    under --regen, make ``golden`` a copy of ``produced`` (files it no longer has go)."""
    got = files_under(produced)
    if _regen:
        old = files_under(golden) if golden.is_dir() else {}
        for stale in sorted(set(old) - set(got)):
            (golden / stale).unlink()
        for name, data in got.items():
            check_golden(golden / name, data)
        return
    assert golden.is_dir(), f"{golden} is missing: run pytest --regen to create it, then review"
    want = files_under(golden)
    assert sorted(got) == sorted(want), f"{produced} and {golden} hold different files"
    for name, data in got.items():
        check_golden(golden / name, data)

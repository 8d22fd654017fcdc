"""Fuzzing: mutated real inputs through every reader planc has, which must answer with
diagnostics (or a result), never an exception, quickly and in bounded memory.

Why hypothesis and not atheris: hypothesis is already a test dependency, runs on
every Python planc supports without a clang-built wheel, and its ``derandomize``
gives the deterministic short pass CI needs; ``@example`` pins each input a long run
found as a regression test in the same place.  It is not coverage-guided, so the
mutations are aimed by hand at what breaks readers: control characters, digits and
letters that change under case folding, huge and tiny numbers, deep nesting, cut
and repeated slices of a real file.

Targets: the workout parser (``read_workout``), the plan loader (``read_plan`` on
text), each importer (.zwo, .mrc, .erg, .fit, intervals.icu text) and the publish
client's answer handling (over real HTTP to the local server).

Seeds: planc's own example workouts and plans, those workouts written in each import
format by planc's writers, and, when present, the captured third-party files in
../shared/corpus and the reproducers in ../shared/hostile (read from there, never
copied in).

The short pass (CI) is part of the normal pytest run: ``derandomize=True`` and
``FUZZ_EXAMPLES`` inputs per target, well under a minute in all.  The long run is
one command (see ARCHITECTURE.md, "Fuzzing")::

    PLANC_FUZZ_EXAMPLES=20000 nice .venv/bin/pytest tests/test_fuzz.py -p no:cacheprovider \\
        --hypothesis-show-statistics --hypothesis-seed=$RANDOM

A failure prints the shrunk input; add it as an ``@example`` of its target.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import CORPUS, ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.icu_fixtures import fake_clock, icu_client, icu_server  # noqa: F401

from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.diagnostics import Diagnostic, render
from planc.icuserver import Fault
from planc.importers import import_file
from planc.plan.load import read_plan
from planc.publish.client import ServiceError

# ruff: noqa: F811  (pytest injects the imported fixtures by parameter name)

HOSTILE = Path(os.environ.get("PLANC_HOSTILE", ROOT.parent / "shared" / "hostile"))
LONG = int(os.environ.get("PLANC_FUZZ_EXAMPLES", "0"))
FUZZ_EXAMPLES = LONG or 120
"""Inputs per target: 120 in the short pass (about 3 s a target on a shared machine)."""
PER_INPUT_S = 2.0
"""No input may take longer (the hostile-input bound); a slower one is a finding."""

fuzz_settings = settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not LONG, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])

# ------------------------------------------------------------------------ seeds


def _files(folder: Path, *suffixes: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


@functools.cache
def workout_seeds() -> tuple[str, ...]:
    paths = _files(ROOT / "plans", ".workout") + _files(HOSTILE, ".workout")
    return tuple(p.read_text(encoding="utf-8", errors="replace") for p in paths)


@functools.cache
def plan_seeds() -> tuple[str, ...]:
    paths = [p for p in _files(ROOT / "plans", ".yaml")] + _files(HOSTILE, ".yaml")
    return tuple(p.read_text(encoding="utf-8", errors="replace") for p in paths)


ATHLETE = Athlete(sports={"ride": SportThresholds(ftp=250, lthr=170, max_hr=190),
                          "run": SportThresholds(threshold_pace=4.0, lthr=170, max_hr=190)})


@functools.cache
def file_seeds(fmt: str) -> tuple[bytes, ...]:
    """Files of ``fmt``: planc's example workouts written by planc, then the corpus's."""
    from planc.emit import emit

    out: list[bytes] = []
    for text in workout_seeds():
        parsed = read_workout(text)
        if parsed.workout is not None and not any(d.is_error for d in parsed.diagnostics):
            data, _ = emit(fmt, parsed.workout, ATHLETE)
            if data:
                out.append(data)
    corpus = "icu" if fmt == "icu" else fmt
    out += [p.read_bytes() for p in _files(CORPUS / corpus, f".{fmt}", ".txt", ".json")][:40]
    out += [p.read_bytes() for p in _files(HOSTILE, f".{fmt}")]
    return tuple(out)


# -------------------------------------------------------------------- mutations

INTERESTING = (
    "\x00", "\x01", "\x1b[31m", "\r", "\u202e", "\ufeff", "\ud7ff", "İ", "ß", "ﬃ", "²", "٣",
    "𝟗", "Ⅻ", "½", "9" * 40, "1e308", "1e-300", "-0", "nan", "inf", "-1", "0", "1_000",
    "99999999999999999999x", "200x", "0x", "[" * 200, "{" * 200, "(" * 200, "<a>" * 50,
    "- ", "\n- 1m 50%", "\n  ", "\t", ":", "%", "w", "rpm", "bpm", "/km", "mtr", "Z9",
    "ramp", "&a", "*a", "!!python/object", "---\n", "'", '"', "\\", "&#0;", "&#x1b;",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "&a;", "]]>",
)


@st.composite
def mutated_text(draw, seeds: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> str:
    """A seed with a few edits: insert a nasty token, cut, repeat or swap a slice.
    ``seeds`` may be a function, called on first use (collecting stays fast)."""
    seeds = seeds() if callable(seeds) else seeds
    text = draw(st.sampled_from(seeds)) if seeds else ""
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(("insert", "insert", "delete", "repeat", "replace", "chars")))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(INTERESTING)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "repeat":
            piece = text[at:at + draw(st.integers(1, 80))]
            text = text[:at] + piece * draw(st.integers(2, 60)) + text[at:]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(INTERESTING)) + text[at + 1:]
        else:
            text = text[:at] + draw(st.text(max_size=12)) + text[at:]
    return text


@st.composite
def mutated_bytes(draw, seeds: Callable[[], tuple[bytes, ...]]) -> bytes:
    """A seed with a few byte edits: flip, set to an edge value, cut, repeat."""
    found = seeds()
    data = bytearray(draw(st.sampled_from(found)) if found else b"")
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(("flip", "edge", "edge", "cut", "repeat", "insert")))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "edge" and data:
            data[at] = draw(st.sampled_from((0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)))
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 64)):]
        elif kind == "repeat":
            data = data[:at] + data[at:at + draw(st.integers(1, 64))] * draw(
                st.integers(2, 40)) + data[at:]
        else:
            data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
    return bytes(data)


# ------------------------------------------------------------------- the checks


@contextmanager
def bounded(what: str) -> Iterator[None]:
    """One input: at most PER_INPUT_S of CPU time (CPU, not wall time: the machine is
    shared and the long run is nice'd); a SIGALRM after ten times that in wall time
    turns a hang into a failure with the input, rather than a stuck run."""
    def expired(*_):
        raise TimeoutError(f"{what} took more than {10 * PER_INPUT_S:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 10 * PER_INPUT_S)
    start = time.process_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    took = time.process_time() - start
    assert took < PER_INPUT_S, f"{what} took {took:.2f} s of CPU"


def renders(diagnostics: list[Diagnostic], sources: dict[str, str]) -> None:
    """Every diagnostic renders, and what it prints cannot drive a terminal."""
    for d in diagnostics:
        text = render(d, sources)
        assert "\x1b" not in text and "\x00" not in text, text


# ---------------------------------------------------------------------- targets


@fuzz_settings
@given(mutated_text(workout_seeds()))
@example("- 10m 50% 90-75219707177rpm\n")
@example("- 1mİ 50%\n")
@example("- 30s\n- ramp300mtr 50%\n")  # found by the long run: IndexError in the label
def test_fuzz_the_workout_parser(text):
    with bounded("read_workout"):
        parsed = read_workout(text, path="fuzz.workout")
    renders(list(parsed.diagnostics), {"fuzz.workout": text})


@fuzz_settings
@given(mutated_text(plan_seeds()))
@example("{id: p, name: P, start: 9999-12-27, weeks: 2, calendar: []}")
@example("{" * 12_000 + "a: 1")  # found by the long run: 3.3 s in the parser's recursion
def test_fuzz_the_plan_loader(text):
    path = str(ROOT / "plans" / "fuzz-plan.yaml")  # beside the library the seeds include
    with bounded("read_plan"):
        result = read_plan(path, texts={path: text})
    renders(result.diagnostics, {path: text, **result.sources})


def _import(fmt: str, data: bytes) -> None:
    shown = f"fuzz.{'txt' if fmt == 'icu' else fmt}"
    with bounded(f"import {fmt}"):
        result = import_file(data, path=shown, fmt=fmt)
    assert result.workout is not None or any(d.is_error for d in result.diagnostics)
    renders(result.diagnostics, {shown: data.decode("utf-8", "replace")})


def _text_seeds(fmt: str) -> Callable[[], tuple[str, ...]]:
    return lambda: tuple(s.decode("utf-8", "replace") for s in file_seeds(fmt))


def _text_importer(fmt: str) -> Callable:
    """One fuzz test per text format (its own statistics in the long run)."""
    @fuzz_settings
    @given(mutated_text(_text_seeds(fmt)))
    def check(text: str) -> None:
        _import(fmt, text.encode("utf-8", "surrogatepass"))

    check.__name__ = f"test_fuzz_the_{fmt}_importer"
    return check


test_fuzz_the_zwo_importer = _text_importer("zwo")
test_fuzz_the_mrc_importer = _text_importer("mrc")
test_fuzz_the_erg_importer = _text_importer("erg")
test_fuzz_the_icu_text_importer = _text_importer("icu")


@fuzz_settings
@given(mutated_bytes(lambda: file_seeds("fit")))
def test_fuzz_the_fit_importer(data):
    _import("fit", data)


EVENT = ('{"id": 7, "external_id": "planc:x:2027-01-04:w", "start_date_local": '
         '"2027-01-04T00:00:00", "name": "W", "category": "WORKOUT", "type": "Ride"}')


@fuzz_settings
@given(mutated_text((f"[{EVENT}]", f"[{EVENT}, {EVENT}]", "[]", '{"error": "no"}')))
@example("[1, \"x\", null]")
@example("[" * 100_000)
def test_fuzz_the_events_answer(icu_server, icu_client, body):
    """Whatever intervals.icu answers, the client returns events of the documented
    shape or raises ServiceError: the plan of action never sees anything else."""
    icu_server.faults.clear()
    icu_server.faults.add(Fault.status_code(200, body=body, content_type="application/json"))
    try:
        with bounded("list_events"):
            events = icu_client.list_events(dt.date(2027, 1, 4), dt.date(2027, 1, 10))
    except ServiceError as exc:
        assert "\x1b" not in str(exc)
        return
    assert all(isinstance(e, dict) for e in events)
    for e in events:
        assert e.get("id") is None or type(e["id"]) is int
        assert e.get("start_date_local") is None or isinstance(e["start_date_local"], str)

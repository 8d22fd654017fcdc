"""Real third-party files (../shared/corpus): every workout imports, the negatives are refused.

For each valid file: the import succeeds, its planc text reads back as the same
workout, and writing it again in its own format with planc's writer and
importing that gives the same second-by-second target profile (within 1 s and
0.5 %).  Facts checked by hand against the files pin what the importer must
read (durations, structure, cue times, quirks).  The corpus has no expected-
result companions (no JSON beside the files), so these facts are the oracle.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS
from support.profile_oracle import TEST_ATHLETE, profile_mismatches, target_profile

from planc.ast import Cue, Distance, Repeat, unrolled_steps
from planc.check import read_workout
from planc.emit import emit
from planc.importers import import_file

NEGATIVES = {
    "zwo/gally74__recovery.zwo": ("not-zwo", "<workoutstep>"),
    "zwo/gally74__sweet-spot.zwo": ("not-zwo", "<workoutstep>"),
    "zwo/gally74__threshold.zwo": ("not-zwo", "<workoutstep>"),
    "zwo/gally74__vo2max.zwo": ("not-zwo", "<workoutstep>"),
    "fit/garminsdk__Settings.fit": ("fit-not-workout", "file_id.type = settings"),
    "fit/garminsdk__activity_truncated.fit": ("fit-not-workout", "file_id.type = activity"),
    "fit/fit_tool__stagesLink_28832.fit": ("fit-not-workout", "file_id.type = course"),
}


def _files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*")
                  if p.suffix.lower() in (".zwo", ".mrc", ".erg", ".fit"))


FILES = _files()
VALID = [f for f in FILES if f not in NEGATIVES]


def _import(corpus: Path, rel: str):
    return import_file(corpus / rel)


def test_the_corpus_is_all_here(corpus):
    assert len(VALID) >= 70 and set(NEGATIVES) <= set(FILES)


@pytest.mark.parametrize("rel", VALID)
def test_valid_files_import_and_read_back(corpus, rel):
    res = _import(corpus, rel)
    assert res.ok, res.diagnostics
    assert res.format == Path(rel).suffix[1:]
    back = read_workout(res.text)
    assert back.workout == res.workout
    assert not any(d.is_error for d in back.diagnostics)
    assert res.workout.name


@pytest.mark.parametrize("rel", VALID)
def test_own_format_round_trip_keeps_the_profile(corpus, rel):
    first = _import(corpus, rel)
    assert first.ok, first.diagnostics
    fmt = first.format
    data, diags = emit(fmt, first.workout, TEST_ATHLETE)
    assert data and not any(d.is_error for d in diags), diags
    again = import_file(data, path=f"again.{fmt}", fmt=fmt)
    assert again.ok, again.diagnostics
    problems = profile_mismatches(target_profile(again.workout), target_profile(first.workout))
    assert not problems, problems


@pytest.mark.parametrize("rel", sorted(NEGATIVES))
def test_negatives_are_refused_with_a_clear_message(corpus, rel):
    res = _import(corpus, rel)
    assert res.workout is None
    errors = [d for d in res.diagnostics if d.is_error]
    code, words = NEGATIVES[rel]
    assert [d.code for d in errors] == [code]
    assert words in errors[0].message
    assert errors[0].path.endswith(Path(rel).name)


# ------------------------------------------------------- facts, checked by hand --


def _steps(res):
    return list(unrolled_steps(res.workout.body))


def _seconds(res) -> float:
    return sum(s.amount.seconds for s in _steps(res))


def test_ftp_test_zwo(corpus):
    res = _import(corpus, "zwo/goldencheetah__FTPTest.zwo")
    assert _seconds(res) == 1200 + 9 * 20 + 300 + 300 + 600 + 1200 + 600
    reps = [n for n in res.workout.body if isinstance(n, Repeat)]
    assert [(r.count, len(r.children)) for r in reps] == [(3, 3)]
    steps = _steps(res)
    assert steps[-1].power.value.start == 0.7 and steps[-1].power.value.end == 0.3
    assert steps[0].cues[1] == Cue(35.0, "Time to get warmed up and get your cadence up to "
                                         "90-100rpm")
    assert [d.code for d in res.diagnostics] == ["zwo-steady-range"]


def test_mayfield_averages_and_ramped_intervals(corpus):
    res = _import(corpus, "zwo/goldencheetah__Mayfield.zwo")
    steps = _steps(res)
    assert steps[1].ramp and steps[1].power.value.start == 1.4 and steps[1].power.value.end == 1.6
    assert any(s.power is not None and s.power.value.start == 0.75 and not s.ramp for s in steps)


def test_whatsonzwift_scrape(corpus):
    res = _import(corpus, "zwo/alexshpunt__1-long-tempo-intervals.zwo")
    assert res.workout.name == "1. Long Tempo Intervals" and res.workout.sport == "Ride"
    rep = res.workout.body[1]
    assert isinstance(rep, Repeat) and rep.count == 10
    assert all(s.cadence is None for s in rep.children)
    assert _steps(res)[-1].power.value.start == 0.45  # Cooldown PowerLow 0.45 > PowerHigh 0.25


def test_phisad_n_tag_is_the_name(corpus):
    assert _import(corpus, "zwo/phisad__AC_Breakaway_20min.zwo").workout.name == \
        "AC Breakaway 20min"


def test_zwomaker_distance_run(corpus):
    res = _import(corpus, "zwo/zwomaker__slowcomeback_negative3000.zwo")
    assert res.workout.sport == "Run"
    assert all(isinstance(s.amount, Distance) for s in _steps(res))
    assert sum(s.amount.metres for s in _steps(res)) == 4800
    assert "zwo-distance" in [d.code for d in res.diagnostics]


def test_iso_hour_mrc(corpus):
    res = _import(corpus, "mrc/goldencheetah__IsoL4hour.mrc")
    assert [(s.amount.seconds, s.power.value.start) for s in _steps(res)] == [
        (300, 0.55), (600, 0.75), (300, 0.5), (3600, 1.0), (900, 0.55)]


def test_mrc_text_cues_are_seconds_from_the_start(corpus):
    res = _import(corpus, "mrc/goldencheetah__TRwithTextCues.mrc")
    t = 0.0
    found = []
    for s in _steps(res):
        found.extend((t + c.offset, c.text) for c in s.cues)
        t += s.amount.seconds
    assert [at for at, _ in found] == [600.0, 615.0]


def test_erg_with_ftp_header_and_intervals(corpus):
    res = _import(corpus, "erg/goldencheetah__15x30s@128%FTP.erg")
    reps = [n for n in res.workout.body if isinstance(n, Repeat)]
    assert [r.count for r in reps] == [4, 10]
    assert reps[0].children[0].power.value.start == pytest.approx(333 / 260, abs=0.001)
    assert _seconds(res) == 70 * 60


def test_erg_without_ftp_keeps_watts_unless_given(corpus):
    res = _import(corpus, "erg/goldencheetah__RampTest.erg")
    assert _steps(res)[0].power.unit.value == "w" and "erg-watts" in [
        d.code for d in res.diagnostics]
    res = import_file(corpus / "erg/goldencheetah__RampTest.erg", ftp=250)
    assert _steps(res)[0].power.value.start == 0.4 and _steps(res)[0].ramp


def test_trainerroad_fit(corpus):
    res = _import(corpus, "fit/fit_tool__trainerroad_744490.fit")
    steps = _steps(res)
    assert len(steps) == 5 and res.workout.name == "Beech"
    assert steps[0].power.value.start == 158 and steps[0].power_window == "lap"
    assert steps[1].until_lap_press and steps[1].cues[0].text == "Hit lap when ready for main set."


def test_sdk_repeat_and_conditional_repeat(corpus):
    res = _import(corpus, "fit/garminsdk__WorkoutRepeatSteps.fit")
    rep = res.workout.body[1]
    assert isinstance(rep, Repeat) and (rep.count, rep.title) == (3, "Rep")
    res = _import(corpus, "fit/garminsdk__WorkoutRepeatGreaterThanStep.fit")
    rep = res.workout.body[1]
    assert "until heart rate above 80% max HR" in rep.title
    assert "fit-conditional-repeat" in [d.code for d in res.diagnostics]


def test_stages_developer_secondary_targets(corpus):
    res = _import(corpus, "fit/fit_tool__stagesLink_25622166.fit")
    first = _steps(res)[0]
    assert first.power_window == "3s" and first.power.value.start == 90
    assert first.hr.value.start == 101 and first.cadence.value.end == 100

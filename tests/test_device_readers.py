"""Every device file planc writes, read by readers planc did not write (issue 13, point 6).

Files: every example workout (plans/workouts/*.workout) and every workout of the
two example plans, in each of .fit, .zwo, .mrc and .erg that can express its
sport (tests/support/device_cases.py).  Readers:

* .fit: fitdecode, Garmin's garmin-fit-sdk and fit-tool (tests/support/fit_readers.py)
  must read the same fields, and the steps a watch runs from them (repeats
  followed) must be the workout; no more than Garmin's 50 steps;
* .zwo: read as Zwift reads it and as Golden Cheetah does, with ``int(100 x
  value)`` whole percent (tests/support/zwo_readers.py);
* .mrc/.erg: read by Golden Cheetah's line rules in Golden Cheetah's order
  (tests/support/gc_reader.py), by a rider whose CP is not the file's FTP, so
  an .erg is rescaled through its ``FTP =`` line.

"The workout" is planc's resolved timeline of the source
(tests/support/device_oracle.py): total time to the second, and every second's
target as a fraction of the athlete's threshold.  A property test holds random
workouts, including text that Golden Cheetah would misread, to the same rules.

"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import device_oracle as oracle
from support.device_cases import Case, all_cases, file_cases
from support.fit_readers import READERS, device_run, read_all
from support.gc_reader import read_like_golden_cheetah
from support.zwo_readers import read_like_golden_cheetah as zwo_as_golden_cheetah
from support.zwo_readers import read_like_zwift

from planc.ast import (
    Cue,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Step,
    Workout,
    iter_steps,
)
from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.units import sport_family

ISSUE = "issue 13: device files that real apps and watches read as meant"
GARMIN_MAX_STEPS = 50
FIT_DOMAINS = {"power", "pace", "hr"}
FIT_CLOSE = oracle.within(0.012)  # 1 % FTP / 1 W, 1 bpm, 1 mm/s and a band's rounding
ZWIFT_CLOSE = oracle.within(0.001)  # powers are written with three decimals
REST = 1  # FIT intensity rest


# ----------------------------------------------------------- the checks --


def fit_problems(case: Case, data: bytes) -> list[str]:
    """What three decoders and a watch's run of the file get wrong about the workout."""
    files = read_all(data)
    first = files[0]
    problems = [f"{f.decoder} reads {f.steps[:1]}... unlike {first.decoder}"
                for f in files[1:]
                if (f.sport, f.name, f.num_valid_steps, f.steps)
                != (first.sport, first.name, first.num_valid_steps, first.steps)]
    if len(first.steps) > GARMIN_MAX_STEPS:
        problems.append(f"{len(first.steps)} steps: Garmin takes {GARMIN_MAX_STEPS}")
    if first.num_valid_steps != len(first.steps):
        problems.append(f"num_valid_steps {first.num_valid_steps} for {len(first.steps)} steps")
    tl = oracle.source(case.workout, case.athlete, case.indoor)
    thr = case.athlete.for_sport(case.workout.sport)
    for f in files:
        pieces = oracle.fit_pieces(f, thr, case.workout.sport, case.indoor)
        problems += [f"{f.decoder}: {p}"
                     for p in oracle.disagreements(tl, pieces, FIT_DOMAINS, FIT_CLOSE)]
    return problems


def lap_press_problems(case: Case, data: bytes) -> list[str]:
    """A 'Press lap' step is a lap-button (open) step on the watch, and only those are."""
    run = device_run(read_all(data)[0])
    tl = oracle.source(case.workout, case.athlete, case.indoor)
    want = sum(1 for s in tl.steps if s.step.until_lap_press)
    got = sum(1 for s in run if s.duration == "open")
    return [] if want == got else [f"{got} open steps for {want} 'Press lap' steps"]


def zwo_problems(case: Case, data: bytes, golden_cheetah: bool = True) -> list[str]:
    tl = oracle.source(case.workout, case.athlete, case.indoor)
    domain = "pace" if sport_family(case.workout.sport) == "run" else "power"
    thr = case.athlete.for_sport(case.workout.sport)
    pieces = oracle.zwo_pieces(read_like_zwift(data), domain, thr, case.workout.sport)
    problems = [f"Zwift: {p}" for p in oracle.disagreements(tl, pieces, {domain}, ZWIFT_CLOSE)]
    # Golden Cheetah rides (its reading of runs is not planc's to fix), and drops MaxEffort
    golden_cheetah = golden_cheetah and not any(s.maxeffort for s in iter_steps(case.workout.body))
    if golden_cheetah and domain == "power":
        reading = zwo_as_golden_cheetah(data)
        problems += [f"Golden Cheetah: {p}" for p in oracle.disagreements(
            tl, oracle.zwo_pieces(reading, domain), {domain}, oracle.whole_percent_below_one)]
    return problems


def written_cues(data: bytes) -> list[tuple[str, str]]:
    """The (seconds, text) of the cue lines planc wrote, by planc's own layout."""
    lines = data.decode("ascii").split("\r\n")
    if "[COURSE TEXT]" not in lines:
        return []
    body = lines[lines.index("[COURSE TEXT]") + 1:lines.index("[END COURSE TEXT]")]
    return [(at, text) for at, text, _ in (line.split("\t") for line in body)]


def written_description(data: bytes) -> str:
    line = next(t for t in data.decode("ascii").split("\r\n") if t.startswith("DESCRIPTION = "))
    return line.removeprefix("DESCRIPTION = ")


def course_problems(case: Case, fmt: str, data: bytes) -> list[str]:
    """Golden Cheetah, for a rider with 20 % more CP than the file's FTP."""
    thr = case.athlete.for_sport(case.workout.sport)
    ftp = ftp_for(thr, case.indoor) or 250
    cp = round(ftp * 1.2)
    gc = read_like_golden_cheetah(data, cp)
    problems = []
    if not gc.valid or gc.format != fmt.upper():
        problems.append(f"not a valid {fmt.upper()} course (format {gc.format})")
    if gc.laps or gc.slope_points or gc.ignored:
        problems.append(f"misread lines: laps {gc.laps[:2]}, {gc.slope_points} slope points, "
                        f"ignored {gc.ignored[:2]}")
    if fmt == "erg" and gc.ftp != math.floor(ftp + 0.5):  # whole watts, half up
        problems.append(f"FTP read as {gc.ftp}, written for {ftp}")
    cues = [(f"{s:g}", text) for s, text, _ in gc.cues]
    if cues != written_cues(data):
        problems.append(f"cues read {cues[:3]}..., written {written_cues(data)[:3]}...")
    if gc.settings.get("DESCRIPTION") != written_description(data):
        problems.append(f"DESCRIPTION read as {gc.settings.get('DESCRIPTION')!r}")
    athlete = case.athlete
    if fmt == "erg":  # the file's FTP is whole watts, and its watts were resolved with it
        whole = float(math.floor(ftp + 0.5))
        athlete = athlete.with_flags(SportThresholds(
            ftp=whole, indoor_ftp=whole if case.indoor and thr.indoor_ftp else None))
    tl = oracle.source(case.workout, athlete, case.indoor)
    close = oracle.within(0.005 + 1 / cp if fmt == "mrc" else 1.7 / cp)
    problems += oracle.disagreements(tl, oracle.course_pieces(gc), {"power"}, close,
                                     total=gc.seconds)
    return problems


PROBLEMS = {"fit": fit_problems, "zwo": zwo_problems}


def problems_of(case: Case, fmt: str, data: bytes) -> list[str]:
    if fmt in ("mrc", "erg"):
        return course_problems(case, fmt, data)
    return PROBLEMS[fmt](case, data)


# ------------------------------------------------- the readers themselves --


def course(lines: list[str], fmt: str = "MRC", ftp: str | None = None) -> bytes:
    """A course file written by hand (not by planc), CRLF, cues in [COURSE TEXT]."""
    columns = {"MRC": "MINUTES PERCENT", "ERG": "MINUTES WATTS"}[fmt]
    head = ["[COURSE HEADER]", "VERSION = 2", "UNITS = ENGLISH", "DESCRIPTION = Test",
            *([f"FTP = {ftp}"] if ftp else []), columns, "[END COURSE HEADER]",
            "[COURSE DATA]", "0.00\t50", "10.00\t50", "10.00\t100", "35.00\t100",
            "[END COURSE DATA]", "[COURSE TEXT]"]
    return "\r\n".join([*head, *lines, "[END COURSE TEXT]", ""]).encode()


def test_gc_reader_reads_a_clean_course_and_its_cues() -> None:
    c = read_like_golden_cheetah(course(["600\tGo!\t10", "615\tTen fifteen in\t10"]), 250)
    assert c.valid and c.format == "MRC" and c.seconds == 2100
    assert c.points == [(0, 125), (600_000, 125), (600_000, 250), (2_100_000, 250)]
    assert c.cues == [(600, "Go!", 10), (615, "Ten fifteen in", 10)]
    assert not (c.laps or c.ignored or c.slope_points)


@pytest.mark.parametrize(("cue", "what"), [
    ("90-95", "slope"), ("100", "slope"), ("20", "slope"), ("3-2-1", "slope"),
    ("Lap window", "lap"), ("lap 2 of 4", "lap"), ("FTP = 250 W", "setting"),
    ("Cadence=90", "setting"), ("[COURSE DATA]", "section"), ("", "point"),
])
def test_gc_reader_misreads_what_formats_md_says_golden_cheetah_misreads(cue, what) -> None:
    """formats.md §2.6, measured with Golden Cheetah's own reader on planc's files."""
    c = read_like_golden_cheetah(course([f"600\t{cue}\t10", "700\tAfter\t10"]), 250)
    texts = [t for _, t, _ in c.cues]
    assert cue not in texts
    if what == "slope":  # a course point at the running distance: the workout is cut short
        assert c.slope_points == 1 and c.seconds < 2100
    if what == "lap":  # a lap at the cue's seconds read as minutes
        assert c.laps[0][0] == 600 * 60_000
    if what == "section":  # every later cue is lost
        assert texts == []
    if what == "point":  # an empty text leaves '600 10': 10 % at 600 *minutes*
        assert c.points[-1] == (600 * 60_000, 25) and c.seconds == 36_000
    if what != "section":
        assert texts == ["After"]


def test_gc_reader_ftp_and_value_rounding() -> None:
    # a fractional FTP is no FTP: the watts are not rescaled to the rider
    erg = read_like_golden_cheetah(course([], "ERG", "252.5"), 300)
    assert erg.ftp == 0 and erg.points[0] == (0, 50)
    erg = read_like_golden_cheetah(course([], "ERG", "250"), 300)
    assert erg.ftp == 250 and erg.points[0] == (0, 60)
    # MRC: the percentage is rounded first, then the watts truncated
    mrc = read_like_golden_cheetah(course([]).replace(b"0.00\t50", b"0.00\t90.5"), 200)
    assert mrc.points[0] == (0, 182)


def zwo(blocks: str) -> bytes:
    return (f"<workout_file><name>T</name><sportType>bike</sportType><workout>{blocks}"
            "</workout></workout_file>").encode()


def test_zwo_readers_differ_where_formats_md_says() -> None:
    data = zwo('<SteadyState Duration="60" Power="1.15"/><SteadyState Duration="60" Power="0.57"/>'
               '<MaxEffort Duration="30"/><Cooldown Duration="60" PowerLow="0.4" PowerHigh="0.7">'
               '<textevent timeoffset="10" message="Easy"/></Cooldown>')
    gc, zwift = zwo_as_golden_cheetah(data), read_like_zwift(data)
    assert [(s.start, s.end) for s in gc.segments] == [(1.14, 1.14), (0.56, 0.56), (0.7, 0.4)]
    assert gc.seconds == 180 and gc.cues == [(130, "Easy")]  # MaxEffort dropped
    assert [(s.start, s.end) for s in zwift.segments] == [
        (1.15, 1.15), (0.57, 0.57), (None, None), (0.4, 0.7)]
    assert zwift.seconds == 210 and zwift.cues == [(160, "Easy")]
    # Zwift-style values survive the truncation
    assert zwo_as_golden_cheetah(zwo('<SteadyState Duration="1" Power="1.1504999"/>')
                                 ).segments[0].start == 1.15


def test_fit_decoders_agree_on_garmins_samples_and_reject_a_flipped_byte(corpus) -> None:
    for path in sorted((corpus / "fit").glob("garminsdk__Workout*.fit")):
        data = path.read_bytes()
        files = read_all(data)
        assert all(f.steps == files[0].steps and f.steps for f in files), path.name
        bad = bytearray(data)
        bad[20] ^= 0x01
        for read in READERS:
            with pytest.raises(Exception):  # noqa: B017 - each decoder has its own error
                read(bytes(bad))


def test_gc_reader_reads_golden_cheetahs_own_files(corpus) -> None:
    paths = [p for p in sorted((corpus / "mrc").iterdir()) + sorted((corpus / "erg").iterdir())
             if p.suffix in (".mrc", ".erg")]
    assert paths
    for path in paths:
        c = read_like_golden_cheetah(path.read_bytes(), 250)
        assert c.valid and not c.slope_points, path.name
    cues = read_like_golden_cheetah((corpus / "mrc" / "goldencheetah__TRwithTextCues.mrc")
                                    .read_bytes(), 250).cues
    assert [(s, d) for s, _, d in cues] == [(600, 10), (615, 10)]


# ------------------------------------------------------- example files --


FILES = [pytest.param(c, fmt, id=f"{c.name}.{fmt}") for c, fmt in file_cases()]


@pytest.mark.parametrize(("case", "fmt"), FILES)
def test_every_reader_reads_the_workout(case: Case, fmt: str) -> None:
    data, diags = case.compile(fmt)
    assert data, [d.message for d in diags]
    assert problems_of(case, fmt, data) == []


def _fit_cases(having) -> list:
    return [pytest.param(c, id=c.name) for c in all_cases()
            if "fit" in c.formats and any(having(s) for s in iter_steps(c.workout.body))]


@pytest.mark.parametrize("case", _fit_cases(lambda s: s.until_lap_press))
def test_press_lap_is_a_lap_button_step(case: Case) -> None:
    data, _ = case.compile("fit")
    assert lap_press_problems(case, data) == []


REST_WORDS = re.compile(r"\b(rest|recover|recovery)\b", re.IGNORECASE)


def says_rest(step: Step) -> bool:
    """The rule issue 13 asks for: no target, and the label or intensity says rest."""
    if step.has_target or step.freeride or step.maxeffort:
        return False
    if step.intensity is not None:
        return step.intensity in (Intensity.REST, Intensity.RECOVERY)
    return bool(step.label and REST_WORDS.search(step.label))


def rest_problems(case: Case, data: bytes) -> list[str]:
    tl = oracle.source(case.workout, case.athlete, case.indoor)
    fit = read_all(data)[0]
    thr = case.athlete.for_sport(case.workout.sport)
    run = oracle.fit_run_times(fit, thr, case.workout.sport, tl, case.indoor)
    problems = []
    for s in tl.steps:
        if not says_rest(s.step):
            continue
        t, step = min(run, key=lambda r: abs(r[0] - s.t0))  # distance steps: times estimated
        if abs(t - s.t0) > 1 + 0.002 * s.t0 or step.intensity != REST:
            problems.append(f"rest step at {s.t0:.0f} s ({s.step.label}): the watch runs "
                            f"{step.intensity=} at {t:.0f} s")
    return problems


@pytest.mark.parametrize("case", _fit_cases(says_rest))
def test_rest_steps_are_rest_on_the_watch(case: Case) -> None:
    data, _ = case.compile("fit")
    assert rest_problems(case, data) == []


# ----------------------------------------------------- random workouts --

# Text Golden Cheetah reads as something else (formats.md §2.6), text a course file
# cannot carry, and plain words.
HOSTILE = ("100", "20", "3-2-1", "90-95", "5.5", "-", "Lap window", "lap 2 of 4",
           "FTP = 250 W", "Cadence=90", "[COURSE DATA]", "go [end course text] go",
           "Тренировка 午前", "½ way", " ", "Spin up", "Push", "Recover")
texts = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=12))
whole = st.integers(20, 250).map(lambda p: p / 100)


def _band(values, ordered: bool = True):
    def build(pair):
        a, b = sorted(pair) if ordered else pair
        return Range(a, b)
    return st.one_of(values.map(lambda v: Range(v, v)), st.tuples(values, values).map(build))


def ride_power(ordered: bool):
    return st.one_of(
        st.builds(PowerTarget, st.just(PowerUnit.FTP), _band(whole, ordered)),
        st.builds(PowerTarget, st.just(PowerUnit.WATTS),
                  _band(st.integers(60, 700).map(float), ordered)),
        st.builds(PowerTarget, st.just(PowerUnit.ZONE), _band(st.integers(1, 6).map(float))),
    )


@st.composite
def ride_steps(draw):
    seconds = float(draw(st.integers(5, 1200)))
    kind = draw(st.sampled_from(["steady", "steady", "ramp", "free", "max", "lap", "rest"]))
    ramp = kind == "ramp"
    power = draw(ride_power(ordered=not ramp)) if kind in ("steady", "ramp", "lap") else None
    if ramp and power.value.is_single:
        power = PowerTarget(power.unit, Range(power.value.start, power.value.start + 0.1))
    cues = tuple(Cue(float(o), t) for o, t in draw(st.lists(
        st.tuples(st.integers(0, int(seconds) - 1), texts), max_size=2)))
    return Step(Duration(seconds), label=draw(st.one_of(st.none(), texts)), ramp=ramp,
                power=power, until_lap_press=kind == "lap", freeride=kind == "free",
                maxeffort=kind == "max", cues=cues)


@st.composite
def run_steps(draw):
    amount = draw(st.one_of(st.integers(10, 1800).map(lambda s: Duration(float(s))),
                            st.integers(50, 5000).map(lambda m: Distance(float(m)))))
    kind = draw(st.sampled_from(["pace", "hr", "lap", "rest"]))
    pace = hr = None
    if kind in ("pace", "lap"):
        pace = PaceTarget(PaceUnit.THRESHOLD, draw(_band(st.integers(60, 115).map(
            lambda p: p / 100))))
    elif kind == "hr":
        hr = HrTarget(draw(st.sampled_from([HrUnit.MAX, HrUnit.BPM])), Range(0.7, 0.8))
        if hr.unit is HrUnit.BPM:
            hr = HrTarget(HrUnit.BPM, Range(130, 150))
    label = "Rest" if kind == "rest" and draw(st.booleans()) else draw(st.one_of(st.none(), texts))
    intensity = Intensity.REST if kind == "rest" and label != "Rest" else None
    return Step(amount, label=label, pace=pace, hr=hr, intensity=intensity,
                until_lap_press=kind == "lap" and isinstance(amount, Duration))


def bodies(steps):
    node = st.one_of(steps, st.builds(lambda n, c: Repeat(n, tuple(c)), st.integers(2, 6),
                                      st.lists(steps, min_size=1, max_size=3)))
    return st.lists(node, min_size=1, max_size=6).map(tuple)


rides = st.builds(lambda body, name: Workout(body, sport="Ride", name=name),
                  bodies(ride_steps()), st.one_of(st.none(), texts))
runs = st.builds(lambda body: Workout(body, sport="Run", name="Random run"),
                 bodies(run_steps()))
# fractional FTPs too: an .erg must still be rescaled by Golden Cheetah
ftps = st.one_of(st.integers(120, 420).map(float), st.integers(1200, 4200).map(lambda d: d / 10))
riders = ftps.map(lambda ftp: Athlete({
    "ride": SportThresholds(ftp=ftp, lthr=170, max_hr=190),
    "run": SportThresholds(lthr=170, max_hr=190, threshold_pace=1000 / 255)}))
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def random_problems(case: Case, fmt: str) -> list[str]:
    data, diags = case.compile(fmt)
    if not data:  # refusing is allowed only with an error that says why
        return [] if any(d.is_error for d in diags) else [f"no .{fmt} and no error"]
    problems = problems_of(case, fmt, data)
    if fmt == "fit":
        problems += lap_press_problems(case, data) + rest_problems(case, data)
    return problems


@PROPERTY
@given(rides, riders)
def test_random_rides_read_as_written_by_every_reader(workout, athlete) -> None:
    case = Case("random ride", workout, athlete)
    for fmt in case.formats:
        assert random_problems(case, fmt) == [], fmt


@PROPERTY
@given(runs, riders)
def test_random_runs_read_as_written_by_every_reader(workout, athlete) -> None:
    case = Case("random run", workout, athlete)
    for fmt in case.formats:
        assert random_problems(case, fmt) == [], fmt


def test_an_erg_in_watts_with_a_fractional_ftp_reads_as_written() -> None:
    """Found by the property test: 304 W for FTP 147.5 is written with FTP = 148; Golden
    Cheetah rescales it through 148, which is the file's own (self-consistent) FTP."""
    workout = Workout((Repeat(2, (Step(Duration(300.0), power=PowerTarget(
        PowerUnit.WATTS, Range(304.0, 304.0))),)),), sport="Ride")
    athlete = Athlete({"ride": SportThresholds(ftp=147.5)})
    assert random_problems(Case("watts", workout, athlete), "erg") == []

""".mrc and .erg: goldens for every example, strict read-back, exact minutes, text
safety, and one test per lowering rule (code, line, message)."""

from __future__ import annotations

import pytest
from conftest import run_planc
from support.gc_reader import read_like_golden_cheetah
from support.golden import emitted
from support.readers import (
    ATHLETE,
    EXAMPLES,
    check_golden,
    compile_example,
    example,
    read_course,
)

from planc.ast import (
    Block,
    Cue,
    Duration,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Span,
    Step,
    Workout,
)
from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import emit
from planc.emit.trainer import environment, render_course
from planc.lower.formats import EmitOptions
from planc.lower.text import ascii_text
from planc.lower.trainer import lower_trainer
from planc.resolve.metrics import workout_metrics

IDS = [p.stem for p in EXAMPLES]
FORMATS = ("mrc", "erg")


def course(text: str, fmt: str = "mrc", sport: str = "Ride", athlete: Athlete = ATHLETE,
           indoor: bool = False):
    parsed = read_workout(text, sport=sport)
    assert parsed.workout is not None, parsed.diagnostics
    return emit(fmt, parsed.workout, athlete, EmitOptions(indoor=indoor))


def only(diags, code):
    found = [d for d in diags if d.code == code]
    assert len(found) == 1, diags
    return found[0]


# ---------------------------------------------------------------- goldens --


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_golden(path, fmt):
    data, diags = compile_example(path, fmt)
    check_golden(f"{path.stem}.{fmt}.diagnostics", diags.encode())
    if data:
        check_golden(f"{path.stem}.{fmt}", data)
    else:  # only rides have a course-file form: the error is the golden
        assert "error[unsupported-sport]" in diags
        assert example(path).sport not in ("Ride", "VirtualRide")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_example_has_goldens(fmt):
    names = {p.name for p in emitted(fmt).glob(f"*.{fmt}.diagnostics")}
    assert names == {f"{p.stem}.{fmt}.diagnostics" for p in EXAMPLES}
    assert len(list(emitted(fmt).glob(f"*.{fmt}"))) >= 8


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_examples_read_back(path, fmt):
    w = example(path)
    data, diags = emit(fmt, w, ATHLETE)
    if w.sport not in ("Ride", "VirtualRide"):
        assert data == b"" and [d.code for d in diags] == ["unsupported-sport"]
        return
    c = read_course(data)
    assert c.columns == ("MINUTES PERCENT" if fmt == "mrc" else "MINUTES WATTS")
    assert list(c.header) == (["VERSION", "UNITS", "DESCRIPTION", "FILE NAME"]
                              + (["FTP"] if fmt == "erg" else []))
    assert c.header["VERSION"] == "2" and c.header["UNITS"] == "ENGLISH"
    assert c.header["FILE NAME"].endswith(f".{fmt}")
    assert abs(c.seconds - workout_metrics(w, ATHLETE).duration_s) <= 1
    assert all(len(t.partition(".")[2]) == 6 for t in c.minute_texts)


def test_same_input_same_bytes():
    for path in EXAMPLES:
        for fmt in FORMATS:
            assert compile_example(path, fmt) == compile_example(path, fmt)


# ----------------------------------------------------------------- layout --


def test_steps_are_point_pairs_and_ramps_slope():
    data, _ = course("- 10m ramp 50-75%\n- 5m 100%\n- 2m 50%\n")
    c = read_course(data)
    assert c.points == [(0.0, 50.0), (10.0, 75.0), (10.0, 100.0), (15.0, 100.0), (15.0, 50.0),
                        (17.0, 50.0)]
    assert c.cues == []
    assert b"[COURSE TEXT]" not in data


def test_erg_is_watts_with_the_ftp_in_the_header():
    data, _ = course("- 10m 75%\n- 5m 300w\n", fmt="erg")
    c = read_course(data)
    assert c.header["FTP"] == "250"
    assert [v for _, v in c.points] == [187.5, 187.5, 300.0, 300.0]


def test_erg_uses_indoor_ftp_with_indoor():
    athlete = Athlete({"ride": SportThresholds(ftp=250, indoor_ftp=200)})
    data, _ = course("- 10m 100%\n", fmt="erg", athlete=athlete, indoor=True)
    c = read_course(data)
    assert c.header["FTP"] == "200" and c.points[0][1] == 200.0


def test_erg_all_in_watts_needs_no_ftp():
    data, diags = course("- 10m 200w\n", fmt="erg", athlete=Athlete())
    assert diags == []
    assert "FTP" not in read_course(data).header


def test_minutes_are_exact_over_a_long_workout():
    # 3,000 steps of 1 s, 7 s and 1/3 s: every point is written at its absolute time, so
    # each lands within a millisecond of the exact time however long the workout (4
    # decimals of a minute would be 3 ms off; summing rounded durations would drift)
    lengths = [(1.0, 7.0, 1 / 3)[i % 3] for i in range(3000)]
    steps = tuple(Step(Duration(s), power=PowerTarget(PowerUnit.FTP, Range(0.6, 0.6)))
                  for s in lengths)
    c = read_course(emit("mrc", Workout((Block(steps),)), ATHLETE)[0])
    exact = 0.0
    for (seconds, _, _), (minutes, _), length in zip(c.segments(), c.points[1::2], lengths,
                                                      strict=True):
        exact += length
        assert abs(seconds - length) < 1e-3
        assert abs(minutes * 60 - exact) < 1e-3
    assert abs(c.seconds - sum(lengths)) < 1e-3 and round(sum(lengths)) == 8333


def test_fractional_seconds_are_kept():
    w = Workout((Block((Step(Duration(30.25), power=PowerTarget(PowerUnit.FTP, Range(1, 1))),
                        Step(Duration(29.75), power=PowerTarget(PowerUnit.FTP, Range(.5, .5))))),))
    data, diags = emit("mrc", w, ATHLETE)
    assert diags == []
    c = read_course(data)
    assert [round(s, 3) for s, _, _ in c.segments()] == [30.25, 29.75]


def test_cues_are_whole_seconds_and_labels_cue_the_step():
    text = "- Warm up 10m 60%\n> 90s Spin up\n\n2x\n- Hard 1m 120%\n- 1m 50%\n> 30s Breathe\n"
    data, _ = course(text)
    c = read_course(data)
    assert c.cues == [(0, "Warm up", 10), (90, "Spin up", 10), (600, "Hard", 10),
                      (690, "Breathe", 10), (720, "Hard", 10), (810, "Breathe", 10)]


def test_cues_on_the_same_second_are_joined_and_durations_fit():
    step = Step(Duration(4.0), label="Go", power=PowerTarget(PowerUnit.FTP, Range(1, 1)),
                cues=(Cue(0.2, "now"), Cue(2.0, "hold")))
    data, diags = emit("mrc", Workout((Block((step,)),)), ATHLETE)
    assert read_course(data).cues == [(0, "Go / now", 2), (2, "hold", 2)]
    d = only(diags, "cues-merged")
    assert d.severity == "warning" and d.message == (
        ".mrc shows cues at whole seconds: 'now' falls on the second of 'Go', and both are "
        "shown as one cue, 'Go / now'")


def _ftp_step(seconds: float, label: str, value: float, line: int,
              cues: tuple[Cue, ...] = ()) -> Step:
    return Step(Duration(seconds), label=label, power=PowerTarget(PowerUnit.FTP,
                Range(value, value)), cues=cues, span=Span(line, 1, line, 10))


def test_merged_cues_name_the_line_of_the_cue_that_joined():
    hard = _ftp_step(60.0, "Hard", 1.2, 1, (Cue(59.6, "Ease off", Span(2, 1, 2, 9)),))
    w = Workout((Block((hard, _ftp_step(60.0, "Easy", 0.5, 3))),))
    data, diags = emit("mrc", w, ATHLETE)
    assert read_course(data).cues == [(0, "Hard", 10), (60, "Ease off / Easy", 10)]
    assert only(diags, "cues-merged").span.line == 3  # 'Easy' joined the cue of line 2


def test_merging_in_one_pass_of_a_repeat_leaves_the_others():
    # 10.3 s steps: the cue at 9.6 s meets the next label on the same second in the
    # first pass only (10.1 s and 10.8 s; then 30.7/31.4 and 51.3/52.0)
    hard = _ftp_step(10.3, "Hard", 1.2, 2, (Cue(9.6, "Ease", Span(3, 1, 3, 5)),))
    w = Workout((Repeat(3, (hard, _ftp_step(10.3, "Easy", 0.5, 4))),))
    data, diags = emit("mrc", w, ATHLETE)
    assert [(at, text) for at, text, _ in read_course(data).cues] == [
        (0, "Hard"), (10, "Ease / Easy"), (21, "Hard"), (30, "Ease"), (31, "Easy"),
        (41, "Hard"), (51, "Ease"), (52, "Easy")]
    assert len([d for d in diags if d.code == "cues-merged"]) == 1  # said once, at its line


def test_text_is_ascii_on_one_line():
    # transliterated by anyascii, not dropped (issue 13: non-Latin text disappeared)
    assert ascii_text("Crème brûlée — “fast” ½ × 3 漢字\ttab\r\nnew") == (
        "Creme brulee - \"fast\" 1/2 * 3 HanZi tab new")
    step = Step(Duration(60.0), label="Ström 漢字 — go", power=PowerTarget(PowerUnit.FTP,
                                                                            Range(1, 1)))
    w = Workout((Block((step,)),), name="Été 2x", description="FTP = 250\nline two")
    data, diags = emit("mrc", w, ATHLETE)
    data.decode("ascii")
    c = read_course(data)
    assert c.header["DESCRIPTION"] == "FTP: 250 line two"
    assert c.header["FILE NAME"] == "ete-2x.mrc"
    assert c.cues[0][1] == "Strom HanZi - go"
    assert [d.message for d in diags if d.code == "text-transliterated"] == [
        ".mrc text is ASCII on one line: in 'Ström 漢字 — go', 'ö' as 'o', '漢' as 'Han', "
        "'字' as 'Zi', '—' as '-'",
        ".mrc DESCRIPTION cannot hold '=' (Golden Cheetah's reader stops at it): it is "
        "written as ':'"]


def test_a_cue_with_no_ascii_text_is_left_out_and_said():
    data, diags = course("- 1m 60%\n> 30s \ue000\ue001\n- 1m 70%\n> 10s Café\n> 20s 加油\n")
    assert read_course(data).cues == [(70, "Cafe", 10), (80, "JiaYou", 10)]
    found = [(d.span.line, d.message) for d in diags if d.code == "text-transliterated"]
    assert found == [
        (2, ".mrc text is ASCII on one line: '\ue000\ue001' has no such characters and is "
            "left out"),
        (4, ".mrc text is ASCII on one line: in 'Café', 'é' as 'e'"),
        (5, ".mrc text is ASCII on one line: in '加油', '加' as 'Jia', '油' as 'You'")]


def test_non_latin_names_and_cues_are_transliterated_and_named_on_disk(tmp_path):
    """Issue 13: 'Тренировка 午前' gave 'DESCRIPTION = ', lost its cues, and was
    written as workout.*; a name with nothing to spell takes the input file's name."""
    src = tmp_path / "morning.workout"
    src.write_text("---\nname: Тренировка 午前\n---\n- Разминка 10m 50%\n> 5m 加油\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    done = run_planc("compile", str(src), "--to", "mrc,erg,zwo,fit", "--ftp", "250", "-v",
                     "-o", str(out))
    assert done.returncode == 0, done.stderr_text
    assert sorted(p.name for p in out.iterdir() if p.name != ".planc-cache") == [
        f"trenirovka-wuqian.{ext}" for ext in ("erg", "fit", "mrc", "zwo")]
    c = read_course((out / "trenirovka-wuqian.mrc").read_bytes())
    assert c.header["DESCRIPTION"] == "Trenirovka WuQian"
    assert c.header["FILE NAME"] == "trenirovka-wuqian.mrc"
    assert [t for _, t, _ in c.cues] == ["Razminka", "JiaYou"]
    assert done.stderr_text.count("warning[text-transliterated]") == 6  # 3 texts x 2 files
    src.write_text("---\nname: \ue000\n---\n- 10m 50%\n", encoding="utf-8")
    done = run_planc("compile", str(src), "--to", "zwo", "-o", str(tmp_path / "o2"))
    assert [p.name for p in (tmp_path / "o2").iterdir() if p.name != ".planc-cache"] == ["morning.zwo"]


def test_plain_ascii_text_and_spacing_are_not_reported():
    _, diags = course("---\ndescription: Two\tspaces  here\n---\n- Go 1m 60%\n> 30s Keep  going\n")
    assert not [d for d in diags if d.code == "text-transliterated"], diags


def test_templates_load_once():
    assert environment() is environment()
    assert environment().newline_sequence == "\r\n"


def test_lowered_trainer_is_in_normal_form():
    w = example(next(p for p in EXAMPLES if p.stem == "anaerobic-40-20"))
    for fmt, unit in (("mrc", PowerUnit.FTP), ("erg", PowerUnit.WATTS)):
        lowered = lower_trainer(w, ATHLETE, fmt).workout
        assert all(isinstance(s, Step) and isinstance(s.amount, Duration)
                   and s.power.unit is unit for s in lowered.body)
        assert len(lowered.body) == 2 + 3 * (16 + 1) + 1
        ftp = 250 if fmt == "erg" else None
        assert render_course(lowered, fmt, ftp) == emit(fmt, w, ATHLETE)[0]


# ------------------------------------------------- lowering rules (warnings) --


def test_range_midpoint():
    data, diags = course("- 10m 60%\n- 5m 88-93%\n", fmt="erg")
    d = only(diags, "range-midpoint")
    assert (d.severity, d.span.line, d.span.column) == ("warning", 2, 6)
    assert d.message == ("a .erg step holds one value: 220-232.5 W is written as its "
                         "middle, 226.2 W")
    assert read_course(data).points[2][1] == 226.2


def test_heart_rate_step_holds_the_fallback_with_a_cue():
    data, diags = course("- 5m 60%\n- Easy 10m Z2 HR\n")
    d = only(diags, "no-power-target")
    assert d.span.line == 2
    assert d.message == (".mrc carries only power, and 'Z2 HR (138-151 bpm)' has no honest "
                         "power: the step holds 50% FTP (planc's fallback) with its target as "
                         "a text cue")
    c = read_course(data)
    assert c.points[2:] == [(5.0, 50.0), (15.0, 50.0)]
    assert (300, "Easy: Z2 HR (138-151 bpm)", 10) in c.cues


def test_step_without_target_holds_the_fallback():
    data, diags = course("- 5m\n", fmt="erg")
    assert only(diags, "open-step").message == (
        ".erg steps always hold a power: this step has no target, so it holds 125 W "
        "(50% FTP, planc's fallback)")
    assert read_course(data).points == [(0.0, 125.0), (5.0, 125.0)]


def test_freeride_without_range_holds_the_fallback():
    data, diags = course("- 10m freeride\n")
    d = only(diags, "free-step")
    assert d.message == (".mrc has no free riding: the 'freeride' step holds 50% FTP (planc's "
                         "fallback) with a text cue to switch ERG off")
    assert read_course(data).cues == [(0, "Free ride (ERG off)", 10)]


def test_maxeffort_with_a_range_holds_it():
    data, diags = course("- 30s maxeffort 150-200%\n")
    assert only(diags, "free-step").message == (
        ".mrc has no free riding: the 'maxeffort' step holds its target, 175% FTP")
    assert read_course(data).points == [(0.0, 175.0), (0.5, 175.0)]


def test_cadence_and_heart_rate_beside_power_are_cues():
    data, diags = course("- Tempo 10m 80% 150bpm 85-95rpm\n")
    hr, cad = [d for d in diags if d.code == "target-as-text"]
    assert hr.message == ".mrc carries only power: '150bpm' is shown as a text cue"
    assert (cad.span.line, cad.span.column) == (1, 24)
    assert cad.message == ".mrc has no cadence: '85-95 rpm' is shown as a text cue"
    assert read_course(data).cues == [(0, "Tempo: 150bpm, 85-95 rpm", 10)]


def test_lap_press_becomes_its_written_time():
    data, diags = course("- 5m 60%\n- Cool 10m 50% Press lap\n")
    d = only(diags, "lap-press")
    assert d.span.line == 2
    assert d.message == ".mrc has no lap button: the 'Press lap' step ends after its 10m"
    assert read_course(data).seconds == 900


def test_distance_with_a_pace_becomes_time():
    data, diags = course("- 5m 60%\n- 2km 200w 8:00/km Pace\n> 1km Half\n")
    d = only(diags, "distance-as-time")
    assert d.span.line == 2
    assert d.message == ".mrc counts time: '2km' at 8:00/km Pace is written as 16m (960.00s)"
    c = read_course(data)
    assert c.seconds == 300 + 960 and (780, "Half", 10) in c.cues


def test_distance_without_pace_is_an_error():
    data, diags = course("- 10km 80%\n")
    d = only(diags, "distance-needs-time")
    assert data == b"" and d.severity == "error" and d.span.line == 1
    assert d.message == (".mrc counts time, and the distance step '10km' has no pace to turn it "
                         "into a time")


def test_erg_without_ftp_names_the_flag():
    data, diags = course("- 5m 200w\n- 10m 75%\n- 10m 80%\n", fmt="erg", athlete=Athlete())
    assert data == b""
    d = only(diags, "missing-threshold")  # once, at the first step that needs it
    assert (d.severity, d.span.line, d.span.column) == ("error", 2, 7)
    assert d.message == (".erg needs an FTP to turn 75% into watts (pass --ftp or set ftp in "
                         "--athlete)")


def test_erg_fallback_without_ftp_names_the_flag():
    _, diags = course("- 5m 200w\n- 10m Z2 HR\n", fmt="erg", athlete=Athlete())
    assert only(diags, "missing-threshold").message == (
        ".erg needs an FTP to hold 50% FTP on a step without a power target (pass --ftp or set "
        "ftp in --athlete)")


def test_mrc_watts_without_ftp_names_the_flag():
    data, diags = course("- 10m 200w\n", athlete=Athlete())
    assert data == b""
    assert only(diags, "missing-threshold").message == (
        ".mrc needs an FTP to turn 200w into % FTP (pass --ftp or set ftp in --athlete)")


def test_mrc_in_percent_needs_no_threshold():
    data, diags = course("- 10m 75%\n- 5m Z3\n", athlete=Athlete())
    assert data and [d.code for d in diags] == ["range-midpoint"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_rides_have_a_course_form(fmt):
    for sport in ("Run", "Swim", "WeightTraining"):
        data, diags = course("- 10m\n", fmt=fmt, sport=sport)
        d = only(diags, "unsupported-sport")
        assert data == b"" and d.severity == "error"
        assert d.message == (f".{fmt} is an indoor-trainer (cycling) format; a {sport} workout "
                             f"has no .{fmt} form")


def test_repeats_are_unrolled_without_a_warning():
    data, diags = course("Sets 2x\n  3x\n    - 30s 120%\n    - 30s 50%\n  - 2m 55%\n")
    assert diags == []  # unrolling is exact: the row's level for unrolled-repeat is ignore
    assert len(read_course(data).segments()) == 2 * (6 + 1)


# ------------------------------------------------------------ command line --


def test_cli_writes_the_golden_bytes_and_strict_fails(tmp_path):
    from conftest import run_planc

    src = "plans/workouts/sweet-spot-3x15.workout"
    flags = ("--ftp", "250", "--lthr", "170", "--max-hr", "190")
    proc = run_planc("compile", src, "--to", "zwo,mrc,erg", "-o", str(tmp_path), *flags)
    assert proc.returncode == 0, proc.stderr_text
    for ext in ("zwo", "mrc", "erg"):
        assert (tmp_path / f"sweet-spot-3x15.{ext}").read_bytes() == (
            emitted(ext) / f"sweet-spot-3x15.{ext}").read_bytes()
    assert "warning[range-midpoint]" in proc.stderr_text
    strict = run_planc("compile", src, "--to", "mrc", "-o", str(tmp_path / "s"), "--strict",
                       *flags)
    assert strict.returncode == 1 and "error[range-midpoint]" in strict.stderr_text


def test_cli_names_the_missing_flag(tmp_path):
    from conftest import run_planc

    proc = run_planc("compile", "plans/workouts/sweet-spot-3x15.workout", "--to", "erg", "-o",
                     str(tmp_path))
    assert proc.returncode == 1 and not list(tmp_path.iterdir())
    assert ("sweet-spot-3x15.workout:10:12: error[missing-threshold]: .erg needs an FTP to turn "
            "50-75% into watts (pass --ftp or set ftp in --athlete)") in proc.stderr_text
    assert "Traceback" not in proc.stderr_text


# ------------------------------------------- what Golden Cheetah reads (issue 13) --

HOSTILE_CUES = ("100", "20", "3-2-1", "90-95", "5.5", "Lap window", "lap 2 of 4",
                "FTP = 250 W", "Cadence=90", "[COURSE DATA] now", "go [END COURSE TEXT]")


@pytest.mark.parametrize("fmt", ["mrc", "erg"])
@pytest.mark.parametrize("text", HOSTILE_CUES)
def test_text_golden_cheetah_would_misread_is_rewritten(fmt, text):
    """formats.md §2.6: each of these, written as it stands, made Golden Cheetah read
    points, laps or settings (a 30-minute workout read as 0 s, 2,100 s as 1,448 s)."""
    label = "Go" if text == "Cadence=90" else text  # 'key=value' in a step is an option
    source = f"- {label} 10m 50%\n- 10m 100%\n> 1m {text}\n> 2m After\n- 15m 80%\n"
    w = read_workout(source, path="hostile.workout").workout
    data, diags = emit(fmt, w, ATHLETE, EmitOptions())
    gc = read_like_golden_cheetah(data, 300)
    assert gc.valid and gc.seconds == 2100
    assert not (gc.laps or gc.slope_points or gc.ignored)
    assert [(s, d) for s, _, d in gc.cues] == [(0, 10), (660, 10), (720, 10)]
    assert gc.cues[2][1] == "After"
    assert len(gc.points) == 6  # the three steps' points and nothing else
    rewritten = [d for d in diags if d.code == "course-text-rewritten"]
    assert rewritten and {d.span.line for d in rewritten} <= {1, 3}


def test_description_with_a_section_marker_stays_in_the_header():
    source = "---\nname: X\ndescription: Read [COURSE DATA] twice\n---\n- 10m 50%\n"
    w = read_workout(source, path="d.workout").workout
    data, diags = emit("mrc", w, ATHLETE, EmitOptions())
    gc = read_like_golden_cheetah(data, 250)
    assert gc.settings["DESCRIPTION"] == "Read (COURSE DATA) twice" and gc.seconds == 600
    assert any(d.code == "course-text-rewritten" for d in diags)


def test_fractional_ftp_is_a_whole_number_and_the_watts_agree():
    athlete = Athlete({"ride": SportThresholds(ftp=252.5)})
    w = read_workout("- 10m 80%\n- 10m 200W\n", path="f.workout").workout
    data, diags = emit("erg", w, athlete, EmitOptions())
    course = read_course(data)
    assert course.header["FTP"] == "253"
    assert [v for _, v in course.points] == [202.4, 202.4, 200, 200]  # 80 % of 253 W
    assert [d.code for d in diags] == ["ftp-rounded"]
    # a rider with another CP gets the watts rescaled, as the file's FTP says
    gc = read_like_golden_cheetah(data, 300)
    assert gc.ftp == 253 and gc.points[0][1] == int(202 * 300 / 253)

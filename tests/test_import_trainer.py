"""Importing .mrc/.erg: points back to steps and ramps, every tolerated layout, cues, watts."""

from __future__ import annotations

import pytest

from planc.ast import Cue, Duration, PowerTarget, PowerUnit, Range, Repeat, Step, unrolled_steps
from planc.importers import import_file

MRC_HEAD = "[COURSE HEADER]\nVERSION = 2\nUNITS = ENGLISH\nDESCRIPTION = Test\n" \
           "FILE NAME = test.mrc\nMINUTES PERCENT\n[END COURSE HEADER]\n"
ERG_HEAD = "[COURSE HEADER]\nFTP = 200\nVERSION = 2\nFILE NAME = test.erg\nMINUTES  WATTS\n" \
           "[END COURSE HEADER]\n"


def course(head: str, points: str, text: str = "") -> str:
    return f"{head}[COURSE DATA]\n{points}[END COURSE DATA]\n{text}"


def imp(text: str | bytes, path: str = "t.mrc", **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_file(data, path=path, **kw)


def ok(text, **kw):
    res = imp(text, **kw)
    assert res.ok, res.diagnostics
    return res


def flat(res) -> list[Step]:
    return list(unrolled_steps(res.workout.body))


def codes(res) -> list[str]:
    return [d.code for d in res.diagnostics]


def pct(a: float, b: float | None = None) -> PowerTarget:
    return PowerTarget(PowerUnit.FTP, Range(a, a if b is None else b))


def test_steps_and_ramps():
    res = ok(course(MRC_HEAD, "0\t50\n10\t75\n10\t100\n15\t100\n15\t60\n20\t40\n"))
    assert flat(res) == [
        Step(Duration(600.0), ramp=True, power=pct(0.5, 0.75)),
        Step(Duration(300.0), power=pct(1.0)),
        Step(Duration(300.0), ramp=True, power=pct(0.6, 0.4)),
    ]
    assert res.workout.name == "test" and res.workout.description == "Test"
    assert res.format == "mrc"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("sep", ["\t", " ", "   ", "\t "])
def test_any_line_end_and_separator(newline, sep):
    text = course(MRC_HEAD, f"0{sep}50\n5{sep}50\n5{sep}100\n6{sep}100\n").replace("\n", newline)
    assert flat(ok(text)) == [Step(Duration(300.0), power=pct(0.5)),
                              Step(Duration(60.0), power=pct(1.0))]


def test_lap_lines_comments_percent_signs_and_duplicate_points():
    res = ok(course(MRC_HEAD, "; warm up\n0\t50%\n2\t50\n2\t50\n4 LAP\n4\t50 ; still\n"
                              "4\t80\n6\t80\n"))
    assert flat(res) == [Step(Duration(240.0), power=pct(0.5)),
                         Step(Duration(120.0), power=pct(0.8))]
    assert codes(res) == []


def test_leading_zero_length_point_vanishes():
    res = ok(course(MRC_HEAD, "0.0\t0\n0.0\t47\n10.0\t47\n"))
    assert flat(res) == [Step(Duration(600.0), power=pct(0.47))]


def test_two_decimal_minutes_round_on_the_timeline():
    # 0.17 min = 10.2 s; rounding each step alone would drift by 0.2 s per step
    points = "".join(f"{i * 0.17:.2f}\t{100 if i % 2 else 50}\n{(i + 1) * 0.17:.2f}\t"
                     f"{100 if i % 2 else 50}\n" for i in range(30))
    res = ok(course(MRC_HEAD, points))
    assert sum(s.amount.seconds for s in flat(res)) == round(30 * 0.17 * 60)


def test_on_off_points_become_a_repeat():
    pts = "0\t50\n5\t50\n" + "".join(f"{5 + i}\t120\n{5.5 + i}\t120\n{5.5 + i}\t40\n"
                                      f"{6 + i}\t40\n" for i in range(6)) + "11\t50\n15\t50\n"
    res = ok(course(MRC_HEAD, pts))
    body = res.workout.body
    assert isinstance(body[1], Repeat) and body[1].count == 6
    assert body[1].children == (Step(Duration(30.0), power=pct(1.2)),
                                Step(Duration(30.0), power=pct(0.4)))


def test_erg_watts_become_percent_with_the_files_ftp():
    res = ok(course(ERG_HEAD, "0\t100\n5\t100\n5\t150\n10\t150\n"), path="t.erg")
    assert res.format == "erg"
    assert flat(res) == [Step(Duration(300.0), power=pct(0.5)),
                         Step(Duration(300.0), power=pct(0.75))]


def test_file_ftp_beats_the_command_line():
    res = ok(course(ERG_HEAD, "0\t100\n5\t100\n"), path="t.erg", ftp=250)
    assert flat(res)[0].power == pct(0.5)


def test_erg_without_ftp_uses_the_given_one_else_keeps_watts():
    head = ERG_HEAD.replace("FTP = 200\n", "")
    text = course(head, "0\t100\n5\t100\n")
    assert flat(ok(text, path="t.erg", ftp=250))[0].power == pct(0.4)
    res = ok(text, path="t.erg")
    assert flat(res)[0].power == PowerTarget(PowerUnit.WATTS, Range(100.0, 100.0))
    assert "erg-watts" in codes(res)


def test_a_negative_file_ftp_is_said_to_be_ignored():
    text = course(ERG_HEAD.replace("FTP = 200", "FTP = -5"), "0\t100\n5\t100\n")
    assert flat(ok(text, path="t.erg", ftp=250))[0].power == pct(0.4)
    res = ok(text, path="t.erg")
    assert {"erg-ftp", "erg-watts"} <= set(codes(res))


def test_watts_round_to_a_tenth_of_a_percent_as_the_text_reads_them():
    res = ok(course(ERG_HEAD.replace("200", "300"), "0\t106\n5\t106\n"), path="t.erg")
    assert flat(res)[0].power == pct(float("35.3") / 100)
    assert "35.3%" in res.text


def test_units_line_decides_over_the_extension():
    res = ok(course(ERG_HEAD, "0\t100\n5\t100\n"), path="t.mrc")
    assert res.format == "erg" and "extension-mismatch" in codes(res)


def test_missing_units_line_falls_back_to_the_extension():
    head = MRC_HEAD.replace("MINUTES PERCENT\n", "")
    res = ok(course(head, "0\t50\n5\t50\n"), path="x.erg", ftp=100)
    assert res.format == "erg" and "course-units" in codes(res)
    assert flat(res)[0].power == pct(0.5)


def test_cues_are_seconds_on_the_step_they_fall_in():
    res = ok(course(MRC_HEAD, "0\t50\n10\t50\n10\t100\n20\t100\n",
                    "[COURSE TEXT]\n600\tGo now\t10\n615\tstill going\t10\n"
                    "[END COURSE TEXT]\n"))
    assert flat(res)[1].cues == (Cue(0.0, "Go now"), Cue(15.0, "still going"))


def test_cue_minutes_heuristic_flag_and_seconds_override():
    text = course(MRC_HEAD, "0\t50\n10\t50\n",
                  "[COURSE TEXT]\n0.25\tIn a bit\t0.25\n1.5\tLater\t0.25\n[END COURSE TEXT]\n")
    res = ok(text)
    assert flat(res)[0].cues == (Cue(15.0, "In a bit"), Cue(90.0, "Later"))
    assert "cue-minutes" in codes(res)
    res = ok(text, cue_minutes=False)
    assert flat(res)[0].cues == (Cue(0.0, "In a bit"), Cue(2.0, "Later"))
    whole = course(MRC_HEAD, "0\t50\n10\t50\n", "[COURSE TEXT]\n2\tTwo\t10\n[END COURSE TEXT]\n")
    assert flat(ok(whole))[0].cues == (Cue(2.0, "Two"),)
    assert flat(ok(whole, cue_minutes=True))[0].cues == (Cue(120.0, "Two"),)


def test_cue_after_the_end_is_put_on_the_last_second():
    res = ok(course(MRC_HEAD, "0\t50\n1\t50\n", "[COURSE TEXT]\n100\tlate\t5\n"
                                                  "[END COURSE TEXT]\n"))
    assert flat(res)[0].cues == (Cue(59.0, "late"),) and "cue-past-end" in codes(res)


def test_first_point_after_zero_holds_the_value():
    res = ok(course(MRC_HEAD, "1\t50\n2\t50\n"))
    assert flat(res) == [Step(Duration(120.0), power=pct(0.5))]
    assert "course-data" in codes(res)


@pytest.mark.parametrize(("text", "code"), [
    (MRC_HEAD + "[COURSE DATA]\n0\t50\n5\t50\n", "truncated"),
    (MRC_HEAD, "course-data"),
    (course(MRC_HEAD, "0\t50\n"), "course-data"),
    (course(MRC_HEAD, "0\t50\n5\tfifty\n"), "course-data"),
    (course(MRC_HEAD, "0\t50\n5\t50\n3\t50\n"), "course-data"),
    (course(MRC_HEAD, "0\t50\n0\t60\n"), "course-data"),
    (course(MRC_HEAD.replace("MINUTES PERCENT", "DISTANCE GRADE WIND"), "0\t1\n"),
     "not-a-workout"),
])
def test_bad_files_get_one_clear_error(text, code):
    res = imp(text)
    assert res.workout is None
    errors = [d for d in res.diagnostics if d.is_error]
    assert [d.code for d in errors] == [code]


def test_bad_data_line_is_positioned():
    res = imp(course(MRC_HEAD, "0\t50\n5\tfifty\n"))
    (d,) = res.diagnostics
    assert d.span.line == 10 and "fifty" in d.message


def test_latin1_description():
    data = course(ERG_HEAD.replace("FILE NAME", "DESCRIPTION = Caf\xe9\nFILE NAME"),
                  "0\t100\n5\t100\n").encode("latin-1")
    res = ok(data, path="t.erg")
    assert res.workout.description == "Café" and "encoding" in codes(res)

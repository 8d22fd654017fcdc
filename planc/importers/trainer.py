"""CompuTrainer .mrc (% FTP) and .erg (watts) course files -> planc AST (formats.md §2).

A course is a list of (minutes, value) points joined by straight lines: two
points at the same time are a step change, two at different times a flat
segment or a ramp.  The reader accepts what Golden Cheetah accepts (the most
tolerant reader, §2.2): section markers anywhere in a line and in any case;
LF, CRLF or CR line ends; tabs or spaces; ``;`` comments; ``%`` after a value;
``minutes LAP`` lines (lap markers for the head unit, ignored); ``KEY = VALUE``
header lines with or without spaces.

Back to steps: zero-length segments (repeated points, a leading ``0 0`` before
the real start) vanish, consecutive flat segments at the same value merge into
one step (nothing in the file separates them), and every time is rounded to the
nearest second on the absolute timeline, so two-decimal minutes (0.6 s
resolution) never drift.  Repeats are recovered from the step list
(planc.importers.structure).

.erg watts become % FTP when an FTP is known, the file's own ``FTP =`` header
first (it is the FTP the watts were written for), then the caller's ``ftp``;
otherwise they stay watts.  ``[COURSE TEXT]`` cue times are seconds (the
TrainerRoad/Golden Cheetah convention); a second convention in minutes exists
(sportloop/mrc), which is used when asked for, or automatically when the cue
times have fractions and all fall within the workout's length in minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from planc.ast import Duration, PowerTarget, PowerUnit, Range, Span, Step
from planc.importers.common import (
    ImportResult,
    Reader,
    StepBudget,
    assemble,
    decode_text,
    finite,
    fraction,
)
from planc.importers.cues import place_cues
from planc.limits import THRESHOLDS, WATTS, WORKOUT_SECONDS
from planc.syntax.printer import one_line

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_POINT_RE = re.compile(rf"^({_NUM})[ \t]+({_NUM})[ \t]*(%?)[ \t]*(?:;.*)?$")
_LAP_RE = re.compile(rf"^({_NUM})[ \t]+LAP\b", re.IGNORECASE)
_SETTING_RE = re.compile(r"^([^=]*?)[ \t]*=[ \t]*(.*?)[ \t]*$")
_FORMAT_RE = re.compile(r"^;?[ \t]*MINUTES[ \t]+(WATTS|PERCENT|FTP)\b", re.IGNORECASE)
_COURSE_RE = re.compile(r"^;?[ \t]*DISTANCE[ \t]+GRADE", re.IGNORECASE)
_CUE_TAB_RE = re.compile(rf"^[ \t]*({_NUM})\t+(.*?)(?:\t+({_NUM}))?[ \t]*$")
_CUE_SPACE_RE = re.compile(rf"^[ \t]*({_NUM})[ \t]+(.*?)(?:[ \t]+({_NUM}))?[ \t]*$")
_MARKERS = ("[END COURSE HEADER]", "[COURSE HEADER]", "[END COURSE DATA]", "[COURSE DATA]",
            "[END COURSE TEXT]", "[COURSE TEXT]")


@dataclass(slots=True)
class _Point:
    seconds: float
    value: float
    percent: bool  # written with a % sign: % FTP even in an .erg
    line: int


@dataclass(slots=True)
class _Course:
    settings: dict[str, str]
    units: str | None  # "watts" | "percent"
    points: list[_Point]
    cues: list[tuple[float, str, float | None, int]]  # raw time, text, raw duration, line
    data_closed: bool
    saw_data: bool
    text_open: bool = False


def _split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


MAX_POINTS = 100_000
"""Points read from [COURSE DATA]: one a second for 27 hours (planc.check allows 24 for a
whole step), so a 4 MB file of points is refused before it costs seconds."""

_SECTIONS = {"[COURSE HEADER]": "header", "[COURSE DATA]": "data", "[COURSE TEXT]": "text"}


def _parse(text: str, r: Reader) -> _Course | None:
    course = _Course({}, None, [], [], False, False)
    section = None
    for number, raw in enumerate(_split_lines(text), start=1):
        line = raw.strip()
        marker = None
        if "[" in line:
            upper = line.upper()
            marker = next((m for m in _MARKERS if m in upper), None)
        if marker:
            section = _SECTIONS.get(marker)
            course.saw_data = course.saw_data or marker == "[COURSE DATA]"
            course.data_closed = course.data_closed or marker == "[END COURSE DATA]"
            course.text_open = marker == "[COURSE TEXT]"
            continue
        if not line or (line.startswith(";") and not _FORMAT_RE.match(line)):
            continue
        span = Span(number, 1, number, len(raw) + 1)
        if line.startswith("[") and "]" not in line:
            r.error("truncated", f"'{line[:40]}' is an unfinished section marker; the file is "
                    "probably truncated", span)
            return None
        if section == "header" and not _header_line(course, line, span, r):
            return None
        if section == "data" and not _data_line(course, line, span, r):
            return None
        if section == "text":
            _text_line(course, raw, line, span, r)
    return course


def _header_line(course: _Course, line: str, span: Span, r: Reader) -> bool:
    """One [COURSE HEADER] line; False when the file is not a workout."""
    fmt = _FORMAT_RE.match(line)
    if fmt:
        course.units = "watts" if fmt.group(1).upper() == "WATTS" else "percent"
    elif _COURSE_RE.match(line):
        r.error("not-a-workout", "this is a CompuTrainer slope course (DISTANCE GRADE "
                "WIND), not a workout with power targets", span)
        return False
    elif m := _SETTING_RE.match(line):
        course.settings[m.group(1).strip().upper()] = m.group(2)
    return True


def _data_line(course: _Course, line: str, span: Span, r: Reader) -> bool:
    """One [COURSE DATA] line: a point, checked against its ranges (planc.limits); False
    past MAX_POINTS."""
    if _LAP_RE.match(line):
        return True
    m = _POINT_RE.match(line)
    if not m:
        r.error("course-data", f"expected 'minutes value' in [COURSE DATA], got "
                f"'{line[:40]}'", span, "each data line is a time in decimal minutes "
                "and a value, separated by a tab")
        return True
    minutes, value = finite(m.group(1)), finite(m.group(2))
    if minutes is None or value is None or minutes < 0 or value < 0:
        r.error("course-data", "negative time or value in [COURSE DATA]" if minutes is not None
                and value is not None else f"'{line[:40]}' is not a time and a value", span)
        return True
    for number, limit in ((minutes * 60, WORKOUT_SECONDS), (value, WATTS)):
        if not limit.contains(number):
            r.error("course-data", limit.problem(number) or "", span)
            return True
    if len(course.points) == MAX_POINTS:
        r.error("course-data", f"[COURSE DATA] has more than {MAX_POINTS:,} points, "
                "more than planc reads", span, "split the workout into several files")
        return False
    course.points.append(_Point(minutes * 60, value, bool(m.group(3)), span.line))
    return True


def _text_line(course: _Course, raw: str, line: str, span: Span, r: Reader) -> None:
    m = (_CUE_TAB_RE.match(raw) if "\t" in raw else None) or _CUE_SPACE_RE.match(raw)
    at = finite(m.group(1)) if m else None
    # a negative time is a cue before the start (place_cues says so); a huge one no cue
    if not m or not m.group(2).strip() or at is None or not WORKOUT_SECONDS.contains(abs(at)):
        r.warn("course-text", f"cannot read the cue '{line[:40]}'; expected 'seconds "
               "text duration'", span)
        return
    course.cues.append((at, m.group(2).strip(),
                        finite(m.group(3)) if m.group(3) else None, span.line))


def _cue_minutes(course: _Course, total_seconds: float, mode: bool | None,
                 r: Reader) -> bool:
    if mode is not None or not course.cues:
        return bool(mode)
    fractional = any(t != int(t) or (d is not None and d != int(d))
                     for t, _, d, _ in course.cues)
    within = all(t * 60 <= total_seconds for t, _, _, _ in course.cues)
    if fractional and within:
        r.warn("cue-minutes", "the [COURSE TEXT] times have fractions and all fall within the "
               "workout's length in minutes, so they are read as minutes (another "
               "convention; TrainerRoad uses seconds)", Span.point(course.cues[0][3], 1),
               "pass --cue-times seconds to read them as seconds")
        return True
    return False


def read_trainer(data: bytes, path: str, *, kind: str, ftp: float | None = None,
                 cue_minutes: bool | None = None) -> ImportResult:
    """Read an .mrc or .erg file; ``kind`` ("mrc"/"erg") only decides a missing units line."""
    r = Reader(path)
    text = decode_text(data, r)
    if not text.strip():
        r.error("empty-file", "the file is empty")
        return r.result(None, kind, text)
    course = _parse(text, r)
    if course is None or r.failed or not _complete(course, text, r):
        return r.result(None, kind, text)
    units = course.units
    if units is None:
        units = "watts" if kind == "erg" else "percent"
        r.warn("course-units", f"no 'MINUTES WATTS' or 'MINUTES PERCENT' line; the values are "
               f"read as {'watts' if units == 'watts' else '% FTP'} from the file extension")
    fmt = "erg" if units == "watts" else "mrc"
    power = _power_rule(course, units, ftp, r)
    points = _timeline(course.points, r)
    if points is None:
        return r.result(None, fmt, text)
    if fmt == "erg" and not power.ftp and any(not p.percent for p in points):
        r.warn("erg-watts", "no usable FTP in the file and none given: targets stay in watts",
               hint="pass --ftp to import them as % FTP")
    steps = _steps(points, power, r)
    if not steps:
        if not r.failed:
            r.error("course-data", "the points in [COURSE DATA] span no time")
        return r.result(None, fmt, text)
    total = sum(s.amount.seconds for s in steps)
    if course.cues:
        minutes = _cue_minutes(course, total, cue_minutes, r)
        scale = 60.0 if minutes else 1.0
        steps = place_cues(steps, [(t * scale, one_line(msg)) for t, msg, _, _ in course.cues
                                   if one_line(msg)], r)
    settings = course.settings
    file_name = settings.get("FILE NAME", "").strip()
    title = (re.sub(r"\.(mrc|erg)$", "", file_name, flags=re.IGNORECASE) or None)
    workout = assemble(steps, sport="Ride", name=title,
                       description=settings.get("DESCRIPTION") or None)
    return r.result(workout, fmt, text)


def _complete(course: _Course, text: str, r: Reader) -> bool:
    """Has the file a closed [COURSE DATA] of two points or more (and no open section)?"""
    if not course.saw_data:
        r.error("course-data", "no [COURSE DATA] section: this is not an .mrc/.erg workout",
                hint="a course file has [COURSE HEADER] ... [COURSE DATA] ... "
                "[END COURSE DATA]")
        return False
    last_line = len(_split_lines(text))
    if not course.data_closed:
        r.error("truncated", "the file ends inside [COURSE DATA] (no [END COURSE DATA]); it is "
                "probably truncated", Span.point(last_line, 1))
        return False
    if course.text_open:
        r.error("truncated", "the file ends inside [COURSE TEXT] (no [END COURSE TEXT]); it is "
                "probably truncated", Span.point(last_line, 1))
        return False
    if len(course.points) < 2:
        r.error("course-data", "[COURSE DATA] needs at least two points (a start and an end)")
        return False
    return True


@dataclass(slots=True)
class _PowerRule:
    """What a point's value means: % FTP, or watts (as % of ``ftp`` when there is one)."""

    percent: bool  # the file's values are % FTP
    ftp: float | None
    seen: dict[tuple[float, bool], tuple[PowerUnit, float]]

    def __call__(self, p: _Point) -> tuple[PowerUnit, float]:
        key = (p.value, p.percent)
        found = self.seen.get(key)  # a course repeats a few values many times
        if found is None:
            if p.percent or self.percent:
                found = PowerUnit.FTP, fraction(p.value / 100, 2)
            elif self.ftp:
                found = PowerUnit.FTP, fraction(p.value / self.ftp, 1)
            else:
                found = PowerUnit.WATTS, round(p.value, 1)
            self.seen[key] = found
        return found


def _power_rule(course: _Course, units: str, ftp: float | None, r: Reader) -> _PowerRule:
    """The file's own ``FTP =`` first (the FTP its watts were written for), then ``ftp``."""
    if units != "watts":
        return _PowerRule(True, None, {})
    raw = course.settings.get("FTP")
    file_ftp = finite(raw)
    if file_ftp is not None and THRESHOLDS["ftp"].contains(file_ftp):
        return _PowerRule(False, file_ftp, {})
    if raw is not None:
        r.warn("erg-ftp", f"the file's 'FTP = {raw[:40]}' is not an FTP "
               f"({THRESHOLDS['ftp'].range_text}) and is ignored",
               hint="pass --ftp to import the watts as % FTP")
    return _PowerRule(False, ftp, {})


def _timeline(points: list[_Point], r: Reader) -> list[_Point] | None:
    """The points from time 0 on; None (an error) when time goes backwards."""
    for prev, cur in pairwise(points):
        if cur.seconds < prev.seconds:
            r.error("course-data", f"time goes backwards ({prev.seconds / 60:g} to "
                    f"{cur.seconds / 60:g} minutes)", Span.point(cur.line, 1))
            return None
    if points[0].seconds > 0:
        r.warn("course-data", "the first point is not at 0 minutes; the first value is held from "
               "the start", Span.point(points[0].line, 1))
        points = [_Point(0.0, points[0].value, points[0].percent, points[0].line), *points]
    return points


def _steps(points: list[_Point], power: _PowerRule, r: Reader) -> list[Step]:
    """Segments to steps: flat runs at one level merge, a sloped segment is a ramp; at
    most planc.check.MAX_EXPANDED_STEPS steps are built (an error, and [] past that)."""
    budget = StepBudget(r)
    steps: list[Step] = []
    flat_value: tuple[PowerUnit, float] | None = None
    for a, b in pairwise(points):
        start, end = round(a.seconds), round(b.seconds)
        if end <= start:  # a step change, or a repeated point (same value: the step goes on)
            if power(a) != power(b):
                flat_value = None
            continue
        (ua, va), (ub, vb) = power(a), power(b)
        if ua is not ub:  # a %-marked point next to a watts point: treat as a step change
            vb = va
        if va == vb and steps and flat_value == (ua, va):  # the same level goes on
            last = steps[-1]
            steps[-1] = Step(Duration(last.amount.seconds + end - start), power=last.power)
            continue
        if not budget.take(1, Span.point(b.line, 1)):
            return []
        flat_value = (ua, va) if va == vb else None
        steps.append(Step(Duration(float(end - start)), ramp=va != vb,
                          power=PowerTarget(ua, Range(va, vb))))
    return steps

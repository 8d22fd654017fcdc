"""A test reader of .mrc/.erg files that sees what Golden Cheetah's reader sees.

Written from the line rules in formats.md §2.2 and §2.6 (not from Golden
Cheetah's code).  Golden Cheetah does not parse a course file by section: it
tries every line, whatever section it is in, against a fixed list of patterns
and takes the first that fits.  In that order:

1. **section markers**: a line *containing* ``[COURSE HEADER]``, ``[END COURSE
   HEADER]``, ``[COURSE DATA]``, ``[END COURSE DATA]``, ``[COURSE TEXT]`` or
   ``[END COURSE TEXT]`` (any case) switches section;
2. **the format line**: ``MINUTES WATTS`` (ERG), ``MINUTES PERCENT`` or ``MINUTES
   FTP`` (MRC), ``DISTANCE GRADE WIND`` (CRS), words apart by spaces or tabs,
   leading ``;`` allowed, anything after;
3. **lap markers**: ``minutes LAP name`` (the cue line ``120<TAB>Lap 2<TAB>10``
   is one: a lap at 120 *minutes*), then a bare ``LAP name``;
4. **settings**: any line with an ``=``; ``key = value`` where the value stops at
   the next ``=``, tab or line end; the keys read are VERSION, FILE NAME,
   DESCRIPTION, ERGDBID, SOURCE, UNITS and FTP (the key as written, then only
   spaces); ``FTP`` is read as a whole number, and a fraction is no number, so
   ``FTP = 252.5`` is read as no FTP at all;
5. **data points**: ``num num`` or ``num num%``, where a number is digits and
   dots and the space between the two may be empty (so ``100`` alone is the
   point 10 min, 0); then a third form, ``num num num`` with signs allowed in the
   last two, is a slope-course point (distance, grade, wind): it is put at the
   course's running distance, which on a time course Golden Cheetah then takes
   for a time (so a cue ``3-2-1`` or ``90-95`` adds a point, and the workout's
   length becomes wherever that point landed);
6. **comments and blank lines**: a line starting with ``;``, or only spaces;
7. **text cues**, only inside [COURSE TEXT]: ``seconds text duration``, the text
   being everything between (trimmed);
8. anything else is ignored.

Values: an ERG point is ``round(watts)``, then rescaled to the rider by
``int(watts x CP / FTP)`` when the file has an FTP; an MRC point is
``int(round(percent) x CP / 100)``; ``num num%`` is ``int(percent / 100 x CP)``.
The workout lasts until its *last* point (points are not sorted), a point at 0
is added when the first comes later, and the file is valid only when the last
section switch was an end marker and there is a point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_SECTIONS = (
    ("[COURSE HEADER]", "header"),
    ("[END COURSE HEADER]", "none"),
    ("[COURSE DATA]", "data"),
    ("[END COURSE DATA]", "end"),
    ("[COURSE TEXT]", "text"),
    ("[END COURSE TEXT]", "end"),
)
_I = re.IGNORECASE
_FORMATS = (
    (re.compile(r";*MINUTES[ \t]+WATTS.*", _I | re.S), "ERG"),
    (re.compile(r";*MINUTES[ \t]+(?:PERCENT|FTP).*", _I | re.S), "MRC"),
    (re.compile(r";*DISTANCE[ \t]+GRADE[ \t]+WIND.*", _I | re.S), "CRS"),
)
_NUM = r"([0-9.]+)"
_SIGNED = r"([-0-9.]+)"
_LAP = re.compile(rf"[ \t]*{_NUM}[ \t]*LAP[ \t\n]*(.*)", _I | re.S)
_BARE_LAP = re.compile(r"[ \t]*LAP[ \t\n]*(.*)", _I | re.S)
_SETTING = re.compile(r"([^=]*)=[ \t]*([^=\n\r\t]*).*", re.S)
_WATTS = re.compile(rf"[ \t]*{_NUM}[ \t]*{_NUM}[ \t\n]*")
_PERCENT = re.compile(rf"[ \t]*{_NUM}[ \t]*{_NUM}%[ \t\n]*")
_SLOPE = re.compile(rf"[ \t]*{_NUM}[ \t]*{_SIGNED}[ \t\n]*{_SIGNED}[ \t\n]*")
_IGNORE = re.compile(r";.*|[ \t\n]*", re.S)
_CUE = re.compile(rf"{_NUM}[ \t]*(.*)[ \t]([0-9]+)[ \t\n]*", re.S)
_KEYS = ("VERSION", "FILE NAME", "DESCRIPTION", "ERGDBID", "SOURCE", "UNITS", "FTP")


def number(text: str) -> float:
    """A number as Golden Cheetah converts it: 0 when the text is not one (``1.2.3``, ``.``)."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def whole_number(text: str) -> int:
    """A whole number, 0 when the text is not one (a fraction is not: ``252.5`` -> 0)."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else 0


def c_round(x: float) -> float:
    """Rounding half away from zero (C's round)."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


@dataclass
class GcCourse:
    """What Golden Cheetah would load from a course file, for a rider with ``cp`` watts."""

    cp: float
    format: str | None = None  # ERG, MRC or CRS: the last format line seen
    settings: dict[str, str] = field(default_factory=dict)  # the keys it reads, as read
    ftp: int = 0  # the file's FTP as read (0: none, or not a whole number)
    points: list[tuple[float, float]] = field(default_factory=list)  # (ms, watts) as loaded
    slope_points: int = 0  # lines taken for slope-course points (distance, grade, wind)
    laps: list[tuple[float, str]] = field(default_factory=list)  # (ms, name)
    cues: list[tuple[float, str, int]] = field(default_factory=list)  # (s, text, duration s)
    ignored: list[str] = field(default_factory=list)  # lines no rule took
    section: str = "none"
    _distance: float = 0.0  # running distance of a slope course, m
    _altitude: float = 0.0

    @property
    def valid(self) -> bool:
        return self.section == "end" and bool(self.points)

    @property
    def seconds(self) -> float:
        """The workout's length as Golden Cheetah reports it: its last point's time."""
        return self.points[-1][0] / 1000 if self.valid else 0.0

    def watts_at(self, second: float) -> float | None:
        """The target at ``second``, linear between points in file order (None past the end)."""
        ms = second * 1000
        for (x0, y0), (x1, y1) in zip(self.points, self.points[1:], strict=False):
            if x0 <= ms < x1:
                return y0 + (y1 - y0) * (ms - x0) / (x1 - x0)
        return None


def lines_of(data: bytes) -> list[str]:
    """Lines split at LF, CRLF and lone CR, the way Golden Cheetah splits them."""
    text = data.decode("utf-8", errors="replace")
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(line.removesuffix("\r").split("\r"))
    if out and out[-1] == "":
        out.pop()
    return out


def read_like_golden_cheetah(data: bytes, cp: float) -> GcCourse:
    """The course Golden Cheetah would load from ``data`` for a rider whose CP is ``cp``."""
    course = GcCourse(cp=cp)
    for line in lines_of(data):
        _read_line(course, line)
    if course.valid and course.points[0][0] > 0:
        course.points.insert(0, (0.0, course.points[0][1]))
    return course


def _read_line(c: GcCourse, line: str) -> None:
    """One line, through the rules in the module doc's order; the first that fits wins."""
    upper = line.upper()
    for marker, section in _SECTIONS:
        if marker in upper:
            c.section = section
            return
    for pattern, name in _FORMATS:
        if pattern.fullmatch(line):
            c.format = name
            return
    if m := _LAP.fullmatch(line):
        c.laps.append((number(m[1]) * 60000, " ".join(m[2].split())))
    elif m := _BARE_LAP.fullmatch(line):
        c.laps.append((c._distance, " ".join(m[1].split())))
    elif m := _SETTING.fullmatch(line):
        _setting(c, m[1], m[2])
    elif m := _WATTS.fullmatch(line):
        c.points.append((number(m[1]) * 60000, _point_watts(c, number(m[2]))))
    elif m := _PERCENT.fullmatch(line):
        c.points.append((number(m[1]) * 60000, float(int(number(m[2]) / 100 * c.cp))))
    elif m := _SLOPE.fullmatch(line):
        _slope_point(c, number(m[1]), number(m[2]))
    elif _IGNORE.fullmatch(line):
        pass
    elif c.section == "text" and (m := _CUE.fullmatch(line)):
        c.cues.append((number(m[1]), m[2].strip(), int(m[3])))
    else:
        c.ignored.append(line)


def _setting(c: GcCourse, key: str, value: str) -> None:
    for name in _KEYS:
        if re.fullmatch(re.escape(name) + " *", key, _I):
            c.settings[name] = value
            if name == "FTP":
                c.ftp = whole_number(value)


def _point_watts(c: GcCourse, value: float) -> float:
    watts = c_round(value)
    if c.format == "ERG" and c.ftp:
        return float(int(watts * c.cp / c.ftp))
    if c.format == "MRC":
        return float(int(watts * c.cp / 100))
    return watts


def _slope_point(c: GcCourse, km: float, grade: float) -> None:
    metres = km * 1000
    c.points.append((c._distance, c._altitude))
    c._distance += metres
    c._altitude += metres * grade / 100
    c.slope_points += 1

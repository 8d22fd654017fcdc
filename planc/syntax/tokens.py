"""Token values: numbers, ranges, durations, paces, and which words can stay in a label."""

from __future__ import annotations

import math
import re

from planc.ast import Range, Span
from planc.units import DistanceUnit, PacePer, sport_family

# ----------------------------------------------------------------- values --

_NUM = r"\d+(?:\.\d+)?"
_RANGE_RE = re.compile(rf"({_NUM})[^\d.]*[-–][^\d.]*({_NUM})")
_NUMBER_RE = re.compile(_NUM)
_DIGITS_RE = re.compile(r"\d+")
_DURATION_RE = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
_SHORT_DURATION_RE = re.compile(r"(?:(\d+)')?(?:(\d+)\")?$")
_PACE_RE = re.compile(r"(\d+):(\d\d(?:\.\d+)?)")
# a word that looks like a number with a unit glued on ('20min', '4.30/km', '1mİ'): when
# planc does not read it as a value it says so (a value-shaped word is never silently text)
VALUE_SHAPED_RE = re.compile(r"^[<>~≈]?\d+(?:[.,]\d+)?(?:[^\W\d_]|[%'\"]|:\d|/[a-zA-Z])")
# intervals.icu ends a label inside a word that ends in a whole number and a unit
# ('<40%', '(150w', '20min'); a decimal ('0.33s', '23.21s') or a bare number does not (§1.11)
# after a value, a bare number or range ('- 10m 200', '- 10m 200-250') is a target without its
# unit, and a zone glued to its kind ('Z2HR') is no target either: both value-shaped
BARE_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?(?:[-–]\d+(?:\.\d+)?)?$")
GLUED_ZONE_RE = re.compile(r"^[zZ]\d+(?:[-–][zZ]?\d+)?(?:hr|lthr|pace)$", re.IGNORECASE)
# a unit written apart from its number ('10 min', '2 km'): not a duration or distance
SPACED_UNIT_RE = re.compile(r"^(?:h|hrs?|hours?|min|mins|minutes?|s|secs?|seconds?|km|mtr|mi|"
                            r"miles?|meters?|metres?|yrd|yards?)$", re.IGNORECASE)
LABEL_CUT_RE = re.compile(r"(?<![\d.])\d+(?:%|w|h|s|min|mtr|mi|km|rpm|m)$",
                          re.IGNORECASE | re.ASCII)
MINUTES_ONLY_RE = re.compile(r"^(\d+)m$")
INLINE_REPEAT_RE = re.compile(r"(?<!\d)(\d+)\s*[xX]\s*$")
"""``Main set 3x``; searched, so a count may only start where its digits do: without
the look-behind every digit of a long run was a start, and the search took seconds."""
SECTION_RE = re.compile(r"^(warm[\s-]?up|cool[\s-]?down)$", re.IGNORECASE)

DISTANCE_UNITS = {
    "km": DistanceUnit.KM,
    "mtr": DistanceUnit.METRE,
    "mi": DistanceUnit.MILE,
    "yrd": DistanceUnit.YARD,
    "yd": DistanceUnit.YARD,
    "yards": DistanceUnit.YARD,
}
PACE_PERS = {p.value: p for p in PacePer}
WINDOWS = ("1s", "3s", "10s", "30s", "lap")
KEYWORD_FLAGS = {"freeride": "freeride", "maxeffort": "maxeffort", "hidepower": "hidepower"}

# Hints for words that look like a value but are not one planc (or intervals.icu) reads:
# (pattern, flags, fix, hint).  Patterns, not compiled: only a mistake needs them, and re
# compiles and caches each on first use, so a clean parse never pays for them.
UNIT_HINTS = (
    (r"^(\d+)\s*(min|mins|minute|minutes)$", re.I, "{0}m", "minutes are written {0}m"),
    (r"^(\d+)\s*(sec|secs|second|seconds)$", re.I, "{0}s", "seconds are written {0}s"),
    (r"^(\d+)\s*(hr|hrs|hour|hours)$", re.I, "{0}h", "hours are written {0}h"),
    (r"^(\d+(?:\.\d+)?)\s*(meters|metres|meter|metre|mtrs)$", re.I, "{0}mtr",
     "metres are written {0}mtr (m means minutes)"),
    (r"^(\d+)\.(\d+)h$", re.I, None, "durations take whole numbers: write e.g. 1h30m"),
    (r"^(\d+)\.(\d+)m$", re.I, None, "durations take whole numbers: write e.g. 1m30"),
    (r"^(\d+):(\d\d)$", 0, "{0}m{1}s",
     "a duration is written {0}m{1}s; a pace needs a unit and the word Pace, e.g. {0}:{1}/km Pace"),
    (r"^(\d+)\s*W(att)?s?$", re.I, "{0}w", "watts are written {0}w"),
    (r"^(\d+(?:\.\d+)?) (km|mtr|mi|yrd)$", re.I, "{0}{1}",
     "a distance is written without a space: {0}{1}"),
    (r"^(\d+) (h|s)$", re.I, "{0}{1}", "a duration is written without a space: {0}{1}"),
    (r"^([zZ]\d+(?:[-–][zZ]?\d+)?)(hr|lthr|pace)$", re.I, "{0} {1}",
     "a zone and its kind are two words: {0} {1}"),
    (r"^(\d+(?:\.\d+)?(?:[-–]\d+(?:\.\d+)?)?)$", 0, None,
     "a target needs its unit, e.g. '{0}%' (of FTP), '{0}w', '{0}rpm', '{0}bpm'"),
)


def range_of(text: str, divisor: float = 1.0) -> Range:
    """The number or ``a-b`` range in a token; percentages are divided by 100."""
    m = _RANGE_RE.search(text) if "-" in text or "–" in text else None  # it needs a dash
    if m:
        return Range(float(m.group(1)) / divisor, float(m.group(2)) / divisor)
    n = _NUMBER_RE.search(text)
    v = float(n.group(0)) / divisor if n else 0.0
    return Range(v, v)


def zone_range(text: str) -> Range:
    nums = _DIGITS_RE.findall(text)
    a = float(nums[0])
    b = float(nums[1]) if len(nums) > 1 else a
    return Range(a, b)


def parse_duration_token(text: str) -> float:
    """Seconds in a duration token (``1h45m``, ``1m30``, ``30s``, ``1'30"``)."""
    if "'" in text or '"' in text:
        m = _SHORT_DURATION_RE.match(text)
        assert m is not None
        return _float(whole(m.group(1) or "0") * 60 + whole(m.group(2) or "0"))
    m = _DURATION_RE.match(text)
    assert m is not None
    h, mi, s = m.groups()
    return _float((whole(h) * 3600 if h else 0) + (whole(mi) * 60 if mi else 0)
                  + (whole(s) if s else 0))


FLOAT_DIGITS = 309
"""The most significant digits of a whole number a float may hold (``float`` tops out
at 1.8e308)."""


def whole(digits: str) -> int | float:
    """The number a run of ASCII digits writes: the int ``int(digits)`` is, or ``inf``
    for one of more significant digits than :data:`FLOAT_DIGITS` (a duration or pace of
    that many digits is absurd; ``int()`` refuses more than 4300 digits, and no float
    holds the result)."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= FLOAT_DIGITS else math.inf


def _float(value: int | float) -> float:
    """``float(value)``, ``inf`` for an int past any float (a product of :func:`whole`)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def pace_parts(text: str) -> list[tuple[str, str]]:
    """The (minutes, seconds) texts of each ``m:ss`` in a pace token."""
    return _PACE_RE.findall(text)


def parse_pace_seconds(text: str) -> list[float]:
    """Seconds per pace unit for each ``m:ss`` in the token."""
    return [_float(whole(a) * 60) + float(b) for a, b in _PACE_RE.findall(text)]


def default_pace_per(sport: str) -> PacePer:
    family = sport_family(sport)
    if family == "swim":
        return PacePer.M100
    if sport in ("Rowing", "VirtualRow"):
        return PacePer.M500
    return PacePer.KM


def spans_cover(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


_STEP_VALUE_TERMINALS = (
    "DURATION", "DISTANCE", "POWER_PCT", "POWER_W", "POWER_ZONE", "HR_PCT", "HR_ZONE", "HR_BPM",
    "PACE_PCT", "PACE_ZONE", "PACE_ABS", "PACE_NO_KEYWORD", "CADENCE", "PRESS_LAP", "OPTION",
    "INLINE_REPEAT",
)
_VALUE_WORD_RE = None


def is_label_word(word: str) -> bool:
    """Would this whitespace-free word stay part of a label?  (Same terminals as the grammar.)"""
    global _VALUE_WORD_RE
    if _VALUE_WORD_RE is None:
        from planc.syntax.grammar import terminal_regexps

        defs = terminal_regexps(_STEP_VALUE_TERMINALS)
        _VALUE_WORD_RE = re.compile(
            "|".join(f"(?:{defs[name]})" for name in _STEP_VALUE_TERMINALS))
    core = word.rstrip(",;)")
    if not core:
        return True
    if core.lower() in KEYWORD_FLAGS or LABEL_CUT_RE.search(core):
        return False
    return _VALUE_WORD_RE.fullmatch(core) is None



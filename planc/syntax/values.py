"""The value of one token of a step line: amounts, targets and options.

:mod:`planc.syntax.steps` decides *which* tokens are values (intervals.icu's
positional rules); this module says what each value token means, and reports
the values that are written wrongly (a pace with 60 seconds, an unknown
option).  Each function takes the token's text and span and appends its
diagnostics to ``diags``.
"""

from __future__ import annotations

import math
import re

from planc.ast import (
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
    Span,
)
from planc.diagnostics import Diagnostic, did_you_mean, error, warning
from planc.syntax.tokens import (
    DISTANCE_UNITS,
    MINUTES_ONLY_RE,
    PACE_PERS,
    UNIT_HINTS,
    WINDOWS,
    default_pace_per,
    pace_parts,
    parse_duration_token,
    parse_pace_seconds,
    range_of,
    whole,
    zone_range,
)
from planc.units import METRES_PER_UNIT, PACE_PER_METRES, sport_family

_DISTANCE_RE = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)$", re.IGNORECASE | re.ASCII)


def amount(kind: str, value: str, span: Span) -> Duration | Distance:
    """A DURATION or DISTANCE token."""
    if kind == "DURATION":
        return Duration(parse_duration_token(value), span)
    m = _DISTANCE_RE.match(value)
    assert m is not None
    unit = DISTANCE_UNITS[m.group(2).lower()]
    return Distance(float(m.group(1)) * METRES_PER_UNIT[unit], unit, span)


def minutes_or_metres(text: str, sport: str, span: Span, diags: list[Diagnostic]) -> None:
    """Warn when ``400m`` (400 minutes) was probably meant as metres."""
    m = MINUTES_ONLY_RE.match(text) if text[-1:] == "m" else None  # its pattern ends in m
    if not m:
        return
    n = whole(m.group(1))
    if n == math.inf:
        return  # hundreds of digits: no one meant metres (the step is too long)
    family = sport_family(sport)
    plausible_metres = (
        (family == "swim" and n >= 25 and n % 25 == 0)
        or (family == "run" and n >= 100 and n % 50 == 0)
    )
    if plausible_metres or n > 180:
        diags.append(warning(
            "minutes-or-metres",
            f"'{text}' means {n} minutes"
            + (f" ({n / 60:.1f} h)" if n >= 60 else "")
            + " — 'm' is minutes in intervals.icu",
            span,
            f"for metres write '{n}mtr'",
        ))


def power(kind: str, value: str, span: Span) -> PowerTarget:
    if kind == "POWER_PCT":
        return PowerTarget(PowerUnit.FTP, range_of(value, 100), span)
    if kind == "POWER_W":
        return PowerTarget(PowerUnit.WATTS, range_of(value), span)
    return PowerTarget(PowerUnit.ZONE, zone_range(value), span)


def hr(kind: str, value: str, span: Span) -> HrTarget:
    if kind == "HR_PCT":
        unit = HrUnit.LTHR if value.lower().endswith("lthr") else HrUnit.MAX
        number = value[: value.rfind("%") + 1]  # not .lower(): 'İ' lowers to two characters
        return HrTarget(unit, range_of(number, 100), span)
    if kind == "HR_BPM":
        return HrTarget(HrUnit.BPM, range_of(value), span)
    return HrTarget(HrUnit.ZONE, zone_range(value.split()[0]), span)


def pace(kind: str, value: str, span: Span, sport: str,
         diags: list[Diagnostic]) -> PaceTarget | None:
    """A pace token; None (reported) when intervals.icu would drop it."""
    if kind == "PACE_PCT":
        number = value[: value.rfind("%") + 1]
        return PaceTarget(PaceUnit.THRESHOLD, range_of(number, 100), span=span)
    if kind == "PACE_ZONE":
        return PaceTarget(PaceUnit.ZONE, zone_range(value.split()[0]), span=span)
    return _absolute_pace(value, span, sport, diags)


def _absolute_pace(value: str, span: Span, sport: str,
                   diags: list[Diagnostic]) -> PaceTarget | None:
    body = value.split()[0]
    per_text = body.split("/", 1)[1].lower() if "/" in body else None
    if per_text is None:
        per = default_pace_per(sport)
        diags.append(warning(
            "pace-unit",
            f"'{value}' has no unit: intervals.icu uses the athlete's pace unit; planc "
            f"assumes /{per.value} for {sport}",
            span,
            f"write '{body}/{per.value} Pace' to be explicit",
        ))
        explicit = False
    elif per_text in PACE_PERS:
        per = PACE_PERS[per_text]
        explicit = True
    else:
        fix = per_text.replace("mtr", "m").replace("yrd", "y").replace("yd", "y")
        hint = (f"pace units are written with m or y: '/{fix}'" if fix in PACE_PERS
                else "pace units: /km /mi /100m /100y /500m /400m /250m")
        diags.append(error(
            "pace-unit",
            f"intervals.icu does not read the pace unit '/{per_text}' and drops the target",
            span, hint))
        return None
    secs = parse_pace_seconds(body)
    if any(float(b) >= 60 for _, b in pace_parts(body)):
        diags.append(error("bad-pace", f"pace '{body}' has 60 or more seconds",
                           span, "write minutes:seconds, e.g. 5:00/km, not 4:60/km"))
        return None
    if any(s <= 0 for s in secs):
        diags.append(error("zero-pace", f"pace '{body}' is zero", span,
                           "write minutes:seconds, e.g. 5:00/km"))
        return None
    if math.inf in secs:  # hundreds of digits of minutes: no speed (0 m/s) is a pace
        diags.append(error("bad-pace", f"pace '{body}' is slower than any pace", span,
                           "write minutes:seconds, e.g. 5:00/km"))
        return None
    metres = PACE_PER_METRES[per]
    speeds = [metres / s for s in secs]
    start = speeds[0]
    end = speeds[1] if len(speeds) > 1 else start
    return PaceTarget(PaceUnit.SPEED, Range(start, end), per, explicit, span)


_PACE_WORD_RE = re.compile(
    r"^(\d+)(?:[.,:](\d+))?(?:[.,:](\d+))?\s*(?:/?\s*([a-z0-9]+))?$", re.IGNORECASE | re.ASCII)


def pace_fix(word: str) -> str:
    """How a pace written wrongly before 'Pace' is written ('4.30/km' -> '4:30/km')."""
    m = _PACE_WORD_RE.match(word)
    if m is None:
        return "5:00/km"
    minutes, seconds, _, per = m.groups()
    seconds = (seconds or "0").ljust(2, "0")[:2]
    per = (per or "km").lower()
    per = per if per in PACE_PERS else "km"
    return f"{minutes.lstrip('0') or '0'}:{seconds}/{per}"  # int(minutes), for any length


def option(value: str, span: Span, options: dict[str, str], diags: list[Diagnostic]) -> bool:
    """An ``intensity=`` / ``power=`` / ``hr=`` option into ``options``; False (reported)
    when it is not one intervals.icu reads."""
    key, _, val = value.partition("=")
    key_l, val_l = key.lower(), val.lower()
    if key_l == "intensity":
        choices = [i.value for i in Intensity]
        if val_l in choices:
            options["intensity"] = val_l
            return True
        guess = did_you_mean(val_l, choices)
        diags.append(error(
            "bad-option", f"unknown intensity '{val}'", span,
            f"did you mean 'intensity={guess}'?" if guess else
            "one of: " + ", ".join(choices)))
        return False
    if key_l in ("power", "hr"):
        if val_l in WINDOWS:
            options[key_l] = val_l
            return True
        diags.append(error(
            "bad-option", f"unknown {key_l} averaging window '{val}'", span,
            f"one of: {', '.join(key_l + '=' + w for w in WINDOWS)}"))
        return False
    guess = did_you_mean(key_l, ["intensity", "power", "hr"])
    diags.append(error(
        "bad-option", f"unknown option '{key}='", span,
        f"did you mean '{guess}='?" if guess else "options: intensity=, power=, hr="))
    return False


GENERIC_VALUE_HINT = ("durations: 30s 10m 1h 1m30 2m30s; distances: 2km 400mtr 1mi; targets: "
                      "75% 200w Z2 70% HR 5:00/km Pace 90rpm")


def unit_hint(value: str) -> str | None:
    """How a value written with a unit intervals.icu does not read is written
    ('20min' -> "minutes are written '20m'"), or None when planc has no guess."""
    for pattern, flags, fix, text in UNIT_HINTS:
        m = re.match(pattern, value, flags)
        if m:
            hint = text.format(*m.groups())
            if fix:
                hint = hint.replace(fix.format(*m.groups()), f"'{fix.format(*m.groups())}'", 1)
            return hint
    return None

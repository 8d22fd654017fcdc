"""Resolution: targets -> numbers, with the athlete's thresholds and zones.

One module, used by metrics and by every emitter, so a zone means the same
watts in a .zwo, an .erg, a .fit and the load figure.  The rules (README
"Resolution rules" repeats them):

* % FTP x FTP = watts; watts / FTP = % FTP.  Indoor sports use ``indoor_ftp``
  when it is set.
* Zone N is the band from the upper bound of zone N-1 to the upper bound of
  zone N (athlete zones, else the defaults in planc.athlete), as intervals.icu
  resolves it: a power zone in whole watts, from floor(bound N-1 x FTP) + 1 to
  floor(bound N x FTP) (at FTP 286: Z2 158-214 W, midpoint 186 W, as measured);
  a pace zone from one percentage point above zone N-1's bound (Z2 78.5-87.7 %).
  Zone 1 starts at 80 % of its upper bound (that reproduces intervals.icu's
  measured 141 W for Z1 at FTP 286).  The top zone is open-ended (999) in intervals.icu; planc
  caps it at 125 % of its lower bound instead of resolving to absurd values.
  A zone used as a single value resolves to its band's midpoint.
* Heart rate: % LTHR x LTHR, % HR x max HR; HR zones are bpm bounds (athlete)
  or % LTHR bounds (defaults).
* Pace: "% Pace" and pace zones are percentages of threshold *speed* (90 % Pace
  is slower than threshold), so speed = fraction x threshold speed.
* Ranges keep both ends; a value that must be single takes the midpoint.
"""

from __future__ import annotations

import math

from planc.ast import (
    HrTarget,
    HrUnit,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    _Frozen,
    _frozen,
    _set,
)
from planc.athlete import (
    DEFAULT_HR_ZONES_LTHR,
    DEFAULT_PACE_ZONES,
    DEFAULT_POWER_ZONES,
    SportThresholds,
    ftp_for,
)

Z1_FLOOR = 0.8
TOP_ZONE_CAP = 1.25


def zone_band(bounds: tuple[float, ...], zone: int,
              lower_step: float = 0.0) -> tuple[float, float]:
    """(low, high) of zone ``zone`` (1-based) given upper bounds; clamps to the last zone.

    A zone starts ``lower_step`` above the previous zone's upper bound (intervals.icu:
    one percentage point for pace zones)."""
    zone = max(1, min(int(zone), len(bounds)))
    high = bounds[zone - 1]
    low = bounds[zone - 2] + lower_step if zone > 1 else bounds[0] * Z1_FLOOR
    if high >= 999 or (zone == len(bounds) and high > low * 3):
        high = low * TOP_ZONE_CAP
    return low, high


def zones_range(bounds: tuple[float, ...], value: Range, lower_step: float = 0.0) -> Range:
    """A zone or zone range -> the band it covers, in the bounds' unit; single zone -> band."""
    lo_a, hi_a = zone_band(bounds, int(value.start), lower_step)
    lo_b, hi_b = zone_band(bounds, int(value.end), lower_step)
    if value.start <= value.end:
        return Range(lo_a, hi_b)
    return Range(hi_a, lo_b)


def _zone_watts(bounds: tuple[float, ...], zone: int, ftp: float) -> tuple[float, float]:
    """intervals.icu turns each bound into whole watts first: zone N runs from
    floor(previous bound x FTP) + 1 to floor(its bound x FTP) (measured: Z6 at 286 W is
    344-429 W, so 387 W where 120-150 % is 386 W)."""
    low, high = zone_band(bounds, zone)
    first = math.floor(low * ftp / 100 + 1e-9) + (1 if zone > 1 else 0)
    return first, math.floor(high * ftp / 100 + 1e-9)


def power_zone_watts(bounds: tuple[float, ...], value: Range, ftp: float) -> Range:
    """A power zone or zone range in watts at ``ftp`` (see :func:`_zone_watts`)."""
    lo_a, hi_a = _zone_watts(bounds, int(value.start), ftp)
    lo_b, hi_b = _zone_watts(bounds, int(value.end), ftp)
    if value.start <= value.end:
        return Range(lo_a, hi_b)
    return Range(hi_a, lo_b)


PACE_ZONE_STEP = 1.0  # a pace zone starts one percentage point above the one below


@_frozen
class Missing(_Frozen):
    """What threshold is needed and which flag provides it (for the error message)."""

    what: str
    flag: str

    def __init__(self, what: str, flag: str) -> None:
        _set(self, "what", what)
        _set(self, "flag", flag)


class MissingThreshold(Exception):
    def __init__(self, missing: Missing):
        self.missing = missing
        super().__init__(f"needs {missing.what} (pass {missing.flag})")


def power_fraction(t: PowerTarget, thr: SportThresholds, indoor: bool = False) -> Range:
    """Power target as fractions of FTP.  Raises MissingThreshold for watts without an FTP."""
    if t.unit is PowerUnit.FTP:
        return t.value
    ftp = ftp_for(thr, indoor)
    if t.unit is PowerUnit.ZONE:
        bounds = thr.power_zones or DEFAULT_POWER_ZONES
        if ftp:
            watts = power_zone_watts(bounds, t.value, ftp)
            return Range(watts.start / ftp, watts.end / ftp)
        band = zones_range(bounds, t.value)
        return Range(band.start / 100, band.end / 100)
    if not ftp:
        raise MissingThreshold(Missing("an FTP to turn watts into % FTP", "--ftp"))
    return Range(t.value.start / ftp, t.value.end / ftp)


def power_watts(t: PowerTarget, thr: SportThresholds, indoor: bool = False) -> Range:
    if t.unit is PowerUnit.WATTS:
        return t.value
    ftp = ftp_for(thr, indoor)
    if not ftp:
        raise MissingThreshold(Missing("an FTP to turn % FTP into watts", "--ftp"))
    if t.unit is PowerUnit.ZONE:
        return power_zone_watts(thr.power_zones or DEFAULT_POWER_ZONES, t.value, ftp)
    return Range(t.value.start * ftp, t.value.end * ftp)


def hr_bpm(t: HrTarget, thr: SportThresholds) -> Range:
    if t.unit is HrUnit.BPM:
        return t.value
    if t.unit is HrUnit.MAX:
        if not thr.max_hr:
            raise MissingThreshold(Missing("a max heart rate for % HR targets", "--max-hr"))
        return Range(t.value.start * thr.max_hr, t.value.end * thr.max_hr)
    if t.unit is HrUnit.ZONE and thr.hr_zones:
        return zones_range(thr.hr_zones, t.value)
    if not thr.lthr:
        raise MissingThreshold(Missing("a threshold heart rate (LTHR)", "--lthr"))
    f = hr_fraction_lthr(t, thr)
    return Range(f.start * thr.lthr, f.end * thr.lthr)


def hr_fraction_lthr(t: HrTarget, thr: SportThresholds) -> Range:
    """Heart-rate target as fractions of LTHR (the intensity measure for HR load)."""
    if t.unit is HrUnit.LTHR:
        return t.value
    if t.unit is HrUnit.ZONE:
        if thr.hr_zones:
            if not thr.lthr:
                raise MissingThreshold(Missing("a threshold heart rate (LTHR)", "--lthr"))
            band = zones_range(thr.hr_zones, t.value)
            return Range(band.start / thr.lthr, band.end / thr.lthr)
        band = zones_range(DEFAULT_HR_ZONES_LTHR, t.value)
        return Range(band.start / 100, band.end / 100)
    if not thr.lthr:
        raise MissingThreshold(Missing("a threshold heart rate (LTHR)", "--lthr"))
    bpm = hr_bpm(t, thr)
    return Range(bpm.start / thr.lthr, bpm.end / thr.lthr)


def pace_fraction(t: PaceTarget, thr: SportThresholds) -> Range:
    """Pace target as fractions of threshold speed."""
    if t.unit is PaceUnit.THRESHOLD:
        return t.value
    if t.unit is PaceUnit.ZONE:
        band = zones_range(thr.pace_zones or DEFAULT_PACE_ZONES, t.value, PACE_ZONE_STEP)
        return Range(band.start / 100, band.end / 100)
    if not thr.threshold_pace:
        raise MissingThreshold(Missing("a threshold pace", "--threshold-pace"))
    return Range(t.value.start / thr.threshold_pace, t.value.end / thr.threshold_pace)


def pace_speed(t: PaceTarget, thr: SportThresholds) -> Range:
    """Pace target as speed in m/s."""
    if t.unit is PaceUnit.SPEED:
        return t.value
    if not thr.threshold_pace:
        raise MissingThreshold(Missing("a threshold pace", "--threshold-pace"))
    f = pace_fraction(t, thr)
    return Range(f.start * thr.threshold_pace, f.end * thr.threshold_pace)


def pace_band_speed(t: PaceTarget, thr: SportThresholds) -> float:
    """The one speed a pace target is run at, as intervals.icu times a distance step: an
    absolute band at the midpoint of its paces (800 m at 4:15-3:55/km: 245 s/km, 196 s),
    a relative band or zone at its middle.  Raises MissingThreshold like pace_speed."""
    band = pace_speed(t, thr)
    if t.unit is PaceUnit.SPEED and not band.is_single:
        return 2 / (1 / band.start + 1 / band.end)
    return band.mid

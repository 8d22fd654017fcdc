"""Athlete thresholds and zones, per sport, with intervals.icu's field names.

The shape mirrors intervals.icu ``sport-settings`` so that ``planc athlete
pull`` can write the file that ``--athlete`` reads, with no translation:
``ftp``/``indoor_ftp`` in watts, ``lthr``/``max_hr`` in bpm,
``threshold_pace`` in m/s, ``power_zones`` as % FTP upper bounds,
``hr_zones`` as bpm upper bounds, ``pace_zones`` as % threshold-pace upper
bounds (the last bound of each list is the open top zone, e.g. 999).

When an athlete has no zones of a kind, planc uses the defaults below and says
so in README (they are intervals.icu's defaults for power and pace, and Joe
Friel's %LTHR zones for heart rate).
"""

from __future__ import annotations

from planc.ast import _Frozen, _frozen, _set
from planc.units import FAMILIES, FAMILY_SPORT, sport_family

DEFAULT_POWER_ZONES: tuple[float, ...] = (55, 75, 90, 105, 120, 150, 999)
DEFAULT_PACE_ZONES: tuple[float, ...] = (77.5, 87.7, 94.3, 100, 103.4, 111.5, 999)
# % of LTHR upper bounds (Friel): turned into bpm with the athlete's LTHR.
DEFAULT_HR_ZONES_LTHR: tuple[float, ...] = (81, 89, 93, 99, 102, 106, 999)


@_frozen
class SportThresholds(_Frozen):
    """One sport family's thresholds and zones (a frozen dataclass in behaviour, made
    as the AST's nodes are: :mod:`planc.ast`)."""

    ftp: float | None
    indoor_ftp: float | None
    lthr: float | None
    max_hr: float | None
    threshold_pace: float | None  # m/s
    power_zones: tuple[float, ...] | None
    hr_zones: tuple[float, ...] | None  # bpm upper bounds
    pace_zones: tuple[float, ...] | None
    pace_units: str | None  # MINS_KM, SECS_100M, ... (intervals.icu enum)

    def __init__(self, ftp: float | None = None, indoor_ftp: float | None = None,
                 lthr: float | None = None, max_hr: float | None = None,
                 threshold_pace: float | None = None,
                 power_zones: tuple[float, ...] | None = None,
                 hr_zones: tuple[float, ...] | None = None,
                 pace_zones: tuple[float, ...] | None = None,
                 pace_units: str | None = None) -> None:
        _set(self, "ftp", ftp)
        _set(self, "indoor_ftp", indoor_ftp)
        _set(self, "lthr", lthr)
        _set(self, "max_hr", max_hr)
        _set(self, "threshold_pace", threshold_pace)
        _set(self, "power_zones", power_zones)
        _set(self, "hr_zones", hr_zones)
        _set(self, "pace_zones", pace_zones)
        _set(self, "pace_units", pace_units)

    def merged(self, override: SportThresholds) -> SportThresholds:
        """``override``'s set fields win (command-line flags over a file)."""
        changes = {
            name: getattr(override, name)
            for name in self.__slots__
            if getattr(override, name) is not None
        }
        return self.but(**changes)


@_frozen
class Athlete(_Frozen):
    """Thresholds per sport family (``ride``, ``run``, ``swim``, ``other``)."""

    sports: dict[str, SportThresholds]
    timezone: str | None
    # the steps the athlete's FIT device takes (None: Garmin's 50; --fit-max-steps wins)
    fit_max_steps: int | None

    def __init__(self, sports: dict[str, SportThresholds] | None = None,
                 timezone: str | None = None, fit_max_steps: int | None = None) -> None:
        _set(self, "sports", {} if sports is None else sports)  # a new dict each, as a factory
        _set(self, "timezone", timezone)
        _set(self, "fit_max_steps", fit_max_steps)

    def for_sport(self, sport: str) -> SportThresholds:
        family = sport_family(sport)
        return self.sports.get(family) or self.sports.get("other") or SportThresholds()

    def with_flags(self, flags: SportThresholds) -> Athlete:
        """The one override rule: command-line flags win over the file, for every sport.

        Each family's thresholds become what :meth:`for_sport` gave before (its own
        section, else ``other``), with the set flags on top; an athlete with no set
        flag is returned unchanged, so a file with only ``other: {ftp: 200}`` still
        gives every sport 200 W (``--ftp`` on a run file is still an FTP).
        """
        if flags == SportThresholds():
            return self
        sports = {family: self.for_sport(FAMILY_SPORT[family]).merged(flags)
                  for family in FAMILIES}
        return Athlete(sports, self.timezone, self.fit_max_steps)


def ftp_for(thr: SportThresholds, indoor: bool = False) -> float | None:
    """The FTP a power target resolves against: ``indoor_ftp`` indoors when it is set
    (which sessions are indoors: :func:`planc.units.is_indoor`)."""
    if indoor and thr.indoor_ftp:
        return thr.indoor_ftp
    return thr.ftp

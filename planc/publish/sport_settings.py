"""intervals.icu sport settings -> the athlete file that ``--athlete`` reads.

``GET /api/v1/athlete/{id}/sport-settings`` answers one object per group of
sports (``types: ["Ride", "VirtualRide", ...]``) with the very field names and
units planc's athlete files use (``planc.athlete``; ``../shared/ref/
intervals.md`` §2.6): ``ftp``/``indoor_ftp`` W, ``lthr``/``max_hr`` bpm,
``threshold_pace`` m/s, ``power_zones`` % FTP, ``hr_zones`` bpm,
``pace_zones`` % threshold pace, ``pace_units``.  So the conversion only
chooses, per family (ride, run, swim, other), which settings object to take,
and drops what the loader would reject: nulls (empty fields come back as
explicit ``null``), zero or negative numbers (unset thresholds), zone lists
that do not increase, pace units planc does not know (``NONE``).  Every value
dropped for being malformed is reported, so the user knows the file is not a
verbatim copy.

Fitness comes from ``GET /api/v1/athlete/{id}/wellness`` (``ctl``, ``atl`` per
local day, ``id`` = the day): :func:`fitness_from_wellness` takes the latest
day up to today that has both, and the file gets ``fitness: {ctl, atl, date}``,
so a plan's projection for this athlete starts from what intervals.icu measured.

The YAML is written with ruamel (zones as flow lists, a comment header, the
threshold pace annotated as a clock pace) and is byte-stable: the same
settings (and fitness) give the same file, so it can live in git.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from planc.limits import THRESHOLDS, ZONE_BOUND, Limit
from planc.units import (
    FAMILIES,
    FAMILY_SPORT,
    ICU_PACE_UNITS,
    PACE_PER_METRES,
    SPORTS,
    sport_family,
)

NUMBERS = ("ftp", "indoor_ftp", "lthr", "max_hr", "threshold_pace")
ZONES = ("power_zones", "hr_zones", "pace_zones")
FIELD_ORDER = ("ftp", "indoor_ftp", "lthr", "max_hr", "threshold_pace", "pace_units",
               "power_zones", "hr_zones", "pace_zones")


@dataclass(slots=True)
class Pulled:
    """Sections by family (field -> value) and what was left out and why."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def family_of(setting: dict[str, Any]) -> str | None:
    """The family of a settings object: that of its first known sport type."""
    for sport in setting.get("types") or ():
        if sport in SPORTS:
            return sport_family(sport)
    return None


def parse_sport_filter(values: Iterable[str] | None) -> set[str] | None:
    """``--sport Run``/``--sport run,swim`` -> families; ValueError for unknown names."""
    if not values:
        return None
    out: set[str] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip()
            if not name:
                continue
            if name.lower() in FAMILIES:
                out.add(name.lower())
            elif name in SPORTS:
                out.add(sport_family(name))
            else:
                raise ValueError(f"unknown sport '{name}': use ride, run, swim, other or an "
                                 f"intervals.icu sport type ({', '.join(SPORTS[:6])}, ...)")
    return out


def _number(value: Any, limit: Limit | None = None) -> float | int | None:
    """A positive number, inside ``limit`` (planc.limits) when given: the athlete file
    planc writes must be one planc reads back."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    if limit is not None and not limit.contains(value):
        return None
    return value


def _zones(value: Any) -> list[float | int] | None:
    if not isinstance(value, list) or not value:
        return None
    out: list[float | int] = []
    for item in value:
        n = _number(item, ZONE_BOUND)
        if n is None or (out and n <= out[-1]):
            return None
        out.append(n)
    return out


def convert(settings: list[dict[str, Any]], families: set[str] | None = None) -> Pulled:
    """Pick one settings object per family and keep what an athlete file can hold."""
    chosen: dict[str, dict[str, Any]] = {}
    for setting in settings:
        if not isinstance(setting, dict):
            continue
        family = family_of(setting)
        if family is None or (families is not None and family not in families):
            continue
        # The object that lists the family's canonical type (Ride, Run, ...) wins; else
        # the first one, in the service's order.
        current = chosen.get(family)
        if current is None or (FAMILY_SPORT[family] in (setting.get("types") or ())
                               and FAMILY_SPORT[family] not in (current.get("types") or ())):
            chosen[family] = setting
    pulled = Pulled()
    for family in FAMILIES:
        setting = chosen.get(family)
        if setting is None:
            continue
        section: dict[str, Any] = {}
        for name in NUMBERS:
            raw = setting.get(name)
            value = _number(raw, THRESHOLDS.get(name))
            if value is not None:
                section[name] = value
            elif raw is not None and raw != 0:
                why = THRESHOLDS[name].range_text if name in THRESHOLDS else "a positive number"
                pulled.notes.append(f"{family}: left out {name} = {raw!r} (not {why})")
        units = setting.get("pace_units")
        if units in ICU_PACE_UNITS:
            section["pace_units"] = units
        for name in ZONES:
            raw = setting.get(name)
            zones = _zones(raw)
            if zones is not None:
                section[name] = zones
            elif raw:
                pulled.notes.append(f"{family}: left out {name} = {raw!r} (not increasing "
                                    "positive upper bounds)")
        if section:
            pulled.sections[family] = {k: section[k] for k in FIELD_ORDER if k in section}
    return pulled


def clock_pace(speed: float, units: str | None) -> str | None:
    """3.9216 m/s with MINS_KM -> ``4:15/km`` (for the comment beside the m/s value)."""
    per = ICU_PACE_UNITS.get(units or "")
    if per is None or speed <= 0:
        return None
    metres, label = PACE_PER_METRES[per], f"/{per.value}"
    seconds = round(metres / speed)
    return f"{seconds // 60}:{seconds % 60:02d}{label}"


@dataclass(frozen=True, slots=True)
class Measured:
    """CTL and ATL intervals.icu computed at the end of ``date``."""

    date: dt.date
    ctl: float
    atl: float


def fitness_from_wellness(records: list[Any], today: dt.date) -> Measured | None:
    """The latest wellness record up to ``today`` with numeric ``ctl`` and ``atl``."""
    best: Measured | None = None
    for record in records:
        if not isinstance(record, dict):
            continue
        try:
            day = dt.date.fromisoformat(str(record.get("id")))
        except ValueError:
            continue
        ctl, atl = record.get("ctl"), record.get("atl")
        if day > today or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                  and math.isfinite(v) and 0 <= v <= 1000 for v in (ctl, atl)):
            continue
        if best is None or day > best.date:
            best = Measured(day, round(float(ctl), 1), round(float(atl), 1))
    return best


def to_yaml(pulled: Pulled, source: str, fitness: Measured | None = None) -> str:
    """The athlete file text: a comment header, fitness, then one section per family."""
    root = CommentedMap()
    if fitness is not None:
        node = CommentedMap([("ctl", fitness.ctl), ("atl", fitness.atl),
                             ("date", fitness.date.isoformat())])
        node.fa.set_flow_style()
        root["fitness"] = node
        root.yaml_add_eol_comment("CTL/ATL intervals.icu measured that day", "fitness")
    for family, section in pulled.sections.items():
        node = CommentedMap()
        for name, value in section.items():
            if isinstance(value, list):
                seq = CommentedSeq(value)
                seq.fa.set_flow_style()
                node[name] = seq
            else:
                node[name] = value
        pace = section.get("threshold_pace")
        if pace is not None:
            shown = clock_pace(pace, section.get("pace_units"))
            if shown:
                node.yaml_add_eol_comment(f"m/s = {shown}", "threshold_pace")
        root[family] = node
    root.yaml_set_start_comment(
        f"Athlete thresholds from intervals.icu sport settings ({source}),\n"
        "written by 'planc athlete pull'. Use with --athlete FILE.\n"
        "Units as intervals.icu stores them: ftp, indoor_ftp W; lthr, max_hr bpm;\n"
        "threshold_pace m/s; power_zones % FTP, hr_zones bpm, pace_zones % threshold\n"
        "pace (upper bounds, lowest zone first).")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()

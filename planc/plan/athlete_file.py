"""Athlete files: YAML thresholds per sport family -> ``planc.athlete.Athlete``.

The file (or a plan's inline ``athlete:`` mapping) uses intervals.icu's
sport-settings field names, one section per family::

    timezone: Europe/Berlin
    ride:  {ftp: 280, indoor_ftp: 270, lthr: 168, max_hr: 186}
    run:   {threshold_pace: "4:15/km", lthr: 172, max_hr: 190}
    swim:  {threshold_pace: "1:45/100m"}

Sections may also be spelled as intervals.icu types (``Ride``, ``Run``,
``Swim``, ``Other``).  ``fit_max_steps: 100`` is for a FIT device that takes more than Garmin's 50
steps.  ``fitness: {ctl, atl, date}`` is what intervals.icu
measured on that day (``planc athlete pull`` writes it): projections of a plan
for this athlete start from it.  ``threshold_pace`` is m/s as intervals.icu stores it,
or a pace a coach would write (``4:15/km``, ``1:45/100m``, ``7:00/mi``); a
written pace also sets ``pace_units`` when the file gives none.  Every mistake
is a positioned diagnostic; nothing here raises for bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from planc.athlete import Athlete, SportThresholds
from planc.diagnostics import Diagnostic, error
from planc.inputs import InputError, NotText, read_text
from planc.limits import THRESHOLDS, TRAINING_LOAD, ZONE_BOUND
from planc.plan.model import Fitness
from planc.plan.reader import Reader
from planc.plan.schema import FIELDS
from planc.plan.yamlsrc import YNode, YScalar, YSeq, parse_yaml
from planc.units import ICU_PACE_UNIT_NAMES, ICU_PACE_UNIT_OF, PACE_PER_METRES, PacePer

SECTION_FAMILY = {"ride": "ride", "run": "run", "swim": "swim", "other": "other",
                  "Ride": "ride", "Run": "run", "Swim": "swim", "Other": "other"}
_PACE = re.compile(r"^(\d{1,2}):([0-5]\d(?:\.\d+)?)\s*/\s*(km|mi|100m|100y|500m|400m|250m)$")


def parse_pace(text: str) -> tuple[float, str] | None:
    """``4:15/km`` -> (m/s, ``MINS_KM``); None if the text is not a pace."""
    m = _PACE.match(text.strip())
    if not m:
        return None
    seconds = int(m.group(1)) * 60 + float(m.group(2))
    if seconds <= 0:
        return None
    per = m.group(3)
    return PACE_PER_METRES[PacePer(per)] / seconds, ICU_PACE_UNIT_OF[PacePer(per)]


@dataclass(slots=True)
class AthleteFile:
    """What an athlete file (or inline mapping) says: thresholds and measured fitness."""

    athlete: Athlete | None
    fitness: Fitness | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_athlete_file(path: str | Path) -> tuple[Athlete | None, list[Diagnostic]]:
    """Read an athlete YAML file.  Returns (None, diagnostics) if it has errors."""
    found = read_athlete_file(path)
    return found.athlete, found.diagnostics


def read_athlete_file(path: str | Path) -> AthleteFile:
    """An athlete YAML file's thresholds and fitness (``athlete`` None after an error)."""
    name = str(path)
    try:
        text = read_text(path)
    except NotText as exc:
        return AthleteFile(None, None, [exc.diagnostic(name)])
    except InputError as exc:
        return AthleteFile(None, None, [error("athlete-file", f"cannot read athlete file: {exc}",
                                              path=name)])
    tree, diags = parse_yaml(text, name)
    if tree is None:
        if not diags:
            diags = [error("athlete-file", "athlete file is empty", path=name,
                           hint="add e.g. 'ride: {ftp: 250}'")]
        return AthleteFile(None, None, diags)
    found = read_athlete_node(tree, name)
    found.diagnostics = diags + found.diagnostics
    if any(d.is_error for d in found.diagnostics):
        found.athlete = found.fitness = None
    return found


def athlete_from_node(node: YNode, path: str) -> tuple[Athlete | None, list[Diagnostic]]:
    """An athlete from a positioned YAML mapping (a file, or a plan's inline ``athlete:``)."""
    found = read_athlete_node(node, path)
    return found.athlete, found.diagnostics


def read_athlete_node(node: YNode, path: str) -> AthleteFile:
    """Thresholds and fitness from a positioned YAML mapping."""
    r = Reader(path)
    m = r.mapping(node, "athlete", what="athlete thresholds")
    if m is None:
        return AthleteFile(None, None, r.diagnostics)
    sports: dict[str, SportThresholds] = {}
    seen: dict[str, YScalar] = {}
    timezone = None
    fitness = None
    fit_max_steps = None
    for key, (knode, value) in m.items.items():
        if key == "timezone":
            timezone = r.string(value, "a time zone name such as Europe/Berlin")
            continue
        if key == "fit_max_steps":  # the athlete's watch (FIT's message index holds 4096)
            fit_max_steps = r.integer(value, "fit_max_steps", 1, 4096)
            continue
        if key == "fitness":
            fitness = _fitness(r, value)
            continue
        family = SECTION_FAMILY.get(key)
        if family is None:
            continue  # reported by r.mapping as an unknown key
        if family in seen:
            r.error("athlete-duplicate", f"'{key}' repeats the {family} section", knode,
                    f"the first is '{seen[family].text}' on line {seen[family].span.line}")
            continue
        seen[family] = knode
        thresholds = _thresholds(r, value, key)
        if thresholds is not None:
            sports[family] = thresholds
    if any(d.is_error for d in r.diagnostics):
        return AthleteFile(None, None, r.diagnostics)
    return AthleteFile(Athlete(sports, timezone, fit_max_steps), fitness, r.diagnostics)


def _fitness(r: Reader, node: YNode) -> Fitness | None:
    """``fitness: {ctl: 52.3, atl: 60.1, date: 2027-01-03}`` (what intervals.icu measured)."""
    m = r.mapping(node, "measured_fitness", what="fitness")
    if m is None or any(k not in m for k in ("ctl", "atl", "date")):
        return None
    values = []
    for key in ("ctl", "atl"):
        values.append(r.bounded(m.get(key), key, TRAINING_LOAD))
    day = r.date(m.get("date"), "the day the fitness was measured")
    if values[0] is None or values[1] is None or day is None:
        return None
    return Fitness(values[0], values[1], day)


def _thresholds(r: Reader, node: YNode, section: str) -> SportThresholds | None:
    m = r.mapping(node, "thresholds", what=f"'{section}' thresholds")
    if m is None:
        return None
    values: dict[str, object] = {}
    inferred_units = None
    for key in FIELDS["thresholds"]:
        v = m.get(key)
        if v is None:
            continue
        if key in ("power_zones", "hr_zones", "pace_zones"):
            values[key] = _zones(r, v, key)
        elif key == "pace_units":
            values[key] = r.choice(v, "an intervals.icu pace unit", ICU_PACE_UNIT_NAMES,
                                   "athlete-pace-units")
        elif key == "threshold_pace":
            pace = _threshold_pace(r, v)
            if pace is not None:
                values[key], inferred_units = pace
        else:
            values[key] = r.bounded(v, key, THRESHOLDS[key])
    if values.get("pace_units") is None and inferred_units:
        values["pace_units"] = inferred_units
    return SportThresholds(**values)  # type: ignore[arg-type]


def _threshold_pace(r: Reader, node: YNode) -> tuple[float, str | None] | None:
    limit = THRESHOLDS["threshold_pace"]
    if isinstance(node, YScalar) and isinstance(node.value, str):
        pace = parse_pace(node.value)
        if pace is None:
            r.error("athlete-pace", f"'{node.text}' is not a pace", node,
                    "write e.g. 4:15/km, 7:00/mi or 1:45/100m, or a speed in m/s")
            return None
        problem = limit.problem(pace[0], f"'{node.text}' ({pace[0]:.3g} m/s)")
        if problem:
            r.error("out-of-range", problem, node, f"threshold_pace: {limit.range_text}")
            return None
        return pace
    speed = r.number(node, "a threshold pace (m/s, or e.g. 4:15/km)")
    if speed is not None and not limit.contains(speed):
        r.error("athlete-pace", f"{node.text} m/s is not a threshold pace "
                f"({limit.range_text})", node,
                "a number is metres per second (e.g. 3.92); or write 4:15/km")
        return None
    return None if speed is None else (speed, None)


def _zones(r: Reader, node: YNode, key: str) -> tuple[float, ...] | None:
    if isinstance(node, YSeq) and not node.items:
        r.error("athlete-zones", f"{key} is empty", node,
                "list the upper bound of each zone, e.g. [55, 75, 90, 105, 120, 150, 999], "
                "or leave the key out for the defaults")
        return None
    if not isinstance(node, YSeq):
        r.expected(f"{key} as a list of upper bounds, e.g. [55, 75, 90, 105, 120, 150, 999]",
                   node)
        return None
    out: list[float] = []
    for item in node.items:
        v = r.bounded(item, f"a zone bound in {key}", ZONE_BOUND)
        if v is None:
            return None
        if out and v <= out[-1]:
            r.error("athlete-zones", f"{key} must increase: {v:g} follows {out[-1]:g}", item,
                    "each bound is the top of a zone, lowest zone first")
            return None
        out.append(v)
    return tuple(out)


def athlete_to_yaml(athlete: Athlete) -> str:
    """The athlete as a file ``load_athlete_file`` reads back (for ``planc athlete pull``)."""
    lines: list[str] = []
    if athlete.timezone:
        lines.append(f"timezone: {athlete.timezone}")
    for family in ("ride", "run", "swim", "other"):
        t = athlete.sports.get(family)
        if t is None:
            continue
        lines.append(f"{family}:")
        for key in FIELDS["thresholds"]:
            v = getattr(t, key)
            if v is None:
                continue
            if isinstance(v, tuple):
                text = "[" + ", ".join(f"{x:g}" for x in v) + "]"
            elif isinstance(v, float):
                text = f"{v:.6g}" if key == "threshold_pace" else f"{v:g}"
            else:
                text = str(v)
            lines.append(f"  {key}: {text}")
    return "\n".join(lines) + "\n"


__all__ = ["AthleteFile", "athlete_from_node", "athlete_to_yaml", "load_athlete_file",
           "parse_pace", "read_athlete_file", "read_athlete_node"]

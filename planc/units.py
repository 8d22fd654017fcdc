"""Units, sports and the intervals.icu names for them: the facts every stage shares.

One table per fact: how many metres a unit is, which sports form a family,
which sports are indoors, how intervals.icu names a pace unit.  Nothing here
imports another planc module, so the AST and every stage can use it.
"""

from __future__ import annotations

from enum import StrEnum

# ------------------------------------------------------------- distances --

YARD_M = 0.9144
MILE_M = 1609.344


class DistanceUnit(StrEnum):
    """How a distance step was written (``2km``, ``400mtr``, ``1mi``, ``100yrd``)."""

    KM = "km"
    METRE = "mtr"
    MILE = "mi"
    YARD = "yrd"


METRES_PER_UNIT: dict[DistanceUnit, float] = {
    DistanceUnit.KM: 1000.0,
    DistanceUnit.METRE: 1.0,
    DistanceUnit.MILE: MILE_M,
    DistanceUnit.YARD: YARD_M,
}

# ------------------------------------------------------------------ pace --


class PacePer(StrEnum):
    """The distance an absolute pace is written per ("5:00/km")."""

    KM = "km"
    MILE = "mi"
    M100 = "100m"
    Y100 = "100y"
    M500 = "500m"
    M400 = "400m"
    M250 = "250m"


PACE_PER_METRES: dict[PacePer, float] = {
    PacePer.KM: 1000.0,
    PacePer.MILE: MILE_M,
    PacePer.M100: 100.0,
    PacePer.Y100: 100 * YARD_M,
    PacePer.M500: 500.0,
    PacePer.M400: 400.0,
    PacePer.M250: 250.0,
}

# intervals.icu's ``pace_units`` enum (sport settings and workout_doc) <-> planc's PacePer
ICU_PACE_UNITS: dict[str, PacePer] = {
    "MINS_KM": PacePer.KM,
    "MINS_MILE": PacePer.MILE,
    "SECS_100M": PacePer.M100,
    "SECS_100Y": PacePer.Y100,
    "SECS_500M": PacePer.M500,
    "SECS_400M": PacePer.M400,
    "SECS_250M": PacePer.M250,
}
ICU_PACE_UNIT_OF: dict[PacePer, str] = {per: name for name, per in ICU_PACE_UNITS.items()}
ICU_PACE_UNIT_NAMES: tuple[str, ...] = (*ICU_PACE_UNITS, "NONE")
"""Every value intervals.icu accepts for ``pace_units`` (``NONE``: no pace display)."""

# ---------------------------------------------------------------- sports --

SPORTS: tuple[str, ...] = (
    "Ride",
    "VirtualRide",
    "GravelRide",
    "MountainBikeRide",
    "Run",
    "VirtualRun",
    "TrailRun",
    "Swim",
    "OpenWaterSwim",
    "WeightTraining",
    "Workout",
    "Walk",
    "Hike",
    "Rowing",
    "VirtualRow",
    "NordicSki",
    "Yoga",
    "Other",
)

RIDE_SPORTS = frozenset({"Ride", "VirtualRide", "GravelRide", "MountainBikeRide"})
RUN_SPORTS = frozenset({"Run", "VirtualRun", "TrailRun"})
SWIM_SPORTS = frozenset({"Swim", "OpenWaterSwim"})
POWER_SPORTS = RIDE_SPORTS | RUN_SPORTS | frozenset({"Rowing", "VirtualRow", "NordicSki"})
VIRTUAL_SPORTS = frozenset({"VirtualRide", "VirtualRun", "VirtualRow"})  # indoors: indoor_ftp

FAMILIES: tuple[str, ...] = ("ride", "run", "swim", "other")
"""The axis most rules care about; an athlete file has one section per family."""

FAMILY_SPORT: dict[str, str] = {"ride": "Ride", "run": "Run", "swim": "Swim", "other": "Other"}
"""The intervals.icu sport that names each family (athlete-file sections, sport settings)."""


def sport_family(sport: str) -> str:
    """ride | run | swim | other."""
    if sport in RIDE_SPORTS:
        return "ride"
    if sport in RUN_SPORTS:
        return "run"
    if sport in SWIM_SPORTS:
        return "swim"
    return "other"


NOMINAL_SPEED: dict[str, float] = {"ride": 8.0, "run": 3.0, "swim": 1.0, "other": 3.0}
"""m/s per family for a distance step with no pace to time it: the one estimate planc
makes (the timeline of metrics and pictures marks such a step as estimated; the FIT
writer sizes the slices of a distance ramp with it)."""


def is_indoor(sport: str, indoor: bool = False) -> bool:
    """The indoor rule, in one place: a virtual sport is always indoors (``indoor_ftp``);
    any other sport is indoors only when the author says so (``--indoor``, a plan's
    ``indoor: true``)."""
    return indoor or sport in VIRTUAL_SPORTS

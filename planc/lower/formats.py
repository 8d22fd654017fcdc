"""The table of target formats: one row per format, the one place its facts live.

A row names the file extension, whether the file is binary, the writer module
(``planc.emit.<module>``), the lowering that prepares a workout for it
(``planc.lower.<lowering>``), the importer that reads it back, and what the
format can express: sports, repeat nesting, ramps, cues, distance steps, lap
presses, targets, text (character set and length limits) and steps.  The
lowering modules read these facts from the row instead of keeping constants of
their own, and ``tests/test_emit_formats.py`` checks that each lowering does
what its row declares.

Every rewrite a lowering makes is reported with its code at a :class:`Level`:
``warn`` unless the row says otherwise (``ignore`` for a rewrite that is exact,
such as unrolling the repeats of a course file); ``--strict``
(:attr:`EmitOptions.strict`) turns every ``warn`` into ``error``, and a
workout with an error has no file (:func:`planc.lower.lower`).

Adding a target is one row here, one lower module, one writer and one reader
(ARCHITECTURE.md).  ``planc compile`` and ``planc build`` only ever go through
:func:`planc.emit.emit`, which imports a writer on first use, so compiling to
intervals.icu text never loads lxml.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from planc.ast import PowerUnit, _Frozen, _set
from planc.ast import _frozen as _record
from planc.diagnostics import did_you_mean
from planc.units import sport_family


class Level(StrEnum):
    """What a rewrite is reported as: ``ignore`` (exact, not worth saying), ``warn``, ``error``."""

    IGNORE = "ignore"
    WARN = "warn"
    ERROR = "error"


class Cues(StrEnum):
    """How a format carries a cue (``> 30s Spin up``)."""

    TIMED = "timed"  # shown at its time (text events, [COURSE TEXT])
    UNTIMED = "untimed"  # kept as text in the step's notes, without its time (FIT)
    NONE = "none"  # no place for it (intervals.icu text): dropped


class DistanceSteps(StrEnum):
    """How a format counts a distance step (``- 2km Z2 Pace``)."""

    KEPT = "kept"  # in distance, as written
    ALL_OR_NONE = "all-or-none"  # in distance only when every step is (a .zwo run)
    AS_TIME = "as-time"  # turned into time at its pace


class Charset(StrEnum):
    """The characters a format's text can hold."""

    UNICODE = "unicode"  # UTF-8 without control characters
    XML = "xml"  # what XML 1.0 can hold
    ASCII = "ascii"  # ASCII look-alikes on one line (course files declare no encoding)


@_record
class TextLimits(_Frozen):
    """Character set and lengths (None: no limit) of the texts a format holds.

    (This module's records are planc.ast's frozen slotted classes, not dataclasses:
    the dataclasses module and its class making were ~5 ms of a cold compile.)"""

    charset: Charset
    name_bytes: int | None  # the workout name
    label_chars: int | None  # what a screen shows of a step name; cut at a word
    label_bytes: int | None  # step names and repeat titles
    notes_bytes: int | None  # a step's notes
    description_bytes: int | None

    def __init__(self, charset: Charset = Charset.UNICODE, name_bytes: int | None = None,
                 label_chars: int | None = None, label_bytes: int | None = None,
                 notes_bytes: int | None = None, description_bytes: int | None = None) -> None:
        _set(self, "charset", charset)
        _set(self, "name_bytes", name_bytes)
        _set(self, "label_chars", label_chars)
        _set(self, "label_bytes", label_bytes)
        _set(self, "notes_bytes", notes_bytes)
        _set(self, "description_bytes", description_bytes)


_NO_LIMITS = TextLimits()  # the dataclass's default instance, shared as it was

ALL_TARGETS: frozenset[str] = frozenset({"power", "hr", "pace", "cadence"})


@_record
class Format(_Frozen):
    name: str
    extension: str
    binary: bool
    module: str  # planc.emit.<module>.emit(workout, athlete, options) -> (bytes, diagnostics)
    title: str
    families: frozenset[str] | None  # sport families it can express; None = every sport
    lowering: str | None  # planc.lower.<lowering>.lower(fmt, workout, athlete, options)
    reader: str | None  # "module:function" of the importer that reads it back
    nesting: int | None  # levels of repeats it holds (0 = none); None = as the language
    ramps: bool
    cues: Cues
    distance: DistanceSteps
    lap_press: bool  # can a step end on a lap press
    targets: Mapping[str, frozenset[str]]  # family -> kinds (default: an empty dict)
    targets_per_step: int | None
    power_unit: PowerUnit | None  # the one unit power is written in; None = as written
    max_steps: int | None  # file steps (repeat steps and ramp slices included)
    device_steps: int | None  # steps the devices that read it take, by default
    ramp_tolerance: float | None  # how far (fraction of threshold) a ramp slice may be
    text: TextLimits
    levels: Mapping[str, Level]  # code -> level (default warn; default: an empty dict)

    def __init__(self, name: str, extension: str, binary: bool, module: str, title: str,
                 families: frozenset[str] | None = None, lowering: str | None = None,
                 reader: str | None = None, nesting: int | None = None, ramps: bool = True,
                 cues: Cues = Cues.TIMED, distance: DistanceSteps = DistanceSteps.KEPT,
                 lap_press: bool = False, targets: Mapping[str, frozenset[str]] | None = None,
                 targets_per_step: int | None = None, power_unit: PowerUnit | None = None,
                 max_steps: int | None = None, device_steps: int | None = None,
                 ramp_tolerance: float | None = None, text: TextLimits | None = None,
                 levels: Mapping[str, Level] | None = None) -> None:
        # a new dict for an unset mapping, and a new TextLimits(), as the dataclass's
        # default_factory / default gave
        for field_name, value in (
                ("name", name), ("extension", extension), ("binary", binary),
                ("module", module), ("title", title), ("families", families),
                ("lowering", lowering), ("reader", reader), ("nesting", nesting),
                ("ramps", ramps), ("cues", cues), ("distance", distance),
                ("lap_press", lap_press), ("targets", {} if targets is None else targets),
                ("targets_per_step", targets_per_step), ("power_unit", power_unit),
                ("max_steps", max_steps), ("device_steps", device_steps),
                ("ramp_tolerance", ramp_tolerance),
                ("text", _NO_LIMITS if text is None else text),
                ("levels", {} if levels is None else levels)):
            _set(self, field_name, value)

    def applies_to(self, sport: str) -> bool:
        return self.families is None or sport_family(sport) in self.families

    def targets_for(self, sport: str) -> frozenset[str]:
        """The target kinds a step of ``sport`` keeps as targets (the rest become text)."""
        return self.targets.get(sport_family(sport), ALL_TARGETS)

    def level(self, code: str) -> Level:
        return self.levels.get(code, Level.WARN)


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


_RIDE_POWER = _frozen({"ride": frozenset({"power"})})

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("icu", ".txt", False, "icu", "intervals.icu workout text",
               lowering="icu", reader="planc.importers.icu:read_icu", nesting=1, cues=Cues.NONE,
               lap_press=True),
        Format("zwo", ".zwo", False, "zwo", "Zwift workout (XML)", frozenset({"ride", "run"}),
               lowering="zwo", reader="planc.importers.zwo:read_zwo",
               nesting=1,  # an IntervalsT: exactly two steady steps
               distance=DistanceSteps.ALL_OR_NONE,
               targets=_frozen({"ride": frozenset({"power", "cadence"}),
                                "run": frozenset({"pace", "cadence"})}),
               power_unit=PowerUnit.FTP, text=TextLimits(Charset.XML)),
        Format("mrc", ".mrc", False, "mrc", "CompuTrainer course, % FTP", frozenset({"ride"}),
               lowering="trainer", reader="planc.importers.trainer:read_trainer",
               nesting=0, distance=DistanceSteps.AS_TIME, targets=_RIDE_POWER,
               power_unit=PowerUnit.FTP, text=TextLimits(Charset.ASCII),
               levels=_frozen({"unrolled-repeat": Level.IGNORE})),
        Format("erg", ".erg", False, "erg", "CompuTrainer course, watts", frozenset({"ride"}),
               lowering="trainer", reader="planc.importers.trainer:read_trainer",
               nesting=0, distance=DistanceSteps.AS_TIME, targets=_RIDE_POWER,
               power_unit=PowerUnit.WATTS, text=TextLimits(Charset.ASCII),
               levels=_frozen({"unrolled-repeat": Level.IGNORE})),
        # FIT strings are at most 255 bytes with their NUL; planc declares names 64
        # (planc.emit.fit_encoder says why).  Screens show about 20 characters of a
        # step name (formats.md §3.3).  message_index counts 4096 steps; Garmin
        # devices and Garmin Connect take 50 (formats.md §2.6; --fit-max-steps).
        # A lap press is an open (lap-button) step.
        Format("fit", ".fit", True, "fit", "Garmin FIT workout",
               lowering="fit", reader="planc.importers.fit:read_fit", ramps=False,
               cues=Cues.UNTIMED, lap_press=True, targets_per_step=2, max_steps=0x1000,
               device_steps=50, ramp_tolerance=0.05,
               text=TextLimits(Charset.UNICODE, name_bytes=63, label_chars=20,
                               label_bytes=63, notes_bytes=254, description_bytes=254)),
        Format("svg", ".svg", False, "svg", "workout profile picture (SVG)"),
    )
}


def formats_for(sport: str, formats: list[str]) -> list[str]:
    """The formats that can express a workout of ``sport`` (an .erg of a swim cannot exist)."""
    return [f for f in formats if FORMATS[f].applies_to(sport)]


def parse_formats(text: str) -> list[str]:
    """``zwo,mrc`` / ``all`` -> format names; raises ValueError naming the bad one."""
    names: list[str] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part == "all":
            names.extend(n for n in FORMATS if n not in names and n != "svg")
            continue
        if part not in FORMATS:
            guess = did_you_mean(part, FORMATS)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise ValueError(f"unknown format '{part}'{hint}; formats: "
                             + ", ".join([*FORMATS, "all"]))
        if part not in names:
            names.append(part)
    if not names:
        raise ValueError("no format given")
    return names


@_record
class EmitOptions(_Frozen):
    """How a run lowers and writes (``--strict``, ``--indoor``, the session's date, ...)."""

    strict: bool  # every rewrite at level warn is an error: no file
    indoor: bool
    date: str | None  # ISO date of the session, for deterministic FIT timestamps
    fit_max_steps: int | None  # steps the FIT device takes (None: the row's, 50)
    # .zwo MaxEffort as a FreeRide (Golden Cheetah and zwo-editor drop MaxEffort blocks)
    zwo_max_effort_as_free_ride: bool

    def __init__(self, strict: bool = False, indoor: bool = False, date: str | None = None,
                 fit_max_steps: int | None = None,
                 zwo_max_effort_as_free_ride: bool = False) -> None:
        _set(self, "strict", strict)
        _set(self, "indoor", indoor)
        _set(self, "date", date)
        _set(self, "fit_max_steps", fit_max_steps)
        _set(self, "zwo_max_effort_as_free_ride", zwo_max_effort_as_free_ride)

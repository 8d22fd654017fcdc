"""The table of target formats: one row per format, the one place its facts live.

A row names the file extension, whether the file is binary, the writer module
(``planc.emit.<module>``), and the sport families the format can express.
Adding a target is one row here, one lower module, one writer and one reader
(ARCHITECTURE.md).  ``planc compile`` and ``planc build`` only ever go through
:func:`planc.emit.emit`, which imports a writer on first use, so compiling to
intervals.icu text never loads lxml.
"""

from __future__ import annotations

from dataclasses import dataclass

from planc.diagnostics import did_you_mean
from planc.units import sport_family


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extension: str
    binary: bool
    module: str  # planc.emit.<module>.emit(workout, athlete, options) -> (bytes, diagnostics)
    title: str
    families: frozenset[str] | None = None  # sport families it can express; None = every sport

    def applies_to(self, sport: str) -> bool:
        return self.families is None or sport_family(sport) in self.families


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("icu", ".txt", False, "icu", "intervals.icu workout text"),
        Format("zwo", ".zwo", False, "zwo", "Zwift workout (XML)", frozenset({"ride", "run"})),
        Format("mrc", ".mrc", False, "mrc", "CompuTrainer course, % FTP", frozenset({"ride"})),
        Format("erg", ".erg", False, "erg", "CompuTrainer course, watts", frozenset({"ride"})),
        Format("fit", ".fit", True, "fit", "Garmin FIT workout"),
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


@dataclass(frozen=True, slots=True)
class EmitOptions:
    strict: bool = False
    indoor: bool = False
    date: str | None = None  # ISO date of the session, for deterministic FIT timestamps


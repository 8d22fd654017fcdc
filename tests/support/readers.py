"""Test-only read-back of what planc writes: .mrc/.erg point lists and .zwo timelines.

Deliberately minimal and strict: these readers accept exactly the layout
planc promises (CRLF, TAB, the header order) and raise on anything else, so a
test that reads a file back also checks its shape.  They are not the importer
(that reads anyone's files and lives in planc.importers).

Also here: the fixed athlete the device goldens are compiled with, and the
planned work of an AST, used to prove that lowering keeps the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from planc.ast import Duration, Workout, unrolled_steps
from planc.athlete import Athlete, SportThresholds
from planc.resolve.targets import power_watts
from support import golden

ATHLETE = Athlete({
    "ride": SportThresholds(ftp=250, lthr=170, max_hr=190),
    "run": SportThresholds(ftp=250, lthr=170, max_hr=190, threshold_pace=1000 / 255),
    "swim": SportThresholds(lthr=170, max_hr=190, threshold_pace=100 / 105),
})

# ------------------------------------------------------------ .mrc / .erg --

HEADER_KEYS = ("VERSION", "UNITS", "DESCRIPTION", "FILE NAME", "FTP")
_NUMBER = r"-?\d+(?:\.\d+)?"
_POINT = re.compile(rf"^({_NUMBER})\t({_NUMBER})$")
_CUE = re.compile(r"^(\d+)\t([ -~]+)\t(\d+)$")


@dataclass
class Course:
    header: dict[str, str] = field(default_factory=dict)
    columns: str = ""
    points: list[tuple[float, float]] = field(default_factory=list)  # (minutes, value)
    cues: list[tuple[int, str, int]] = field(default_factory=list)  # (seconds, text, duration)
    minute_texts: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.points[-1][0] * 60

    def watts(self, value: float, ftp: float) -> float:
        return value / 100 * ftp if self.columns == "MINUTES PERCENT" else value

    def work_joules(self, ftp: float) -> float:
        """Area under the power line (linear between points)."""
        total = 0.0
        for (t0, v0), (t1, v1) in zip(self.points, self.points[1:], strict=False):
            total += (self.watts(v0, ftp) + self.watts(v1, ftp)) / 2 * (t1 - t0) * 60
        return total

    def segments(self) -> list[tuple[float, float, float]]:
        """(seconds, start value, end value) per step: points come in pairs."""
        return [(round((b[0] - a[0]) * 60, 6), a[1], b[1])
                for a, b in zip(self.points[::2], self.points[1::2], strict=True)]


def read_course(data: bytes) -> Course:
    """Parse planc's .mrc/.erg layout; ValueError on any deviation."""
    text = data.decode("ascii")
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", "") or "\r" in text.replace(
            "\r\n", ""):
        raise ValueError("line ends are not all CRLF")
    lines = text[:-2].split("\r\n")
    c = Course()
    it = iter(lines)

    def expect(line: str) -> None:
        got = next(it)
        if got != line:
            raise ValueError(f"expected {line!r}, got {got!r}")

    expect("[COURSE HEADER]")
    keys = []
    for line in it:
        if line in ("MINUTES PERCENT", "MINUTES WATTS"):
            c.columns = line
            break
        key, sep, value = line.partition(" = ")
        if not sep or key not in HEADER_KEYS or "=" in value:
            raise ValueError(f"bad header line {line!r}")
        keys.append(key)
        c.header[key] = value
    if keys != [k for k in HEADER_KEYS if k in keys]:
        raise ValueError(f"header keys out of order: {keys}")
    expect("[END COURSE HEADER]")
    expect("[COURSE DATA]")
    for line in it:
        if line == "[END COURSE DATA]":
            break
        m = _POINT.match(line)
        if not m:
            raise ValueError(f"bad data line {line!r}")
        c.minute_texts.append(m.group(1))
        c.points.append((float(m.group(1)), float(m.group(2))))
    rest = list(it)
    if rest:
        if rest[0] != "[COURSE TEXT]" or rest[-1] != "[END COURSE TEXT]" or len(rest) < 3:
            raise ValueError(f"bad text section {rest!r}")
        for line in rest[1:-1]:
            m = _CUE.match(line)
            if not m:
                raise ValueError(f"bad cue line {line!r}")
            c.cues.append((int(m.group(1)), m.group(2), int(m.group(3))))
    if not c.points or len(c.points) % 2:
        raise ValueError("points do not come in pairs")
    if any(b[0] < a[0] for a, b in zip(c.points, c.points[1:], strict=False)):
        raise ValueError("time goes backwards")
    return c


# ------------------------------------------------------------------ .zwo --

BLOCKS = ("Warmup", "Cooldown", "Ramp", "SteadyState", "IntervalsT", "FreeRide", "MaxEffort")
METADATA = ("author", "name", "description", "sportType", "durationType", "tags", "workout")


@dataclass
class ZwoBlock:
    tag: str
    length: float  # seconds (or metres)
    work_fraction_seconds: float | None  # integral of the power fraction over time; None if free
    element: object


def read_zwo(data: bytes) -> tuple[etree._Element, list[ZwoBlock]]:
    """Parse a .zwo as planc writes it and list its blocks; ValueError on a wrong shape."""
    if not data.startswith(b"<workout_file>\n"):
        raise ValueError("not starting with <workout_file> (no XML declaration, as Zwift's)")
    if b"\r" in data:
        raise ValueError("CR in a .zwo")
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag != "workout_file":
        raise ValueError(f"root is {root.tag}")
    tags = [el.tag for el in root]
    if tags != [t for t in METADATA if t in tags] or tags[-1] != "workout":
        raise ValueError(f"metadata out of order: {tags}")
    blocks = []
    for el in root.find("workout"):
        if el.tag not in BLOCKS:
            raise ValueError(f"unknown block {el.tag}")
        for child in el:
            if child.tag != "textevent":
                raise ValueError(f"unexpected {child.tag} in {el.tag}")
        a = el.attrib
        if el.tag == "IntervalsT":
            n, on, off = int(a["Repeat"]), int(a["OnDuration"]), int(a["OffDuration"])
            work = n * (on * float(a["OnPower"]) + off * float(a["OffPower"]))
            blocks.append(ZwoBlock(el.tag, n * (on + off), work, el))
            continue
        length = int(a["Duration"])
        if el.tag == "SteadyState":
            work = length * float(a["Power"])
        elif el.tag in ("Warmup", "Cooldown", "Ramp"):
            work = length * (float(a["PowerLow"]) + float(a["PowerHigh"])) / 2
        else:
            work = None
        blocks.append(ZwoBlock(el.tag, length, work, el))
    return root, blocks


def zwo_seconds(blocks: list[ZwoBlock]) -> float:
    return sum(b.length for b in blocks)


def zwo_work_joules(blocks: list[ZwoBlock], ftp: float) -> float:
    return sum(b.work_fraction_seconds or 0.0 for b in blocks) * ftp


# -------------------------------------------------------------------- AST --


def ast_work_joules(workout: Workout, athlete: Athlete, indoor: bool = False) -> float:
    """Planned work of the steps with a power target: middle of a range, mean of a ramp."""
    thr = athlete.for_sport(workout.sport)
    total = 0.0
    for step in unrolled_steps(workout.body):
        if step.power is None or not isinstance(step.amount, Duration):
            continue
        w = power_watts(step.power, thr, indoor)
        total += w.mid * step.amount.seconds  # ramp mean == band middle == (start+end)/2
    return total


# ---------------------------------------------------------------- goldens --

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "plans" / "workouts").glob("*.workout"))


def example(path: Path) -> Workout:
    """An example workout, parsed with a repository-relative path (goldens name it)."""
    from planc.check import read_workout

    rel = path.relative_to(ROOT).as_posix()
    parsed = read_workout(path.read_text(encoding="utf-8"), path=rel)
    assert parsed.workout is not None, parsed.diagnostics
    return parsed.workout


def compile_example(path: Path, fmt: str) -> tuple[bytes, str]:
    """(bytes, rendered diagnostics) of an example compiled with ATHLETE."""
    from planc.diagnostics import render
    from planc.emit import emit
    from planc.lower.formats import EmitOptions

    data, diags = emit(fmt, example(path), ATHLETE, EmitOptions())
    rel = path.relative_to(ROOT).as_posix()
    text = "".join(render(d.with_path(rel)) + "\n" for d in diags)
    return data, text


def check_golden(name: str, data: bytes) -> None:
    """Compare with the emitted golden ``name`` (``<stem>.<format>[.diagnostics]``), kept in
    tests/golden/emit/<format>/; ``pytest --regen`` rewrites it."""
    fmt = name.split(".")[1]
    golden.check_golden(golden.emitted(fmt) / name, data)

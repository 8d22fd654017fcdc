"""Completions: what may come next on a workout line or in a plan, from planc's own tables.

The words offered are the language's (the option names and values of
:mod:`planc.syntax.tokens`, the header keys, the intervals.icu sports, the
section words), the units a number can take, and in a plan the library's workout
names and the parameters of the workout a session names (with their defaults), so
that nothing here can offer a word the parser would reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planc.ast import Intensity
from planc.plan.model import LibraryWorkout
from planc.plan.schema import FIELDS, SESSION_KEYS, WEEKDAYS
from planc.syntax import HEADER_KEYS
from planc.syntax.tokens import KEYWORD_FLAGS, WINDOWS
from planc.units import SPORTS


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: str  # keyword | unit | value | workout | parameter | key
    detail: str = ""
    insert: str | None = None  # text to insert, when it is not the label


# what a number becomes with each unit: (suffix, kind of value)
NUMBER_UNITS: tuple[tuple[str, str], ...] = (
    ("m", "minutes"), ("s", "seconds"), ("h", "hours"), ("km", "kilometres"),
    ("mtr", "metres"), ("mi", "miles"), ("yrd", "yards"), ("%", "% FTP (power)"),
    ("w", "watts"), ("rpm", "cadence"), ("bpm", "heart rate"), ("% HR", "% of max heart rate"),
    ("% LTHR", "% of threshold heart rate"), ("% Pace", "% of threshold pace"),
)
RANGE_UNITS = ("%", "w", "rpm", "bpm", "% HR", "% LTHR", "% Pace")
ZONE_WORDS = (("", "power zone"), (" HR", "heart-rate zone"), (" Pace", "pace zone"))

STEP_WORDS: tuple[tuple[str, str], ...] = (
    ("ramp", "a ramp over the range that follows: ramp 50-75%"),
    ("Press lap", "the step ends when you press lap"),
    *((flag, "option") for flag in KEYWORD_FLAGS),
    *((f"intensity={i.value}", "device step class") for i in Intensity),
    *((f"power={w}", "power averaging window") for w in WINDOWS),
    *((f"hr={w}", "heart-rate averaging window") for w in WINDOWS),
    *((f"Z{z}", "power zone") for z in range(1, 8)),
)
LINE_WORDS: tuple[tuple[str, str, str], ...] = (
    ("- ", "a step: duration or distance, then targets", "- "),
    ("Warmup", "section: the steps under it are the warm-up", "Warmup"),
    ("Cooldown", "section: the steps under it are the cool-down", "Cooldown"),
    ("Main set 4x", "a repeat header: the steps under it, 4 times", "Main set 4x"),
    ("Pool length: 25m", "the pool of a swim", "Pool length: 25m"),
    ("> ", "a cue under a step: '> 2m30s Push now'", "> "),
    ("// ", "a comment", "// "),
)

_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_NUMBER_RANGE = re.compile(r"^\d+(\.\d+)?-\d+(\.\d+)?$")
_ZONE = re.compile(r"^[zZ]\d(-[zZ]?\d)?$")


def workout_completions(prefix: str, *, in_header: bool) -> list[Completion]:
    """``prefix``: the line up to the cursor."""
    if in_header:
        return _header_completions(prefix)
    stripped = prefix.lstrip()
    token = prefix.split()[-1] if prefix and not prefix[-1].isspace() else ""
    at_line_start = stripped.strip() in ("", "-") or " " not in stripped
    if (not stripped.startswith("-") or stripped == token == "-") and at_line_start:
        return [Completion(label, "keyword", detail, insert)
                    for label, detail, insert in LINE_WORDS]
    return _step_completions(token)


def _step_completions(token: str) -> list[Completion]:
    if _NUMBER.match(token):
        return [Completion(f"{token}{unit}", "unit", what) for unit, what in NUMBER_UNITS]
    if _NUMBER_RANGE.match(token):
        return [Completion(f"{token}{unit}", "unit", "range") for unit in RANGE_UNITS]
    if _ZONE.match(token):
        return [Completion(f"{token}{word}", "unit", what) for word, what in ZONE_WORDS]
    if token.lower().startswith(("intensity=", "power=", "hr=")):
        key = token.split("=")[0].lower()
        values = [i.value for i in Intensity] if key == "intensity" else list(WINDOWS)
        return [Completion(f"{key}={v}", "value", f"{key} option") for v in values]
    return [Completion(word, "keyword", detail) for word, detail in STEP_WORDS]


def _header_completions(prefix: str) -> list[Completion]:
    m = re.match(r"^\s*sport\s*:\s*\S*$", prefix)
    if m:
        return [Completion(s, "value", "intervals.icu sport") for s in SPORTS]
    if ":" in prefix:
        return []
    return [Completion(k, "key", "header key", f"{k}: ") for k in HEADER_KEYS]


# ------------------------------------------------------------------- plan --

_AFTER_WORKOUT = re.compile(r"\bworkout\s*:\s*[\w-]*$")
_AFTER_DAY = re.compile(r"^\s*(?:-\s*)?(?:" + "|".join(WEEKDAYS)
                        + r"|\d{4}-\d\d-\d\d)\s*:\s*(?:\[\s*)?[\w-]*$")
_NAMED = re.compile(r"\bworkout\s*:\s*([A-Za-z][\w-]*)")


def plan_completions(prefix: str, above: list[str],
                     library: dict[str, LibraryWorkout]) -> list[Completion]:
    """``prefix``: the line up to the cursor; ``above``: the lines before it."""
    if _AFTER_WORKOUT.search(prefix) or _AFTER_DAY.search(prefix):
        items = [Completion(key, "workout", _workout_detail(lw)) for key, lw in library.items()]
        if _AFTER_DAY.search(prefix):
            items.append(Completion("rest", "keyword", "a rest day"))
        return items
    named = _session_workout(prefix, above)
    if named is not None and named in library:
        return _parameters(library[named], prefix)
    if not prefix.strip() and not prefix:
        return [Completion(k, "key", f.doc, f"{k}: ") for k, f in FIELDS["plan"].items()]
    return []


def _workout_detail(lw: LibraryWorkout) -> str:
    params = ", ".join(p.name if p.default is None else f"{p.name}={p.default.text}"
                       for p in lw.params.values())
    return f"{lw.sport}" + (f" ({params})" if params else "")


def _session_workout(prefix: str, above: list[str]) -> str | None:
    """The workout named by the session the cursor is in: on this line (a flow mapping
    ``{workout: x, ...``), or on a line above at the same indentation (a block mapping)."""
    found = _NAMED.findall(prefix)
    if found:
        return found[-1]
    indent = len(prefix) - len(prefix.lstrip())
    for src in reversed(above):
        if not src.strip() or src.lstrip().startswith("#"):
            continue
        depth = len(src) - len(src.lstrip())
        if depth < indent:
            return None
        m = _NAMED.search(src)
        if m and depth == indent:
            return m.group(1)
    return None


def _parameters(lw: LibraryWorkout, prefix: str) -> list[Completion]:
    given = set(re.findall(r"([a-z_][a-z0-9_]*)\s*:", prefix))
    out = [Completion(p.name, "parameter",
                      "required" if p.default is None else f"default {p.default.text}",
                      f"{p.name}: ")
           for p in lw.params.values() if p.name not in given]
    out += [Completion(k, "key", FIELDS["ref_session"][k].doc, f"{k}: ")
            for k in SESSION_KEYS if k not in given and k != "workout"]
    return out

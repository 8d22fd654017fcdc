"""CompuTrainer course files (.mrc, .erg): shared rendering of the trainer-lowered workout.

All approximation happens in :mod:`planc.lower.trainer`; this module turns the
flat list of steps into points and cues and renders ``templates/<fmt>.j2``:

* a step is two points, (t, start) and (t + seconds, end): consecutive steps
  give the (t, old), (t, new) pairs course files use for a jump, and a ramp is
  one sloped segment;
* minutes are written with 6 decimals.  Every point is written at its absolute
  time (never by adding rounded durations), so each point is within
  0.5e-6 min = 30 microseconds of the exact time and errors cannot add up:
  the total time and every step read back to the second (and to the
  millisecond) however long the workout;
* values: % FTP with at most 2 decimals, watts with at most 1 (enough that
  the work of a 1 % FTP step survives to 0.5 %);
* cues are ``[COURSE TEXT]`` lines ``seconds<TAB>text<TAB>duration`` at whole
  seconds from the start, only when there are cues; cues falling on the same
  second are joined with `` / ``; each shows for 10 s or until the next cue;
* text is ASCII: typographic dashes, quotes and the like become their ASCII
  look-alikes, accents are stripped (NFKD), anything else is dropped; tabs and
  line breaks become spaces, and DESCRIPTION loses '=' (Golden Cheetah's
  reader stops at it);
* CRLF line ends, TAB between columns (the most common form, formats.md §2.5).
"""

from __future__ import annotations

import math
import unicodedata

from planc.ast import Workout
from planc.output.files import slugify
from planc.resources import resource_dir

TEMPLATES = resource_dir("templates")
CUE_SECONDS = 10
_env = None

_ASCII = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"',
    "\u201d": '"', "\u201e": '"', "\u2026": "...", "\u00d7": "x", "\u00b7": "-", "\u2022": "-",
    "\u00a0": " ", "\u2044": "/", "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE",
    "\u00f8": "o", "\u00d8": "O", "\u0153": "oe", "\u0152": "OE", "\u0142": "l", "\u0141": "L",
    "\u0111": "d", "\u0110": "D", "\u00f0": "d", "\u00d0": "D", "\u00fe": "th", "\u00de": "Th",
    "\u00b0": " deg", "\t": " ", "\r": " ", "\n": " ",
})


def ascii_text(text: str) -> str:
    """ASCII look-alike of ``text`` on one line (course files have no declared encoding)."""
    text = unicodedata.normalize("NFKD", text).translate(_ASCII)
    text = "".join(c for c in text if " " <= c <= "~")
    return " ".join(text.split())


def environment():
    """The jinja2 environment, built once per process (templates compile once)."""
    global _env
    if _env is None:
        import jinja2

        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            newline_sequence="\r\n",
            undefined=jinja2.StrictUndefined,
        )
    return _env


def fmt_minutes(seconds: float) -> str:
    """Decimal minutes, 6 places (points_and_cues inlines the same format)."""
    return f"{seconds / 60:.6f}"


def _trim(text: str) -> str:
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def fmt_percent(fraction: float) -> str:
    return _trim(f"{fraction * 100:.2f}")


def fmt_watts(watts: float) -> str:
    return _trim(f"{watts:.1f}")


def points_and_cues(workout: Workout, fmt: str):
    """(minutes, value) text pairs and (seconds, text, duration) cue triples.

    A repeated step is the same object each pass (the lowering unrolls by
    reference), so its values and cue texts are formatted once.
    """
    value = fmt_percent if fmt == "mrc" else fmt_watts
    points: list[tuple[str, str]] = []
    raw_cues: list[tuple[int, str]] = []
    formatted: dict[int, tuple] = {}
    t = 0.0
    for step in workout.body:
        f = formatted.get(id(step))
        if f is None:
            r = step.power.value
            cues = tuple((c.offset, text) for c in step.cues if (text := ascii_text(c.text)))
            f = formatted[id(step)] = (value(r.start), value(r.end), cues, step.amount.seconds)
        start, end, cues, seconds = f
        points.append((f"{t / 60:.6f}", start))
        for offset, text in cues:
            raw_cues.append((math.floor(t + offset + 0.5), text))
        t += seconds
        points.append((f"{t / 60:.6f}", end))
    merged: list[list] = []
    for at, text in sorted(raw_cues, key=lambda c: c[0]):
        if merged and merged[-1][0] == at:
            merged[-1][1] += " / " + text
        else:
            merged.append([at, text])
    finish = math.floor(t + 0.5)
    out = []
    for i, (at, text) in enumerate(merged):
        until = merged[i + 1][0] if i + 1 < len(merged) else finish
        out.append((str(at), text, str(max(1, min(CUE_SECONDS, until - at)))))
    return points, out


def description_line(workout: Workout) -> str:
    text = ascii_text(workout.description or workout.name or "planc workout")
    return " ".join(text.replace(" = ", ": ").replace("=", ":").split())


def render_course(workout: Workout, fmt: str, ftp: float | None = None) -> bytes:
    """The .mrc/.erg bytes of a workout already in trainer normal form (planc.lower.trainer)."""
    points, cues = points_and_cues(workout, fmt)
    name = slugify(workout.name or "workout") + f".{fmt}"
    text = environment().get_template(f"{fmt}.j2").render(
        description=description_line(workout),
        file_name=name,
        ftp=fmt_watts(ftp) if ftp else None,
        points=points,
        cues=cues,
    )
    return text.encode("ascii")

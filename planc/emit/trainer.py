"""CompuTrainer course files (.mrc, .erg): shared rendering of the trainer-lowered workout.

All approximation happens in :mod:`planc.lower.trainer` (ASCII text, cues on
distinct seconds, the DESCRIPTION line); this module turns the flat list of
steps into points and cues and renders ``templates/<fmt>.j2``:

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
  seconds from the start (:func:`planc.lower.trainer.cue_second`), only when
  there are cues; each shows for 10 s or until the next cue;
* CRLF line ends, TAB between columns (the most common form, formats.md §2.5).
"""

from __future__ import annotations

import math

from planc.ast import Workout
from planc.lower.trainer import cue_second
from planc.names import slugify
from planc.resources import resource_dir

TEMPLATES = resource_dir("templates")
CUE_SECONDS = 10
_env = None


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


def _trim(text: str) -> str:
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def fmt_percent(fraction: float) -> str:
    return _trim(f"{fraction * 100:.2f}")


def fmt_watts(watts: float) -> str:
    return _trim(f"{watts:.1f}")


def points_and_cues(workout: Workout, fmt: str) -> tuple[str, str]:
    """The [COURSE DATA] lines (``minutes<TAB>value``) and the [COURSE TEXT] lines
    (``seconds<TAB>text<TAB>duration``), each joined by CRLF.

    A repeated step is the same object each pass (the lowering unrolls by
    reference), so its values are formatted once.  Times are summed in riding order
    (:func:`planc.lower.trainer.step_starts`, inlined: this runs for every point), and
    every point's minutes are formatted by one ``%`` over the whole column.
    """
    value = fmt_percent if fmt == "mrc" else fmt_watts
    column: list[float | str] = []  # minutes, value, minutes, value, ...
    timed: list[tuple[int, str]] = []
    formatted: dict[int, tuple[str, str]] = {}
    start = end = 0.0
    for step in workout.body:
        f = formatted.get(id(step))
        if f is None:
            r = step.power.value
            f = formatted[id(step)] = (value(r.start), value(r.end))
        end = start + step.amount.seconds
        column += (start / 60, f[0], end / 60, f[1])
        for c in step.cues:
            timed.append((cue_second(start, c.offset), c.text))
        start = end
    timed.sort(key=_first)
    finish = math.floor(end + 0.5)
    cues = []
    for i, (at, text) in enumerate(timed):
        until = timed[i + 1][0] if i + 1 < len(timed) else finish
        cues.append(f"{at}\t{text}\t{max(1, min(CUE_SECONDS, until - at))}")
    points = "\r\n".join(["%.6f\t%s"] * (len(column) // 2)) % tuple(column)
    return points, "\r\n".join(cues)


def _first(cue: tuple[int, str]) -> int:
    return cue[0]


def render_course(workout: Workout, fmt: str, ftp: float | None = None) -> bytes:
    """The .mrc/.erg bytes of a workout already in trainer normal form (planc.lower.trainer)."""
    points, cues = points_and_cues(workout, fmt)
    name = slugify(workout.name or "workout") + f".{fmt}"
    text = environment().get_template(f"{fmt}.j2").render(
        description=workout.description,
        file_name=name,
        ftp=fmt_watts(ftp) if ftp else None,
        points=points,
        cues=cues,
    )
    return text.encode("ascii")

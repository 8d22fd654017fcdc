"""FIT's texts: step names, step notes, the workout name and description, within the row's limits.

Used by :func:`planc.lower.fit.lower_fit` on every step it writes.  A lowered step's
``label`` is its ``wkt_step_name`` and its ``trailing`` its ``notes``, exactly
as the file holds them (its cues are in the notes), and a repeat's ``title`` is
the repeat step's name, so the writer copies text and never changes it:

* A step name is the label on one line, cut to the row's ``label_chars``
  (watch and head-unit screens show about 15-20 characters, formats.md §3.3)
  at a word boundary, or hard when that would keep fewer than 12 characters;
  the full label then opens the notes (``label-shortened``).  A repeat title
  is cut the same way and has no notes to keep the rest.
* A step's notes are the full label when the name was cut, "Max effort" or
  "Free ride", the step's free text (with the targets FIT could not hold),
  the cues with their offsets ("(7:30) Halfway", "(400m) Settle in") and
  "Press lap to move on (planned 2m)" (the step is a lap-button step; the notes
  keep its written length), joined with " | ".
* The workout name is ``Workout.name`` on one line, else :data:`FALLBACK_NAME`.
* Text over the row's byte limits is cut on a UTF-8 character boundary
  (``text-truncated``).  Control characters are left out (the check stage has
  reported each at its line).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Final

from planc.ast import Amount, Cue, Duration, Node, Repeat, Span, Step, Workout
from planc.diagnostics import Diagnostic, warning
from planc.lower.common import header_span
from planc.lower.formats import FORMATS
from planc.lower.text import at_word, cut_utf8, plain_text, quoted, too_long

FORMAT: Final = FORMATS["fit"]
TARGET: Final = FORMAT.extension
LIMITS: Final = FORMAT.text
FALLBACK_NAME: Final = "planc workout"
SEPARATOR: Final = " | "


def fmt_seconds(seconds: float) -> str:
    """``450`` -> ``7m30s``: the way the workout text writes durations."""
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    out = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    if not out or abs(seconds - s) >= 0.05:
        return f"{seconds:g}s"
    return out


def fmt_metres(metres: float) -> str:
    return f"{metres / 1000:g}km" if metres >= 1000 else f"{metres:g}m"


def planned_metres(metres: float) -> str:
    """``400mtr``, ``1.5km``: a distance as the workout text writes it ('m' is minutes)."""
    return f"{metres / 1000:g}km" if metres >= 1000 else f"{metres:g}mtr"


def clock(seconds: float) -> str:
    """``450`` -> ``7:30``, ``3723`` -> ``1:02:03``: a cue's offset in the notes."""
    s = math.floor(seconds + 0.5)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def short_name(label: str | None) -> tuple[str | None, bool]:
    """(visible step name, whether it was shortened): at most the row's label_chars."""
    if not label:
        return None, False
    label = " ".join(label.split())
    name = at_word(label, LIMITS.label_chars or len(label))
    return name, name != label


class FitTexts:
    """Names and notes for the lowering to put on each step it writes (module docstring)."""

    def __init__(self, diags: list[Diagnostic]):
        self.diags = diags
        # (label, id(span), then) -> (name, cut, warning): a ramp's slices share a label
        self._names: dict[tuple, tuple[str | None, bool, Diagnostic | None]] = {}

    def name(self, label: str | None, span: Span, then: str) -> tuple[str | None, bool]:
        """The visible name, whether it lost characters, and the warning if it did."""
        key = (label, id(span), then)
        known = self._names.get(key)
        if known is not None:
            if known[2] is not None:
                self.diags.append(known[2])
            return known[0], known[1]
        name, cut = short_name(plain_text(label) if label else label)
        changed = cut  # the name is not the label as written (on one line)
        if name is not None and too_long(name, LIMITS.label_bytes):
            name, changed = cut_utf8(name, LIMITS.label_bytes or 0), True
        said = None
        if name is not None and changed:
            said = warning(
                "label-shortened",
                f"{TARGET} step names show about {LIMITS.label_chars} characters: "
                f"{quoted(label or '')} is named {quoted(name)}{then}", span)
            self.diags.append(said)
        self._names[key] = (name, cut, said)
        return name, cut

    def repeat_name(self, rep: Repeat) -> str:
        name, _ = self.name(rep.title, rep.span, " (a repeat step has no notes for the rest)")
        return name or ""

    def step_fields(self, step: Step, trailing: str | None, cues: tuple[Cue, ...],
                    amount: Amount | None = None, pressed: bool | None = None
                    ) -> dict[str, object]:
        """``label``, ``trailing`` and ``cues`` of a lowered step: its name, its notes (with
        ``trailing`` and ``cues`` in them) and no cues left.  ``amount`` and ``pressed``
        are a ramp slice's length and lap press, when they are not the step's."""
        name, cut = self.name(step.label, step.span,
                              ", and the full label goes into the step's notes")
        notes = plain_text(_notes(step, cut, trailing, cues,
                                  step.amount if amount is None else amount,
                                  step.until_lap_press if pressed is None else pressed)) or None
        if too_long(notes, LIMITS.notes_bytes):
            self.diags.append(warning(
                "text-truncated",
                f"the step's notes are longer than FIT's {LIMITS.notes_bytes} bytes and are cut",
                step.span, "shorten the label, the cues or the free text"))
            notes = cut_utf8(notes or "", LIMITS.notes_bytes or 0)
        return {"label": name, "trailing": notes, "cues": ()}

    def workout(self, workout: Workout, body: tuple[Node, ...],
                description: str | None) -> Workout:
        """``workout`` with the lowered body and its name and description as FIT holds them."""
        span = header_span(workout)
        name = " ".join(plain_text(workout.name or "").split()) or FALLBACK_NAME
        if too_long(name, LIMITS.name_bytes):
            self.diags.append(warning(
                "text-truncated",
                f"the workout name is longer than FIT's {LIMITS.name_bytes} bytes and is cut",
                span, None))
            name = cut_utf8(name, LIMITS.name_bytes or 0)
        description = plain_text(description) if description else description
        if too_long(description, LIMITS.description_bytes):
            self.diags.append(warning(
                "text-truncated",
                f"the description (with the workout's prose) is longer than FIT's "
                f"{LIMITS.description_bytes} bytes and is cut", span, None))
            description = cut_utf8(description or "", LIMITS.description_bytes or 0)
        return dataclasses.replace(workout, body=body, name=name, description=description)


def _notes(step: Step, name_was_cut: bool, trailing: str | None,
           cues: tuple[Cue, ...], amount: Amount, pressed: bool) -> str:
    parts: list[str] = []
    if name_was_cut and step.label:
        parts.append(" ".join(step.label.split()))
    if step.maxeffort:
        parts.append("Max effort")
    elif step.freeride:
        parts.append("Free ride")
    if trailing:
        parts.append(trailing)
    for cue in cues:
        at = clock(cue.offset) if isinstance(amount, Duration) else fmt_metres(cue.offset)
        parts.append(f"({at}) {cue.text}")
    if pressed:
        planned = (fmt_seconds(amount.seconds) if isinstance(amount, Duration)
                   else planned_metres(amount.metres))
        parts.append(f"Press lap to move on (planned {planned})")
    return SEPARATOR.join(parts)

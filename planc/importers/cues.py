"""Placing cues given on the workout's own timeline onto the steps they fall in.

.mrc/.erg ``[COURSE TEXT]`` lines and ZWO text events directly under
``<workout>`` count from the start of the workout, while a planc cue counts from
the start of its step.  A cue that falls inside a repeat lands on the matching
step of the body; planc shows it in every repetition, which is said in a warning
when the source meant a later repetition only.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence

from planc.ast import Cue, Duration, Repeat, Step
from planc.importers.common import Reader


def _length(node: Step | Repeat) -> float:
    if isinstance(node, Step):
        return node.amount.seconds if isinstance(node.amount, Duration) else node.amount.metres
    return node.count * sum(_length(c) for c in node.children if isinstance(c, Step | Repeat))


def merge_cues(step: Step, new: Sequence[tuple[float, str]]) -> Step:
    """The step with cues added: whole units, sorted, one cue per offset (texts joined)."""
    merged: dict[float, list[str]] = {}
    for cue in step.cues:
        merged.setdefault(cue.offset, []).append(cue.text)
    for offset, text in new:
        texts = merged.setdefault(float(round(offset)), [])
        if text not in texts:
            texts.append(text)
    cues = tuple(Cue(at, " ".join(texts)) for at, texts in sorted(merged.items()))
    return dataclasses.replace(step, cues=cues)


def _place(node: Step | Repeat, offset: float, text: str, r: Reader,
           unit: str) -> Step | Repeat:
    if isinstance(node, Step):
        length = _length(node)
        at = min(float(round(offset)), max(0.0, float(int(length) - 1 if length == int(length)
                                                     else int(length))))
        return merge_cues(node, [(at, text)])
    children = [c for c in node.children if isinstance(c, Step | Repeat)]
    period = sum(_length(c) for c in children)
    rep, within = divmod(offset, period) if period else (0, 0.0)
    if rep >= node.count:
        rep, within = node.count - 1, period - 1
    if rep > 0:
        r.warn("cue-in-repeat", f"the cue '{text}' falls in repetition {int(rep) + 1} of a "
               "repeat; in planc a cue inside a repeat shows in every repetition", once=True)
    start = 0.0
    out = list(node.children)
    for i, child in enumerate(node.children):
        if not isinstance(child, Step | Repeat):
            continue
        length = _length(child)
        if within < start + length or child is children[-1]:
            out[i] = _place(child, within - start, text, r, unit)
            break
        start += length
    return dataclasses.replace(node, children=tuple(out))


def place_cues(elements: Sequence[Step | Repeat], cues: Sequence[tuple[float, str]],
               r: Reader, unit: str = "second") -> list[Step | Repeat]:
    """Elements with each (absolute offset, text) cue put on the step it falls in."""
    out = list(elements)
    if not out:
        return out
    starts = []
    t = 0.0
    for node in out:
        starts.append(t)
        t += _length(node)
    total = t
    for offset, text in sorted(cues, key=lambda c: c[0]):
        if offset >= total:
            r.warn("cue-past-end", f"the cue '{text}' at {offset:g} {unit}s is after the end of "
                   f"the workout ({total:g} {unit}s); it is put on the last {unit}")
            offset = max(0.0, total - 1)
        elif offset < 0:
            r.warn("cue-before-start", f"the cue '{text}' at {offset:g} {unit}s is before the "
                   f"start of the workout; it is put at the start")
            offset = 0.0
        index = bisect.bisect_right(starts, offset) - 1  # the last step starting by then
        out[index] = _place(out[index], offset - starts[index], text, r, unit)
    return out

"""What every importer shares: the result type, diagnostics, and assembling a Workout.

Readers turn their format into a flat list of top-level elements (steps, and
repeats where the format has them) plus metadata; :func:`assemble` recovers the
repeats a flat format lost (planc.importers.structure), groups the steps into
blocks (leading warm-up and trailing cool-down steps under ``Warmup`` /
``Cooldown`` headers, the way the planc parser builds them) and normalises what
the header can hold, so that the planc text written for the result parses back
to exactly this workout.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from planc.ast import NO_SPAN, Block, Intensity, Node, Repeat, Section, Span, Step, Workout
from planc.check import MAX_EXPANDED_STEPS
from planc.diagnostics import Diagnostic, error, warning
from planc.importers.structure import recover_repeats
from planc.limits import Limit, as_float
from planc.syntax import MAX_REPEAT_COUNT
from planc.syntax.printer import clean_tag, num, one_line, safe_label, write


@dataclass(slots=True)
class ImportResult:
    """One imported file: the workout (None when it could not be read) and what was found.

    ``source`` is the decoded text of a text format, for rendering diagnostics with
    their source line (None for .fit).
    """

    workout: Workout | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    format: str | None = None
    source: str | None = None
    path: str = "<input>"

    @property
    def ok(self) -> bool:
        return self.workout is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def text(self) -> str:
        """The planc workout text (front matter + canonical body with cues and nesting)."""
        if self.workout is None:
            raise ValueError(f"{self.path}: nothing was imported")
        return write(self.workout, "planc")


class Reader:
    """Collects positioned diagnostics for one input file."""

    def __init__(self, path: str):
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self._once: set[str] = set()

    def error(self, code: str, message: str, span: Span = NO_SPAN,
              hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, span, hint, path=self.path))

    def warn(self, code: str, message: str, span: Span = NO_SPAN,
             hint: str | None = None, once: bool = False) -> None:
        """A warning; ``once`` keeps only the first of a code (summaries count the rest)."""
        if once:
            if code in self._once:
                return
            self._once.add(code)
        self.diagnostics.append(warning(code, message, span, hint, path=self.path))

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def result(self, workout: Workout | None, fmt: str, source: str | None) -> ImportResult:
        return ImportResult(None if self.failed else workout, self.diagnostics, fmt, source,
                            self.path)


def finite(text: str | None) -> float | None:
    """A finite float from text, or None (``nan``/``inf`` are not numbers in a workout;
    ``float()`` also reads ``1_000``, which no workout format writes)."""
    if text is None or "_" in text:
        return None
    value = as_float(text.strip())
    return value if value is not None and math.isfinite(value) else None


def in_range(value: float | None, limit: Limit) -> float | None:
    """``value`` when it is inside ``limit`` (a row of planc.limits), else None."""
    return value if value is not None and limit.contains(value) else None


class StepBudget:
    """The steps an import has built so far, repeats unrolled, against the language's
    limit (planc.check.MAX_EXPANDED_STEPS): a reader asks before it builds, so a file
    of 60,000 blocks or a ``Repeat="9999999999999999999"`` costs no more than the limit.
    """

    def __init__(self, r: Reader):
        self.r = r
        self.used = 0
        self.over = False

    def take(self, steps: int, span: Span = NO_SPAN) -> bool:
        """Count ``steps`` more; False (and one ``too-many-steps`` error) past the limit."""
        self.used += steps
        if self.used > MAX_EXPANDED_STEPS and not self.over:
            self.over = True
            self.r.error("too-many-steps", f"the workout has more than {MAX_EXPANDED_STEPS:,} "
                         "steps (repeats unrolled), more than planc allows", span,
                         "split it into several workouts")
        return not self.over


def repeated(count: int, body: tuple[Step | Repeat, ...]) -> list[Step | Repeat]:
    """``count`` x ``body`` in repeats of at most MAX_REPEAT_COUNT (the language's limit):
    a file's 500x is 200x, 200x and 100x, the same timeline."""
    out: list[Step | Repeat] = []
    while count > 0:
        n = min(count, MAX_REPEAT_COUNT)
        out.extend([Repeat(n, body)] if n > 1 else body)
        count -= n
    return out


class TimeRounder:
    """Whole seconds without drift: each boundary is rounded on the absolute timeline.

    Formats with fractional times (.zwo durations like 223.8, .erg minutes with two
    decimals) would accumulate error if each length were rounded on its own; rounding
    the running start and end instead keeps every boundary within half a second.
    """

    def __init__(self) -> None:
        self.exact = 0.0
        self.rounded = 0
        self.fractional = False

    def take(self, seconds: float) -> int:
        if seconds != int(seconds):
            self.fractional = True
        self.exact += seconds
        end = int(math.floor(self.exact + 0.5))
        length = end - self.rounded
        self.rounded = end
        return length


def _strip_sections(node: Step | Repeat) -> Step | Repeat:
    if isinstance(node, Step):
        return dataclasses.replace(node, section=None) if node.section else node
    return dataclasses.replace(node, children=tuple(_strip_sections(c) for c in node.children))


def _group(elements: Sequence[Step | Repeat]) -> tuple[Node, ...]:
    """Top-level steps into blocks (one per section run); repeats stand alone."""
    body: list[Node] = []
    run: list[Step] = []
    run_section: Section | None = None

    def flush() -> None:
        if run:
            title = run_section.value.capitalize() if run_section else None
            body.append(Block(tuple(run), title, run_section))
            run.clear()

    for node in elements:
        if isinstance(node, Repeat):
            flush()
            body.append(_strip_sections(node))
            continue
        if run and node.section is not run_section:
            flush()
        run_section = node.section
        run.append(node)
    flush()
    return tuple(body)


def assemble(elements: Sequence[Step | Repeat], *, sport: str, name: str | None,
             description: str | None = None, tags: Sequence[str] = (),
             recover: bool = True, warmup: int = 0, cooldown: int = 0) -> Workout:
    """A Workout from top-level elements, with repeats recovered and header values cleaned.

    ``warmup``/``cooldown``: how many leading/trailing elements are warm-up/cool-down
    steps in the source (:func:`edge_runs`); those still at the top level after repeat
    recovery go under ``Warmup``/``Cooldown`` headers.
    """
    items = recover_repeats(elements) if recover else list(elements)
    items = _sections(items, warmup, cooldown)
    clean_tags: list[str] = []
    for t in tags:
        c = clean_tag(t)
        if c and c not in clean_tags:
            clean_tags.append(c)
    return Workout(
        body=_group(items),
        sport=sport,
        name=one_line(name) or None if name else None,
        description=one_line(description) or None if description else None,
        tags=tuple(clean_tags),
    )


def edge_runs(elements: Sequence[Step | Repeat], warmup: Sequence[bool],
              cooldown: Sequence[bool]) -> tuple[int, int]:
    """How many leading elements are warm-up steps, and trailing ones cool-down steps.

    ``warmup[i]``/``cooldown[i]`` say whether element i is a warm-up/cool-down step in
    the source format (a ZWO ``Warmup``, a FIT step with intensity warmup).
    """
    lead = 0
    while (lead < len(elements) and isinstance(elements[lead], Step) and warmup[lead]):
        lead += 1
    trail = 0
    while (trail < len(elements) - lead and isinstance(elements[-1 - trail], Step)
           and cooldown[-1 - trail]):
        trail += 1
    return lead, trail


def _sections(items: list[Step | Repeat], warmup: int, cooldown: int) -> list[Step | Repeat]:
    """Mark the first ``warmup`` and last ``cooldown`` top-level steps as sections.

    Done after repeat recovery: a warm-up step that recovery folded into a repeat stays
    a plain step of it (planc sections hold steps only), and recovery never sees the
    section marks, which would make two copies of one step differ.  Recovery keeps the
    order, so the leading top-level steps are still the source's leading elements.
    The step class the section already says (intensity warmup/cooldown) is dropped.
    """
    out = list(items)

    def mark(i: int, section: Section, same: Intensity) -> None:
        step = out[i]
        assert isinstance(step, Step)
        out[i] = dataclasses.replace(step, section=section,
                                     intensity=None if step.intensity is same else step.intensity)

    i = 0
    while i < len(out) and i < warmup and isinstance(out[i], Step):
        mark(i, Section.WARMUP, Intensity.WARMUP)
        i += 1
    n = 0
    while n < cooldown and len(out) - 1 - n >= i and isinstance(out[len(out) - 1 - n], Step):
        mark(len(out) - 1 - n, Section.COOLDOWN, Intensity.COOLDOWN)
        n += 1
    return out


def decode_text(data: bytes, reader: Reader, declared: str | None = None) -> str:
    """Bytes of a text format as str: BOM honoured, UTF-8 first, then the Windows code page.

    Real .zwo files are often Windows-1252 (curly quotes 0x91-0x96) with no encoding
    declaration, which strict UTF-8 readers reject; the CompuTrainer formats predate
    UTF-8 entirely.  A declared encoding is tried before the fallbacks.  Latin-1
    decodes any byte, so this never fails; the fallback is reported once.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                data = data[len(bom):]
                break
    tried = ["utf-8"]
    if declared:
        import codecs

        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
        if name and name not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            tried.insert(0, name)
    for codec in tried:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp1252")
        codec = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        codec = "Latin-1"
    reader.warn("encoding", f"the file is not valid UTF-8; read it as {codec}", hint=(
        "re-save the file as UTF-8 if any text (names, cues) looks wrong"))
    return text


def fraction(value: float, decimals: int = 2) -> float:
    """A fraction of a threshold, rounded to ``decimals`` places *of percent*, exactly as the
    planc parser reads it back (``54.3%`` is ``float("54.3") / 100``, not ``0.543``)."""
    return float(num(round(value * 100, decimals))) / 100


def clean_label(label: str | None) -> str | None:
    """A step label the planc text reads back whole (``safe_label``), or None when empty."""
    return (safe_label(label) or None) if label else None

"""Turn a workout template plus one week's arguments into a parsed Workout.

Three jobs, all about keeping diagnostics honest:

* resolve an argument for a given week (a value, a per-week list, or an
  ``= expression``), remembering where it was written;
* fill the body and name templates (``planc.plan.template``);
* parse the filled text with ``planc.syntax.parse_workout`` and move every
  diagnostic back into the plan file: onto the argument that supplied a bad
  value, or onto the exact line and column inside the embedded block scalar.

Parsing is cached on (text, sport, name): a 52-week plan repeats the same
few workouts, and each distinct text is parsed once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from planc.ast import NO_SPAN, Span, Workout
from planc.check import read_workout
from planc.diagnostics import Diagnostic, did_you_mean
from planc.inputs import digest
from planc.plan.expr import ExprError, evaluate, format_number
from planc.plan.reader import Reader, value_span
from planc.plan.template import Filled, Origin, Unknown, fill
from planc.plan.yamlsrc import YNode, YScalar, YSeq


@dataclass(frozen=True, slots=True)
class TextPos:
    """Maps (line, column) of a scalar's text to the file: a block scalar's
    content lines, or a one-line flow scalar (after its opening quote)."""

    path: str
    line_shift: int
    col_shift: int
    whole: Span | None = None  # set when positions inside the text cannot be mapped

    @staticmethod
    def of(node: YScalar) -> TextPos:
        if node.style == "|":
            return TextPos(node.path, node.content_line_shift, node.content_col_shift)
        if not node.verbatim:  # escapes or folding: point at the whole value instead
            return TextPos(node.path, 0, 0, node.span)
        quote = 1 if node.style in ("'", '"') else 0
        return TextPos(node.path, node.span.line - 1, node.span.column - 1 + quote)

    def span(self, line: int, column: int, length: int = 1) -> Span:
        if self.whole is not None:
            return self.whole
        return Span.point(line + self.line_shift, column + self.col_shift, length)


@dataclass(frozen=True, slots=True)
class Week:
    """Which week an argument is resolved for: plan week, and n of count in its entry."""

    week: int
    n: int
    count: int
    weeks_text: str  # e.g. "weeks 1-4", for messages
    variables: tuple[tuple[str, object], ...] = ()  # plan parameters: name, Quantity


def resolve_arg(r: Reader, name: str, node: YNode, when: Week) -> tuple[str, Origin] | None:
    """The text a ``{name}`` placeholder receives in week ``when``; None after an error."""
    if isinstance(node, YSeq):
        if len(node.items) not in (1, when.count):
            r.error("progression-length",
                    f"'{name}' has {len(node.items)} values but this entry covers "
                    f"{when.count} week{'s' * (when.count != 1)} ({when.weeks_text})", node,
                    f"give {when.count} values (one per week, in order) or a single value")
            return None
        node = node.items[0 if len(node.items) == 1 else when.n - 1]
        if isinstance(node, YSeq):
            r.expected(f"a value for '{name}'", node, "per-week lists cannot be nested")
            return None
    if not isinstance(node, YScalar) or node.value is None or isinstance(node.value, bool):
        r.expected(f"a value for '{name}' (a number, a duration like 10m, a target like 90, "
                   "or '= expression')", node)
        return None
    origin = Origin(node.path, value_span(node), f"'{name}'")
    if isinstance(node.value, int | float):
        return format_number(float(node.value)), origin
    text = node.value.strip()
    if "\n" in text:
        r.error("bad-argument", f"the value of '{name}' spans several lines", node,
                "argument values are single words such as 4, 10m or 90")
        return None
    if text.startswith("="):
        try:
            q = evaluate(text[1:], {"week": when.week, "n": when.n, **dict(when.variables)})
        except ExprError as exc:
            pos = TextPos.of(node)
            lead = len(node.value) - len(node.value.lstrip())
            r.error("bad-expression", f"{exc.message} (in '{name}' for week {when.week})",
                    pos.span(1, 1 + lead + 1 + exc.offset, exc.length), exc.hint, node.path)
            return None
        return q.text(), origin
    return text, origin


def report_unknown(r: Reader, unknowns: list[Unknown], pos: TextPos, known: list[str],
                   where: str) -> None:
    for u in unknowns:
        if not u.name:
            r.error("bad-placeholder", "empty placeholder '{}'", pos.span(u.line, u.column, 2),
                    "write {name} for a parameter, or {{ and }} for literal braces", pos.path)
            continue
        guess = did_you_mean(u.name, known)
        hint = (f"did you mean '{{{guess}}}'?" if guess else
                f"declare it under params: ({', '.join(known)} are known)")
        r.error("unknown-parameter", f"'{{{u.name}}}' is not a parameter of {where}",
                pos.span(u.line, u.column, u.length), hint, pos.path)


def map_diagnostic(d: Diagnostic, filled: Filled, pos: TextPos) -> Diagnostic:
    """A parse diagnostic on the filled text, moved to where the user wrote the cause."""
    s = d.span
    if s == NO_SPAN:
        return dataclasses.replace(d, path=pos.path)
    region = filled.region_at(s.line, s.column)
    if region is not None and region.origin is not None:
        o = region.origin
        at = pos.span(s.line, region.template_col)
        where = f"{pos.path}:{at.line}:{at.column}"
        extra = f"{o.what} fills {{{region.name}}} at {where}"
        hint = f"{d.hint}; {extra}" if d.hint else extra
        return dataclasses.replace(d, span=o.span, path=o.path, hint=hint)
    if pos.whole is not None:
        return dataclasses.replace(d, span=pos.whole, path=pos.path)
    col = region.template_col if region is not None else filled.template_column(s.line, s.column)
    if s.end_line == s.line:
        end = max(col + 1, filled.template_column(s.line, s.end_column))
    else:
        end = s.end_column
    span = Span(s.line + pos.line_shift, col + pos.col_shift,
                s.end_line + pos.line_shift, end + pos.col_shift)
    return dataclasses.replace(d, span=span, path=pos.path)


@dataclass(frozen=True, slots=True)
class SourceMap:
    """How a session's workout text relates to the plan file (kept on the Session,
    so diagnostics from later stages, e.g. emitters, can be moved back too)."""

    filled: Filled
    pos: TextPos

    @property
    def text(self) -> str:
        return self.filled.text

    def map(self, d: Diagnostic) -> Diagnostic:
        return map_diagnostic(d, self.filled, self.pos)


ParseKey = tuple[str, str]
"""(filled text, sport): what a workout body's parse depends on, planc aside."""
ParseRecord = tuple[str, tuple[Diagnostic, ...]]
"""What a build keeps of a parse for the next run: the workout's sport and the
diagnostics on its text (``planc.plan.build`` stores them with planc's fingerprint)."""


def parse_digest(key: ParseKey) -> str:
    """The name of a parse record: a digest of the text and the sport (records hold no
    text, and a text never read this run is never looked up)."""
    return digest(f"{key[1]}\n{key[0]}".encode("utf-8", "surrogatepass"))


class Compiler:
    """Parses filled workout texts once each and maps their diagnostics back.

    ``known`` holds what earlier runs of this planc learnt parsing texts (a build's
    cache: :data:`ParseRecord`).  A text found there is not parsed: its diagnostics are
    reported from the record and its sessions get a *placeholder* workout (no steps,
    the right sport) that :meth:`realise` turns into the parsed, named and dressed
    workout when a session must be emitted after all.  Only ``build`` passes
    ``known``, and it realises every workout it lowers; every other caller gets
    parsed workouts as before."""

    def __init__(self, known: Mapping[str, ParseRecord] | None = None) -> None:
        self._cache: dict[tuple[str, str], tuple[Workout | None, list]] = {}
        self._named: dict[tuple[tuple[str, str], str], Workout] = {}
        self.used: set[str] = set()  # library workouts compiled for a session
        self._dressed: dict[tuple, tuple[Workout, Workout]] = {}
        self.known = known or {}
        self.records: dict[str, ParseRecord] = {}  # parse_digest -> record, for this run's texts
        self._placeholders: dict[tuple, Workout] = {}  # recipe -> its placeholder
        self._recipes: dict[int, tuple[Workout, tuple]] = {}  # id(placeholder) -> recipe
        self._real: dict[tuple, Workout] = {}  # recipe -> the realised workout

    def parse(self, text: str, sport: str, name: str | None) -> tuple[Workout | None, list]:
        """Parse once per (text, sport); the name only labels the result."""
        key = (text, sport)
        hit = self._cache.get(key)
        if hit is None:
            digested = parse_digest(key)
            record = self.known.get(digested) if self.known else None
            if record is not None:
                hit = (self._placeholder(("parsed", key), record[0]), list(record[1]))
                self.records[digested] = record
            else:
                hit = self._parsed(key)
                if hit[0] is not None:
                    self.records[digested] = (hit[0].sport, tuple(hit[1]))
            self._cache[key] = hit
        workout, diags = hit
        if workout is not None and name is not None:
            workout = self._name(workout, key, name)
        return workout, diags

    @staticmethod
    def _parsed(key: ParseKey) -> tuple[Workout | None, list]:
        parsed = read_workout(key[0], path="<body>", sport=key[1])
        return parsed.workout, list(parsed.diagnostics)

    def _name(self, workout: Workout, key: ParseKey, name: str) -> Workout:
        if (recipe := self._recipe(workout)) is not None:
            return self._placeholder(("named", recipe, key, name), workout.sport)
        if workout.name == name:
            return workout
        named = self._named.get((key, name))
        if named is None:
            named = self._named[(key, name)] = dataclasses.replace(workout, name=name)
        return named

    def dressed(self, workout: Workout, name: str, description: str | None,
                tags: tuple[str, ...]) -> Workout:
        """The workout with the session's name, description and tags, which device files
        carry (.zwo description and tags, .mrc DESCRIPTION, FIT wkt_description).

        One object per distinct combination, so sessions that repeat a workout still
        share it (builds compile each distinct workout object once)."""
        if (recipe := self._recipe(workout)) is not None:
            return self._placeholder(("dressed", recipe, name, description, tags),
                                     workout.sport)
        description = description if description is not None else workout.description
        tags = tags or workout.tags
        if (workout.name, workout.description, workout.tags) == (name, description, tags):
            return workout
        key = (id(workout), name, description, tags)
        hit = self._dressed.get(key)
        if hit is None or hit[0] is not workout:  # the entry keeps ``workout`` alive
            hit = self._dressed[key] = (workout, dataclasses.replace(
                workout, name=name, description=description, tags=tags))
        return hit[1]

    # ------------------------------------------------------- placeholders --

    def _placeholder(self, recipe: tuple, sport: str) -> Workout:
        found = self._placeholders.get(recipe)
        if found is None:
            found = self._placeholders[recipe] = Workout((), sport)
            self._recipes[id(found)] = (found, recipe)
        return found

    def _recipe(self, workout: Workout) -> tuple | None:
        entry = self._recipes.get(id(workout))
        return entry[1] if entry is not None and entry[0] is workout else None

    def realise(self, workout: Workout) -> Workout:
        """``workout`` itself, or for a placeholder the workout the same calls would
        have given had its text been parsed (parsed now, once)."""
        recipe = self._recipe(workout)
        return workout if recipe is None else self._made(recipe)

    def _made(self, recipe: tuple) -> Workout:
        found = self._real.get(recipe)
        if found is not None:
            return found
        kind = recipe[0]
        if kind == "parsed":
            made = self._parsed(recipe[1])[0]
            if made is None:  # a record planc did not write (its text does not parse)
                raise ValueError("a stored parse record does not match its text")
        elif kind == "named":
            made = self._name(self._made(recipe[1]), recipe[2], recipe[3])
        else:
            made = self.dressed(self._made(recipe[1]), *recipe[2:])
        self._real[recipe] = made
        return made

    def compile(self, r: Reader, body: YScalar, values: dict[str, tuple[str, Origin | None]],
                sport: str, name: str | None) -> tuple[Workout | None, SourceMap | None]:
        """Fill ``body`` with ``values``, parse it, report everything into ``r``.

        Unknown placeholders are the caller's to report (once per definition);
        here they stay in the text as written."""
        pos = TextPos.of(body)
        if body.style == ">":
            r.error("folded-body", "a workout body must be a literal block ('|'), not folded ('>')",
                    body, "folding joins the step lines into one; write 'body: |'")
            return None, None
        filled, _ = fill(body.value if isinstance(body.value, str) else body.text, values)
        check_counts(r, filled)
        workout, diags = self.parse(filled.text, sport, name)
        for d in diags:
            r.diagnostics.append(map_diagnostic(d, filled, pos))
        return workout, SourceMap(filled, pos)


def check_counts(r: Reader, filled: Filled) -> None:
    """A value that fills a repeat count (``{reps}x`` ending a line) must be a whole
    number: otherwise the header silently becomes prose and the repeat disappears."""
    lines = filled.text.split("\n")
    for reg in filled.regions:
        if reg.origin is None or not reg.name:
            continue
        rest = lines[reg.line - 1][reg.end - 1:]
        if rest.strip() == "x":
            value = lines[reg.line - 1][reg.start - 1:reg.end - 1]
            # '²'.isdigit() is true but int('²') fails: a count is ASCII digits only
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                r.error("bad-count", f"{reg.origin.what} fills a repeat count "
                        f"({{{reg.name}}}x) and must be a whole number, got '{value}'",
                        reg.origin.span, "e.g. 4", reg.origin.path)


def fill_text(node: YScalar, values: dict[str, tuple[str, Origin | None]]) -> str:
    """Fill a name or description template (unknown names were reported at definition)."""
    if not isinstance(node.value, str):
        return node.text
    return fill(node.value, values)[0].text


__all__ = [
    "Compiler",
    "ParseKey",
    "ParseRecord",
    "SourceMap",
    "TextPos",
    "Week",
    "fill_text",
    "map_diagnostic",
    "parse_digest",
    "report_unknown",
    "resolve_arg",
]

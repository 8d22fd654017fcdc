"""Front end: workout text -> typed AST + diagnostics.

    parse_workout(text, *, path="<input>", sport=None, name=None) -> Parsed

The Lark grammar (grammars/workout.lark) classifies lines and cuts step lines
into typed tokens; this module applies intervals.icu's positional rules to
those tokens (which leading words form the label, what a zone before the
duration does, which target wins) and builds the block structure (a blank
line ends a block; a repeat header indented under another repeat nests).
Semantic checks that need the whole workout live in planc/check.py and run
from here, so one call gives every diagnostic.

The parser is built once per process (Lark's LALR tables are also cached on
disk), and the Lark transformer runs inline, so no parse tree is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from planc.ast import (
    METRES_PER_UNIT,
    PACE_PER_METRES,
    SPORTS,
    Block,
    CadenceTarget,
    Cue,
    Distance,
    DistanceUnit,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    Node,
    Note,
    PacePer,
    PaceTarget,
    PaceUnit,
    PoolLength,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Section,
    Span,
    Step,
    Workout,
    sport_family,
)
from planc.diagnostics import Diagnostic, did_you_mean, error, sort_key, warning

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "grammars" / "workout.lark"

MAX_TEXT_BYTES = 1_000_000

_PARSER = None


def _parser():
    """The LALR parser, built on first use and reused for the life of the process."""
    global _PARSER
    if _PARSER is None:
        from lark import Lark

        cache_dir = Path.home() / ".cache" / "planc"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache: str | bool = str(cache_dir / "workout-grammar.lark-cache")
        except OSError:
            cache = False
        _PARSER = Lark(
            GRAMMAR_PATH.read_text(encoding="utf-8"),
            parser="lalr",
            lexer="contextual",
            maybe_placeholders=False,
            cache=cache,
            transformer=_make_transformer(),
        )
    return _PARSER


# ------------------------------------------------------------ line records --


@dataclass(slots=True)
class _Line:
    kind: str  # step | cue | comment | repeat | pool | prose | blank | front
    line: int
    column: int  # 1-based column of the first token: the indentation
    tokens: list = field(default_factory=list)
    text: str = ""


def _tok_span(tok) -> Span:
    return Span(tok.line, tok.column, tok.end_line or tok.line, tok.end_column or tok.column + 1)


def _make_transformer():
    """Inline Lark transformer: line records straight from the parser (no tree is built)."""
    from lark import Transformer

    def record(kind: str, text_line: bool = False, drop_first: bool = False):
        def callback(self, children):
            first = children[0]
            rec = _Line(kind, first.line, first.column, children[1:] if drop_first else children)
            if text_line:
                rec.text = str(first).rstrip()
            return rec
        return callback

    class Lines(Transformer):
        step_line = record("step", drop_first=True)
        cue_line = record("cue", drop_first=True)
        prose_line = record("prose", text_line=True)
        repeat_line = record("repeat", text_line=True)
        comment_line = record("comment", text_line=True)
        pool_line = record("pool", text_line=True)

        def blank_line(self, children):
            return _Line("blank", 0, 0)

        def fm_entry(self, children):
            return ("fm_entry", children)

        def front_matter(self, children):
            return ("front", [c for c in children if isinstance(c, tuple)])

        def start(self, children):
            return children

    return Lines()


def _split_front(records: list) -> tuple[list[_Line], list | None]:
    if records and isinstance(records[0], tuple) and records[0][0] == "front":
        return records[1:], records[0][1]
    return records, None


# ----------------------------------------------------------------- values --

_NUM = r"\d+(?:\.\d+)?"
_RANGE_RE = re.compile(rf"({_NUM})[^\d.]*[-–][^\d.]*({_NUM})")
_NUMBER_RE = re.compile(_NUM)
_DURATION_RE = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
_SHORT_DURATION_RE = re.compile(r"(?:(\d+)')?(?:(\d+)\")?$")
_PACE_RE = re.compile(r"(\d+):(\d\d(?:\.\d+)?)")
_UNITISH_RE = re.compile(r"^[<>~≈]?\d+(?:[.,]\d+)?(?:[a-zA-Z%'\"]|:\d)")
_MINUTES_ONLY_RE = re.compile(r"^(\d+)m$")
_INLINE_REPEAT_RE = re.compile(r"(\d+)\s*[xX]\s*$")
_SECTION_RE = re.compile(r"^(warm[\s-]?up|cool[\s-]?down)$", re.IGNORECASE)

_DISTANCE_UNITS = {
    "km": DistanceUnit.KM,
    "mtr": DistanceUnit.METRE,
    "mi": DistanceUnit.MILE,
    "yrd": DistanceUnit.YARD,
    "yd": DistanceUnit.YARD,
    "yards": DistanceUnit.YARD,
}
_PACE_PERS = {p.value: p for p in PacePer}
_WINDOWS = ("1s", "3s", "10s", "30s", "lap")
_KEYWORD_FLAGS = {"freeride": "freeride", "maxeffort": "maxeffort", "hidepower": "hidepower"}

# Hints for words that look like a value but are not one planc (or intervals.icu) reads.
_UNIT_HINTS = (
    (re.compile(r"^(\d+)\s*(min|mins|minute|minutes)$", re.I), "{0}m", "minutes are written {0}m"),
    (re.compile(r"^(\d+)\s*(sec|secs|second|seconds)$", re.I), "{0}s", "seconds are written {0}s"),
    (re.compile(r"^(\d+)\s*(hr|hrs|hour|hours)$", re.I), "{0}h", "hours are written {0}h"),
    (re.compile(r"^(\d+(?:\.\d+)?)\s*(meters|metres|meter|metre|mtrs)$", re.I), "{0}mtr",
     "metres are written {0}mtr (m means minutes)"),
    (re.compile(r"^(\d+)\.(\d+)h$", re.I), None, "durations take whole numbers: write e.g. 1h30m"),
    (re.compile(r"^(\d+)\.(\d+)m$", re.I), None, "durations take whole numbers: write e.g. 1m30"),
    (re.compile(r"^(\d+):(\d\d)$"), "{0}m{1}s",
     "a duration is written {0}m{1}s; a pace needs a unit and the word Pace, e.g. {0}:{1}/km Pace"),
    (re.compile(r"^(\d+)\s*W(att)?s?$", re.I), "{0}w", "watts are written {0}w"),
)


def _range_of(text: str, divisor: float = 1.0) -> Range:
    """The number or ``a-b`` range in a token; percentages are divided by 100."""
    m = _RANGE_RE.search(text)
    if m:
        return Range(float(m.group(1)) / divisor, float(m.group(2)) / divisor)
    n = _NUMBER_RE.search(text)
    v = float(n.group(0)) / divisor if n else 0.0
    return Range(v, v)


def _zone_range(text: str) -> Range:
    nums = re.findall(r"\d+", text)
    a = float(nums[0])
    b = float(nums[1]) if len(nums) > 1 else a
    return Range(a, b)


def parse_duration_token(text: str) -> float:
    """Seconds in a duration token (``1h45m``, ``1m30``, ``30s``, ``1'30"``)."""
    if "'" in text or '"' in text:
        m = _SHORT_DURATION_RE.match(text)
        assert m is not None
        return float(int(m.group(1) or 0) * 60 + int(m.group(2) or 0))
    m = _DURATION_RE.match(text)
    assert m is not None
    h, mi, s = (int(g) if g else 0 for g in m.groups())
    return float(h * 3600 + mi * 60 + s)


def parse_pace_seconds(text: str) -> list[float]:
    """Seconds per pace unit for each ``m:ss`` in the token."""
    return [int(a) * 60 + float(b) for a, b in _PACE_RE.findall(text)]


def default_pace_per(sport: str) -> PacePer:
    family = sport_family(sport)
    if family == "swim":
        return PacePer.M100
    if sport in ("Rowing", "VirtualRow"):
        return PacePer.M500
    return PacePer.KM


def _spans_cover(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


_STEP_VALUE_TERMINALS = (
    "DURATION", "DISTANCE", "POWER_PCT", "POWER_W", "POWER_ZONE", "HR_PCT", "HR_ZONE", "HR_BPM",
    "PACE_PCT", "PACE_ZONE", "PACE_ABS", "PACE_NO_KEYWORD", "CADENCE", "PRESS_LAP", "OPTION",
    "INLINE_REPEAT",
)
_VALUE_WORD_RE = None


def is_label_word(word: str) -> bool:
    """Would this whitespace-free word stay part of a label?  (Same terminals as the grammar.)"""
    global _VALUE_WORD_RE
    if _VALUE_WORD_RE is None:
        defs = {t.name: t.pattern.to_regexp() for t in _parser().terminals}
        _VALUE_WORD_RE = re.compile(
            "|".join(f"(?:{defs[name]})" for name in _STEP_VALUE_TERMINALS))
    core = word.rstrip(",;)")
    if not core:
        return True
    if core.lower() in _KEYWORD_FLAGS or _UNITISH_RE.match(core):
        return False
    return _VALUE_WORD_RE.fullmatch(core) is None


# ------------------------------------------------------------------ steps --


class _StepReader:
    """Applies intervals.icu's rules to the tokens of one step line."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.source_lines = source.split("\n")
        self.sport = sport
        self.diags = diags

    def _slice(self, first, last) -> str:
        line = self.source_lines[first.line - 1]
        return line[first.column - 1 : (last.end_column or last.column + len(last)) - 1].strip()

    def read(self, line: _Line) -> Step | None:
        d = self.diags
        tokens = line.tokens
        label_toks: list = []
        label_open = True
        label_dropped_by = None
        words_after_zone: list[str] = []
        amount = None
        amount_tok = None
        ramp_tok = None
        targets: dict[str, object] = {}
        target_toks: dict[str, object] = {}
        flags: dict[str, bool] = {}
        options: dict[str, str] = {}
        trailing: list[str] = []
        bad = False
        dash_span = Span.point(line.line, line.column)

        for tok in tokens:
            kind = tok.type
            value = str(tok)
            span = _tok_span(tok)
            low = value.lower()
            if label_open:
                if kind in ("WORD", "PUNCT") and low not in _KEYWORD_FLAGS and not _UNITISH_RE.match(value):
                    label_toks.append(tok)
                    continue
                label_open = False
                if kind in ("POWER_ZONE", "HR_ZONE", "PACE_ZONE") and amount is None:
                    label_dropped_by = tok
            elif kind == "WORD" and amount is None and label_dropped_by is not None:
                words_after_zone.append(value)
            if kind in ("DURATION", "DISTANCE"):
                if amount is not None:
                    d.append(error(
                        "two-durations",
                        f"step has a second duration or distance '{value}' (the first is "
                        f"'{amount_tok}')",
                        span,
                        "a step takes exactly one; for a rest after it add its own step, "
                        "e.g. '- 20s intensity=rest'",
                    ))
                    bad = True
                    continue
                amount_tok = tok
                amount = self._amount(kind, value, span)
                if amount is None:
                    bad = True
            elif kind in ("POWER_PCT", "POWER_W", "POWER_ZONE"):
                self._set_target(targets, target_toks, "power", self._power(kind, value, span), tok)
            elif kind in ("HR_PCT", "HR_ZONE", "HR_BPM"):
                self._set_target(targets, target_toks, "hr", self._hr(kind, value, span), tok)
            elif kind in ("PACE_PCT", "PACE_ZONE", "PACE_ABS"):
                pace = self._pace(kind, value, span)
                if pace is None:
                    bad = True
                else:
                    self._set_target(targets, target_toks, "pace", pace, tok)
            elif kind == "PACE_NO_KEYWORD":
                d.append(error(
                    "pace-without-keyword",
                    f"pace '{value}' has no 'Pace' after it; intervals.icu silently drops it",
                    span,
                    f"write '{value} Pace'",
                ))
                bad = True
            elif kind == "CADENCE":
                self._set_target(targets, target_toks, "cadence",
                                 CadenceTarget(_range_of(value), span), tok)
            elif kind == "PRESS_LAP":
                flags["until_lap_press"] = True
            elif kind == "OPTION":
                if not self._option(value, span, options):
                    bad = True
            elif kind == "INLINE_REPEAT":
                d.append(error(
                    "inline-repeat",
                    f"'{value}' on a step line is not a repeat for intervals.icu",
                    span,
                    f"put '{value}' on its own line before the steps to repeat, and end the "
                    "block with a blank line",
                ))
                bad = True
            elif low == "ramp":
                ramp_tok = tok
            elif low in _KEYWORD_FLAGS:
                flags[_KEYWORD_FLAGS[low]] = True
            elif _UNITISH_RE.match(value):
                self._unknown(value, span)
                bad = True
            elif kind == "PUNCT" and trailing:
                trailing[-1] += value
            elif kind != "PUNCT":
                trailing.append(value)

        label = self._slice(label_toks[0], label_toks[-1]) if label_toks else None
        if label and label.lower().split()[0] == "ramp" and not ramp_tok:
            d.append(warning(
                "ramp-in-label",
                "'ramp' before the duration is read as label text, so this step is steady",
                _tok_span(label_toks[0]),
                "write the keyword after the duration, e.g. '- 10m ramp 50-75%'",
            ))
        if label_dropped_by is not None and (label or words_after_zone):
            dropped = label or " ".join(words_after_zone)
            d.append(warning(
                "label-dropped",
                f"intervals.icu drops the label '{dropped}' because the zone "
                f"'{label_dropped_by}' comes before the duration",
                _tok_span(label_dropped_by),
                "put the zone after the duration, e.g. '- Easy 10m Z2'",
            ))
            label = None
        if label and any(c in label for c in "<>&"):
            d.append(warning(
                "label-html",
                "intervals.icu stores '<', '>' and '&' in labels HTML-escaped",
                _spans_cover(_tok_span(label_toks[0]), _tok_span(label_toks[-1])),
                "write the label with plain words",
            ))

        if amount is None:
            if not bad:
                full = Span(line.line, line.column, line.line, line.column + 1 + sum(
                    len(str(t)) + 1 for t in tokens))
                if not tokens or all(set(str(t)) <= set("-=_*~") for t in tokens[:1]):
                    d.append(warning(
                        "divider",
                        "a line starting with '-' is a step for intervals.icu; this one has no "
                        "duration, so it is dropped",
                        full,
                        "remove the line, or start it with '//' to make it a comment",
                    ))
                else:
                    d.append(error(
                        "no-duration",
                        "step has no duration or distance; intervals.icu silently drops it",
                        full,
                        "add a duration such as '5m' or '30s', or a distance such as '400mtr'",
                    ))
            return None

        ramp = ramp_tok is not None
        if ramp:
            ramp_target = next((targets[k] for k in ("power", "hr", "pace") if k in targets), None)
            if ramp_target is None or ramp_target.value.is_single:
                d.append(error(
                    "ramp-without-range",
                    "'ramp' needs a range to ramp over",
                    _tok_span(ramp_tok),
                    "give start and end, e.g. 'ramp 50-75%' (or 'ramp 75-50%' going down)",
                ))
                bad = True
        else:
            for key in ("power", "hr"):
                t = targets.get(key)
                if t is not None and t.value.start > t.value.end:
                    tv = target_toks[key]
                    d.append(warning(
                        "reversed-range",
                        f"range '{tv}' goes down; without 'ramp' it is a steady band",
                        _tok_span(tv),
                        "write it low-high, or add 'ramp' before it for a falling ramp",
                    ))
        if isinstance(amount, Duration) and amount.seconds <= 0:
            d.append(error(
                "zero-duration",
                f"step duration '{amount_tok}' is zero; intervals.icu drops it",
                amount.span,
                "give the step a length, or remove it",
            ))
            bad = True
        if isinstance(amount, Distance) and amount.metres <= 0:
            d.append(error("zero-distance", f"step distance '{amount_tok}' is zero", amount.span,
                           "give the step a length, or remove it"))
            bad = True
        if amount_tok is not None and amount_tok.type == "DURATION":
            self._minutes_or_metres(str(amount_tok), amount, _tok_span(amount_tok))
        if bad:
            return None
        intensity = options.get("intensity")
        return Step(
            amount=amount,
            label=label,
            ramp=ramp,
            power=targets.get("power"),
            hr=targets.get("hr"),
            pace=targets.get("pace"),
            cadence=targets.get("cadence"),
            intensity=Intensity(intensity) if intensity else None,
            until_lap_press=flags.get("until_lap_press", False),
            freeride=flags.get("freeride", False),
            maxeffort=flags.get("maxeffort", False),
            hidepower=flags.get("hidepower", False),
            power_window=options.get("power"),
            hr_window=options.get("hr"),
            trailing=" ".join(trailing) or None,
            span=_spans_cover(dash_span, _tok_span(tokens[-1])) if tokens else dash_span,
        )

    # -- helpers

    def _unknown(self, value: str, span: Span) -> None:
        hint = None
        for pattern, fix, text in _UNIT_HINTS:
            m = pattern.match(value)
            if m:
                hint = text.format(*m.groups())
                if fix:
                    hint = hint.replace(fix.format(*m.groups()), f"'{fix.format(*m.groups())}'", 1)
                break
        self.diags.append(error(
            "unknown-token",
            f"'{value}' is not a duration, distance or target planc understands",
            span,
            hint or "durations: 30s 10m 1h 1m30 2m30s; distances: 2km 400mtr 1mi; targets: 75% "
            "200w Z2 70% HR 5:00/km Pace 90rpm",
        ))

    def _set_target(self, targets, target_toks, key, value, tok) -> None:
        if key in targets:
            self.diags.append(warning(
                "duplicate-target",
                f"a second {key} target '{tok}' replaces '{target_toks[key]}' (the last one wins)",
                _tok_span(tok),
                "keep one target of each kind per step",
            ))
        targets[key] = value
        target_toks[key] = tok
        if "–" in str(tok):
            self.diags.append(warning(
                "non-ascii-dash", f"'{tok}' uses an en dash; intervals.icu expects '-'",
                _tok_span(tok), f"write '{str(tok).replace('–', '-')}'"))
        if value is not None and getattr(value, "value", None) is not None:
            tok_text = str(tok)
            if re.search(r"[-–]", tok_text.split()[0]) and value.value.is_single:
                self.diags.append(warning(
                    "empty-range", f"range '{tok}' has the same start and end",
                    _tok_span(tok), "write a single value"))

    def _amount(self, kind: str, value: str, span: Span):
        if kind == "DURATION":
            return Duration(parse_duration_token(value), span)
        m = re.match(r"(\d+(?:\.\d+)?)([a-z]+)$", value, re.I)
        assert m is not None
        unit = _DISTANCE_UNITS[m.group(2).lower()]
        return Distance(float(m.group(1)) * METRES_PER_UNIT[unit], unit, span)

    def _minutes_or_metres(self, text: str, amount: Duration, span: Span) -> None:
        m = _MINUTES_ONLY_RE.match(text)
        if not m:
            return
        n = int(m.group(1))
        family = sport_family(self.sport)
        plausible_metres = (
            (family == "swim" and n >= 25 and n % 25 == 0)
            or (family == "run" and n >= 100 and n % 50 == 0)
        )
        if plausible_metres or n > 180:
            self.diags.append(warning(
                "minutes-or-metres",
                f"'{text}' means {n} minutes"
                + (f" ({n / 60:.1f} h)" if n >= 60 else "")
                + " — 'm' is minutes in intervals.icu",
                span,
                f"for metres write '{n}mtr'",
            ))

    def _power(self, kind: str, value: str, span: Span) -> PowerTarget:
        if kind == "POWER_PCT":
            return PowerTarget(PowerUnit.FTP, _range_of(value, 100), span)
        if kind == "POWER_W":
            return PowerTarget(PowerUnit.WATTS, _range_of(value), span)
        return PowerTarget(PowerUnit.ZONE, _zone_range(value), span)

    def _hr(self, kind: str, value: str, span: Span) -> HrTarget:
        if kind == "HR_PCT":
            unit = HrUnit.LTHR if value.lower().endswith("lthr") else HrUnit.MAX
            number = value[: value.lower().rfind("%") + 1]
            return HrTarget(unit, _range_of(number, 100), span)
        if kind == "HR_BPM":
            return HrTarget(HrUnit.BPM, _range_of(value), span)
        return HrTarget(HrUnit.ZONE, _zone_range(value.split()[0]), span)

    def _pace(self, kind: str, value: str, span: Span) -> PaceTarget | None:
        if kind == "PACE_PCT":
            number = value[: value.rfind("%") + 1]
            return PaceTarget(PaceUnit.THRESHOLD, _range_of(number, 100), span=span)
        if kind == "PACE_ZONE":
            return PaceTarget(PaceUnit.ZONE, _zone_range(value.split()[0]), span=span)
        body = value.split()[0]
        per_text = body.split("/", 1)[1].lower() if "/" in body else None
        if per_text is None:
            per = default_pace_per(self.sport)
            self.diags.append(warning(
                "pace-unit",
                f"'{value}' has no unit: intervals.icu uses the athlete's pace unit; planc "
                f"assumes /{per.value} for {self.sport}",
                span,
                f"write '{body}/{per.value} Pace' to be explicit",
            ))
            explicit = False
        elif per_text in _PACE_PERS:
            per = _PACE_PERS[per_text]
            explicit = True
        else:
            fix = per_text.replace("mtr", "m").replace("yrd", "y").replace("yd", "y")
            hint = (f"pace units are written with m or y: '/{fix}'" if fix in _PACE_PERS
                    else "pace units: /km /mi /100m /100y /500m /400m /250m")
            self.diags.append(error(
                "pace-unit",
                f"intervals.icu does not read the pace unit '/{per_text}' and drops the target",
                span, hint))
            return None
        metres = PACE_PER_METRES[per]
        secs = parse_pace_seconds(body)
        if any(s <= 0 for s in secs):
            self.diags.append(error("zero-pace", f"pace '{body}' is zero", span,
                                    "write minutes:seconds, e.g. 5:00/km"))
            return None
        speeds = [metres / s for s in secs]
        start = speeds[0]
        end = speeds[1] if len(speeds) > 1 else start
        return PaceTarget(PaceUnit.SPEED, Range(start, end), per, explicit, span)

    def _option(self, value: str, span: Span, options: dict[str, str]) -> bool:
        key, _, val = value.partition("=")
        key_l, val_l = key.lower(), val.lower()
        if key_l == "intensity":
            choices = [i.value for i in Intensity]
            if val_l in choices:
                options["intensity"] = val_l
                return True
            guess = did_you_mean(val_l, choices)
            self.diags.append(error(
                "bad-option", f"unknown intensity '{val}'", span,
                f"did you mean 'intensity={guess}'?" if guess else
                "one of: " + ", ".join(choices)))
            return False
        if key_l in ("power", "hr"):
            if val_l in _WINDOWS:
                options[key_l] = val_l
                return True
            self.diags.append(error(
                "bad-option", f"unknown {key_l} averaging window '{val}'", span,
                f"one of: {', '.join(key_l + '=' + w for w in _WINDOWS)}"))
            return False
        guess = did_you_mean(key_l, ["intensity", "power", "hr"])
        self.diags.append(error(
            "bad-option", f"unknown option '{key}='", span,
            f"did you mean '{guess}='?" if guess else "options: intensity=, power=, hr="))
        return False


# ---------------------------------------------------------------- blocks --


@dataclass(slots=True)
class _OpenRepeat:
    count: int
    title: str
    indent: int
    span: Span
    children: list = field(default_factory=list)


@dataclass(slots=True)
class _OpenBlock:
    title: str | None
    section: Section | None
    span: Span
    children: list = field(default_factory=list)


class _Builder:
    """Turns line records into the node tree (blank lines end blocks)."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.diags = diags
        self.steps = _StepReader(source, sport, diags)
        self.body: list[Node] = []
        self.pending: list[_Line] = []  # prose lines not yet known to be a note or a title
        self.block: _OpenBlock | None = None
        self.repeats: list[_OpenRepeat] = []  # open repeat stack, outermost first
        self.last_step: tuple[list, int] | None = None  # (container, index) of the last step
        self.pool: PoolLength | None = None

    # -- closing

    def _close_repeats(self, down_to: int = 0) -> None:
        while len(self.repeats) > down_to:
            rep = self.repeats.pop()
            node = Repeat(rep.count, tuple(rep.children), rep.title, rep.span)
            if not any(isinstance(c, Step | Repeat) for c in rep.children):
                self.diags.append(error(
                    "empty-repeat",
                    f"repeat '{(rep.title + ' ' if rep.title else '')}{rep.count}x' has no steps",
                    rep.span,
                    "put step lines ('- …') directly under the header; nested steps must be "
                    "indented deeper than a nested header",
                ))
            if self.repeats:
                self.repeats[-1].children.append(node)
            else:
                self._top(node)

    def _close_block(self) -> None:
        if self.block is not None:
            b = self.block
            self.block = None
            if b.children:
                self._top(Block(tuple(b.children), b.title, b.section, b.span))
            elif b.title:  # every step under the title was dropped: keep the title as prose
                self._top(Note(b.title, b.span))

    def _top(self, node: Node) -> None:
        self.body.append(node)

    def _flush_pending(self) -> None:
        if self.pending:
            first, last = self.pending[0], self.pending[-1]
            text = "\n".join(_unescape(p.text) for p in self.pending)
            span = Span(first.line, first.column, last.line, last.column + len(last.text))
            self.pending = []
            note = Note(text, span)
            if self.repeats:
                self.repeats[-1].children.append(note)
            else:
                self._top(note)

    def close_all(self) -> None:
        self._close_repeats()
        self._close_block()
        self._flush_pending()
        self.last_step = None

    # -- lines

    def add(self, line: _Line) -> None:
        kind = line.kind
        if kind == "comment":
            return
        if kind == "cue":
            self._cue(line)
            return
        self_last = self.last_step
        self.last_step = None
        if kind == "blank":
            self.close_all()
        elif kind == "prose":
            if self.repeats and not self.pending:
                # prose inside a repeat block: a note that travels with the repeat
                self.repeats[-1].children.append(
                    Note(_unescape(line.text), Span(line.line, line.column, line.line,
                                                    line.column + len(line.text))))
                return
            self._close_block()
            self.pending.append(line)
        elif kind == "pool":
            self._pool(line)
        elif kind == "repeat":
            self._repeat(line, self_last)
        elif kind == "step":
            self._step(line)

    def _pool(self, line: _Line) -> None:
        m = re.search(r"(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", line.text, re.I)
        assert m is not None
        unit_text = m.group(2).lower() or "m"
        span = Span(line.line, line.column, line.line, line.column + len(line.text))
        units = {"m": DistanceUnit.METRE, "mtr": DistanceUnit.METRE, "meters": DistanceUnit.METRE,
                 "metres": DistanceUnit.METRE, "y": DistanceUnit.YARD, "yd": DistanceUnit.YARD,
                 "yrd": DistanceUnit.YARD, "yards": DistanceUnit.YARD}
        if unit_text not in units:
            self.diags.append(error("pool-length", f"unknown pool length unit '{m.group(2)}'",
                                    span, "write 'Pool length: 25m' or 'Pool length: 25y'"))
            return
        unit = units[unit_text]
        if self.pool is not None:
            self.diags.append(warning("pool-length", "second 'Pool length' line replaces the "
                                      "first", span, "keep one"))
        self.pool = PoolLength(float(m.group(1)) * METRES_PER_UNIT[unit], unit, span)

    def _repeat(self, line: _Line, after_step) -> None:
        m = _INLINE_REPEAT_RE.search(line.text)
        assert m is not None
        count = int(m.group(1))
        title = line.text[: m.start()].strip()
        span = Span(line.line, line.column, line.line, line.column + len(line.text))
        count_span = Span(line.line, line.column + m.start(1), line.line, line.column + m.end(1))
        if self.repeats and line.column > self.repeats[-1].indent:
            # planc extension: a header indented under an open repeat nests inside it
            self._flush_pending()
            self.repeats.append(_OpenRepeat(count, title, line.column, span))
            self._check_count(count, count_span)
            return
        if self.repeats or self.block is not None:
            self.diags.append(warning(
                "missing-blank-line",
                "repeat header follows steps without a blank line; intervals.icu may merge the "
                "blocks or drop the repeat",
                span,
                "leave a blank line before the header (indent it under an open repeat to "
                "nest it)",
            ))
        self._close_repeats()
        self._close_block()
        self._flush_pending()
        self.repeats.append(_OpenRepeat(count, title, line.column, span))
        self._check_count(count, count_span)

    def _check_count(self, count: int, span: Span) -> None:
        if count < 1:
            self.diags.append(error("repeat-count", f"repeat count {count} repeats nothing",
                                    span, "use 2x or more, or remove the header"))
        elif count == 1:
            self.diags.append(warning("repeat-count", "1x repeats once; the header adds nothing",
                                      span, "remove the header, or use 2x or more"))
        elif count > MAX_REPEAT_COUNT:
            self.diags.append(error(
                "repeat-count", f"repeat count {count} is absurd (planc allows up to "
                f"{MAX_REPEAT_COUNT})", span, "split the set, or check the number"))

    def _step(self, line: _Line) -> None:
        # pop nested repeats the step is not indented under
        while len(self.repeats) > 1 and line.column <= self.repeats[-1].indent:
            self._close_repeats(len(self.repeats) - 1)
        step = self.steps.read(line)
        if self.repeats:
            self._flush_pending()
            container = self.repeats[-1].children
        else:
            if self.block is None:
                title_line = self.pending.pop() if self.pending else None
                self._flush_pending()
                title = _unescape(title_line.text) if title_line else None
                section = None
                if title and _SECTION_RE.match(title):
                    section = Section.WARMUP if title.lower().startswith("w") else Section.COOLDOWN
                    written, title = title, section.value.capitalize()
                    if written != title:
                        self.diags.append(warning(
                            "section-spelling",
                            f"intervals.icu marks steps as {section.value} only under a "
                            f"'{section.value.capitalize()}' header",
                            Span(title_line.line, title_line.column, title_line.line,
                                 title_line.column + len(title_line.text)),
                            f"write '{section.value.capitalize()}'",
                        ))
                start = (Span(title_line.line, title_line.column, title_line.line,
                              title_line.column + len(title_line.text))
                         if title_line else Span.point(line.line, line.column))
                self.block = _OpenBlock(title, section, start)
            container = self.block.children
        if step is not None:
            if self.block is not None and self.block.section and not self.repeats:
                step = _with_section(step, self.block.section)
            container.append(step)
            self.last_step = (container, len(container) - 1)

    def _cue(self, line: _Line) -> None:
        span = Span(line.line, line.column, line.line, line.column + 1)
        if self.last_step is None:
            self.diags.append(error(
                "orphan-cue", "a cue line ('>') must follow a step line", span,
                "put the cue directly under the step it belongs to"))
            return
        container, index = self.last_step
        step: Step = container[index]
        offset = 0.0
        text = ""
        for tok in line.tokens:
            if tok.type == "CUE_AT":
                v = str(tok)
                if re.match(r"\d+(\.\d+)?(km|mtr|mi|yrd)$", v):
                    unit = _DISTANCE_UNITS[re.sub(r"[\d.]", "", v)]
                    offset = float(re.match(r"[\d.]+", v).group(0)) * METRES_PER_UNIT[unit]
                    if not isinstance(step.amount, Distance):
                        self.diags.append(error("cue-offset", "a distance offset needs a "
                                                "distance step", _tok_span(tok),
                                                "give the offset as a time, e.g. '> 2m …'"))
                        return
                else:
                    offset = parse_duration_token(v)
                    if isinstance(step.amount, Distance):
                        self.diags.append(error("cue-offset", "a time offset on a distance "
                                                "step", _tok_span(tok),
                                                "give the offset as a distance, e.g. '> 400mtr …'"))
                        return
            else:
                text = str(tok).strip()
        length = step.amount.seconds if isinstance(step.amount, Duration) else step.amount.metres
        if offset >= length:
            self.diags.append(error(
                "cue-offset", f"cue at {offset:g} is past the end of its step ({length:g})",
                span, "use an offset inside the step"))
            return
        if not text:
            self.diags.append(error("empty-cue", "cue has no text", span,
                                    "write the prompt after the offset: '> 2m Spin up'"))
            return
        cue = Cue(offset, text, Span(line.line, line.column, line.line,
                                     line.column + 2 + len(text)))
        container[index] = _with_cues(step, (*step.cues, cue))
        self.last_step = (container, index)


def _with_section(step: Step, section: Section) -> Step:
    import dataclasses

    return dataclasses.replace(step, section=section)


def _with_cues(step: Step, cues: tuple[Cue, ...]) -> Step:
    import dataclasses

    return dataclasses.replace(step, cues=cues)


def _unescape(text: str) -> str:
    """A prose line escaped with a backtick (``\\`- not a step``) reads back without it."""
    if text.startswith("`") and text[1:2] in ("-", ">", "/", "`"):
        return text[1:]
    return text


# ------------------------------------------------------------ front matter --

HEADER_KEYS = ("name", "sport", "description", "tags")


def _front_matter(front, diags: list[Diagnostic]) -> dict:
    out: dict = {}
    for _, children in front:
        key_tok = children[0]
        key = str(key_tok).rstrip(" \t:").lower()
        value = str(children[1]).strip() if len(children) > 1 else ""
        span = _tok_span(key_tok)
        if key not in HEADER_KEYS:
            guess = did_you_mean(key, HEADER_KEYS)
            diags.append(error("header-key", f"unknown header key '{key}'", span,
                               f"did you mean '{guess}'?" if guess else
                               "header keys: " + ", ".join(HEADER_KEYS)))
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key == "tags":
            inner = value.strip("[]")
            out["tags"] = tuple(t.strip().strip("\"'") for t in inner.split(",") if t.strip())
        elif key == "sport":
            canonical = {s.lower(): s for s in SPORTS}.get(value.lower())
            if canonical is None:
                guess = did_you_mean(value, SPORTS)
                vspan = _tok_span(children[1]) if len(children) > 1 else span
                diags.append(error("unknown-sport", f"unknown sport '{value}'", vspan,
                                   f"did you mean '{guess}'?" if guess else
                                   "intervals.icu types: " + ", ".join(SPORTS)))
                continue
            out["sport"] = canonical
        else:
            out[key] = value
    return out


# ------------------------------------------------------------------ entry --

MAX_REPEAT_COUNT = 200


@dataclass(slots=True)
class Parsed:
    workout: Workout | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.workout is not None and not any(d.is_error for d in self.diagnostics)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.endswith("\n"):
        text += "\n"
    return text


def _syntax_error(exc, text: str) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = getattr(exc, "line", 0) or 0
    column = getattr(exc, "column", 0) or 0
    if (isinstance(exc, UnexpectedToken) and exc.token.type == "$END") or isinstance(
            exc, UnexpectedEOF):
        return error("syntax", "the header opened with '---' is never closed",
                     Span.point(1, 1, 3), "end the header with a line '---'")
    if isinstance(exc, UnexpectedCharacters | UnexpectedToken):
        src = text.split("\n")[line - 1] if line else ""
        if text.startswith("---\n") and line > 1:
            return error("header-syntax", "expected 'key: value' in the header",
                         Span(line, column, line, column + max(1, len(src.strip()))),
                         "header lines look like 'name: Sweet spot'; close the header with "
                         "'---'")
    return error("syntax", "unexpected text", Span.point(max(line, 1), max(column, 1)))


_FRONT_MATTER_START = re.compile(r"---\n[ \t]*([A-Za-z_][A-Za-z0-9_-]*[ \t]*:|---\n)")
_MEMO: dict[tuple, Parsed] = {}
_MEMO_SIZE = 1024


def parse_workout(text: str, *, path: str = "<input>", sport: str | None = None,
                  name: str | None = None, checks: bool = True) -> Parsed:
    """Parse and check one workout.  ``sport``/``name`` override the header.

    Results are memoised by content (the AST and diagnostics are immutable), so a
    plan that uses the same library workout every week parses it once.
    """
    key = (text, path, sport, name, checks)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _parse_workout(text, path=path, sport=sport, name=name, checks=checks)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = hit
    return Parsed(hit.workout, list(hit.diagnostics))


def _parse_workout(text: str, *, path: str, sport: str | None, name: str | None,
                   checks: bool) -> Parsed:
    from lark.exceptions import UnexpectedInput

    diags: list[Diagnostic] = []
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        diags.append(error("too-large", f"workout text is larger than {MAX_TEXT_BYTES} bytes",
                           Span.point(1, 1), "split it"))
        return Parsed(None, [d.with_path(path) for d in diags])
    text = _normalise(text)
    if text.startswith("---\n") and not _FRONT_MATTER_START.match(text):
        # a leading '---' divider, not a header: read it as the step line it is for
        # intervals.icu (same length, so every position stays put)
        text = "- -" + text[3:]
    try:
        records = _parser().parse(text)
    except UnexpectedInput as exc:
        diags.append(_syntax_error(exc, text))
        return Parsed(None, sorted((d.with_path(path) for d in diags), key=sort_key))
    lines, front = _split_front(records)
    header = _front_matter(front, diags) if front is not None else {}
    effective_sport = sport or header.get("sport") or "Ride"
    builder = _Builder(text, effective_sport, diags)
    for line in lines:
        builder.add(line)
    builder.close_all()
    workout = Workout(
        body=tuple(builder.body),
        sport=effective_sport,
        name=name or header.get("name"),
        description=header.get("description"),
        tags=header.get("tags", ()),
        pool_length=builder.pool,
        span=Span(1, 1, text.count("\n") + 1, 1),
    )
    if checks:
        from planc.check import check_workout

        diags.extend(check_workout(workout))
    out = sorted((d.with_path(path) for d in diags), key=sort_key)
    failed = any(d.is_error for d in out)
    return Parsed(None if failed else workout, out)

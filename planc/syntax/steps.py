"""intervals.icu's positional rules for the tokens of one step line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planc.ast import (
    CadenceTarget,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Span,
    Step,
)
from planc.diagnostics import Diagnostic, did_you_mean, error, warning
from planc.syntax.grammar import Line, tok_span
from planc.syntax.tokens import (
    DISTANCE_UNITS,
    KEYWORD_FLAGS,
    MINUTES_ONLY_RE,
    PACE_PERS,
    UNIT_HINTS,
    UNITISH_RE,
    WINDOWS,
    default_pace_per,
    pace_parts,
    parse_duration_token,
    parse_pace_seconds,
    range_of,
    spans_cover,
    zone_range,
)
from planc.units import METRES_PER_UNIT, PACE_PER_METRES, sport_family

# ------------------------------------------------------------------ steps --


# leftover words that were meant as targets: '-50%', '50 %' (joined), '50-60-70%', '-5:00/km'
TARGETISH_RE = re.compile(r"\d-?%|\d(?:w|rpm|bpm)$|\d:\d\d/", re.IGNORECASE)


def _targetish(words: list[str], spans: list[Span]) -> list[tuple[str, Span]]:
    """Leftover words (with their spans) that were meant as targets; a lone '%' after a
    number joins it ('50 %')."""
    found = []
    for i, (text, where) in enumerate(zip(words, spans, strict=True)):
        if text == "%" and i and re.search(r"\d-?$", words[i - 1]):
            found.append((f"{words[i - 1]} %", Span(spans[i - 1].line, spans[i - 1].column,
                                                    where.end_line, where.end_column)))
        elif TARGETISH_RE.search(text):
            found.append((text, where))
    return found


@dataclass(slots=True)
class _Reading:
    """What the tokens of one step line have said so far (one per line read)."""

    line: Line
    label_toks: list = field(default_factory=list)
    label_open: bool = True
    label_dropped_by: object = None  # the zone token that came before the duration
    words_after_zone: list[str] = field(default_factory=list)
    amount: Duration | Distance | None = None
    amount_tok: object = None
    ramp_tok: object = None
    targets: dict[str, object] = field(default_factory=dict)
    target_toks: dict[str, object] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)
    trailing_spans: list[Span] = field(default_factory=list)
    bad: bool = False  # a diagnostic error: the step is left out


_ZONE_KINDS = ("POWER_ZONE", "HR_ZONE", "PACE_ZONE")


class StepReader:
    """Applies intervals.icu's rules to the tokens of one step line."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.source_lines = source.split("\n")
        self.sport = sport
        self.diags = diags
        self._by_kind = {
            "DURATION": self._amount_token, "DISTANCE": self._amount_token,
            "POWER_PCT": self._power_token, "POWER_W": self._power_token,
            "POWER_ZONE": self._power_token,
            "HR_PCT": self._hr_token, "HR_ZONE": self._hr_token, "HR_BPM": self._hr_token,
            "PACE_PCT": self._pace_token, "PACE_ZONE": self._pace_token,
            "PACE_ABS": self._pace_token,
            "PACE_NO_KEYWORD": self._pace_without_keyword,
            "CADENCE": self._cadence_token,
            "PRESS_LAP": self._press_lap,
            "OPTION": self._option_token,
            "INLINE_REPEAT": self._inline_repeat,
        }

    def _slice(self, first, last) -> str:
        line = self.source_lines[first.line - 1]
        return line[first.column - 1 : (last.end_column or last.column + len(last)) - 1].strip()

    def read(self, line: Line) -> Step | None:
        """The step a line says, or None when it is dropped or has errors (reported)."""
        r = _Reading(line)
        for tok in line.tokens:
            if not self._label_token(r, tok):
                self._value_token(r, tok)
        self._warn_targetish(r)
        label = self._label(r)
        if r.amount is None:
            if not r.bad:
                self._no_amount(line)
            return None
        ramp = self._ramp(r)
        self._check_amount(r)
        if r.bad:
            return None
        return self._step(r, label, ramp)

    # -- the tokens, left to right

    def _label_token(self, r: _Reading, tok) -> bool:
        """Take ``tok`` into the label while the label is open; True when taken."""
        value = str(tok)
        if r.label_open:
            if (tok.type in ("WORD", "PUNCT") and value.lower() not in KEYWORD_FLAGS
                    and not UNITISH_RE.match(value)):
                r.label_toks.append(tok)
                return True
            r.label_open = False
            if tok.type in _ZONE_KINDS and r.amount is None:
                r.label_dropped_by = tok
        elif tok.type == "WORD" and r.amount is None and r.label_dropped_by is not None:
            r.words_after_zone.append(value)
        return False

    def _value_token(self, r: _Reading, tok) -> None:
        handler = self._by_kind.get(tok.type)
        if handler is not None:
            handler(r, tok)
        else:
            self._word_token(r, tok)

    def _amount_token(self, r: _Reading, tok) -> None:
        value, span = str(tok), tok_span(tok)
        if r.amount is not None:
            self.diags.append(error(
                "two-durations",
                f"step has a second duration or distance '{value}' (the first is "
                f"'{r.amount_tok}')",
                span,
                "a step takes exactly one; for a rest after it add its own step, "
                "e.g. '- 20s intensity=rest'",
            ))
            r.bad = True
            return
        r.amount_tok = tok
        r.amount = self._amount(tok.type, value, span)
        if r.amount is None:
            r.bad = True

    def _power_token(self, r: _Reading, tok) -> None:
        self._set_target(r.targets, r.target_toks, "power",
                         self._power(tok.type, str(tok), tok_span(tok)), tok)

    def _hr_token(self, r: _Reading, tok) -> None:
        self._set_target(r.targets, r.target_toks, "hr",
                         self._hr(tok.type, str(tok), tok_span(tok)), tok)

    def _pace_token(self, r: _Reading, tok) -> None:
        pace = self._pace(tok.type, str(tok), tok_span(tok))
        if pace is None:
            r.bad = True
        else:
            self._set_target(r.targets, r.target_toks, "pace", pace, tok)

    def _pace_without_keyword(self, r: _Reading, tok) -> None:
        value = str(tok)
        self.diags.append(error(
            "pace-without-keyword",
            f"pace '{value}' has no 'Pace' after it; intervals.icu silently drops it",
            tok_span(tok),
            f"write '{value} Pace'",
        ))
        r.bad = True

    def _cadence_token(self, r: _Reading, tok) -> None:
        self._set_target(r.targets, r.target_toks, "cadence",
                         CadenceTarget(range_of(str(tok)), tok_span(tok)), tok)

    def _press_lap(self, r: _Reading, tok) -> None:
        r.flags["until_lap_press"] = True

    def _option_token(self, r: _Reading, tok) -> None:
        if not self._option(str(tok), tok_span(tok), r.options):
            r.bad = True

    def _inline_repeat(self, r: _Reading, tok) -> None:
        value = str(tok)
        self.diags.append(error(
            "inline-repeat",
            f"'{value}' on a step line is not a repeat for intervals.icu",
            tok_span(tok),
            f"put '{value}' on its own line before the steps to repeat, and end the "
            "block with a blank line",
        ))
        r.bad = True

    def _word_token(self, r: _Reading, tok) -> None:
        """A word after the label: a keyword, a value planc cannot read, or trailing text."""
        value, span = str(tok), tok_span(tok)
        low = value.lower()
        if low == "ramp":
            r.ramp_tok = tok
        elif low in KEYWORD_FLAGS:
            r.flags[KEYWORD_FLAGS[low]] = True
        elif UNITISH_RE.match(value):
            self._unknown(value, span)
            r.bad = True
        elif tok.type == "PUNCT" and r.trailing:
            r.trailing[-1] += value
            last = r.trailing_spans[-1]
            r.trailing_spans[-1] = Span(last.line, last.column, span.end_line, span.end_column)
        elif tok.type != "PUNCT":
            r.trailing.append(value)
            r.trailing_spans.append(span)

    # -- after the last token

    def _warn_targetish(self, r: _Reading) -> None:
        for text, where in _targetish(r.trailing, r.trailing_spans):
            self.diags.append(warning(
                "unread-target",
                f"'{text}' looks like a target but is not one planc or intervals.icu can "
                "read: it stays text, and the step has no such target",
                where,
                "write e.g. '50%', '50-60%', '200w', '5:00/km Pace' (no space before '%', "
                "no sign)",
            ))

    def _label(self, r: _Reading) -> str | None:
        """The label as intervals.icu keeps it (None when it drops it), with warnings."""
        toks = r.label_toks
        label = self._slice(toks[0], toks[-1]) if toks else None
        if label and label.lower().split()[0] == "ramp" and not r.ramp_tok:
            self.diags.append(warning(
                "ramp-in-label",
                "'ramp' before the duration is read as label text, so this step is steady",
                tok_span(toks[0]),
                "write the keyword after the duration, e.g. '- 10m ramp 50-75%'",
            ))
        if r.label_dropped_by is not None and (label or r.words_after_zone):
            dropped = label or " ".join(r.words_after_zone)
            self.diags.append(warning(
                "label-dropped",
                f"intervals.icu drops the label '{dropped}' because the zone "
                f"'{r.label_dropped_by}' comes before the duration",
                tok_span(r.label_dropped_by),
                "put the zone after the duration, e.g. '- Easy 10m Z2'",
            ))
            label = None
        if label and any(c in label for c in "<>&"):
            self.diags.append(warning(
                "label-html",
                "intervals.icu stores '<', '>' and '&' in labels HTML-escaped",
                spans_cover(tok_span(toks[0]), tok_span(toks[-1])),
                "write the label with plain words",
            ))
        return label

    def _no_amount(self, line: Line) -> None:
        tokens = line.tokens
        full = Span(line.line, line.column, line.line, line.column + 1 + sum(
            len(str(t)) + 1 for t in tokens))
        if not tokens or all(set(str(t)) <= set("-=_*~") for t in tokens[:1]):
            self.diags.append(warning(
                "divider",
                "a line starting with '-' is a step for intervals.icu; this one has no "
                "duration, so it is dropped",
                full,
                "remove the line, or start it with '//' to make it a comment",
            ))
        else:
            self.diags.append(error(
                "no-duration",
                "step has no duration or distance; intervals.icu silently drops it",
                full,
                "add a duration such as '5m' or '30s', or a distance such as '400mtr'",
            ))

    def _ramp(self, r: _Reading) -> bool:
        """Whether the step ramps; checks the range it ramps over (or a reversed band)."""
        if r.ramp_tok is not None:
            ramp_target = next((r.targets[k] for k in ("power", "hr", "pace")
                                if k in r.targets), None)
            if ramp_target is None or ramp_target.value.is_single:
                self.diags.append(error(
                    "ramp-without-range",
                    "'ramp' needs a range to ramp over",
                    tok_span(r.ramp_tok),
                    "give start and end, e.g. 'ramp 50-75%' (or 'ramp 75-50%' going down)",
                ))
                r.bad = True
            return True
        for key in ("power", "hr"):
            t = r.targets.get(key)
            if t is not None and t.value.start > t.value.end:
                tv = r.target_toks[key]
                self.diags.append(warning(
                    "reversed-range",
                    f"range '{tv}' goes down; without 'ramp' it is a steady band",
                    tok_span(tv),
                    "write it low-high, or add 'ramp' before it for a falling ramp",
                ))
        return False

    def _check_amount(self, r: _Reading) -> None:
        amount, amount_tok = r.amount, r.amount_tok
        if isinstance(amount, Duration) and amount.seconds <= 0:
            self.diags.append(error(
                "zero-duration",
                f"step duration '{amount_tok}' is zero; intervals.icu drops it",
                amount.span,
                "give the step a length, or remove it",
            ))
            r.bad = True
        if isinstance(amount, Distance) and amount.metres <= 0:
            self.diags.append(error("zero-distance", f"step distance '{amount_tok}' is zero",
                                    amount.span, "give the step a length, or remove it"))
            r.bad = True
        if amount_tok is not None and amount_tok.type == "DURATION":
            self._minutes_or_metres(str(amount_tok), amount, tok_span(amount_tok))

    def _step(self, r: _Reading, label: str | None, ramp: bool) -> Step:
        tokens, line = r.line.tokens, r.line
        dash_span = Span.point(line.line, line.column)
        intensity = r.options.get("intensity")
        return Step(
            amount=r.amount,
            label=label,
            ramp=ramp,
            power=r.targets.get("power"),
            hr=r.targets.get("hr"),
            pace=r.targets.get("pace"),
            cadence=r.targets.get("cadence"),
            intensity=Intensity(intensity) if intensity else None,
            until_lap_press=r.flags.get("until_lap_press", False),
            freeride=r.flags.get("freeride", False),
            maxeffort=r.flags.get("maxeffort", False),
            hidepower=r.flags.get("hidepower", False),
            power_window=r.options.get("power"),
            hr_window=r.options.get("hr"),
            trailing=" ".join(r.trailing) or None,
            span=spans_cover(dash_span, tok_span(tokens[-1])) if tokens else dash_span,
        )

    # -- helpers

    def _unknown(self, value: str, span: Span) -> None:
        hint = None
        for pattern, fix, text in UNIT_HINTS:
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
                tok_span(tok),
                "keep one target of each kind per step",
            ))
        targets[key] = value
        target_toks[key] = tok
        if "–" in str(tok):
            self.diags.append(warning(
                "non-ascii-dash", f"'{tok}' uses an en dash; intervals.icu expects '-'",
                tok_span(tok), f"write '{str(tok).replace('–', '-')}'"))
        if value is not None and getattr(value, "value", None) is not None:
            tok_text = str(tok)
            if re.search(r"[-–]", tok_text.split()[0]) and value.value.is_single:
                self.diags.append(warning(
                    "empty-range", f"range '{tok}' has the same start and end",
                    tok_span(tok), "write a single value"))

    def _amount(self, kind: str, value: str, span: Span):
        if kind == "DURATION":
            return Duration(parse_duration_token(value), span)
        m = re.match(r"(\d+(?:\.\d+)?)([a-z]+)$", value, re.I)
        assert m is not None
        unit = DISTANCE_UNITS[m.group(2).lower()]
        return Distance(float(m.group(1)) * METRES_PER_UNIT[unit], unit, span)

    def _minutes_or_metres(self, text: str, amount: Duration, span: Span) -> None:
        m = MINUTES_ONLY_RE.match(text)
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
            return PowerTarget(PowerUnit.FTP, range_of(value, 100), span)
        if kind == "POWER_W":
            return PowerTarget(PowerUnit.WATTS, range_of(value), span)
        return PowerTarget(PowerUnit.ZONE, zone_range(value), span)

    def _hr(self, kind: str, value: str, span: Span) -> HrTarget:
        if kind == "HR_PCT":
            unit = HrUnit.LTHR if value.lower().endswith("lthr") else HrUnit.MAX
            number = value[: value.lower().rfind("%") + 1]
            return HrTarget(unit, range_of(number, 100), span)
        if kind == "HR_BPM":
            return HrTarget(HrUnit.BPM, range_of(value), span)
        return HrTarget(HrUnit.ZONE, zone_range(value.split()[0]), span)

    def _pace(self, kind: str, value: str, span: Span) -> PaceTarget | None:
        if kind == "PACE_PCT":
            number = value[: value.rfind("%") + 1]
            return PaceTarget(PaceUnit.THRESHOLD, range_of(number, 100), span=span)
        if kind == "PACE_ZONE":
            return PaceTarget(PaceUnit.ZONE, zone_range(value.split()[0]), span=span)
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
        elif per_text in PACE_PERS:
            per = PACE_PERS[per_text]
            explicit = True
        else:
            fix = per_text.replace("mtr", "m").replace("yrd", "y").replace("yd", "y")
            hint = (f"pace units are written with m or y: '/{fix}'" if fix in PACE_PERS
                    else "pace units: /km /mi /100m /100y /500m /400m /250m")
            self.diags.append(error(
                "pace-unit",
                f"intervals.icu does not read the pace unit '/{per_text}' and drops the target",
                span, hint))
            return None
        metres = PACE_PER_METRES[per]
        secs = parse_pace_seconds(body)
        if any(float(b) >= 60 for _, b in pace_parts(body)):
            self.diags.append(error("bad-pace", f"pace '{body}' has 60 or more seconds",
                                    span, "write minutes:seconds, e.g. 5:00/km, not 4:60/km"))
            return None
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
            if val_l in WINDOWS:
                options[key_l] = val_l
                return True
            self.diags.append(error(
                "bad-option", f"unknown {key_l} averaging window '{val}'", span,
                f"one of: {', '.join(key_l + '=' + w for w in WINDOWS)}"))
            return False
        guess = did_you_mean(key_l, ["intensity", "power", "hr"])
        self.diags.append(error(
            "bad-option", f"unknown option '{key}='", span,
            f"did you mean '{guess}='?" if guess else "options: intensity=, power=, hr="))
        return False



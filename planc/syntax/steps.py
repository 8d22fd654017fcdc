"""intervals.icu's positional rules for the tokens of one step line."""

from __future__ import annotations

import re

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


class StepReader:
    """Applies intervals.icu's rules to the tokens of one step line."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.source_lines = source.split("\n")
        self.sport = sport
        self.diags = diags

    def _slice(self, first, last) -> str:
        line = self.source_lines[first.line - 1]
        return line[first.column - 1 : (last.end_column or last.column + len(last)) - 1].strip()

    def read(self, line: Line) -> Step | None:
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
        trailing_spans: list[Span] = []
        bad = False
        dash_span = Span.point(line.line, line.column)

        for tok in tokens:
            kind = tok.type
            value = str(tok)
            span = tok_span(tok)
            low = value.lower()
            if label_open:
                if kind in ("WORD", "PUNCT") and low not in KEYWORD_FLAGS and not UNITISH_RE.match(value):
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
                                 CadenceTarget(range_of(value), span), tok)
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
            elif low in KEYWORD_FLAGS:
                flags[KEYWORD_FLAGS[low]] = True
            elif UNITISH_RE.match(value):
                self._unknown(value, span)
                bad = True
            elif kind == "PUNCT" and trailing:
                trailing[-1] += value
                trailing_spans[-1] = Span(trailing_spans[-1].line, trailing_spans[-1].column,
                                          span.end_line, span.end_column)
            elif kind != "PUNCT":
                trailing.append(value)
                trailing_spans.append(span)
        for text, where in _targetish(trailing, trailing_spans):
            d.append(warning(
                "unread-target",
                f"'{text}' looks like a target but is not one planc or intervals.icu can "
                "read: it stays text, and the step has no such target",
                where,
                "write e.g. '50%', '50-60%', '200w', '5:00/km Pace' (no space before '%', "
                "no sign)",
            ))

        label = self._slice(label_toks[0], label_toks[-1]) if label_toks else None
        if label and label.lower().split()[0] == "ramp" and not ramp_tok:
            d.append(warning(
                "ramp-in-label",
                "'ramp' before the duration is read as label text, so this step is steady",
                tok_span(label_toks[0]),
                "write the keyword after the duration, e.g. '- 10m ramp 50-75%'",
            ))
        if label_dropped_by is not None and (label or words_after_zone):
            dropped = label or " ".join(words_after_zone)
            d.append(warning(
                "label-dropped",
                f"intervals.icu drops the label '{dropped}' because the zone "
                f"'{label_dropped_by}' comes before the duration",
                tok_span(label_dropped_by),
                "put the zone after the duration, e.g. '- Easy 10m Z2'",
            ))
            label = None
        if label and any(c in label for c in "<>&"):
            d.append(warning(
                "label-html",
                "intervals.icu stores '<', '>' and '&' in labels HTML-escaped",
                spans_cover(tok_span(label_toks[0]), tok_span(label_toks[-1])),
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
                    tok_span(ramp_tok),
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
                        tok_span(tv),
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
            self._minutes_or_metres(str(amount_tok), amount, tok_span(amount_tok))
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



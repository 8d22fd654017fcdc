"""intervals.icu's positional rules for the tokens of one step line.

What the rules are (README "The workout language"; ../shared/ref/intervals.md
§1.4 and §1.11, measured on real events):

* Leading words are the label.  The label ends at the first token that is a
  value (duration, distance, target, option), or inside a word that ends in a
  whole number and a unit (``<40%`` leaves the label ``... <``, ``20min`` ends
  it); such a word is not a value and is ignored.  A decimal (``0.33s``), a bare
  number (``Ramp 1``), ``64x16``, ``500w+`` and ``109 rpm`` stay label text.
  ``Press lap`` in the label stays text and sets the lap press.
* A zone before the duration erases the label.
* Of several targets of one kind, the last wins; a range written with an en
  dash is read as its first number (``85–95rpm`` is 85 rpm).
* A line with no duration or distance, or a zero one, is dropped (a warning,
  ``dropped-by-icu``); its other warnings are not reported.
* A value-shaped word planc does not read is reported (``unknown-token``), and a
  number glued to a unit before ``Pace`` is an error (``bad-pace``).
"""

from __future__ import annotations

import re

from planc.ast import CadenceTarget, Distance, Duration, Intensity, Range, Section, Span, Step
from planc.diagnostics import Diagnostic, error, warning
from planc.syntax import linememo, values
from planc.syntax.grammar import Line, tok_span
from planc.syntax.tokens import (
    BARE_NUMBER_RE,
    GLUED_ZONE_RE,
    KEYWORD_FLAGS,
    LABEL_CUT_RE,
    SPACED_UNIT_RE,
    VALUE_SHAPED_RE,
    range_of,
    spans_cover,
)

# ------------------------------------------------------------------ steps --


# leftover words that were meant as targets: '-50%', '50 %' (joined), '50-60-70%', '-5:00/km',
# '(200w)'
TARGETISH_RE = re.compile(r"\d-?%|\d(?:w|rpm|bpm)[)\].,;!]*$|\d:\d\d/", re.IGNORECASE)


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


def _meant_amount(tokens: list) -> tuple[str, Span] | None:
    """The word(s) of a dropped line that were meant as its duration or distance: a
    value-shaped word ('20min', '1h30'), or a number and a unit apart ('10 min')."""
    for i, tok in enumerate(tokens):
        text = str(tok)
        if tok.type != "WORD":
            continue
        if VALUE_SHAPED_RE.match(text):
            return text, tok_span(tok)
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (after is not None and BARE_NUMBER_RE.match(text)
                and SPACED_UNIT_RE.match(str(after))):
            return f"{text} {after}", spans_cover(tok_span(tok), tok_span(after))
    return None


class _Reading:
    """What the tokens of one step line have said so far (one per line read).

    A plain slotted class (not a dataclass with default factories): one is made per
    step line, on the hot path of every parse."""

    __slots__ = (
        "amount",
        "amount_tok",
        "bad",
        "closer",
        "cut_at",
        "diags",
        "flags",
        "label_dropped_by",
        "label_open",
        "label_toks",
        "line",
        "options",
        "previous",
        "ramp_tok",
        "target_toks",
        "targets",
        "trailing",
        "trailing_spans",
        "unread",
        "words_after_zone",
        "words_before_amount",
    )

    def __init__(self, line: Line) -> None:
        self.line = line
        self.diags: list[Diagnostic] = []  # this line's, kept or not
        self.label_toks: list = []
        self.label_open = True
        self.closer: object = None  # the token that ended the label
        self.cut_at: int | None = None  # ... inside itself, at this offset ('<40%' -> 1)
        self.label_dropped_by: object = None  # the zone token that came before the duration
        self.words_after_zone: list = []
        self.words_before_amount: list = []  # after the closer
        self.amount: Duration | Distance | None = None
        self.amount_tok: object = None
        self.ramp_tok: object = None
        self.targets: dict[str, object] = {}
        self.target_toks: dict[str, object] = {}
        self.flags: dict[str, bool] = {}
        self.options: dict[str, str] = {}
        self.trailing: list[str] = []
        self.trailing_spans: list[Span] = []
        self.unread: list = []  # value-shaped words read as text
        self.previous: object = None  # the token before the one being read
        self.bad = False  # a diagnostic error: the step is left out


def _after_label(r: _Reading, tok) -> None:
    """A word after the label, before the duration: after a zone that dropped the label,
    or cut off from the label by the value that ended it."""
    (r.words_after_zone if r.label_dropped_by is not None
     else r.words_before_amount).append(tok)


_ZONE_KINDS = ("POWER_ZONE", "HR_ZONE", "PACE_ZONE")
_NO_FLAGS = (False, False, False, False)  # until_lap_press, freeride, maxeffort, hidepower
_SPACED_RE = re.compile(r"\d[ \t]")
_SPACED_KINDS = ("CADENCE", "HR_BPM")  # '109 rpm' in a label is two words, neither a value
_KEYWORDS = ("ramp", *KEYWORD_FLAGS)
_DROPPED_HINT = ("add a duration such as '5m' or '30s', or a distance such as '400mtr'; a "
                 "line of notes must not start with '-'")


class StepReader:
    """Applies intervals.icu's rules to the tokens of one step line."""

    def __init__(self, source: str, sport: str, diags: list[Diagnostic]):
        self.source_lines = source.split("\n")
        self.sport = sport
        self.diags = diags

    def read(self, line: Line, section: Section | None = None) -> Step | None:
        """The step a line says (marked with the Warmup/Cooldown ``section`` it is
        under), or None when it is dropped or has errors (reported).  A line read
        before (in this workout or another) is recalled from :mod:`.linememo`."""
        key = (self.source_lines[line.line - 1], self.sport, section)
        hit = linememo.recall(key)
        if hit is not None:
            return linememo.recalled(hit, line.line, self.diags)
        before = len(self.diags)
        step = self._read(line, section)
        linememo.remember(key, line.line, step, self.diags[before:])
        return step

    def _read(self, line: Line, section: Section | None) -> Step | None:
        r = _Reading(line)
        label_token, by_kind, word_token = self._label_token, _HANDLERS, StepReader._word_token
        for tok in line.tokens:
            kind = tok.type
            if r.label_open:
                if label_token(r, tok):
                    r.previous = tok
                    continue
            elif kind == "WORD" and r.amount is None:
                _after_label(r, tok)
            handler = by_kind.get(kind)  # a value token's reader (unbound: self is passed)
            (handler or word_token)(self, r, tok)
            r.previous = tok
        label = self._label(r)
        step = self._complete(r, label, section)
        self._report(r, step)
        return step

    def _complete(self, r: _Reading, label: str | None, section: Section | None) -> Step | None:
        if r.amount is None:
            if not r.bad:
                self._no_amount(r)
            return None
        ramp = self._ramp(r)
        self._check_amount(r)
        if r.bad or r.amount is None:
            return None
        return self._step(r, label, ramp, section)

    def _report(self, r: _Reading, step: Step | None) -> None:
        """The line's diagnostics: all of them, or for a dropped line only why it is
        dropped (what else it says does not reach intervals.icu either)."""
        if step is None and not r.bad:
            self.diags.extend(d for d in r.diags if d.code in ("dropped-by-icu", "divider"))
            return
        if r.unread:
            self._warn_unread(r)
        if r.trailing:
            self._warn_targetish(r)
        if r.diags:
            self.diags.extend(r.diags)

    # -- the tokens, left to right

    def _label_token(self, r: _Reading, tok) -> bool:
        """Take ``tok`` into the open label; True when it is used up (the label is open:
        the caller looks, then :func:`_after_label` takes a word after the label)."""
        kind, value = tok.type, str(tok)
        if kind == "PRESS_LAP":  # kept as the label's text as well (§1.5)
            r.flags["until_lap_press"] = True
            r.label_toks.append(tok)
            return True
        if kind in _SPACED_KINDS and _SPACED_RE.search(value):
            r.label_toks.append(tok)
            return True
        if kind in ("WORD", "PUNCT") and value.lower() not in KEYWORD_FLAGS:
            cut = LABEL_CUT_RE.search(value) if kind == "WORD" else None
            if cut is None:
                r.label_toks.append(tok)
                return True
            r.label_open, r.closer, r.cut_at = False, tok, cut.start()
            self._keep_text(r, tok)  # ignored by intervals.icu, kept as text by planc
            return True
        r.label_open, r.closer = False, tok
        if kind in _ZONE_KINDS and r.amount is None:
            r.label_dropped_by = tok
        return False

    def _amount_token(self, r: _Reading, tok) -> None:
        value, span = str(tok), tok_span(tok)
        if r.amount is not None:
            r.diags.append(error(
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
        r.amount = values.amount(tok.type, value, span)

    def _power_token(self, r: _Reading, tok) -> None:
        self._set_target(r, "power", values.power(tok.type, str(tok), tok_span(tok)), tok)

    def _hr_token(self, r: _Reading, tok) -> None:
        self._set_target(r, "hr", values.hr(tok.type, str(tok), tok_span(tok)), tok)

    def _pace_token(self, r: _Reading, tok) -> None:
        pace = values.pace(tok.type, str(tok), tok_span(tok), self.sport, r.diags)
        if pace is None:
            r.bad = True
        else:
            self._set_target(r, "pace", pace, tok)

    def _pace_without_keyword(self, r: _Reading, tok) -> None:
        value = str(tok)
        r.diags.append(error(
            "pace-without-keyword",
            f"pace '{value}' has no 'Pace' after it; intervals.icu silently drops it",
            tok_span(tok),
            f"write '{value} Pace'",
        ))
        r.bad = True

    def _cadence_token(self, r: _Reading, tok) -> None:
        self._set_target(r, "cadence", CadenceTarget(range_of(str(tok)), tok_span(tok)), tok)

    def _press_lap(self, r: _Reading, tok) -> None:
        r.flags["until_lap_press"] = True

    def _option_token(self, r: _Reading, tok) -> None:
        if not values.option(str(tok), tok_span(tok), r.options, r.diags):
            r.bad = True

    def _inline_repeat(self, r: _Reading, tok) -> None:
        value = str(tok)
        r.diags.append(error(
            "inline-repeat",
            f"'{value}' on a step line is not a repeat for intervals.icu",
            tok_span(tok),
            f"put '{value}' on its own line before the steps to repeat, and end the "
            "block with a blank line",
        ))
        r.bad = True

    def _word_token(self, r: _Reading, tok) -> None:
        """A word after the label: a keyword, a value planc cannot read, or trailing text."""
        value = str(tok)
        low = value.lower()
        if low == "ramp":
            r.ramp_tok = tok
        elif low in KEYWORD_FLAGS:
            r.flags[KEYWORD_FLAGS[low]] = True
        elif low == "pace" and r.unread and r.unread[-1] is r.previous:
            self._bad_pace(r, r.unread.pop(), tok)
        elif value == "%" and r.unread and r.unread[-1] is r.previous:
            r.unread.pop()  # '50 %': reported whole as a target with a space (unread-target)
            self._keep_text(r, tok)
        elif tok.type == "WORD" and self._value_shaped(r, value):
            r.unread.append(tok)
            self._keep_text(r, tok)
        elif tok.type == "PUNCT" and r.trailing:
            r.trailing[-1] += value
            last, span = r.trailing_spans[-1], tok_span(tok)
            r.trailing_spans[-1] = Span(last.line, last.column, span.end_line, span.end_column)
        elif tok.type != "PUNCT":
            self._keep_text(r, tok)
            self._misspelt_keyword(r, tok)

    @staticmethod
    def _value_shaped(r: _Reading, value: str) -> bool:
        """A word meant as a value: a number with a unit glued on ('20min'), a zone glued to
        its kind ('Z2HR'), or a bare number right after a value ('- 10m 200')."""
        if VALUE_SHAPED_RE.match(value) or GLUED_ZONE_RE.match(value):
            return True
        after_value = r.previous is not None and r.previous.type not in ("WORD", "PUNCT")
        return after_value and BARE_NUMBER_RE.match(value) is not None

    def _keep_text(self, r: _Reading, tok) -> None:
        r.trailing.append(str(tok))
        r.trailing_spans.append(tok_span(tok))

    def _bad_pace(self, r: _Reading, word, keyword) -> None:
        written = f"{word} {keyword}"
        r.diags.append(error(
            "bad-pace",
            f"'{written}' is not a pace intervals.icu reads (it would leave the step "
            "without a target)",
            spans_cover(tok_span(word), tok_span(keyword)),
            f"write minutes:seconds and a unit, e.g. '{values.pace_fix(str(word))} Pace'",
        ))
        r.trailing.pop()
        r.trailing_spans.pop()
        r.bad = True

    def _misspelt_keyword(self, r: _Reading, tok) -> None:
        low = str(tok).lower()
        if r.amount is None or len(low) < 3 or not low.isalpha():
            return  # before the duration a word is label text, not a would-be keyword
        import difflib  # lazy: only a misspelt keyword needs it, not every start

        match = difflib.get_close_matches(low, _KEYWORDS, n=1, cutoff=0.85)
        if match:
            r.diags.append(warning(
                "unknown-word",
                f"'{tok}' is not a keyword intervals.icu reads, so it stays text",
                tok_span(tok),
                f"did you mean '{match[0]}'?",
            ))

    # -- after the last token

    def _warn_unread(self, r: _Reading) -> None:
        for tok in r.unread:
            value = str(tok)
            r.diags.append(warning(
                "unknown-token",
                f"'{value}' is not a value intervals.icu reads: it ignores it, and planc "
                "keeps it as text",
                tok_span(tok),
                values.unit_hint(value) or values.GENERIC_VALUE_HINT,
            ))

    def _warn_targetish(self, r: _Reading) -> None:
        if not r.trailing:
            return
        unread = {str(t) for t in r.unread}
        if r.cut_at is not None:
            unread.add(str(r.closer))
        words = [w for w in r.trailing if w not in unread]
        spans = [s for w, s in zip(r.trailing, r.trailing_spans, strict=True) if w not in unread]
        for text, where in _targetish(words, spans):
            r.diags.append(warning(
                "unread-target",
                f"'{text}' looks like a target but is not one planc or intervals.icu can "
                "read: it stays text, and the step has no such target",
                where,
                "write e.g. '50%', '50-60%', '200w', '5:00/km Pace' (no space before '%', "
                "no sign)",
            ))

    def _label_text(self, r: _Reading) -> str | None:
        """The source text of the label: its words, and what a cut word leaves of itself."""
        line = self.source_lines[r.line.line - 1]
        toks = r.label_toks
        first = toks[0] if toks else r.closer
        if first is None or (not toks and r.cut_at is None):
            return None
        if r.cut_at is not None:
            end = r.closer.column - 1 + r.cut_at
        else:
            end = (toks[-1].end_column or toks[-1].column + len(toks[-1])) - 1
        return line[first.column - 1:end].strip() or None

    def _label(self, r: _Reading) -> str | None:
        """The label as intervals.icu keeps it (None when it drops it), with warnings."""
        label = self._label_text(r)
        toks = r.label_toks
        if label and label.lower().split()[0] == "ramp" and not r.ramp_tok:
            r.diags.append(warning(
                "ramp-in-label",
                "'ramp' before the duration is read as label text, so this step is steady",
                # the label may be the start of a cut word ('ramp300mtr'): no token of its own
                tok_span(toks[0] if toks else r.closer),
                "write the keyword after the duration, e.g. '- 10m ramp 50-75%'",
            ))
        if r.label_dropped_by is not None and (label or r.words_after_zone):
            dropped = label or " ".join(r.words_after_zone)
            r.diags.append(warning(
                "label-dropped",
                f"intervals.icu drops the label '{dropped}' because the zone "
                f"'{r.label_dropped_by}' comes before the duration",
                tok_span(r.label_dropped_by),
                "put the zone after the duration, e.g. '- Easy 10m Z2'",
            ))
            return None
        self._warn_cut(r, label)
        if label and ("<" in label or ">" in label or "&" in label):
            r.diags.append(warning(
                "label-html",
                "intervals.icu stores '<', '>' and '&' in labels HTML-escaped",
                spans_cover(tok_span(toks[0] if toks else r.closer), tok_span(r.closer)
                            if r.cut_at is not None else tok_span(toks[-1])),
                "write the label with plain words",
            ))
        return label

    def _warn_cut(self, r: _Reading, label: str | None) -> None:
        """Something number-shaped ended the label before the words meant for it."""
        closer = r.closer
        if closer is None or closer is r.amount_tok or closer.type in _ZONE_KINDS:
            return
        lost = r.words_before_amount if r.amount_tok is not None else []
        if r.cut_at is None and not lost:
            return
        if r.cut_at is None and not str(closer)[:1].isdigit():
            return  # a keyword such as 'freeride', not a number
        kept = f"the label is '{label}'" if label else "the step has no label"
        if lost:
            line = self.source_lines[r.line.line - 1]
            text = line[lost[0].column - 1:(lost[-1].end_column or lost[-1].column) - 1]
            kept += f" and '{text if len(text) <= 40 else text[:39] + '…'}' is not part of it"
        r.diags.append(warning(
            "label-cut",
            f"intervals.icu ends the label at '{closer}', so {kept}",
            tok_span(closer),
            "keep numbers with units out of labels (write e.g. '20 min'), or put the "
            "label's words before them",
        ))

    def _no_amount(self, r: _Reading) -> None:
        line, tokens = r.line, r.line.tokens
        full = Span(line.line, line.column, line.line, line.column + 1 + sum(
            len(str(t)) + 1 for t in tokens))
        if not tokens or all(set(str(t)) <= set("-=_*~") for t in tokens[:1]):
            r.diags.append(warning(
                "divider",
                "a line starting with '-' is a step for intervals.icu; this one has no "
                "duration, so it is dropped",
                full,
                "remove the line, or start it with '//' to make it a comment",
            ))
            return
        cause = _meant_amount(tokens)
        hint = values.unit_hint(cause[0]) if cause is not None else None
        r.diags.append(warning(
            "dropped-by-icu",
            "intervals.icu drops this step: it has no duration or distance"
            + (f" ('{cause[0]}' is not one)" if cause is not None else "")
            + "; planc drops it too",
            cause[1] if cause is not None else full,
            hint or _DROPPED_HINT,
        ))

    def _ramp(self, r: _Reading) -> bool:
        """Whether the step ramps; checks the range it ramps over (or a reversed band)."""
        if r.ramp_tok is not None:
            ramp_target = next((r.targets[k] for k in ("power", "hr", "pace")
                                if k in r.targets), None)
            if ramp_target is None or ramp_target.value.is_single:
                r.diags.append(error(
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
                r.diags.append(warning(
                    "reversed-range",
                    f"range '{tv}' goes down; without 'ramp' it is a steady band",
                    tok_span(tv),
                    "write it low-high, or add 'ramp' before it for a falling ramp",
                ))
        return False

    def _check_amount(self, r: _Reading) -> None:
        """A zero-length step is dropped (as intervals.icu does); 400m may mean metres."""
        amount, amount_tok = r.amount, r.amount_tok
        zero = ((isinstance(amount, Duration) and amount.seconds <= 0)
                or (isinstance(amount, Distance) and amount.metres <= 0))
        if zero and not r.bad:
            r.diags.append(warning(
                "dropped-by-icu",
                f"intervals.icu drops this step: its length '{amount_tok}' is zero; planc "
                "drops it too",
                amount.span,
                "give the step a length, or remove the line",
            ))
            r.amount = None
            return
        if amount_tok.type == "DURATION":
            values.minutes_or_metres(str(amount_tok), self.sport, amount.span, r.diags)

    def _step(self, r: _Reading, label: str | None, ramp: bool, section: Section | None) -> Step:
        tokens, line = r.line.tokens, r.line
        if tokens:  # from the dash to the end of the last token
            last = tokens[-1]
            span = Span(line.line, line.column, last.end_line or last.line,
                        last.end_column or last.column + 1)
        else:
            span = Span.point(line.line, line.column)
        targets, flags, options = r.targets, r.flags, r.options
        get = targets.get
        intensity = options.get("intensity") if options else None
        return Step(  # positional, in Step's field order: the hot path of every parse
            r.amount, label, ramp, get("power"), get("hr"), get("pace"), get("cadence"),
            Intensity(intensity) if intensity else None,
            section,
            *((flags.get("until_lap_press", False), flags.get("freeride", False),
               flags.get("maxeffort", False), flags.get("hidepower", False))
              if flags else _NO_FLAGS),
            options.get("power") if options else None,
            options.get("hr") if options else None,
            (),
            " ".join(r.trailing) or None,
            span,
        )

    # -- targets

    def _set_target(self, r: _Reading, key: str, value, tok) -> None:
        """The last target of a kind wins; an en dash range is read as its first number."""
        text = str(tok)
        if key in r.targets:
            r.diags.append(warning(
                "duplicate-target",
                f"a second {key} target '{tok}' replaces '{r.target_toks[key]}' (the last "
                "one wins)",
                tok_span(tok),
                "keep one target of each kind per step",
            ))
        if "–" in text:
            first = value.value.start
            value = value.but(value=Range(first, first))
            r.diags.append(warning(
                "non-ascii-dash",
                f"intervals.icu reads '{tok}' as its first number only: an en dash is not a "
                "range",
                tok_span(tok), f"write '{text.replace('–', '-')}' for a range"))
        elif "-" in text and "-" in text.split()[0] and value.value.is_single:
            r.diags.append(warning(
                "empty-range", f"range '{tok}' has the same start and end",
                tok_span(tok), "write a single value"))
        r.targets[key] = value
        r.target_toks[key] = tok


# The reader of each kind of value token; any other token is a word (``_word_token``).
# Plain functions, so that a StepReader (one per workout) binds none of them.
_HANDLERS = {
    "DURATION": StepReader._amount_token, "DISTANCE": StepReader._amount_token,
    "POWER_PCT": StepReader._power_token, "POWER_W": StepReader._power_token,
    "POWER_ZONE": StepReader._power_token,
    "HR_PCT": StepReader._hr_token, "HR_ZONE": StepReader._hr_token,
    "HR_BPM": StepReader._hr_token,
    "PACE_PCT": StepReader._pace_token, "PACE_ZONE": StepReader._pace_token,
    "PACE_ABS": StepReader._pace_token,
    "PACE_NO_KEYWORD": StepReader._pace_without_keyword,
    "CADENCE": StepReader._cadence_token,
    "PRESS_LAP": StepReader._press_lap,
    "OPTION": StepReader._option_token,
    "INLINE_REPEAT": StepReader._inline_repeat,
}

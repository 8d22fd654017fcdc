"""Semantic checks over a parsed workout: what is legal text but a likely mistake.

The parser already reports what is wrong within one line; the checks here need
the sport or the whole tree: targets that make no sense for the sport, zone
numbers that resolve to absurd values, and the limits that keep hostile input
cheap (nesting depth, total expanded steps).  Limits are computed
arithmetically, never by unrolling, so a ``200x`` inside a ``200x`` costs
nothing to reject.
"""

from __future__ import annotations

from planc.ast import Block, Distance, Duration, HrUnit, PaceUnit, PowerUnit, Repeat, Step, Workout
from planc.diagnostics import Diagnostic, error, sort_key, warning
from planc.limits import (
    CADENCE,
    HEART_RATE,
    HR_FRACTION,
    PACE_FRACTION,
    POWER_FRACTION,
    WATTS,
    Limit,
)
from planc.syntax import Parsed, parse_tree
from planc.units import POWER_SPORTS, sport_family

MAX_DEPTH = 4
MAX_EXPANDED_STEPS = 10_000
MAX_ZONE = 7
MAX_STEP_SECONDS = 24 * 3600  # a 24-hour race is one step; longer is a typo
MAX_STEP_METRES = 1_000_000  # 1,000 km


def expanded_step_count(nodes) -> int:
    """How many steps ``nodes`` play, repeats multiplied out (arithmetically)."""
    return _survey(nodes, [])[1]


_MEMO: dict[tuple, Parsed] = {}
_MEMO_SIZE = 1024


def read_workout(text: str, *, path: str = "<input>", sport: str | None = None,
                 name: str | None = None) -> Parsed:
    """The front end in one call: parse, then check.  ``sport``/``name`` override the header.

    Results are memoised by content (the AST and diagnostics are immutable), so a
    plan that uses the same library workout every week reads it once.
    """
    key = (text, path, sport, name)
    hit = _MEMO.get(key)
    if hit is None:
        hit = _read(text, path=path, sport=sport, name=name)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = hit
    return Parsed(hit.workout, list(hit.diagnostics))


def _read(text: str, *, path: str, sport: str | None, name: str | None) -> Parsed:
    parsed = parse_tree(text, path=path, sport=sport, name=name)
    workout = parsed.workout
    if workout is None:
        return parsed
    # a step with an error is left out; "no steps" would only repeat that error
    had_errors = any(d.is_error for d in parsed.diagnostics)
    found = [d.with_path(path) for d in check_workout(workout)
             if not (had_errors and d.code == "no-steps")]
    diags = sorted([*parsed.diagnostics, *found], key=sort_key)
    return Parsed(None if any(d.is_error for d in diags) else workout, diags)


def _survey(nodes, steps: list[Step]) -> tuple[int, int]:
    """(repeat depth, expanded step count) of ``nodes``, in one walk that also
    collects their steps, in document order, into ``steps``."""
    depth = total = 0
    for node in nodes:
        if isinstance(node, Step):
            total += 1
            steps.append(node)
        elif isinstance(node, Repeat):
            inner, count = _survey(node.children, steps)
            depth = max(depth, 1 + inner)
            total += node.count * count
        elif isinstance(node, Block):
            inner, count = _survey(node.children, steps)
            depth = max(depth, inner)
            total += count
    return depth, total


def check_workout(workout: Workout) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    steps: list[Step] = []
    depth, expanded = _survey(workout.body, steps)
    if depth > MAX_DEPTH:
        diags.append(error("too-deep", f"repeats are nested {depth} deep (planc allows "
                           f"{MAX_DEPTH})", _first_repeat_span(workout.body),
                           "flatten the inner repeats"))
    if expanded > MAX_EXPANDED_STEPS:
        diags.append(error("too-many-steps", f"the workout expands to {expanded} steps (planc "
                           f"allows {MAX_EXPANDED_STEPS})", _first_repeat_span(workout.body),
                           "check the repeat counts"))
    if expanded == 0 and not any(d.is_error for d in diags):
        diags.append(warning("no-steps", "the workout has no steps", workout.span,
                             "steps start with '-', e.g. '- 10m 60%'"))
    sport = workout.sport
    family = sport_family(sport)
    for step in steps:
        diags.extend(_check_step(step, sport, family))
    return diags


def _step_length(step: Step) -> Diagnostic | None:
    amount = step.amount
    where = amount.span if amount.span.line else step.span
    if isinstance(amount, Duration) and amount.seconds > MAX_STEP_SECONDS:
        return error("step-too-long", f"a step of {amount.seconds / 3600:,.0f} hours (planc "
                     f"allows {MAX_STEP_SECONDS // 3600})", where,
                     "check the number and its unit ('m' is minutes)")
    if isinstance(amount, Distance) and amount.metres > MAX_STEP_METRES:
        return error("step-too-long", f"a step of {amount.metres / 1000:,.0f} km (planc "
                     f"allows {MAX_STEP_METRES // 1000:,})", where,
                     "check the number and its unit")
    return None


def _first_repeat_span(nodes):
    for node in nodes:
        if isinstance(node, Repeat):
            return node.span
        if isinstance(node, Block):
            inner = _first_repeat_span(node.children)
            if inner is not None:
                return inner
    return None


def _check_zone(value, kind: str, span) -> Diagnostic | None:
    for z in (value.start, value.end):
        if z < 1 or z > MAX_ZONE or z != int(z):
            return error("bad-zone", f"{kind} zone Z{z:g} does not exist (zones are Z1-Z{MAX_ZONE})",
                         span, "use Z1 to Z7, or an explicit percentage")
    return None


def _check_step(step: Step, sport: str, family: str) -> list[Diagnostic]:
    """What is legal text but a likely mistake in one step, target by target."""
    out: list[Diagnostic] = []
    length = _step_length(step)
    if length is not None:
        out.append(length)
    power, hr, pace = step.power, step.hr, step.pace
    if power is not None:
        out.extend(_check_power(power, sport, family))
    if hr is not None:
        out.extend(_check_hr(hr))
    if pace is not None:
        out.extend(_check_pace(pace, sport, family))
    c = step.cadence
    if c is not None:
        if c.value.high > CADENCE.high:
            out.append(_not_a_target("cadence", c.value.high, "rpm", CADENCE, c.span))
        elif c.value.high > 200 or c.value.low < 20:
            out.append(warning("absurd-target", "cadence outside 20-200 rpm", c.span,
                               "check the number"))
    return out


def _not_a_target(kind: str, value: float, unit: str, limit: Limit, span,
                  hint: str = "check the number") -> Diagnostic:
    """The error for a number past what any device or athlete means (planc.limits), which
    would otherwise reach a writer as an overflow: ``- 10m 99999999w``.  ``unit`` is
    ``"%"`` (or ``"% of FTP"``) for a fraction, ``value`` and the limit then in hundredths."""
    percent = unit.startswith("%")

    def shown(x: float) -> str:
        return f"{_g(x * 100)}%" if percent else f"{_g(x)} {unit}"
    of = unit[1:] if percent else ""
    what = f"{kind} of hundreds of digits" if value == float("inf") else f"{kind} {shown(value)}"
    return error("absurd-target", f"{what}{of} is not a target (planc allows up to "
                 f"{shown(limit.high)})", span, hint)


def _check_power(p, sport: str, family: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if sport not in POWER_SPORTS:
        out.append(error(
            "power-on-sport",
            f"a bare '{_fmt_power(p)}' is a power target, and {sport} has no power",
            p.span,
            "add ' HR' or ' Pace' after it (e.g. 'Z2 HR', '80% Pace')",
        ))
    elif family == "run":
        out.append(warning(
            "power-on-run",
            f"a bare '{_fmt_power(p)}' is a power target on a run (intervals.icu gives no "
            "load without run power)",
            p.span,
            "for heart rate or pace write e.g. 'Z2 HR' or 'Z2 Pace'",
        ))
    if p.unit is PowerUnit.ZONE:
        d = _check_zone(p.value, "power", p.span)
        if d:
            out.append(d)
        elif p.value.high >= 7:
            out.append(warning(
                "absurd-zone",
                "power Z7 resolves to an absurd target on intervals.icu (the midpoint up to "
                "999% FTP, e.g. 1644 W at FTP 286)",
                p.span,
                "give an explicit target instead, e.g. '150-200%' or 'maxeffort'",
            ))
    elif p.unit is PowerUnit.FTP:
        if p.value.high > POWER_FRACTION.high:
            out.append(_not_a_target("power", p.value.high, "% of FTP", POWER_FRACTION,
                                     p.span, "check the number, or use 'maxeffort'"))
        elif p.value.high > 3.0 or p.value.low <= 0:
            out.append(warning("absurd-target", f"power {_fmt_power(p)} of FTP is unusual",
                               p.span, "check the number"))
    elif p.unit is PowerUnit.WATTS and p.value.high > WATTS.high:
        out.append(_not_a_target("power", p.value.high, "W", WATTS, p.span))
    elif p.unit is PowerUnit.WATTS and (p.value.high > 2500 or p.value.low <= 0):
        out.append(warning("absurd-target", f"power {_fmt_power(p)} is unusual", p.span,
                           "check the number"))
    return out


def _check_hr(h) -> list[Diagnostic]:
    if h.unit is HrUnit.ZONE:
        d = _check_zone(h.value, "heart-rate", h.span)
        return [d] if d else []
    if h.unit in (HrUnit.MAX, HrUnit.LTHR) and h.value.high > HR_FRACTION.high:
        return [_not_a_target("heart rate", h.value.high, "%", HR_FRACTION, h.span)]
    if h.unit is HrUnit.BPM and h.value.high > HEART_RATE.high:
        return [_not_a_target("heart rate", h.value.high, "bpm", HEART_RATE, h.span)]
    if h.unit in (HrUnit.MAX, HrUnit.LTHR) and (h.value.high > 1.2 or h.value.low < 0.3):
        return [warning("absurd-target", f"heart rate {h.value.low * 100:g}-"
                        f"{h.value.high * 100:g}% is unusual", h.span, "check the number")]
    if h.unit is HrUnit.BPM and (h.value.high > 230 or h.value.low < 40):
        return [warning("absurd-target", "heart rate outside 40-230 bpm", h.span,
                        "check the number")]
    return []


def _check_pace(pc, sport: str, family: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    if family == "ride":
        out.append(warning("pace-on-ride", f"pace target on a {sport}", pc.span,
                           "rides take power or heart-rate targets"))
    if pc.unit is PaceUnit.ZONE:
        d = _check_zone(pc.value, "pace", pc.span)
        if d:
            out.append(d)
    elif pc.unit is PaceUnit.THRESHOLD and pc.value.high > PACE_FRACTION.high:
        out.append(_not_a_target("pace", pc.value.high, "%", PACE_FRACTION, pc.span))
    elif pc.unit is PaceUnit.THRESHOLD and (pc.value.high > 2.0 or pc.value.low < 0.2):
        out.append(warning("absurd-target", "pace outside 20-200% of threshold", pc.span,
                           "check the number"))
    return out


def _g(x: float) -> str:
    """A number for a message: ``1,000,000``, but ``1e+40`` rather than forty digits."""
    if not abs(x) < 1e15:
        return f"{x:.3g}"
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


def _fmt_power(p) -> str:
    if p.unit is PowerUnit.ZONE:
        v = p.value
        return f"Z{_g(v.start)}" if v.is_single else f"Z{_g(v.start)}-Z{_g(v.end)}"
    if p.unit is PowerUnit.FTP:
        v = p.value
        start, end = _g(v.start * 100), _g(v.end * 100)
        return f"{start}%" if v.is_single else f"{start}-{end}%"
    v = p.value
    return f"{_g(v.start)}w" if v.is_single else f"{_g(v.start)}-{_g(v.end)}w"

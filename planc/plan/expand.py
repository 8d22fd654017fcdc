"""Calendar expansion: entries -> days -> sessions.

Rules (README "Plan files" repeats them):

* Entries apply in file order.  An entry's weekday keys (``mon`` … ``sun``)
  apply to each week in its ``weeks`` (default: every week); its date keys
  (``2027-02-27``) to that date.  A later entry *replaces* the sessions of
  every day it names, so a recovery week is one entry after the base pattern.
* A day is ``rest``, a workout name, a session mapping, or a list of them.
* A per-week list ``[3, 4, 5]`` gives the n-th value to the n-th week the
  entry covers; ``= expr`` is evaluated with ``week`` and ``n``.
* Slots number a day's sessions 1..n: timed sessions first, by time, then
  untimed ones in the order written.  Two sessions at the same time on one
  day is an error.  A session's external id does not use its slot but its key
  (``planc.plan.identity``), so that the other sessions of a day can change
  without moving its calendar event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planc.ast import NO_SPAN, Span, Workout
from planc.diagnostics import did_you_mean
from planc.plan.identity import event_id, key_from_name, occurrence_keys
from planc.plan.instantiate import (
    Compiler,
    SourceMap,
    TextPos,
    Week,
    fill_text,
    report_unknown,
    resolve_arg,
)
from planc.plan.model import Kind, LibraryWorkout, Plan, Session
from planc.plan.reader import Reader, value_span
from planc.plan.schema import BUILTIN_PARAMS, DATE_RE, SESSION_KEYS, WEEKDAYS, WORKOUT_KEY_RE
from planc.plan.template import Origin, placeholders
from planc.plan.yamlsrc import YMap, YNode, YScalar, YSeq
from planc.units import is_indoor

SESSION_KINDS = ("workout", "body", "note", "race")


@dataclass(slots=True)
class _Day:
    """What the latest entry naming a date put there (``weekday``: through ``mon`` … ``sun``,
    so an athlete's weekday moves apply to it; a dated entry stays on its date)."""

    node: YNode
    key: YScalar
    when: Week
    weekday: bool = False


def expand_calendar(r: Reader, plan: Plan, node: YNode | None, compiler: Compiler) -> list[Session]:
    if node is None:
        return []
    if not isinstance(node, YSeq):
        r.expected("calendar as a list of entries ('- weeks: 1-4' ...)", node)
        return []
    days: dict[dt.date, _Day] = {}
    for entry in node.items:
        _entry(r, plan, entry, days)
    sessions: list[Session] = []
    placed = _moved(plan, days)
    for day in sorted(placed):
        sessions.extend(_day_sessions(r, plan, day, placed[day], compiler))
    return sessions


def _moved(plan: Plan, days: dict[dt.date, _Day]) -> dict[dt.date, list[_Day]]:
    """The days where the athlete does them: a roster's ``move`` takes what the weekday
    keys put on a day (after later entries replaced days) to the athlete's own weekday of
    the same week; two days landing on one date (a dated entry stays) keep all their
    sessions, in the order the plan file wrote them."""
    placed: dict[dt.date, list[_Day]] = {}
    for day, d in days.items():
        shift = plan.moves[day.weekday()] - day.weekday() if d.weekday else 0
        placed.setdefault(day + dt.timedelta(days=shift), []).append(d)
    for found in placed.values():
        found.sort(key=lambda d: (d.key.span.line, d.key.span.column))
    return placed


# ------------------------------------------------------------------ entries --


def parse_weeks(r: Reader, node: YNode, plan: Plan) -> list[int] | None:
    """``3``, ``1-4``, ``"1-3, 5-7"`` or ``[1, 2, "5-7"]`` -> sorted plan weeks."""
    items = node.items if isinstance(node, YSeq) else [node]
    weeks: set[int] = set()
    for item in items:
        if not isinstance(item, YScalar) or isinstance(item.value, bool) or item.value is None:
            r.expected("weeks such as 3, 1-4 or [1, 2, 3]", item)
            return None
        for part in str(item.value).split(","):
            part = part.strip()
            lo_text, sep, hi_text = part.partition("-")
            try:
                lo = _whole(lo_text)
                hi = _whole(hi_text) if sep else lo
            except ValueError:
                r.error("bad-weeks", f"'{part}' is not a week or a range of weeks", item,
                        "write 3, 1-4, '1-3, 5-7' or [1, 2, 3]")
                return None
            if hi < lo:
                r.error("bad-weeks", f"the range {part} runs backwards", item, f"write {hi}-{lo}")
                return None
            if lo < 1 or hi > plan.weeks:
                bad = lo if lo < 1 else hi
                r.error("week-outside-plan", f"week {bad} is outside the plan (weeks 1-{plan.weeks})",
                        item, "change 'weeks:' at the top, or the entry's weeks")
                return None
            weeks.update(range(lo, hi + 1))
    return sorted(weeks)


def _whole(text: str) -> int:
    """A week number, in ASCII digits (int() also takes other digits, '١', and
    underscores, '1_0'); ValueError otherwise."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return int(text)


def weeks_text(weeks: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``weeks 1-3, 5`` (for messages)."""
    parts: list[str] = []
    i = 0
    while i < len(weeks):
        j = i
        while j + 1 < len(weeks) and weeks[j + 1] == weeks[j] + 1:
            j += 1
        parts.append(str(weeks[i]) if i == j else f"{weeks[i]}-{weeks[j]}")
        i = j + 1
    return ("week " if len(weeks) == 1 else "weeks ") + ", ".join(parts)


def _entry(r: Reader, plan: Plan, node: YNode, days: dict[dt.date, _Day]) -> None:
    if not isinstance(node, YMap):
        r.expected("a calendar entry (a mapping with weeks: and mon: … sun:, or dates)", node)
        return
    weeks = list(range(1, plan.weeks + 1))
    if (wnode := node.get("weeks")) is not None:
        parsed = parse_weeks(r, wnode, plan)
        if parsed is None:
            return
        weeks = parsed
    text = weeks_text(weeks)
    here: dict[dt.date, YScalar] = {}

    def put(day: dt.date, key: YScalar, value: YNode, when: Week, weekday: bool) -> None:
        if day in here:
            r.error("day-twice", f"{day.isoformat()} is given twice in this entry", key,
                    f"'{here[day].text}' on line {here[day].span.line} names the same day")
            return
        here[day] = key
        days[day] = _Day(value, key, when, weekday)

    has_weekday = False
    for name, (knode, value) in node.items.items():
        if name == "weeks":
            continue
        if name in WEEKDAYS:
            has_weekday = True
            offset = WEEKDAYS.index(name)
            for n, w in enumerate(weeks, 1):
                day = plan.week_start(w) + dt.timedelta(days=offset)
                put(day, knode, value, Week(w, n, len(weeks), text, plan.variables), True)
        elif DATE_RE.match(name) or name[:1].isdigit():
            day = _dated(r, plan, name, knode)
            if day is None:
                continue
            w = plan.week_of(day)
            put(day, knode, value, Week(w, 1, 1, f"week {w}", plan.variables), False)
        else:
            guess = did_you_mean(name, [*WEEKDAYS, "weeks"])
            if guess is None and name[:3].lower() in WEEKDAYS:
                guess = name[:3].lower()
            r.unknown_key(name, knode, ["weeks", *WEEKDAYS, "YYYY-MM-DD"], "calendar entry")
            if guess:
                r.diagnostics[-1] = _with_hint(r.diagnostics[-1], f"did you mean '{guess}'?")
    if "weeks" in node and not has_weekday:
        r.warn("weeks-unused", "'weeks' has no effect on an entry without weekday keys",
               node.key_span("weeks"), "dates are absolute; remove 'weeks:'", node.path)


def _dated(r: Reader, plan: Plan, name: str, knode: YScalar) -> dt.date | None:
    """The day a date key names, inside the plan as written; a roster start moves the
    whole plan, so the day moves with it (it keeps its place in the plan's weeks)."""
    day = r.date_text(name, knode, "the date")
    if day is None:
        return None
    shift = dt.timedelta(days=plan.shift_days)
    if not plan.start - shift <= day <= plan.end - shift:
        r.error("date-outside-plan",
                f"{day.isoformat()} is outside the plan ({(plan.start - shift).isoformat()} "
                f"to {(plan.end - shift).isoformat()})", knode,
                "move the session, or change the plan's start or weeks")
        return None
    return day + shift


def _with_hint(d, hint: str):
    import dataclasses

    return dataclasses.replace(d, hint=hint)


# --------------------------------------------------------------------- days --


@dataclass(slots=True)
class _Draft:
    """A session before slots are known."""

    kind: Kind
    name: str
    sport: str | None
    time: str | None
    time_span: Span
    workout: Workout | None = None
    description: str | None = None
    indoor: bool = False
    span: Span = NO_SPAN
    path: str = ""
    ref: str | None = None
    tags: tuple[str, ...] = ()
    distance_m: float | None = None
    source_map: SourceMap | None = None
    key: str | None = None  # an explicit ``key:``

    def identity(self) -> str:
        """The key before occurrence numbering (``planc.plan.identity``)."""
        if self.key:
            return self.key
        if self.ref:
            return self.ref
        kind = "note" if self.kind is Kind.NOTE else \
            "race" if self.kind.startswith("RACE_") else "workout"
        return key_from_name(self.name, kind)


def _items(r: Reader, node: YNode) -> list[YNode]:
    """The sessions a day's value lists ('rest' is none)."""
    if isinstance(node, YSeq):
        for item in node.items:
            if isinstance(item, YScalar) and item.value == "rest":
                r.error("rest-with-sessions", "'rest' cannot be combined with sessions", item,
                        "a rest day is 'rest' alone; a note on a rest day is just the note")
        return [i for i in node.items if not (isinstance(i, YScalar) and i.value == "rest")]
    if isinstance(node, YScalar) and node.value == "rest":
        return []
    return [node]


def _day_sessions(r: Reader, plan: Plan, day: dt.date, placed: list[_Day],
                  compiler: Compiler) -> list[Session]:
    drafts = [x for d in placed for item in _items(r, d.node)
              if (x := _session(r, plan, item, d.when, compiler))]
    week = placed[0].when.week  # moves stay inside a week
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].time is None, drafts[i].time or "", i))
    out: list[Session] = []
    seen_time: dict[str, _Draft] = {}
    keys = occurrence_keys([drafts[i].identity() for i in order])
    for slot, i in enumerate(order, 1):
        s = drafts[i]
        if s.time is not None:
            if s.time in seen_time:
                other = seen_time[s.time]
                r.error("slot-conflict", f"two sessions at {s.time} on {day.isoformat()}",
                        s.time_span, f"'{other.name}' is already at {s.time}; change one time",
                        s.path)
            seen_time[s.time] = s
        out.append(Session(
            date=day, time=s.time, slot=slot, week=week, kind=s.kind, sport=s.sport,
            name=s.name, description=s.description, indoor=s.indoor,
            workout=(compiler.dressed(s.workout, s.name, s.description, s.tags)
                     if s.workout is not None else None),
            external_id=event_id(plan.id, plan.athlete_name, day, keys[slot - 1]), span=s.span,
            path=s.path, text=s.source_map.text if s.source_map else None, ref=s.ref,
            tags=s.tags, distance_m=s.distance_m, source_map=s.source_map, key=keys[slot - 1],
        ))
    return out


def _session(r: Reader, plan: Plan, node: YNode, when: Week, compiler: Compiler) -> _Draft | None:
    if isinstance(node, YScalar) and isinstance(node.value, str):
        return _reference(r, plan, node, None, when, compiler)
    if not isinstance(node, YMap):
        r.expected("a session: rest, a workout name, or a mapping", node)
        return None
    if "workout" in node:
        return _reference(r, plan, node.get("workout"), node, when, compiler)
    if "note" in node:
        return _note(r, node, when)
    if "race" in node:
        return _race(r, node)
    if "body" in node or "sport" in node:
        return _inline(r, node, when, compiler)
    guesses = {g for k in node.items if (g := did_you_mean(k, SESSION_KINDS))}
    r.error("bad-session", "a session needs 'workout', 'body', 'note' or 'race'", node,
            f"did you mean '{sorted(guesses)[0]}'?" if guesses else
            "e.g. {workout: sweetspot, reps: 4} or {note: Rest well}")
    return None


def _common(r: Reader, m: YMap, draft: _Draft) -> None:
    if (v := m.get("time")) is not None:
        draft.time = r.time(v)
        draft.time_span = value_span(v) if isinstance(v, YScalar) else v.span
    if (v := m.get("indoor")) is not None:
        draft.indoor = bool(r.boolean(v, "indoor: true or false"))
    if (v := m.get("tags")) is not None:
        draft.tags = r.strings(v, "tags") or ()
    if (v := m.get("key")) is not None:
        draft.key = _session_key(r, v)


def _session_key(r: Reader, node: YNode) -> str | None:
    text = r.string(node, "a session key")
    if text is None:
        return None
    if not WORKOUT_KEY_RE.match(text):
        r.error("bad-key", f"'{text}' cannot be a session key", node,
                "use letters, digits, '-' and '_', starting with a letter")
        return None
    return text


def _note(r: Reader, m: YMap, when: Week) -> _Draft | None:
    """A NOTE event; its title and text may use {week} and {n}."""
    r.mapping(m, "note_session", what="a note")
    title = _builtin_text(r, m.get("note"), "the note's title", when)
    draft = _Draft(Kind.NOTE, title or "Note", None, None, m.span, span=m.key_span("note"),
                   path=m.path)
    if (v := m.get("description")) is not None:
        draft.description = _builtin_text(r, v, "the note's text", when)
    _common(r, m, draft)
    return draft if title else None


def _builtin_text(r: Reader, node: YNode | None, what: str, when: Week) -> str | None:
    text = r.string(node, what)
    if text is None or not isinstance(node, YScalar):
        return text
    found = [u for u in placeholders(text) if u.name not in BUILTIN_PARAMS]
    report_unknown(r, found, TextPos.of(node), list(BUILTIN_PARAMS), what)
    return fill_text(node, _builtins(when))


def _race(r: Reader, m: YMap) -> _Draft | None:

    r.mapping(m, "race_session", what="a race session")
    race = r.mapping(m.get("race"), "race", what="a race")
    if race is None:
        return None
    name = r.string(race.get("name"), "the race name") if "name" in race else None
    priority = None
    if (v := race.get("priority")) is not None:
        if isinstance(v, YScalar) and str(v.value).upper() in ("A", "B", "C"):
            priority = str(v.value).upper()
        else:
            r.error("bad-priority", "race priority must be A, B or C", v,
                    "A: the goal race; B: important; C: training race")
    sport = r.sport(race.get("sport")) if "sport" in race else None
    distance = _distance(r, race.get("distance")) if "distance" in race else None
    if name is None or priority is None:
        return None
    draft = _Draft(Kind(f"RACE_{priority}"), name, sport, None, m.span,
                   span=m.key_span("race"), path=m.path, distance_m=distance)
    if (v := race.get("description")) is not None:
        draft.description = r.string(v, "the race description")
    _common(r, m, draft)
    return draft


def _distance(r: Reader, node: YNode | None) -> float | None:
    from planc.plan.expr import DIST, parse_quantity

    if isinstance(node, YScalar) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool) and node.value > 0:
        return float(node.value)
    if isinstance(node, YScalar) and isinstance(node.value, str):
        q = parse_quantity(node.value)
        if q is not None and q.kind == DIST and q.value > 0:
            return q.value
    r.expected("a distance such as 21.1km, 400mtr or 13.1mi", node,
               "'m' means minutes in workout text; metres are 'mtr'")
    return None


def _inline(r: Reader, m: YMap, when: Week, compiler: Compiler) -> _Draft | None:

    r.mapping(m, "inline_session", what="an inline workout")
    sport = r.sport(m.get("sport"))
    body = m.get("body")
    if body is not None and not (isinstance(body, YScalar) and isinstance(body.value, str)):
        r.expected("the workout steps as text (body: |)", body)
        body = None
    values = _builtins(when)
    name = sport
    if (v := m.get("name")) is not None:
        name = r.string(v, "a name")
        if isinstance(v, YScalar) and name is not None:
            found = placeholders(name)
            report_unknown(r, [u for u in found if u.name not in BUILTIN_PARAMS], TextPos.of(v),
                           list(BUILTIN_PARAMS), "an inline workout")
            name = fill_text(v, values)
    if sport is None or not isinstance(body, YScalar):
        return None
    found = placeholders(body.value) if isinstance(body.value, str) else []
    report_unknown(r, [u for u in found if u.name not in BUILTIN_PARAMS], TextPos.of(body),
                   list(BUILTIN_PARAMS), "an inline workout")
    workout, smap = compiler.compile(r, body, values, sport, name)
    draft = _Draft(Kind.WORKOUT, name or sport, sport, None, m.span, workout=workout,
                   indoor=is_indoor(sport), span=value_span(body), path=m.path, source_map=smap)
    if (v := m.get("description")) is not None:
        draft.description = r.string(v, "a description")
    _common(r, m, draft)
    return draft if workout is not None else None


def pretty(key: str) -> str:
    """``long-ride`` -> ``Long ride``: the name of a workout that declares none."""
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _builtins(when: Week) -> dict[str, tuple[str, Origin | None]]:
    return {"week": (str(when.week), None), "n": (str(when.n), None)}


def workout_values(r: Reader, lw: LibraryWorkout, args: dict[str, YNode],
                   when: Week) -> dict[str, tuple[str, Origin | None]] | None:
    """The placeholder values of one use of ``lw`` in week ``when`` (None after an error)."""
    values = _builtins(when)
    ok = True
    for p in lw.params.values():
        node = args.get(p.name, p.default)
        if node is None:
            continue  # missing: reported by the caller, which knows the reference
        resolved = resolve_arg(r, p.name, node, when)
        if resolved is None:
            ok = False
            continue
        values[p.name] = resolved
    return values if ok else None


def _reference(r: Reader, plan: Plan, ref: YNode | None, m: YMap | None, when: Week,
               compiler: Compiler) -> _Draft | None:
    if not isinstance(ref, YScalar) or not isinstance(ref.value, str):
        r.expected("a workout name", ref)
        return None
    key = ref.value.strip()
    lw = plan.library.get(key)
    if lw is None:
        guess = did_you_mean(key, plan.library)
        r.error("unknown-workout", f"no workout named '{key}' in the library", ref,
                f"did you mean '{guess}'?" if guess else
                ("workouts: " + ", ".join(sorted(plan.library))) if plan.library else
                "define it under 'workouts:' or include a library")
        return None
    if lw.broken:
        return None
    args: dict[str, YNode] = {}
    if m is not None:
        for name, (knode, value) in m.items.items():
            if name in SESSION_KEYS:
                continue
            if name not in lw.params:
                guess = did_you_mean(name, [*lw.params, *SESSION_KEYS])
                r.error("unknown-argument", f"workout '{key}' has no parameter '{name}'", knode,
                        f"did you mean '{guess}'?" if guess else
                        f"its parameters: {', '.join(lw.params) or 'none'}")
                continue
            args[name] = value
    missing = [p.name for p in lw.params.values() if p.default is None and p.name not in args]
    for name in missing:
        r.error("missing-argument", f"workout '{key}' needs a value for '{name}'", ref,
                f"add '{name}: …' to this session, or give the parameter a default")
    values = workout_values(r, lw, args, when)
    if values is None or missing:
        return None
    name = fill_text(lw.name, values) if lw.name is not None else pretty(key)
    description = fill_text(lw.description, values) if lw.description else None
    draft = _Draft(Kind.WORKOUT, name, lw.sport, lw.time, value_span(ref),
                   description=description,
                   indoor=lw.indoor if lw.indoor is not None else is_indoor(lw.sport),
                   span=value_span(ref), path=ref.path, ref=key, tags=lw.tags)
    if m is not None:
        if (v := m.get("name")) is not None:
            draft.name = r.string(v, "a session name") or draft.name
        if (v := m.get("description")) is not None:
            draft.description = r.string(v, "a description")
        _common(r, m, draft)
    if lw.time is not None and (m is None or "time" not in m):
        draft.time_span = lw.span
    compiler.used.add(key)
    workout, smap = compiler.compile(r, lw.body, values, lw.sport, draft.name)
    if workout is None:
        return None
    draft.workout, draft.source_map = workout, smap
    return draft

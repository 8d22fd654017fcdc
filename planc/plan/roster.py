"""Rosters: one plan, a squad of athletes, each with their own thresholds, calendar and start.

A roster is a YAML file (positioned errors, as plan files)::

    timezone: Europe/Berlin              # every athlete's, unless they give their own
    athletes:
      anna:                              # short name: --for, output folders, external ids
        id: i101                         # intervals.icu athlete id (publish, athlete pull)
        name: Anna Keller                # for reports and the squad page
        athlete: athletes/anna.yaml      # thresholds: a file (relative to the roster),
                                         #   inline values, or 'pull' (athletes/anna.yaml,
                                         #   which 'planc athlete pull --for anna' writes)
        start: 2027-01-11                # this athlete's week 1 (a Monday)
        tags: [club]                     # --for tag:club
        params: {volume: 0.8}            # this athlete's values of the plan's params
        move: {sat: sun, sun: sat}       # long ride on Sunday: weekdays swapped
        timezone: Europe/London
      ben: {id: i102, athlete: {ride: {ftp: 300}}}

A plan names its roster (``roster: squad.yaml``) or a command gets ``--roster
FILE``; ``--for NAME[,NAME…] | tag:TAG | all`` chooses athletes.  For each,
:func:`plan_for` loads the plan as that athlete does it (``planc.plan.params``):
their thresholds replace the plan's athlete, their start moves the whole plan,
their moves and parameter values apply, and the external ids carry their short
name (``planc.plan.identity``).

What the loader checks beyond the schema: short names (a letter first, not
``all``), ids (``i12345``, unique in the roster), Mondays, weekday moves that
are swaps or rotations, time zones this machine knows; thresholds files are read
when a command needs them (``athlete pull`` writes them), and their absence is
an error at the roster line that names them.
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, field, replace

from planc.ast import Span
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, did_you_mean, error
from planc.inputs import InputError, NotText, read_text, source_text
from planc.plan.athlete_file import read_athlete_file, read_athlete_node
from planc.plan.load import PlanResult, read_plan
from planc.plan.model import Variant
from planc.plan.reader import Reader, value_span
from planc.plan.schema import ATHLETE_RE, ICU_ID_RE, WEEKDAYS
from planc.plan.yamlsrc import YMap, YNode, YScalar, parse_yaml

PULL = "pull"  # ``athlete: pull``: the file 'planc athlete pull' writes
ALL = "all"


@dataclass(frozen=True, slots=True)
class Member:
    """One athlete of a roster, as written (thresholds are read by :func:`variant_of`)."""

    name: str
    span: Span  # the short name's key
    path: str  # the roster file
    id: str | None = None
    id_span: Span | None = None
    full_name: str | None = None
    athlete: YNode | None = None  # a path, 'pull', or inline thresholds
    start: dt.date | None = None
    tags: tuple[str, ...] = ()
    params: dict[str, tuple[YScalar, YScalar]] = field(default_factory=dict)  # key, value
    moves: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    timezone: str | None = None

    @property
    def label(self) -> str:
        """``anna (i101)``: how reports name the athlete."""
        return f"{self.name} ({self.id})" if self.id else self.name

    @property
    def athlete_file(self) -> str | None:
        """The thresholds file: the one the roster names, ``athletes/<name>.yaml`` beside
        the roster for ``pull``; None for inline values or none at all."""
        node = self.athlete
        if not isinstance(node, YScalar) or not isinstance(node.value, str):
            return None
        rel = f"athletes/{self.name}.yaml" if node.value.strip() == PULL else node.value
        return os.path.normpath(os.path.join(os.path.dirname(self.path), rel))


@dataclass(slots=True)
class Roster:
    path: str
    members: dict[str, Member]
    span: Span  # the 'athletes:' key
    timezone: str | None = None


@dataclass(slots=True)
class RosterResult:
    roster: Roster | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.roster is not None and not any(d.is_error for d in self.diagnostics)


# --------------------------------------------------------------------- reading --


def read_roster(path: str | os.PathLike) -> RosterResult:
    """The roster file, checked; never raises for bad input."""
    path = str(path)
    try:
        text = read_text(path)
    except InputError as exc:
        reason = f"{exc}; save it as UTF-8" if isinstance(exc, NotText) else str(exc)
        return RosterResult(None, [error("file", f"cannot read the roster: {reason}", path=path)])
    result = RosterResult(None, sources={path: text})
    tree, diags = parse_yaml(text, path)
    result.diagnostics.extend(diags)
    if tree is None:
        if not diags:
            result.diagnostics.append(error("empty-file", "the roster is empty", path=path,
                                            hint="a roster needs 'athletes:'"))
        return result
    r = Reader(path)
    top = r.mapping(tree, "roster", what="the roster")
    if top is not None:
        result.roster = _roster(r, top, path)
    result.diagnostics.extend(r.diagnostics)
    return result


def is_roster(node: YNode | None) -> bool:
    """A YAML tree that is a roster rather than a plan (``athletes:``, no calendar)."""
    return isinstance(node, YMap) and "athletes" in node and "calendar" not in node


def _roster(r: Reader, top: YMap, path: str) -> Roster | None:
    node = top.get("athletes")
    timezone = _timezone(r, top.get("timezone")) if "timezone" in top else None
    if not isinstance(node, YMap) or not node.items:
        if node is not None:
            r.expected("athletes as a mapping of short name -> athlete", node,
                       "e.g. athletes: {anna: {id: i101, athlete: athletes/anna.yaml}}")
        return None
    members: dict[str, Member] = {}
    ids: dict[str, Member] = {}
    for name, (knode, value) in node.items.items():
        member = _member(r, name, knode, value, path)
        if member is None:
            continue
        if member.id is not None and member.id in ids:
            first = ids[member.id]
            r.error("roster-duplicate-id", f"{member.name} and {first.name} have the same "
                    f"intervals.icu id {member.id}", member.id_span,
                    f"{first.name}'s is on line {first.id_span.line}; each athlete has their "
                    "own calendar: check both ids", path)
        elif member.id is not None:
            ids[member.id] = member
        members[name] = member
    return Roster(path, members, top.key_span("athletes"), timezone)


def _member(r: Reader, name: str, knode: YScalar, node: YNode, path: str) -> Member | None:
    if not ATHLETE_RE.match(name) or name == ALL:
        r.error("roster-name", f"'{name}' cannot be an athlete's short name", knode,
                "'all' means everyone in --for" if name == ALL else
                "lower-case letters, digits, '-' and '_', starting with a letter "
                "(it names output folders and calendar events), e.g. anna or ben-k")
        return None
    if isinstance(node, YScalar) and node.value is None:
        return Member(name, knode.span, path)  # 'anna:' with nothing: the plan as written
    m = r.mapping(node, "roster_athlete", what=f"athlete '{name}'")
    if m is None:
        return None
    member = Member(name, knode.span, path, athlete=m.get("athlete"))
    changes: dict[str, object] = {}
    if (v := m.get("id")) is not None:
        changes["id"], changes["id_span"] = _icu_id(r, v), _span(v)
    if (v := m.get("name")) is not None:
        changes["full_name"] = r.string(v, "a name")
    if (v := m.get("start")) is not None:
        changes["start"] = _monday(r, v)
    if (v := m.get("tags")) is not None:
        changes["tags"] = r.strings(v, "tags") or ()
    if (v := m.get("params")) is not None:
        changes["params"] = _params(r, v)
    if (v := m.get("move")) is not None:
        changes["moves"] = _moves(r, v)
    if (v := m.get("timezone")) is not None:
        changes["timezone"] = _timezone(r, v)
    return replace(member, **{k: v for k, v in changes.items() if v is not None})


def _span(node: YNode) -> Span:
    return value_span(node) if isinstance(node, YScalar) else node.span


def _icu_id(r: Reader, node: YNode) -> str | None:
    text = r.string(node, "an intervals.icu athlete id such as i12345")
    if text is None:
        return None
    text = text.strip()
    if not ICU_ID_RE.match(text):
        r.error("roster-id", f"'{text}' is not an intervals.icu athlete id", node,
                "athlete ids look like i12345 (the athlete's settings page shows it); "
                "0 means 'the key's own athlete' and cannot name a squad member")
        return None
    return text


def _monday(r: Reader, node: YNode) -> dt.date | None:
    day = r.date(node, "the athlete's start")
    if day is not None and day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        r.error("start-not-monday", f"an athlete's plan starts on a Monday; "
                f"{day.isoformat()} is a {day.strftime('%A')}", node,
                f"start: {monday.isoformat()} (the Monday before)")
        return None
    return day


def _params(r: Reader, node: YNode) -> dict[str, tuple[YScalar, YScalar]] | None:
    if not isinstance(node, YMap):
        r.expected("params as a mapping of plan parameter -> value", node)
        return None
    out = {}
    for name, (key, value) in node.items.items():
        if isinstance(value, YScalar) and value.value is not None:
            out[name] = (key, value)
        else:
            r.expected(f"one value for '{name}'", value)
    return out


def _moves(r: Reader, node: YNode) -> tuple[int, ...] | None:
    """``{sat: sun, sun: sat}`` -> weekday offsets; every day moved to is moved away."""
    if not isinstance(node, YMap):
        r.expected("move as a mapping of weekday -> weekday, e.g. {sat: sun, sun: sat}", node)
        return None
    moves = list(range(7))
    sources, targets = set(), set()
    for day, (knode, value) in node.items.items():
        to = value.value if isinstance(value, YScalar) else None
        if day not in WEEKDAYS or to not in WEEKDAYS:
            wrong, where = (day, knode) if day not in WEEKDAYS else (to, value)
            r.error("roster-move", f"'{wrong}' is not a weekday", where,
                    "weekdays are " + ", ".join(WEEKDAYS))
            return None
        assert isinstance(to, str)
        moves[WEEKDAYS.index(day)] = WEEKDAYS.index(to)
        sources.add(day)
        targets.add(to)
    if sources != targets:
        missing = sorted(targets - sources, key=WEEKDAYS.index)
        r.error("roster-move", f"{', '.join(missing)} would hold two days' sessions", node,
                "a move swaps or rotates days: move the day you move to as well, e.g. "
                "{sat: sun, sun: sat}")
        return None
    return tuple(moves)


def _timezone(r: Reader, node: YNode | None) -> str | None:
    text = r.string(node, "a time zone name such as Europe/Berlin")
    if text is None:
        return None
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        guess = did_you_mean(text, sorted(zoneinfo.available_timezones()))
        r.error("roster-timezone", f"'{text}' is not a time zone this machine knows", node,
                f"did you mean '{guess}'?" if guess else
                "IANA names such as Europe/Berlin or America/New_York")
        return None
    return text


# ------------------------------------------------------------------ choosing --


def choose(roster: Roster, spec: str) -> tuple[list[Member], list[Diagnostic]]:
    """The athletes ``--for`` names: ``NAME[,NAME…]``, ``tag:TAG``, ``all``, or a comma
    list of these (their union, in roster order).  A name or tag nobody has is an error
    at the roster's ``athletes:``."""
    wanted: set[str] = set()
    problems: list[Diagnostic] = []
    names = list(roster.members)
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part == ALL:
            wanted.update(names)
        elif part.startswith("tag:"):
            tag = part[4:].strip()
            found = {m.name for m in roster.members.values() if tag in m.tags}
            if not found:
                tags = sorted({t for m in roster.members.values() for t in m.tags})
                guess = did_you_mean(tag, tags)
                problems.append(_unknown(roster, f"--for tag:{tag}: nobody in the roster has "
                                         f"the tag '{tag}'", f"did you mean 'tag:{guess}'?"
                                         if guess else f"tags in this roster: "
                                         f"{', '.join(tags) or 'none'}"))
            wanted |= found
        elif part in roster.members:
            wanted.add(part)
        else:
            guess = did_you_mean(part, names)
            problems.append(_unknown(roster, f"--for {part}: '{part}' is not in the roster",
                                     f"did you mean '{guess}'?" if guess else
                                     f"the roster has {', '.join(names)}; or use 'all' or "
                                     "'tag:TAG'"))
    if not wanted and not problems:
        problems.append(_unknown(roster, "--for names no athlete",
                                 "write NAME[,NAME…], tag:TAG or all"))
    return [roster.members[n] for n in names if n in wanted], problems


def _unknown(roster: Roster, message: str, hint: str) -> Diagnostic:
    return error("roster-unknown", message, roster.span, hint, path=roster.path)


# ---------------------------------------------------------------- per athlete --


@dataclass(slots=True)
class VariantResult:
    variant: Variant | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def variant_of(member: Member, roster: Roster) -> VariantResult:
    """The member's variant of a plan: their thresholds read (file, inline or pulled),
    their time zone (else the roster's) on them."""
    out = VariantResult(None)
    athlete, fitness = None, None
    node = member.athlete
    if member.athlete_file is not None:
        target = member.athlete_file
        if not os.path.isfile(target):
            pulled = isinstance(node, YScalar) and node.value == PULL
            out.diagnostics.append(error(
                "athlete-missing", f"{member.name}'s athlete file is not there ({target})",
                _span(node), f"run 'planc athlete pull --for {member.name}' to write it"
                if pulled else "paths are relative to the roster; 'planc athlete pull --for "
                f"{member.name}' writes it from intervals.icu", path=member.path))
            return out
        found = read_athlete_file(target)
        if (text := source_text(target)) is not None:
            out.sources[target] = text
    elif node is not None:
        found = read_athlete_node(node, member.path)
    else:
        found = None
    if found is not None:
        out.diagnostics.extend(found.diagnostics)
        if found.athlete is None:
            return out
        athlete, fitness = found.athlete, found.fitness
    zone = member.timezone or roster.timezone
    if athlete is not None and zone:
        athlete = Athlete(athlete.sports, zone)
    out.variant = Variant(member.name, member.start, member.moves, member.params, athlete,
                          fitness)
    return out


@dataclass(slots=True)
class MemberPlan:
    """One athlete's plan (``result.plan`` None when it has errors)."""

    member: Member
    result: PlanResult

    @property
    def ok(self) -> bool:
        return self.result.ok


def plan_for(path: str | os.PathLike, member: Member, roster: Roster, *,
             need_plan: bool = True) -> MemberPlan:
    """The plan at ``path`` as ``member`` does it; every mistake in its diagnostics."""
    found = variant_of(member, roster)
    if found.variant is None:
        return MemberPlan(member, PlanResult(None, found.diagnostics, found.sources))
    result = read_plan(path, need_plan=need_plan, variant=found.variant)
    result.diagnostics = found.diagnostics + result.diagnostics
    result.sources = {**found.sources, **result.sources}
    if result.plan is not None:
        result.plan.diagnostics = [d for d in result.diagnostics if not d.is_error]
    return MemberPlan(member, result)


def check_roster(path: str | os.PathLike) -> RosterResult:
    """A roster file on its own (``planc check squad.yaml``): its shape, and every
    athlete's thresholds file or inline values."""
    result = read_roster(path)
    if result.roster is not None:
        for member in result.roster.members.values():
            found = variant_of(member, result.roster)
            result.diagnostics.extend(found.diagnostics)
            result.sources.update(found.sources)
    return result


__all__ = ["ALL", "Member", "MemberPlan", "Roster", "RosterResult", "check_roster", "choose",
           "is_roster", "plan_for", "read_roster", "variant_of"]

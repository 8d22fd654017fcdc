"""Load a plan file: YAML, includes, the workout library, the athlete, then expand.

Public entry points (what ``planc check``, ``stats``, ``build``, ``publish``
and ``render`` call):

* ``load_plan(path, *, athlete=None) -> Plan`` raises ``PlanError`` (a
  DiagnosticError that also carries the source texts) if the plan has errors;
* ``planc.plan.rejections.check_plan(path) -> list[Diagnostic]`` returns every
  diagnostic ``planc check`` reports (it lowers, so it lives above this module);
* ``read_plan(path, *, athlete=None) -> PlanResult`` never raises for bad input.

Each takes ``variant``: the plan as one athlete of a roster does it
(``planc.plan.model.Variant``: own start date, weekday moves, parameter values,
thresholds and measured fitness; ``planc.plan.roster`` makes them).  Mistakes
in the variant's values are reported where the roster wrote them.

A file with ``workouts:`` but no ``calendar:`` is checked as a library (each
workout is compiled with its parameter defaults), and a file holding only
athlete sections (``ride:``, ``run:`` …) as an athlete file, so ``planc check
plans/`` works on a whole folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planc.ast import Span, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, DiagnosticError, error, sort_key
from planc.inputs import InputError, NotText, digest, read_text, source_text
from planc.limits import TRAINING_LOAD
from planc.plan.athlete_file import athlete_from_node, read_athlete_file, read_athlete_node
from planc.plan.expand import expand_calendar, workout_values
from planc.plan.instantiate import Compiler, ParseRecord, TextPos, Week, report_unknown
from planc.plan.model import Fitness, LibraryWorkout, Param, Plan, Variant, plan_end
from planc.plan.params import apply_variant, plan_parameters
from planc.plan.reader import Reader, value_span
from planc.plan.schema import (
    BUILTIN_PARAMS,
    FIELDS,
    ID_RE,
    PARAM_RE,
    RESERVED_PARAMS,
    WORKOUT_KEY_RE,
)
from planc.plan.template import placeholders
from planc.plan.yamlsrc import (
    YMap,
    YNode,
    YScalar,
    YSeq,
    parse_yaml,
    tree_from_data,
    tree_to_data,
)

RESERVED_WORKOUTS = ("rest",)


class PlanError(DiagnosticError):
    """A plan with errors; ``sources`` maps each path to its text for rendering."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, str]):
        super().__init__(diagnostics)
        self.sources = sources


@dataclass(slots=True)
class PlanResult:
    plan: Plan | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # the workouts the plan and its includes define, also when the plan itself has errors
    # (an editor completes and follows workout names from it)
    library: dict[str, LibraryWorkout] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.plan is not None and not any(d.is_error for d in self.diagnostics)


def load_plan(path: str | os.PathLike, *, athlete: Athlete | None = None,
              variant: Variant | None = None) -> Plan:
    """The checked, expanded plan; raises PlanError listing every error."""
    result = read_plan(path, athlete=athlete, need_plan=True, variant=variant)
    if not result.ok or result.plan is None:
        raise PlanError([d for d in result.diagnostics], result.sources)
    return result.plan


def read_plan(path: str | os.PathLike, *, athlete: Athlete | None = None,
              need_plan: bool = False, variant: Variant | None = None,
              texts: Mapping[str, str] | None = None,
              known: Recall | None = None) -> PlanResult:
    """``need_plan``: the caller builds, renders or publishes, so a library or athlete
    file (fine for ``check``) is an error that says what the file is.

    ``texts`` maps absolute paths to texts that replace those files' contents on disk:
    an editor's unsaved buffers (``planc lsp``) or a plan handed over as text
    (``planc mcp``); included files not in it are read from disk as usual.

    ``known``: what an earlier build learnt (:class:`Recall`): the files whose YAML
    tree it has are not composed, the workout texts it has records of are not parsed,
    and their sessions hold placeholders that ``plan.parses.realise`` turns into
    workouts (``planc.plan.instantiate.Compiler``).  Only ``build`` passes it."""
    loader = _Loader(variant, {overlay_key(k): v for k, v in (texts or {}).items()}, known)
    plan = loader.run(str(path), athlete)
    if need_plan and plan is None and loader.kind and not any(
            d.is_error for d in loader.r.diagnostics):
        loader.r.diagnostics.append(error(
            "not-a-plan", f"this is {loader.kind}, not a plan: it has no calendar",
            Span.point(1, 1), path=str(path),
            hint="give a plan file (id, name, start, weeks, calendar); a plan uses a library "
                 "with 'include: [this file]', an athlete file with 'athlete: this file' and "
                 "a roster with 'roster: this file' (or --roster this file --for …)"))
    diags = _dedupe(loader.r.diagnostics)
    if plan is not None:
        plan.diagnostics = [d for d in diags if not d.is_error]
        plan.sources = loader.sources
        plan.parses = loader
    return PlanResult(plan, diags, loader.sources, loader.library)


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per (place, code): a library workout used in 12 weeks with
    the same mistake is reported once (with the first week's wording)."""
    seen: set[tuple] = set()
    out = []
    for d in diags:
        key = (d.path, d.span, d.code)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return sorted(out, key=sort_key)


@functools.lru_cache(maxsize=32)
def _parsed(text: str, path: str) -> tuple[YNode | None, tuple[Diagnostic, ...]]:
    """The positioned YAML of one file, parsed once per content: a coach's command loads
    the same plan and libraries once per athlete, and YAML parsing is most of a load.
    The trees are never modified after parsing, so sharing them is safe."""
    tree, diags = parse_yaml(text, path)
    return tree, tuple(diags)


def overlay_key(path: str | os.PathLike) -> str:
    """How a path is looked up in :func:`read_plan`'s ``texts``: absolute and normalised."""
    return os.path.normcase(os.path.abspath(path))


@dataclass(slots=True)
class Recall:
    """What an earlier build learnt reading its plan, for the next one (``build`` keeps it
    in its cache, stamped with the planc and libraries that made it): each workout
    text's parse record (``planc.plan.instantiate.Compiler``), and the YAML tree of each
    file read without a diagnostic (:func:`planc.plan.yamlsrc.tree_to_data`), both by
    digest of what they were made from."""

    parses: Mapping[str, ParseRecord] = field(default_factory=dict)
    trees: Mapping[str, Any] = field(default_factory=dict)


def tree_name(text: str, path: str) -> str:
    """The name of a stored YAML tree: a digest of the file's path (in every node) and text."""
    return digest(f"{path}\n{text}".encode("utf-8", "surrogatepass"))


def _storable(tree: YNode) -> list[Any] | None:
    """The tree as stored, if JSON gives it back the same: not a tree holding a lone
    surrogate (``"\\ud800"`` in a quoted scalar), which UTF-8 cannot hold and JSON would
    pair with its neighbour."""
    data = tree_to_data(tree)
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return None
    return data


class _Loader:
    def __init__(self, variant: Variant | None = None,
                 texts: Mapping[str, str] | None = None,
                 known: Recall | None = None) -> None:
        self.variant = variant
        self.variables: tuple[tuple[str, object], ...] = ()  # plan parameters, for defaults
        self.texts = texts or {}
        self.kind: str | None = None  # "a workout library" / "an athlete file": not a plan
        self.r = Reader("<plan>")
        self.sources: dict[str, str] = {}
        self.library: dict[str, LibraryWorkout] = {}
        self.loaded: set[str] = set()
        self.keeping = known is not None  # a build: keep what is learnt for the next one
        self.known = known or Recall()
        self.compiler = Compiler(self.known.parses)
        self.trees: dict[str, Any] = {}  # tree_name -> stored tree, of the files read here

    def _tree(self, text: str, path: str) -> tuple[YNode | None, tuple[Diagnostic, ...]]:
        """The file's YAML tree: from an earlier build's (``known``) if it has it, else
        composed; a tree without diagnostics is kept for the next build."""
        if not self.keeping:
            return _parsed(text, path)
        name = tree_name(text, path)
        stored = self.known.trees.get(name)
        if stored is not None:
            try:
                tree = tree_from_data(stored, path)
            except (ValueError, TypeError, IndexError, KeyError):
                pass  # not a tree planc stored: composed again below
            else:
                self.trees[name] = stored
                return tree, ()
        tree, diags = _parsed(text, path)
        if tree is not None and not diags and (data := _storable(tree)) is not None:
            self.trees[name] = data
        return tree, diags

    def realise(self, workout: Workout) -> Workout:
        """The parsed workout of a placeholder (``Compiler.realise``)."""
        return self.compiler.realise(workout)

    def learnt(self) -> Recall:
        """What this read learnt, for the next build (:class:`Recall`)."""
        return Recall(self.compiler.records, self.trees)

    # ------------------------------------------------------------ files --

    def read(self, path: str, cause: YNode | None = None) -> YNode | None:
        text = self.texts.get(overlay_key(path)) if self.texts else None
        try:
            if text is None:
                text = read_text(path)
        except NotText as exc:  # positioned in the file itself, shown as far as it is text
            self.sources[path] = exc.text()
            self.r.diagnostics.append(exc.diagnostic(path))
            return None
        except InputError as exc:
            reason = str(exc)
            if cause is not None:
                self.r.error("include-missing", f"cannot read '{path}': {reason}", cause,
                             "paths are relative to the file that names them")
            else:
                self.r.diagnostics.append(error("file", f"cannot read plan: {reason}", path=path))
            return None
        self.sources[path] = text
        tree, diags = self._tree(text, path)
        self.r.diagnostics.extend(diags)
        if tree is None and not diags:
            self.r.diagnostics.append(error("empty-file", "the file is empty", path=path,
                                            hint="a plan needs id, name, start, weeks, calendar"))
        return tree

    def run(self, path: str, athlete: Athlete | None) -> Plan | None:
        tree = self.read(path)
        if tree is None:
            return None
        if isinstance(tree, YMap) and "calendar" not in tree and "start" not in tree \
                and "workouts" in tree:
            self.kind = "a workout library"
            self.load_library_file(tree, path, [(os.path.realpath(path), path)])
            self.check_library_defaults()
            return None
        if isinstance(tree, YMap) and "athletes" in tree and "calendar" not in tree:
            self.kind = "a roster"  # checked by planc.plan.roster.check_roster
            return None
        if isinstance(tree, YMap) and tree.items and set(tree.items) <= set(FIELDS["athlete"]):
            self.kind = "an athlete file"
            self.r.diagnostics.extend(athlete_from_node(tree, path)[1])  # an athlete file
            return None
        top = self.r.mapping(tree, "plan", what="the plan")
        if top is None:
            return None
        params = plan_parameters(self.r, top.get("params"), self.variant)
        self.variables = tuple((p.name, p.value) for p in params.values())
        self.includes(top, path, [(os.path.realpath(path), path)])
        self.workouts(top.get("workouts"))
        plan = self.header(top, path)
        plan_athlete, measured = self.athlete(top.get("athlete"), path)
        if plan is None:
            self.check_library_defaults()
            return None
        plan.params = params
        plan.athlete = athlete if athlete is not None else plan_athlete
        plan.measured = measured
        plan.library = self.library
        self.roster(top.get("roster"), plan)
        if self.variant is not None:
            apply_variant(plan, self.variant, athlete)

        plan.sessions = expand_calendar(self.r, plan, top.get("calendar"), self.compiler)
        self.check_library_defaults()
        return plan

    # --------------------------------------------------------- includes --

    def includes(self, top: YMap, path: str, stack: list[tuple[str, str]]) -> None:
        """Load the files ``top`` includes; ``stack`` is the chain (real path, shown path)."""
        node = top.get("include")
        if node is None:
            return
        items = node.items if isinstance(node, YSeq) else [node]
        for item in items:
            rel = self.r.string(item, "a file path to include")
            if rel is None:
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), rel))
            real = os.path.realpath(target)
            reals = [p for p, _ in stack]
            if real in reals:
                cycle = [shown for _, shown in stack[reals.index(real):]] + [target]
                self.r.error("include-cycle", f"include cycle: {' -> '.join(cycle)}", item,
                             "a library cannot include a file that includes it")
                continue
            if real in self.loaded:
                continue  # a diamond: already loaded through another include
            tree = self.read(target, item)
            if tree is None:
                continue
            self.load_library_file(tree, target, [*stack, (real, target)])

    def load_library_file(self, tree: YNode, path: str, stack: list[tuple[str, str]]) -> None:
        self.loaded.add(stack[-1][0])
        lib = self.r.mapping(tree, "library", what="a workout library")
        if lib is None:
            return
        self.includes(lib, path, stack)
        self.workouts(lib.get("workouts"))

    # ---------------------------------------------------------- library --

    def workouts(self, node: YNode | None) -> None:
        if node is None:
            return
        if not isinstance(node, YMap):
            self.r.expected("workouts as a mapping of name -> workout", node)
            return
        for key, (knode, value) in node.items.items():
            if not WORKOUT_KEY_RE.match(key) or key in RESERVED_WORKOUTS:
                self.r.error("bad-workout-name", f"'{key}' cannot name a workout", knode,
                             "'rest' means a rest day" if key in RESERVED_WORKOUTS else
                             "use letters, digits, '-' and '_', starting with a letter")
                continue
            if key in self.library:
                first = self.library[key]
                self.r.error("duplicate-workout", f"workout '{key}' is defined twice", knode,
                             f"the first is at {first.path}:{first.span.line}:{first.span.column}")
                continue
            lw = self.workout(key, knode, value)
            if lw is not None:
                self.library[key] = lw

    def workout(self, key: str, knode: YScalar, node: YNode) -> LibraryWorkout | None:
        r = self.r
        m = r.mapping(node, "workout", what=f"workout '{key}'")
        if m is None:
            return None
        sport = r.sport(m.get("sport"))
        body = m.get("body")
        if body is not None and not (isinstance(body, YScalar) and isinstance(body.value, str)):
            r.expected("the workout steps as text (body: |)", body)
            body = None
        params = self.params(m.get("params"))
        lw = LibraryWorkout(key, sport or "Other", body or YScalar("", "", knode.span, knode.path),
                            params or {}, span=knode.span, path=knode.path)
        for field_name in ("name", "description"):
            v = m.get(field_name)
            if v is not None:
                if isinstance(v, YScalar) and isinstance(v.value, str):
                    setattr(lw, field_name, v)
                else:
                    r.expected(f"a {field_name} (text)", v)
        if (v := m.get("indoor")) is not None:
            lw.indoor = r.boolean(v, "indoor: true or false")
        if (v := m.get("tags")) is not None:
            lw.tags = r.strings(v, "tags") or ()
        if (v := m.get("time")) is not None:
            lw.time = r.time(v)
        lw.broken = sport is None or body is None or params is None
        if params is not None:
            self.check_placeholders(lw)
        return lw

    def params(self, node: YNode | None) -> dict[str, Param] | None:
        out: dict[str, Param] = {}
        if node is None:
            return out
        if isinstance(node, YSeq):
            pairs = [(item, None) for item in node.items]
        elif isinstance(node, YMap):
            pairs = [(k, v) for k, v in node.items.values()]
        else:
            self.r.expected("params as a list of names or a mapping name -> default", node)
            return None
        ok = True
        for knode, default in pairs:
            if not isinstance(knode, YScalar) or not isinstance(knode.value, str):
                self.r.expected("a parameter name", knode)
                ok = False
                continue
            name = knode.text
            if name in RESERVED_PARAMS:
                self.r.error("reserved-parameter", f"'{name}' cannot be a parameter name", knode,
                             f"{', '.join(RESERVED_PARAMS)} are session keys or built-ins")
                ok = False
            elif not PARAM_RE.match(name):
                self.r.error("bad-parameter", f"'{name}' is not a valid parameter name", knode,
                             "use lower-case letters, digits and '_'")
                ok = False
            elif isinstance(default, YSeq | YMap):
                self.r.expected(f"one default value for '{name}'", default,
                                "per-week lists belong in the calendar entry")
                ok = False
            elif name in out:
                self.r.error("duplicate-parameter", f"parameter '{name}' is declared twice", knode)
            else:
                has_default = isinstance(default, YScalar) and default.value is not None
                out[name] = Param(name, default if has_default else None, knode.span)
        return out if ok else None

    def check_placeholders(self, lw: LibraryWorkout) -> None:
        """Unknown ``{names}`` (errors; the workout is then not compiled, which would
        only repeat the mistake) and parameters never used (warnings), once per
        workout definition rather than once per use."""
        known = [*lw.params, *BUILTIN_PARAMS]
        used: set[str] = set()
        for t in (lw.body, lw.name, lw.description):
            if t is None or not isinstance(t.value, str):
                continue
            found = placeholders(t.value)
            used |= {u.name for u in found}
            unknown = [u for u in found if u.name not in known]
            report_unknown(self.r, unknown, TextPos.of(t), known, f"workout '{lw.key}'")
            lw.broken = lw.broken or bool(unknown)
        for p in lw.params.values():
            if p.name not in used:
                self.r.warn("unused-parameter", f"parameter '{p.name}' of '{lw.key}' is never used",
                            p.span, f"use it as {{{p.name}}} in the body or name, or remove it",
                            lw.path)

    def check_library_defaults(self) -> None:
        """Compile every library workout no session used whose parameters all have
        defaults, so a mistake in a workout nobody uses (yet) is still reported."""

        for lw in self.library.values():
            if lw.broken or lw.key in self.compiler.used \
                    or any(p.default is None for p in lw.params.values()):
                continue
            values = workout_values(self.r, lw, {}, Week(1, 1, 1, "week 1", self.variables))
            if values is None:
                continue
            self.compiler.compile(self.r, lw.body, values, lw.sport, lw.key)

    # ----------------------------------------------------------- header --

    def header(self, top: YMap, path: str) -> Plan | None:
        """The plan's metadata.  After a fixable mistake (an id that is not a slug, a
        start that is not a Monday) it goes on with a stand-in value, so the calendar
        is still checked; without a start date or a week count there is no calendar."""
        r = self.r
        plan_id = r.string(top.get("id"), "a plan id") if "id" in top else None
        if plan_id is not None and not ID_RE.match(plan_id):
            r.error("bad-id", f"plan id '{plan_id}' is not a slug", top.get("id"),
                    "use lower-case letters, digits and '-', e.g. base-build-2027")
        name = r.string(top.get("name"), "a plan name") if "name" in top else None
        start = r.date(top.get("start"), "the plan start") if "start" in top else None
        if start is not None and start.weekday() != 0:
            monday = start.fromordinal(start.toordinal() - start.weekday())
            r.error("start-not-monday",
                    f"the plan must start on a Monday; {start.isoformat()} is a "
                    f"{start.strftime('%A')}", top.get("start"),
                    f"start: {monday.isoformat()} (the Monday before)")
            start = monday
        weeks = r.integer(top.get("weeks"), "a number of weeks", 1, 156) if "weeks" in top else None
        description = None
        if (v := top.get("description")) is not None:
            description = r.string(v, "a description (text)")
        fitness = self.fitness(top.get("fitness"))
        if start is not None and weeks is not None and plan_end(start, weeks) is None:
            r.error("bad-date", f"a plan of {weeks} week{'s' * (weeks != 1)} from "
                    f"{start.isoformat()} ends after {dt.date.max.isoformat()}, the last date "
                    "planc's calendar has", top.get("start"), "check the year of the start")
            return None
        if start is None or weeks is None:
            return None
        return Plan(id=plan_id or "plan", name=name or "", start=start, weeks=weeks, path=path,
                    description=description, fitness=fitness)

    def fitness(self, node: YNode | None) -> Fitness:
        if node is None:
            return Fitness()
        m = self.r.mapping(node, "fitness", what="fitness")
        if m is None:
            return Fitness()
        ctl = self._load(m, "ctl") if "ctl" in m else 0.0
        atl = self._load(m, "atl") if "atl" in m else ctl
        return Fitness(ctl or 0.0, atl if atl is not None else (ctl or 0.0))

    def _load(self, m: YMap, key: str) -> float | None:
        return self.r.bounded(m.get(key), key, TRAINING_LOAD)

    def athlete(self, node: YNode | None, path: str) -> tuple[Athlete | None, Fitness | None]:
        """The plan's athlete: thresholds, and the fitness intervals.icu measured (if the
        athlete file came from ``planc athlete pull``)."""
        if node is None:
            return None, None
        if isinstance(node, YScalar) and isinstance(node.value, str):
            target = os.path.normpath(os.path.join(os.path.dirname(path), node.value))
            if not os.path.isfile(target):
                self.r.error("athlete-missing", f"athlete file '{node.value}' not found", node,
                             f"looked for {target}; paths are relative to the plan file")
                return None, None
            found = read_athlete_file(target)
            text = source_text(target)
            if text is not None:
                self.sources[target] = text
        else:
            found = read_athlete_node(node, path)
        self.r.diagnostics.extend(found.diagnostics)
        return found.athlete, found.fitness

    def roster(self, node: YNode | None, plan: Plan) -> None:
        """``roster: squad.yaml``: where the plan's athletes are (read by the commands
        that take ``--for``; a path relative to the plan)."""
        if node is None:
            return
        rel = self.r.string(node, "a roster file path")
        if rel is None:
            return
        target = os.path.normpath(os.path.join(os.path.dirname(plan.path), rel))
        if not os.path.isfile(target):
            self.r.error("roster-missing", f"roster file '{rel}' not found", node,
                         f"looked for {target}; paths are relative to the plan file")
            return
        plan.roster = target
        plan.roster_span = value_span(node) if isinstance(node, YScalar) else node.span

"""``planc render``: a plan as a static site that works offline, from ``file://``.

Layout of the output folder (stable, so it can be committed or published)::

    index.html                       the plan: weeks x days, load and fitness chart
    style.css                        one local stylesheet (screen, phone, print)
    week-01-2027-01-04/<stem>.html   one page per workout session
    week-01-2027-01-04/<stem>.svg    its profile picture, and its compiled files
    week-01-2027-01-04/<stem>.zwo    (.txt, .zwo, .mrc, .erg, .fit: what the registry has)
    site-manifest.json               the files this render wrote (stale ones are removed)

``<stem>`` and the week folders are ``planc build``'s names, so a session's
page sits under the same name as its built files.

Guarantees: every link is relative and resolves inside the folder; nothing is
fetched from the network (no CDN, fonts or scripts); the same plan gives the
same bytes.  The folder is written by :class:`planc.output.tree.OutputTree`
(the writer ``build`` and ``compile -o`` share): atomic writes, unchanged files
untouched, a file removed only when the previous render's manifest lists it and
this render no longer produces it, a file planc did not write (a hand-made
``index.html``) never replaced unless ``--force``, nothing written through a
link.  A render with nothing changed stops before any of this
(:func:`planc.output.cache.up_to_date`).  A render replaces the whole site (the
index shows only the selected weeks), so its manifest lists this render's files
only, where a partial ``build`` keeps the other weeks.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from planc.ast import Block, Distance, Node, Note, Repeat, Step, Workout, iter_steps
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic
from planc.emit import emit
from planc.emit.svg import diagnostics as svg_diagnostics
from planc.emit.svgdraw import (
    CARD,
    LARGE,
    THUMB,
    clock,
    duration_text,
    hms,
    hours_minutes,
    render_svg,
    summary,
)
from planc.lower.common import cadence_text, describe_targets, label_text
from planc.lower.formats import FORMATS, EmitOptions
from planc.output.cache import Stamp
from planc.output.tree import ManifestKind, OutputTree, TreeResult
from planc.plan.build import file_stem, week_folder
from planc.plan.model import Kind, Plan, Session
from planc.plan.stats import plan_report
from planc.plan.weeks import Selection
from planc.render.charts import Day, Race, WeekLoad, fitness_chart
from planc.resolve.metrics import measure
from planc.resolve.profile import (
    PALETTE,
    ZONE_NAMES,
    Profile,
    StepShape,
    build_profile,
    zone_colour,
)
from planc.resources import resource_dir
from planc.sanitise import for_xml
from planc.syntax.printer import fmt_distance, fmt_pace_clock
from planc.units import sport_family

TEMPLATES = resource_dir("templates")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RACE_WORDS = {Kind.RACE_A: "A race", Kind.RACE_B: "B race", Kind.RACE_C: "C race"}


def _listed_files(manifest: Any) -> list[str]:
    """The files a site manifest lists."""
    files = manifest["files"]
    if not isinstance(files, list):
        raise TypeError("files is not a list")
    return [f for f in files if isinstance(f, str)]


SITE_MANIFEST = ManifestKind(
    name="site-manifest.json", product="rendering",
    hint="render each plan into its own folder (the default is out/<id>-site)",
    owner=lambda manifest: manifest["plan"], files=_listed_files)


class TemplateMissing(RuntimeError):
    """The templates folder is not where planc expects it (a broken installation)."""


def _html_text(value: object) -> object:
    """Every ``{{ value }}`` of a page: outside text without what HTML cannot hold
    (planc.sanitise.for_xml); markup planc made (an inlined SVG) is already clean."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return for_xml(value)
    return value


@functools.cache
def environment():
    """The one jinja2 Environment of the process (autoescape on: plan text is user text)."""
    import jinja2

    if not (TEMPLATES / "base.html.j2").is_file():
        raise TemplateMissing(f"templates not found in {TEMPLATES}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_html_text,
    )
    env.filters["day"] = day_text
    env.filters["longday"] = long_day_text
    env.filters["clock"] = lambda s: "-" if s is None else clock(s)
    env.filters["hm"] = hours_minutes
    env.filters["km"] = lambda m: "-" if not m else f"{m / 1000:.1f}"
    env.filters["num"] = lambda x, spec=".0f": "-" if x is None else format(x, spec)
    env.filters["signed"] = lambda x: "-" if x is None else f"{x:+.0f}"
    return env


def day_text(d: dt.date) -> str:
    """``4 Jan``: locale-free, so the bytes do not depend on the machine."""
    return f"{d.day} {MONTHS[d.month - 1]}"


def long_day_text(d: dt.date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


# ------------------------------------------------------------------ views --


@dataclass(slots=True)
class FileLink:
    fmt: str
    title: str
    href: str
    size: int
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NoFile:
    fmt: str
    title: str
    reason: str


@dataclass(slots=True)
class Row:
    """A line of a session's step table (repeats shown once, grouped under their header)."""

    kind: str  # section | repeat | step | note
    depth: int
    text: str
    start: str = ""
    length: str = ""
    target: str = ""
    cadence: str = ""
    zone: str = ""
    colour: str = ""
    cues: list[str] = field(default_factory=list)
    estimated: bool = False


@dataclass(slots=True)
class ZoneRow:
    name: str
    seconds: float
    percent: float
    colour: str


@dataclass(slots=True)
class SessionView:
    session: Session
    folder: str
    stem: str
    duration: str = ""
    duration_s: float | None = None
    load: float | None = None
    intensity: float | None = None
    distance_m: float | None = None
    thumb: str = ""  # inline SVG markup (a Markup once filled in)
    large: str = ""
    desc: str = ""
    rows: list[Row] = field(default_factory=list)
    zones: list[ZoneRow] = field(default_factory=list)
    files: list[FileLink] = field(default_factory=list)
    nofiles: list[NoFile] = field(default_factory=list)
    prev: SessionView | None = None
    next: SessionView | None = None
    race_form: dict[str, Any] | None = None
    review: dict[str, Any] | None = None  # this session in a review (planc review --json)

    @property
    def href(self) -> str:
        return f"{self.folder}/{self.stem}.html"

    @property
    def kind(self) -> str:
        return str(self.session.kind)

    @property
    def race_word(self) -> str:
        return RACE_WORDS.get(self.session.kind, "")


@dataclass(slots=True)
class RenderResult:
    """What a render did: pages, diagnostics, and the files written, unchanged, removed."""

    files: TreeResult = field(default_factory=TreeResult)
    pages: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ------------------------------------------------------------ step table --


def _first_shapes(profile: Profile) -> dict[int, StepShape]:
    out: dict[int, StepShape] = {}
    for s in profile.steps:
        out.setdefault(id(s.step), s)
    return out


def _seconds(nodes: tuple[Node, ...], shapes: dict[int, StepShape]) -> float:
    total = 0.0
    for node in nodes:
        if isinstance(node, Step):
            shape = shapes.get(id(node))
            total += shape.seconds if shape else 0.0
        elif isinstance(node, Repeat):
            total += node.count * _seconds(node.children, shapes)
        elif isinstance(node, Block):
            total += _seconds(node.children, shapes)
    return total


def step_rows(workout: Workout, profile: Profile, athlete: Athlete | None,
              indoor: bool) -> list[Row]:
    """The step table: blocks as section rows, a repeat as a header over its steps."""
    thr = (athlete or Athlete()).for_sport(workout.sport)
    shapes = _first_shapes(profile)
    rows: list[Row] = []

    def walk(nodes: tuple[Node, ...], depth: int) -> None:
        for node in nodes:
            if isinstance(node, Note):
                rows.append(Row("note", depth, node.text.strip()))
            elif isinstance(node, Block):
                if node.title:
                    rows.append(Row("section", depth, node.title.strip()))
                walk(node.children, depth)
            elif isinstance(node, Repeat):
                once = _seconds(node.children, shapes)
                title = f"{node.title.strip()} {node.count}x" if node.title.strip() \
                    else f"{node.count}x"
                first = next((shapes[id(s)] for s in _steps_of(node) if id(s) in shapes), None)
                rows.append(Row("repeat", depth, title, start=hms(first.t0) if first else "",
                                length=f"{node.count} × {clock(once)} = {clock(once * node.count)}"))
                walk(node.children, depth + 1)
            elif isinstance(node, Step):
                shape = shapes.get(id(node))
                if shape is None:
                    continue
                target = describe_targets(node, thr, indoor=indoor)
                if node.ramp and target:
                    target = "ramp " + target
                extras = [w for w, on in (("free ride", node.freeride),
                                          ("max effort", node.maxeffort),
                                          ("until lap press", node.until_lap_press)) if on]
                if node.intensity is not None:
                    extras.append(node.intensity.value)
                target = ", ".join(p for p in (target, *extras) if p)
                length = clock(shape.seconds)
                if isinstance(node.amount, Distance):
                    length = (f"{fmt_distance(node.amount)} "
                              f"({'~' if shape.estimated else ''}{clock(shape.seconds)})")
                zone = ""
                if shape.zone is not None and shape.domain is not None:
                    prefix = {"power": "", "pace": "Pace ", "hr": "HR "}[shape.domain]
                    zone = f"{prefix}Z{shape.zone}"
                cues = [f"{_cue_at(c.offset, node)}: {c.text}" for c in node.cues]
                rows.append(Row("step", depth, label_text(node) or "", start=hms(shape.t0),
                                length=length, target=target or "no target",
                                cadence=cadence_text(node), zone=zone,
                                colour=zone_colour(shape.zone), cues=cues,
                                estimated=shape.estimated))

    walk(workout.body, 0)
    return rows


def _steps_of(node: Node):
    return iter_steps((node,))


def _cue_at(offset: float, step: Step) -> str:
    if isinstance(step.amount, Distance):
        return f"at {offset:g} m"
    return f"at {clock(offset)}"


def zone_rows(zone_seconds: dict[str, float]) -> list[ZoneRow]:
    """Time in zones from planc.resolve.metrics (``Z2``, ``HR Z1``, ``PACE Z4``) with colours."""
    total = sum(zone_seconds.values()) or 1.0
    out = []
    for key, secs in zone_seconds.items():
        domain, _, zone = key.rpartition(" ")
        n = int(zone[1:]) if zone[1:].isdigit() else None
        name = {"": "Power", "HR": "HR", "PACE": "Pace"}.get(domain, domain.title())
        words = f" {ZONE_NAMES[n - 1]}" if n and n <= len(ZONE_NAMES) and not domain else ""
        out.append(ZoneRow(f"{name} {zone}{words}", secs, round(100 * secs / total, 1),
                           zone_colour(n)))
    return out


# ------------------------------------------------------------------ files --


def _emit_files(view: SessionView, athlete: Athlete | None, cache: dict,
                diags: list[Diagnostic], drawn: tuple[Profile, Any]) -> list[tuple[str, bytes]]:
    """The session's compiled files (what the registry has), next to its page.

    The .svg is drawn from the profile and metrics the page already has (the same
    bytes ``planc compile --to svg`` writes, without measuring the workout again)."""
    s = view.session
    assert s.workout is not None
    out: list[tuple[str, bytes]] = []
    for fmt, spec in FORMATS.items():
        key = (id(s.workout), fmt, s.indoor, s.date.isoformat() if spec.binary else "")
        if key not in cache:
            options = EmitOptions(indoor=s.indoor, date=s.date.isoformat())
            if fmt == "svg":
                profile, metrics = drawn
                picture = render_svg(s.workout, athlete, style=CARD, indoor=s.indoor,
                                     profile=profile, metrics=metrics)
                cache[key] = (picture.encode("utf-8"), svg_diagnostics(profile, s.workout.sport))
            else:
                cache[key] = emit(fmt, s.workout, athlete, options)
        data, fdiags = cache[key]
        errors = [d for d in fdiags if d.is_error]
        if data is None or errors:
            reason = errors[0].message if errors else fdiags[0].message
            view.nofiles.append(NoFile(fmt, spec.title, reason))
            continue
        if fmt == "svg":
            diags.extend(s.locate(d) for d in fdiags)
        rel = f"{view.folder}/{view.stem}{spec.extension}"
        notes = sorted({d.message for d in fdiags if fmt != "svg"})
        view.files.append(FileLink(fmt, spec.title, f"{view.stem}{spec.extension}", len(data),
                                   notes))
        out.append((rel, data))
    return out


# ------------------------------------------------------------------- site --


def _athlete_lines(athlete: Athlete | None, sports: set[str]) -> list[str]:
    """``Ride: FTP 265 W (indoor 255 W), LTHR 166 bpm``: the thresholds the targets use."""
    if athlete is None:
        return []
    lines = []
    for family in ("ride", "run", "swim", "other"):
        if not any(sport_family(s) == family for s in sports):
            continue
        thr = athlete.for_sport({"ride": "Ride", "run": "Run", "swim": "Swim"}.get(family, "Other"))
        parts = []
        if thr.ftp:
            parts.append(f"FTP {thr.ftp:.0f} W"
                         + (f" (indoor {thr.indoor_ftp:.0f} W)" if thr.indoor_ftp else ""))
        if thr.threshold_pace:
            per, metres = ("100m", 100.0) if family == "swim" else ("km", 1000.0)
            parts.append(f"threshold pace {fmt_pace_clock(metres / thr.threshold_pace)}/{per}")
        if thr.lthr:
            parts.append(f"LTHR {thr.lthr:.0f} bpm")
        if thr.max_hr:
            parts.append(f"max HR {thr.max_hr:.0f} bpm")
        if parts:
            lines.append(f"{family.title()}: " + ", ".join(parts))
    return lines


def render_site(plan: Plan, out_dir: Path, selection: Selection | None = None,
                athlete: Athlete | None = None, review: dict[str, Any] | None = None, *,
                force: bool = False, stamp: Stamp | None = None) -> RenderResult:
    """Render the selected weeks of ``plan`` into ``out_dir`` (module doc has the layout);
    ``review`` (a saved ``planc review --json``) adds what was done beside the plan.

    ``force`` replaces files planc did not write; ``stamp`` (from the command) lets
    the tree store the cache state.  Raises OutputRefused for a folder planc must
    not write into."""
    selection = selection or Selection()
    athlete = athlete if athlete is not None else plan.athlete
    result = RenderResult()
    report = plan_report(plan, selection, athlete)
    env = environment()
    outputs: dict[str, bytes] = {}

    sessions = selection.sessions(plan.sessions)
    per_workout: dict[tuple[int, bool], tuple[Profile, Any, Markup, Markup, str, list[Row]]] = {}
    emitted: dict = {}
    views: list[SessionView] = []
    fitness_by_date = {d["date"]: d for d in report["fitness"]}
    for s in sessions:
        view = SessionView(s, week_folder(plan, s.week), file_stem(s))
        views.append(view)
        if s.kind in RACE_WORDS:
            view.race_form = fitness_by_date.get(s.date.isoformat())
        if s.workout is None:
            continue
        key = (id(s.workout), s.indoor)
        if key not in per_workout:
            per_workout[key] = _drawn(s, athlete)
        profile, metrics, thumb, large, desc, rows = per_workout[key]
        view.duration = duration_text(profile)
        view.duration_s = profile.total_s
        view.load = metrics.load
        view.intensity = metrics.intensity
        view.distance_m = metrics.distance_m
        view.thumb, view.large, view.desc, view.rows = thumb, large, desc, rows
        view.zones = zone_rows(metrics.zone_seconds)
        for rel, data in _emit_files(view, athlete, emitted, result.diagnostics,
                                     (profile, metrics)):
            outputs[rel] = data

    workouts = [v for v in views if v.session.workout is not None]
    for a, b in itertools.pairwise(workouts):
        a.next, b.prev = b, a

    weeks = _calendar(plan, selection, views, report)
    if review is not None:
        _add_review(review, views, weeks)
    chart = _chart(plan, weeks, views, report, review)

    sports = {v.session.sport for v in workouts if v.session.sport}
    common = {"plan": plan, "plan_file": Path(plan.path).name,
              "athlete_lines": _athlete_lines(athlete, sports), "palette": PALETTE,
              "zone_names": ZONE_NAMES}
    index = env.get_template("plan.html.j2").render(
        **common, root="", weeks=weeks, weekdays=WEEKDAYS, chart=chart, report=report,
        review=review,
        selected=not selection.everything, first=weeks[0]["start"] if weeks else plan.start,
        last=weeks[-1]["end"] if weeks else plan.end)
    outputs["index.html"] = index.encode("utf-8")
    session_tpl = env.get_template("session.html.j2")
    for v in workouts:
        page = session_tpl.render(**common, root="../", v=v, s=v.session)
        outputs[v.href] = page.encode("utf-8")
    outputs["style.css"] = (TEMPLATES / "site.css").read_bytes()
    result.pages = 1 + len(workouts)

    with OutputTree.open(out_dir, SITE_MANIFEST, plan.id, force=force, stamp=stamp) as tree:
        result.diagnostics.extend(tree.diagnostics)
        result.files = tree.write(outputs, {"plan": plan.id, "files": sorted(outputs)})
    return result


def _drawn(s: Session, athlete: Athlete | None) -> tuple[Profile, Any, Markup, Markup, str,
                                                         list[Row]]:
    """What the pages show of one workout (made once per workout and indoor flag): its
    profile, metrics, small and large pictures, summary and step table."""
    assert s.workout is not None
    profile = build_profile(s.workout, athlete, s.indoor)
    metrics = measure(profile.timeline)  # the numbers of the timeline drawn
    words = summary(s.workout, profile, athlete, s.indoor, metrics)
    thumb = Markup(render_svg(s.workout, athlete, style=THUMB, indoor=s.indoor,
                              standalone=False, profile=profile, describe=False,
                              metrics=metrics))
    large = Markup(render_svg(s.workout, athlete, style=LARGE, indoor=s.indoor,
                              standalone=False, profile=profile, metrics=metrics))
    rows = step_rows(s.workout, profile, athlete, s.indoor)
    return profile, metrics, thumb, large, words.desc, rows


def _calendar(plan: Plan, selection: Selection, views: list[SessionView],
              report: dict[str, Any]) -> list[dict[str, Any]]:
    """The calendar of the index page: the selected weeks x 7 days, with week totals."""
    by_day: dict[dt.date, list[SessionView]] = {}
    for v in views:
        by_day.setdefault(v.session.date, []).append(v)
    week_stats = {w["week"]: w for w in report["weeks"]}
    weeks = []
    for n in selection.weeks(plan):
        start = plan.week_start(n)
        stats = week_stats.get(n)
        days = []
        for i in range(7):
            day = start + dt.timedelta(days=i)
            days.append({"date": day, "name": WEEKDAYS[i], "in": selection.contains(day),
                         "sessions": by_day.get(day, [])})
        by_sport = []
        if stats:
            by_sport = [{"sport": k, **v} for k, v in sorted(stats["by_sport"].items())]
        weeks.append({"number": n, "start": start, "end": start + dt.timedelta(days=6),
                      "iso": f"{start.isocalendar().year}-W{start.isocalendar().week:02d}",
                      "days": days, "stats": stats, "by_sport": by_sport})
    return weeks


def _add_review(review: dict[str, Any], views: list[SessionView],
                weeks: list[dict[str, Any]]) -> None:
    """Put a review's figures where the page shows them: each session's on its view (by
    external id), extra activities on their day, done totals on their week."""
    by_id = {s["external_id"]: s for s in review.get("sessions", [])}
    for v in views:
        v.review = by_id.get(v.session.external_id)
    extra: dict[str, list[dict[str, Any]]] = {}
    for a in review.get("extra", []):
        extra.setdefault(a["date"], []).append(a)
    done = {w["week"]: w["done"] for w in review.get("weeks", [])}
    for w in weeks:
        w["done"] = done.get(w["number"])
        for d in w["days"]:
            d["extra"] = extra.get(d["date"].isoformat(), [])


def _chart(plan: Plan, weeks: list[dict[str, Any]], views: list[SessionView],
           report: dict[str, Any], review: dict[str, Any] | None = None) -> Markup:
    """The weekly load bars with the CTL/ATL projection and the races, as inline SVG; with
    a review, the load done beside each bar and the measured CTL over the projection."""
    chart_weeks = [WeekLoad(w["number"], w["start"], (w["stats"] or {}).get("load") or 0.0,
                            (w.get("done") or {}).get("load") if review else None)
                   for w in weeks]
    chart_days = [Day(dt.date.fromisoformat(d["date"]), d["ctl"], d["atl"])
                  for d in report["fitness"]]
    races = [Race(v.session.date, v.session.name) for v in views if v.session.kind in RACE_WORDS]
    actual = [Day(dt.date.fromisoformat(d["date"]), d["ctl"], d["atl"])
              for d in (review or {}).get("fitness", {}).get("actual", [])]
    return Markup(fitness_chart(chart_weeks, chart_days, races,
                                f"Weekly load and fitness projection, {plan.name}", actual))

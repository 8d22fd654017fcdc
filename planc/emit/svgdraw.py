"""Draw a workout profile (``planc.resolve.profile``) as SVG.

Three styles share one drawing routine:

* ``CARD`` — what ``planc compile --to svg`` writes: 600 px wide, repeat
  brackets with their ``4x`` labels, a caption with name, duration and load.
  Small enough for a README or a chat message (no fonts, no scripts, one
  ``<path>`` per zone colour, coordinates with one decimal).
* ``THUMB`` — the plan page's small profile in a calendar cell: shapes only.
* ``LARGE`` — a session page: axes (% of threshold, time), step labels where
  they fit, cue markers, repeat brackets, and a hover title per step.

Coordinates: ``x = left + t * plot_width / total_seconds`` (positions are
rounded, widths are differences of rounded positions, so they add up to the
plot width exactly); ``y = baseline - value * plot_height / vmax``.  Shapes
are tagged by class so tests (and curious people) can measure them:
``s`` the solid part of a step (from the baseline to its value, or to the low
end of a range), ``b`` a range's band (low to high), ``m`` a range's
midpoint line, ``u`` the dashed outline of a step whose time is estimated,
``r`` a repeat bracket.  Nothing depends on the clock or on dict order, so the
same workout gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.builder import ElementMaker

from planc.ast import Distance, Workout
from planc.athlete import Athlete
from planc.lower.common import cadence_text, describe_targets, label_text
from planc.resolve.metrics import Metrics, measure
from planc.resolve.profile import (
    NEUTRAL,
    Profile,
    StepShape,
    build_profile,
    zone_colour,
)
from planc.sanitise import for_xml
from planc.syntax.printer import fmt_distance, step_line

SVG_NS = "http://www.w3.org/2000/svg"
TEXT = "#2b2f36"
MUTED = "#6b7280"
GRID = "#e3e6ea"
ROW = 14  # height of one row of repeat brackets


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    width: int
    plot_height: int
    left: int = 2
    right: int = 2
    caption: bool = False
    brackets: bool = False
    axes: bool = False
    step_labels: bool = False
    hover: bool = False
    cues: bool = False
    font_size: int = 10


CARD = Style("card", 600, 110, caption=True, brackets=True)
THUMB = Style("thumb", 200, 50, left=1, right=1)
LARGE = Style("large", 960, 240, left=44, right=10, brackets=True, axes=True,
              step_labels=True, hover=True, cues=True)
STYLES = {s.name: s for s in (CARD, THUMB, LARGE)}


def num(x: float) -> str:
    """One decimal, no trailing ``.0``, no ``-0``: compact and byte-stable."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def clock(seconds: float) -> str:
    """``1h05m`` / ``45m`` / ``30s``: durations as the workout language writes them."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m:02d}m" if not sec else f"{h}h{m:02d}m{sec:02d}s"
    if m:
        return f"{m}m" if not sec else f"{m}m{sec:02d}s"
    return f"{sec}s"


def hms(seconds: float) -> str:
    """``0:00``, ``15:30``, ``1:05:00``: a position in a workout, as a clock shows it."""
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def hours_minutes(seconds: float | None) -> str:
    """``4h04m`` / ``50m``: a total rounded to the minute."""
    if seconds is None:
        return "-"
    h, m = divmod(int(round(seconds / 60)), 60)
    return f"{h}h{m:02d}m" if h else f"{m}m"


def duration_text(profile: Profile) -> str:
    """The total time, ``~`` in front when a step's time is estimated."""
    return ("~" if profile.estimated else "") + clock(profile.total_s)


@dataclass(frozen=True, slots=True)
class Summary:
    """The words that go with a picture: its caption, title and longer description."""

    title: str
    caption: str
    desc: str


def summary(workout: Workout, profile: Profile, athlete: Athlete | None,
            indoor: bool = False, metrics: Metrics | None = None) -> Summary:
    """Caption, title and description; ``metrics`` saves recomputing them (a plan page
    draws each workout several times), else they are measured on the picture's timeline."""
    m = metrics or measure(profile.timeline)
    name = workout.name or "Workout"
    facts = [duration_text(profile)]
    if m.load is not None:
        facts.append(f"load {m.load:.0f}")
    if m.intensity is not None:
        facts.append(f"IF {m.intensity:.2f}")
    title = f"{name}: {', '.join(facts)}"
    caption = " · ".join([name, workout.sport, *facts])
    lines = [step_line(s.step).removeprefix("- ").strip() for s in _distinct(profile)]
    desc = f"{workout.sport} workout, {len(profile.steps)} steps: " + "; ".join(lines)
    if profile.estimated:
        desc += ". Times of distance steps without a pace are estimated."
    if len(desc) > 600:
        desc = desc[:599].rstrip() + "…"
    return Summary(title, caption, desc)


def _distinct(profile: Profile) -> list[StepShape]:
    """Steps as written (a repeat's steps once), for the text description."""
    seen: set[int] = set()
    out = []
    for s in profile.steps:
        if id(s.step) not in seen:
            seen.add(id(s.step))
            out.append(s)
    return out


class _Paths:
    """Subpaths grouped by (class, colour): one element per group keeps the file small."""

    def __init__(self) -> None:
        self.groups: dict[tuple[int, str, str], list[str]] = {}

    def add(self, order: int, cls: str, colour: str, d: str) -> None:
        self.groups.setdefault((order, cls, colour), []).append(d)


def _add_xml_text(elem, text: str) -> None:
    """lxml's way of adding a text child, after planc.sanitise.for_xml: a label or cue
    with a control character would make lxml raise."""
    text = for_xml(text)
    if len(elem):
        elem[-1].tail = (elem[-1].tail or "") + text
    else:
        elem.text = (elem.text or "") + text


def xml_maker(**options) -> ElementMaker:
    """An lxml ElementMaker whose every text child goes through planc.sanitise.for_xml
    (attributes are numbers planc writes, but for ``aria-label``: pass it through
    for_xml)."""
    return ElementMaker(typemap={str: _add_xml_text}, **options)


def render_svg(workout: Workout, athlete: Athlete | None = None, *, style: Style = CARD,
               indoor: bool = False, standalone: bool = True,
               profile: Profile | None = None, label: str | None = None,
               describe: bool = True, metrics: Metrics | None = None) -> str:
    """The SVG text of ``workout``.  ``standalone`` adds the SVG namespace (a file);
    without it the markup is for inlining in HTML.  ``label`` overrides the title;
    ``describe=False`` leaves out the step-by-step ``<desc>`` (a thumbnail whose page
    has the details)."""
    profile = profile or build_profile(workout, athlete, indoor)
    words = summary(workout, profile, athlete, indoor, metrics)
    title = label or words.title
    E = xml_maker(namespace=SVG_NS, nsmap={None: SVG_NS}) if standalone else xml_maker()

    depth = 1 + max((r.depth for r in profile.repeats), default=-1)
    top = 3 + (depth * ROW if style.brackets and depth else 0)
    if style.step_labels:
        top += 12
    baseline = top + style.plot_height
    height = baseline + (18 if style.axes else 1) + (20 if style.caption else 0)
    plot_w = style.width - style.left - style.right
    kx = plot_w / profile.total_s if profile.total_s > 0 else 0.0
    ky = style.plot_height / profile.vmax

    root = E.svg(
        E.title(title),
        *([E.desc(words.desc)] if describe else []),
        viewBox=f"0 0 {style.width} {height}", width=str(style.width), height=str(height),
        role="img", **{"aria-label": for_xml(title)},
    )
    root.set("font-family", "sans-serif")
    root.set("font-size", str(style.font_size))
    if not standalone:
        root.set("class", f"profile {style.name}")

    if style.axes:
        _axes(E, root, profile, style, baseline, top, kx, ky)

    _append_paths(E, root, _step_paths(profile, style.left, baseline, kx, ky))
    root.append(_line(E, style.left, baseline, style.width - style.right, baseline, MUTED))

    if style.brackets:
        _brackets(E, root, profile, style, kx)
    if style.step_labels:
        _step_labels(E, root, profile, style, kx, ky, baseline)
    if style.cues:
        _cues(E, root, profile, style, kx, baseline, ky)
    if style.hover:
        _hover(E, root, profile, style, kx, top, baseline, athlete, workout)
    if style.caption:
        cap = E.text(words.caption, x=num(style.left), y=num(height - 6))
        cap.set("fill", TEXT)
        cap.set("font-size", "12")
        root.append(cap)
    return etree.tostring(root, encoding="unicode") + ("\n" if standalone else "")


_PATH_LOOK = {
    "s": (("fill", None),),
    "b": (("fill", None), ("fill-opacity", ".4")),
    "m": (("fill", "none"), ("stroke", None), ("stroke-width", "1.5")),
    "u": (("fill", "none"), ("stroke", None), ("stroke-dasharray", "3 2")),
}


def _step_paths(profile: Profile, left: float, baseline: float, kx: float,
                ky: float) -> _Paths:
    """Each step's area (and band, mid line, estimate outline), grouped by class and colour."""

    def x(t: float) -> str:
        return num(left + t * kx)

    def y(v: float) -> str:
        return num(baseline - v * ky)

    paths = _Paths()
    base = num(baseline)
    for s in profile.steps:
        if s.band is not None:
            colour = zone_colour(s.zone)
            x0, x1 = x(s.t0), x(s.t1)
            low, high = y(s.band.low), y(s.band.high)
            paths.add(0, "s", colour, f"M{x0} {base}V{low}H{x1}V{base}z")
            paths.add(1, "b", colour, f"M{x0} {low}V{high}H{x1}V{low}z")
            paths.add(2, "m", colour, f"M{x0} {y(s.start)}H{x1}")
        else:
            for x0, x1, v0, v1, zone in _visible_pieces(s, x):
                if v0 == v1:
                    d = f"M{x0} {base}V{y(v0)}H{x1}V{base}z"
                else:
                    d = f"M{x0} {base}V{y(v0)}L{x1} {y(v1)}V{base}z"
                paths.add(0, "s", zone_colour(zone), d)
        if s.estimated:
            paths.add(3, "u", MUTED, f"M{x(s.t0)} {base}V{y(s.top)}H{x(s.t1)}V{base}")
    return paths


def _append_paths(E, root, paths: _Paths) -> None:
    """One <path> per group; the class says how it is painted (the colour fills or strokes)."""
    for (_order, cls, colour), ds in sorted(paths.groups.items()):
        el = E.path(d="".join(ds))
        el.set("class", cls)
        for name, value in _PATH_LOOK[cls]:
            el.set(name, colour if value is None else value)
        root.append(el)


def _visible_pieces(s: StepShape, x) -> list[tuple[str, str, float, float, int | None]]:
    """A step's pieces at drawing resolution: a ramp piece narrower than the rounding is
    merged into its neighbour, so the slope still starts and ends at the step's values."""
    out: list[list] = []
    pending: float | None = None
    for p in s.pieces:
        x0, x1 = x(p.t0), x(p.t1)
        if x0 == x1 and len(s.pieces) > 1:
            if out:
                out[-1][3] = p.v1
            elif pending is None:
                pending = p.v0
            continue
        out.append([x0, x1, p.v0 if pending is None else pending, p.v1, p.zone])
        pending = None
    if not out:  # every piece rounds to nothing: one zero-width piece keeps the step
        p0, p1 = s.pieces[0], s.pieces[-1]
        out.append([x(p0.t0), x(p1.t1), p0.v0, p1.v1, s.zone])
    return [tuple(o) for o in out]


def _line(E, x0: float, y0: float, x1: float, y1: float, colour: str,
          dash: str | None = None):
    el = E.path(d=f"M{num(x0)} {num(y0)}L{num(x1)} {num(y1)}")
    el.set("stroke", colour)
    if dash:
        el.set("stroke-dasharray", dash)
    return el


def _text(E, content: str, x: float, y: float, *, anchor: str | None = None,
          colour: str = TEXT, size: int | None = None):
    el = E.text(content, x=num(x), y=num(y))
    if anchor:
        el.set("text-anchor", anchor)
    el.set("fill", colour)
    if size:
        el.set("font-size", str(size))
    return el


def _fits(text: str, width: float, size: int = 10) -> bool:
    """A rough width check (0.6 em per character): labels that do not fit are left out."""
    return len(text) * size * 0.6 + 4 <= width


def _brackets(E, root, profile: Profile, style: Style, kx: float) -> None:
    ds: list[str] = []
    labels = []
    for r in profile.repeats:
        x0 = style.left + r.t0 * kx + 1
        x1 = style.left + r.t1 * kx - 1
        yb = 3 + r.depth * ROW + 11
        ds.append(f"M{num(x0)} {num(yb + 3)}V{num(yb)}H{num(x1)}V{num(yb + 3)}")
        full = f"{r.title} {r.count}x" if r.title else f"{r.count}x"
        text = full if _fits(full, x1 - x0) else f"{r.count}x"
        if _fits(text, x1 - x0 + 8):
            labels.append(_text(E, text, (x0 + x1) / 2, yb - 2, anchor="middle"))
    if ds:
        el = E.path(d="".join(ds))
        el.set("class", "r")
        el.set("fill", "none")
        el.set("stroke", MUTED)
        root.append(el)
    for t in labels:
        root.append(t)


def _axes(E, root, profile: Profile, style: Style, baseline: float, top: float,
          kx: float, ky: float) -> None:
    right = style.width - style.right
    g = E.g()
    g.set("font-size", "9")
    for i in range(1, int(profile.vmax / 0.25 + 1e-9) + 1):
        v = i * 0.25
        yy = baseline - v * ky
        colour = MUTED if abs(v - 1) < 1e-9 else GRID
        g.append(_line(E, style.left, yy, right, yy, colour, "2 3" if colour == MUTED else None))
        g.append(_text(E, f"{v * 100:.0f}%", style.left - 4, yy + 3, anchor="end",
                       colour=MUTED))
    unit = _text(E, profile.axis_unit.removeprefix("% "), 2, top - 2, colour=MUTED)
    g.append(unit)
    step = _tick_step(profile.total_s)
    for i in range(int(profile.total_s / step + 1e-9) + 1 if profile.total_s else 0):
        t = i * step
        xx = style.left + t * kx
        g.append(_line(E, xx, baseline, xx, baseline + 4, MUTED))
        h, m = divmod(int(round(t / 60)), 60)
        anchor = "start" if t == 0 else ("end" if xx > right - 12 else "middle")
        g.append(_text(E, f"{h}:{m:02d}", xx, baseline + 14, anchor=anchor, colour=MUTED))
    root.append(g)


def _tick_step(total: float) -> float:
    """A round tick interval giving at most about 12 ticks."""
    for minutes in (1, 2, 5, 10, 15, 20, 30, 60, 120, 240):
        if total / (minutes * 60) <= 12:
            return minutes * 60.0
    return 480 * 60.0


def _step_labels(E, root, profile: Profile, style: Style, kx: float, ky: float,
                 baseline: float) -> None:
    for s in profile.steps:
        text = label_text(s.step)
        width = s.seconds * kx
        if not text or not _fits(text, width, 9):
            continue
        t = _text(E, text, style.left + (s.t0 + s.seconds / 2) * kx, baseline - s.top * ky - 3,
                  anchor="middle", size=9)
        root.append(t)


def _cue_seconds(s: StepShape, offset: float) -> float | None:
    """A cue offset (seconds, or metres on a distance step) as seconds into the step."""
    if isinstance(s.step.amount, Distance):
        return offset / s.speed if s.speed else None
    return offset


def _cues(E, root, profile: Profile, style: Style, kx: float, baseline: float,
          ky: float) -> None:
    for s in profile.steps:
        for cue in s.step.cues:
            secs = _cue_seconds(s, cue.offset)
            if secs is None or secs > s.seconds + 1e-6:
                continue
            xx = style.left + (s.t0 + secs) * kx
            yy = baseline - s.top * ky
            mark = E.path(d=f"M{num(xx - 4)} {num(yy - 8)}H{num(xx + 4)}L{num(xx)} {num(yy - 1)}z")
            mark.set("class", "cue")
            mark.set("fill", TEXT)
            mark.append(E.title(f"{clock(s.t0 + secs)}: {cue.text}"))
            root.append(mark)


def step_text(s: StepShape, athlete: Athlete | None, sport: str, indoor: bool = False) -> str:
    """``Sweet spot · 15m · 88-93% (233-246 W) · 85-95 rpm``: a step for people."""
    thr = (athlete or Athlete()).for_sport(sport)
    amount = s.step.amount
    length = fmt_distance(amount) if isinstance(amount, Distance) else clock(s.seconds)
    if isinstance(amount, Distance):
        length += f" ({'~' if s.estimated else ''}{clock(s.seconds)})"
    parts = [label_text(s.step), length, describe_targets(s.step, thr, indoor=indoor),
             cadence_text(s.step)]
    if s.step.ramp:
        parts[2] = "ramp " + parts[2]
    if s.step.freeride:
        parts.append("free ride")
    if s.step.maxeffort:
        parts.append("max effort")
    if s.step.until_lap_press:
        parts.append("until lap press")
    return " · ".join(p for p in parts if p)


def _hover(E, root, profile: Profile, style: Style, kx: float, top: float, baseline: float,
           athlete: Athlete | None, workout: Workout) -> None:
    g = E.g()
    g.set("fill", "#000")
    g.set("fill-opacity", "0")
    for s in profile.steps:
        rect = E.rect(x=num(style.left + s.t0 * kx), y=num(top),
                      width=num(max(s.seconds * kx, 0.1)), height=num(baseline - top))
        rect.append(E.title(f"{clock(s.t0)}–{clock(s.t1)} {step_text(s, athlete, workout.sport)}"))
        g.append(rect)
    root.append(g)


__all__ = ["CARD", "LARGE", "NEUTRAL", "STYLES", "THUMB", "Style", "Summary", "render_svg",
           "step_text", "summary"]

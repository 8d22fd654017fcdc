"""The plan page's chart: weekly load as bars, and the CTL/ATL/TSB projection as lines.

Drawn as inline SVG with lxml (no plotting library, nothing to download).
Two panels share the time axis, one column per plan week:

* top: the planned load of each week (a bar, its value above it), and with a
  review (``planc review``) the load done beside it (a green bar);
* bottom: the daily fitness projection of ``planc.plan.fitness`` — CTL
  (fitness, blue), ATL (fatigue, pink) and TSB (form = CTL - ATL, orange) —
  with the zero line of TSB, on one scale in load per day; with a review, the CTL
  intervals.icu measured (green) over the projection.

Races are marked by a dashed vertical line across both panels and their
name.  The chart carries ``<title>``/``<desc>`` and an ``aria-label``; the
page shows the same figures as a table beside it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from lxml import etree

from planc.emit.svgdraw import GRID, MUTED, TEXT, num, xml_maker
from planc.sanitise import for_xml

CTL_COLOUR = "#2563eb"
ATL_COLOUR = "#db2777"
TSB_COLOUR = "#ea7a0c"
BAR_COLOUR = "#94a3b8"
DONE_COLOUR = "#15803d"
RACE_COLOUR = "#b91c1c"


@dataclass(frozen=True, slots=True)
class WeekLoad:
    week: int
    start: dt.date
    load: float
    done: float | None = None  # the load done that week (a review), beside the plan's


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    ctl: float
    atl: float

    @property
    def tsb(self) -> float:
        return self.ctl - self.atl


@dataclass(frozen=True, slots=True)
class Race:
    date: dt.date
    name: str


def nice_ceiling(x: float) -> tuple[float, float]:
    """(top, step): a round axis top at or above ``x`` and a gridline step (1, 2 or 5 x 10^n)."""
    if x <= 0:
        return 10.0, 5.0
    raw = x / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.ceil(x / step - 1e-9) * step, step


@dataclass(frozen=True, slots=True)
class _Frame:
    """The chart's geometry: two panels (weekly load above, daily fitness below) over one
    time axis of week columns, each holding seven day slots."""

    first: dt.date  # Monday of the first week column
    columns: int
    width: float = 960
    left: float = 46
    right: float = 12
    top1: float = 22  # load panel
    h1: float = 120
    h2: float = 140  # fitness panel

    @property
    def top2(self) -> float:
        return self.top1 + self.h1 + 34

    @property
    def height(self) -> float:
        return self.top2 + self.h2 + 24

    @property
    def col(self) -> float:
        return (self.width - self.left - self.right) / self.columns

    def xday(self, day: dt.date) -> float:
        """Middle of a day's slot."""
        return self.left + ((day - self.first).days + 0.5) * self.col / 7


def fitness_chart(weeks: list[WeekLoad], days: list[Day], races: list[Race],
                  title: str, actual: list[Day] | None = None) -> str:
    """The chart as inline SVG markup (no namespace: it goes inside HTML); ``actual``
    is the measured fitness of a review, drawn over the projection."""
    E = xml_maker()
    first = weeks[0].start if weeks else (days[0].date if days else dt.date(2000, 1, 3))
    f = _Frame(first, max(len(weeks), 1))
    desc = _describe(weeks, days, races, actual or [])
    root = E.svg(E.title(title), E.desc(desc), viewBox=f"0 0 {f.width} {f.height}",
                 width=str(f.width), height=str(f.height), role="img",
                 **{"aria-label": for_xml(f"{title}. {desc}")})
    root.set("class", "chart")
    root.set("font-family", "sans-serif")
    root.set("font-size", "10")
    _load_panel(E, root, f, weeks)
    _fitness_panel(E, root, f, days, actual or [])
    if days or weeks:
        _races(E, root, f, races)
    return etree.tostring(root, encoding="unicode")


def _load_panel(E, root, f: _Frame, weeks: list[WeekLoad]) -> None:
    """One bar per week, its load above it, the week number below."""
    top, h, col = f.top1, f.h1, f.col
    reviewed = any(w.done is not None for w in weeks)
    ltop, lstep = nice_ceiling(max([w.load for w in weeks] + [w.done or 0.0 for w in weeks],
                                   default=0.0))
    _grid(E, root, f.left, f.width - f.right, top, h, 0.0, ltop, lstep)
    root.append(_text(E, "load / week", f.left, top - 8, colour=MUTED))
    bars = []
    done_bars = []
    for i, w in enumerate(weeks):
        x0 = f.left + i * col + col * (0.14 if reviewed else 0.18)
        bw = col * (0.34 if reviewed else 0.64)
        if reviewed:
            done_bars.append(_bar(E, root, x0 + bw + col * 0.04, bw, w.done or 0.0, ltop, f))
        bh = w.load / ltop * h if ltop else 0
        y0 = top + h - bh
        bars.append(f"M{num(x0)} {num(top + h)}V{num(y0)}H{num(x0 + bw)}V{num(top + h)}z")
        if w.load > 0:
            root.append(_text(E, f"{w.load:.0f}", x0 + bw / 2, y0 - 3, anchor="middle"))
        label = f"W{w.week}" if col >= 34 or i % 2 == 0 else ""
        if label:
            middle = x0 + (bw + col * 0.02 if reviewed else bw / 2)
            root.append(_text(E, label, middle, top + h + 12, anchor="middle",
                              colour=MUTED))
    if bars:
        el = E.path(d="".join(bars))
        el.set("class", "bars")
        el.set("fill", BAR_COLOUR)
        root.append(el)
    if reviewed:
        el = E.path(d="".join(done_bars))
        el.set("class", "done-bars")
        el.set("fill", DONE_COLOUR)
        root.append(el)
        root.append(_text(E, "planned (grey) and done (green)", f.left + 70, top - 8,
                          colour=MUTED))


def _bar(E, root, x0: float, bw: float, load: float, ltop: float, f: _Frame) -> str:
    """The path of one done bar, its value written above it."""
    top, h = f.top1, f.h1
    y0 = top + h - (load / ltop * h if ltop else 0)
    if load > 0:
        root.append(_text(E, f"{load:.0f}", x0 + bw / 2, y0 - 3, anchor="middle",
                          colour=DONE_COLOUR))
    return f"M{num(x0)} {num(top + h)}V{num(y0)}H{num(x0 + bw)}V{num(top + h)}z"


def _fitness_panel(E, root, f: _Frame, days: list[Day], actual: list[Day]) -> None:
    """CTL, ATL and TSB per day, a zero line when TSB goes negative, and the legend."""
    top, h = f.top2, f.h2
    hi = max([d.ctl for d in days] + [d.atl for d in days] + [d.ctl for d in actual] + [1.0])
    lo = min([d.tsb for d in days] + [0.0])
    ftop, fstep = nice_ceiling(hi)
    fbot = -math.ceil(-lo / fstep - 1e-9) * fstep if lo < 0 else 0.0
    _grid(E, root, f.left, f.width - f.right, top, h, fbot, ftop, fstep)
    root.append(_text(E, "per day", f.left, top - 8, colour=MUTED))

    def yfit(v: float) -> float:
        return top + h - (v - fbot) / (ftop - fbot) * h

    if fbot < 0:
        root.append(_line(E, f.left, yfit(0), f.width - f.right, yfit(0), MUTED))
    for name, colour, values in (("CTL", CTL_COLOUR, [d.ctl for d in days]),
                                 ("ATL", ATL_COLOUR, [d.atl for d in days]),
                                 ("TSB", TSB_COLOUR, [d.tsb for d in days])):
        if not values:
            continue
        pts = " ".join(f"{num(f.xday(d.date))},{num(yfit(v))}" for d, v in
                       zip(days, values, strict=True))
        line = E.polyline(points=pts)
        line.set("class", name.lower())
        line.set("fill", "none")
        line.set("stroke", colour)
        line.set("stroke-width", "2" if name == "CTL" else "1.5")
        root.append(line)
    if actual:
        _actual_ctl(E, root, f, actual, yfit)
    legend_x = f.left + 60  # beside the panel title: visible even when a phone scrolls the chart
    for i, (name, colour, words) in enumerate((("CTL", CTL_COLOUR, "fitness"),
                                               ("ATL", ATL_COLOUR, "fatigue"),
                                               ("TSB", TSB_COLOUR, "form"))):
        lx = legend_x + i * 78
        root.append(_line(E, lx, top - 11, lx + 14, top - 11, colour, width="3"))
        root.append(_text(E, f"{name} {words}", lx + 18, top - 8))


def _actual_ctl(E, root, f: _Frame, actual: list[Day], yfit) -> None:
    """The CTL intervals.icu measured, over the projection, with its legend entry."""
    shown = [d for d in actual if f.first <= d.date]
    line = E.polyline(points=" ".join(f"{num(f.xday(d.date))},{num(yfit(d.ctl))}"
                                      for d in shown))
    line.set("class", "actual-ctl")
    line.set("fill", "none")
    line.set("stroke", DONE_COLOUR)
    line.set("stroke-width", "2.5")
    root.append(line)
    for d in shown:  # a dot a day: a single measurement is seen too
        dot = E.circle(cx=num(f.xday(d.date)), cy=num(yfit(d.ctl)), r="3")
        dot.set("fill", DONE_COLOUR)
        root.append(dot)
    lx = f.left + 60 + 3 * 78
    root.append(_line(E, lx, f.top2 - 11, lx + 14, f.top2 - 11, DONE_COLOUR, width="3"))
    root.append(_text(E, "CTL measured", lx + 18, f.top2 - 8))


def _races(E, root, f: _Frame, races: list[Race]) -> None:
    """A dashed line through both panels on each race day, the race named below."""
    for r in races:
        xr = f.xday(r.date)
        root.append(_line(E, xr, f.top1, xr, f.top2 + f.h2, RACE_COLOUR, dash="4 3"))
        anchor = "end" if xr > f.width - 120 else "start"
        root.append(_text(E, r.name, xr + (-4 if anchor == "end" else 4), f.top2 + f.h2 + 16,
                          anchor=anchor, colour=RACE_COLOUR))


def _describe(weeks: list[WeekLoad], days: list[Day], races: list[Race],
              actual: list[Day]) -> str:
    if not weeks:
        return "No weeks selected."
    peak = max(weeks, key=lambda w: w.load)
    parts = [f"{len(weeks)} weeks, weekly load from {min(w.load for w in weeks):.0f} to "
             f"{peak.load:.0f} (peak in week {peak.week})"]
    if days:
        a, b = days[0], days[-1]
        parts.append(f"CTL {a.ctl:.0f} to {b.ctl:.0f}, TSB {b.tsb:+.0f} at the end")
    for r in races:
        day = next((d for d in days if d.date == r.date), None)
        if day:
            parts.append(f"{r.name} on {r.date.isoformat()}: CTL {day.ctl:.0f}, TSB {day.tsb:+.0f}")
    if any(w.done is not None for w in weeks):
        parts.append(f"load done {sum(w.done or 0.0 for w in weeks):.0f} of "
                     f"{sum(w.load for w in weeks):.0f} planned")
    if actual:
        parts.append(f"measured CTL {actual[-1].ctl:.0f} on {actual[-1].date.isoformat()}")
    return "; ".join(parts) + "."


def _grid(E, root, x0: float, x1: float, top: float, h: float, lo: float, hi: float,
          step: float) -> None:
    for i in range(int(round((hi - lo) / step)) + 1):
        v = lo + i * step
        y = top + h - (v - lo) / (hi - lo) * h
        root.append(_line(E, x0, y, x1, y, GRID))
        root.append(_text(E, f"{round(v, 6):g}", x0 - 4, y + 3, anchor="end", colour=MUTED))


def _line(E, x0: float, y0: float, x1: float, y1: float, colour: str, dash: str | None = None,
          width: str | None = None):
    el = E.path(d=f"M{num(x0)} {num(y0)}L{num(x1)} {num(y1)}")
    el.set("stroke", colour)
    if dash:
        el.set("stroke-dasharray", dash)
    if width:
        el.set("stroke-width", width)
    return el


def _text(E, content: str, x: float, y: float, *, anchor: str | None = None,
          colour: str = TEXT):
    el = E.text(content, x=num(x), y=num(y))
    if anchor:
        el.set("text-anchor", anchor)
    el.set("fill", colour)
    return el

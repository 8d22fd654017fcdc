"""Which part of a plan a command works on: ``--week``, ``--from``/``--to``.

Shared by build, stats, publish and render so the flags mean the same
everywhere (the flags themselves are defined in planc.commands._common):

* ``--week N`` — plan week N (1-based); ``--week 3-5`` — plan weeks 3 to 5;
* ``--week 2027-W03`` — the ISO week (Monday to Sunday) of that number;
* ``--week`` may be repeated; the union is selected;
* ``--from DATE`` / ``--to DATE`` — an inclusive range of local dates
  (either end may be left open).

The result is a ``Selection``: a list of inclusive date ranges.  Dates are
local calendar dates; nothing here touches time zones, so a daylight-saving
week is still seven days.  Formats for ``planc build`` are given with
``--formats`` because ``--to`` is the end date here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from planc.plan.model import Plan, Session

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_PLAN_WEEKS = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")


class SelectionError(ValueError):
    """A week or date the plan does not have (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Inclusive date ranges; ``None`` ranges means the whole plan."""

    ranges: tuple[tuple[dt.date, dt.date], ...] | None = None

    @property
    def everything(self) -> bool:
        return self.ranges is None

    def contains(self, day: dt.date) -> bool:
        if self.ranges is None:
            return True
        return any(lo <= day <= hi for lo, hi in self.ranges)

    def sessions(self, sessions: Iterable[Session]) -> list[Session]:
        return [s for s in sessions if self.contains(s.date)]

    def weeks(self, plan: Plan) -> list[int]:
        """Plan weeks with at least one selected day."""
        return [w for w in range(1, plan.weeks + 1)
                if any(self.contains(plan.week_start(w) + dt.timedelta(days=d)) for d in range(7))]


def iso_week_range(text: str) -> tuple[dt.date, dt.date] | None:
    """``2027-W03`` -> (Monday, Sunday); None if not that shape.  Raises SelectionError
    for a week the year does not have (2026-W53 exists, 2027-W53 does not)."""
    m = _ISO_WEEK.match(text.strip())
    if not m:
        return None
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        last = dt.date(year, 12, 28).isocalendar().week
        raise SelectionError(f"{text}: {year} has ISO weeks 1 to {last}") from None
    return monday, monday + dt.timedelta(days=6)


def select(plan: Plan, weeks: list[str] | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None) -> Selection:
    ranges: list[tuple[dt.date, dt.date]] = []
    for text in weeks or ():
        iso = iso_week_range(text)
        if iso is not None:
            if iso[1] < plan.start or iso[0] > plan.end:
                raise SelectionError(
                    f"--week {text} ({iso[0]} to {iso[1]}) is outside the plan "
                    f"({plan.start} to {plan.end})")
            ranges.append(iso)
            continue
        m = _PLAN_WEEKS.match(text.strip())
        if not m:
            raise SelectionError(f"--week {text}: write a plan week (3), a range (3-5) "
                                 "or an ISO week (2027-W03)")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo:
            raise SelectionError(f"--week {text}: the range runs backwards; write {hi}-{lo}")
        if lo < 1 or hi > plan.weeks:
            raise SelectionError(f"--week {text}: the plan has weeks 1 to {plan.weeks}")
        ranges.append((plan.week_start(lo), plan.week_start(hi) + dt.timedelta(days=6)))
    if date_from is not None or date_to is not None:
        lo_d = date_from or dt.date.min
        hi_d = date_to or dt.date.max
        if hi_d < lo_d:
            raise SelectionError(f"--from {date_from} is after --to {date_to}")
        if hi_d < plan.start or lo_d > plan.end:
            raise SelectionError(f"--from/--to select no day of the plan "
                                 f"({plan.start} to {plan.end})")
        if ranges:  # both given: the weeks, cut to the date range
            ranges = [(max(a, lo_d), min(b, hi_d)) for a, b in ranges if b >= lo_d and a <= hi_d]
            if not ranges:
                raise SelectionError("--week and --from/--to have no day in common")
        else:
            ranges.append((lo_d, hi_d))
    return Selection(tuple(ranges) if ranges else None)


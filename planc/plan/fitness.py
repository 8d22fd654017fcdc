"""Fitness projection: CTL, ATL and TSB from planned daily load.

The exact form (the one intervals.icu and TrainingPeaks use), day by day over
every calendar day, rest days included (load 0)::

    k_ctl = 1 - exp(-1/42)      k_atl = 1 - exp(-1/7)
    CTL_t = CTL_{t-1} + (load_t - CTL_{t-1}) * k_ctl
    ATL_t = ATL_{t-1} + (load_t - ATL_{t-1}) * k_atl
    TSB_t = CTL_t - ATL_t

``CTL_0``/``ATL_0`` are the values on the day *before* the first projected
day (the plan's ``fitness: {ctl, atl}``, or command-line overrides).  An
``anchor`` (a day and the CTL/ATL intervals.icu measured at its end, pulled by
``planc athlete pull``) replaces the projection on that day: what happened up
to it is known, the projection goes on from there.  TSB is
computed from the same day's CTL and ATL, so the TSB shown on a race day
already includes that day's planned load.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

K_CTL = 1 - math.exp(-1 / 42)
K_ATL = 1 - math.exp(-1 / 7)


@dataclass(frozen=True, slots=True)
class FitnessDay:
    date: dt.date
    load: float
    ctl: float
    atl: float

    @property
    def tsb(self) -> float:
        return self.ctl - self.atl


def project(daily_load: Mapping[dt.date, float], first: dt.date, last: dt.date,
            ctl: float = 0.0, atl: float = 0.0,
            anchor: tuple[dt.date, float, float] | None = None) -> list[FitnessDay]:
    """One FitnessDay per calendar day from ``first`` to ``last`` inclusive."""
    out: list[FitnessDay] = []
    day = first
    while day <= last:
        load = daily_load.get(day, 0.0)
        ctl += (load - ctl) * K_CTL
        atl += (load - atl) * K_ATL
        if anchor is not None and day == anchor[0]:
            ctl, atl = anchor[1], anchor[2]
        out.append(FitnessDay(day, load, ctl, atl))
        day += dt.timedelta(days=1)
    return out

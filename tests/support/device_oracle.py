"""Hold what an independent reader read from a device file against the workout it came from.

The source side is planc's resolved timeline (:func:`planc.resolve.profile.timeline`):
every executed step with its time and its target as a fraction of the athlete's
threshold (power: FTP, pace: threshold speed, heart rate: LTHR).  The reader side
is a list of :class:`Piece` built from a reader's output by the adapters below,
in the same terms: so a .fit, a .zwo and an .erg of one workout are all checked
against one source by one comparison, :func:`disagreements`, which says

* whether the distance steps have the source's metres (a distance step then takes
  the source's time for them: the watch ends it at the distance, whatever the pace);
* whether the total time agrees (to 1 s, plus a little for distance steps the
  reader side could only estimate);
* for every second whose source step has a target the format can carry (and is
  not a free ride or max effort, which have no target on purpose), whether the
  reader has a target of the same kind there, close enough.  Seconds within 1 s
  of a step boundary on either side are skipped (files round times).  A ramp is
  allowed to be sliced: where its time is cut into ``n`` pieces, each may be off
  by half a piece's change of the ramp.

A ``Piece`` whose ``seconds`` is None is open (it ends at a lap press): it lasts
until the end of the source step it falls in, which must be a ``Press lap`` step.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace

from planc.ast import Distance, Workout
from planc.athlete import Athlete, SportThresholds, ftp_for
from planc.resolve.profile import TimedStep, Timeline, timeline
from planc.units import NOMINAL_SPEED, sport_family
from support.fit_readers import FitFile, FitStep, device_run
from support.gc_reader import GcCourse
from support.zwo_readers import ZwoReading

Close = Callable[[float, float], bool]


@dataclass(frozen=True)
class Piece:
    seconds: float | None  # None: open, ends at a lap press
    domain: str | None  # power / pace / hr; None: no target
    start: float | None = None  # fraction of the domain's threshold
    end: float | None = None
    estimated: bool = False  # time estimated from a distance
    metres: float | None = None  # a distance step's (or slice's) metres


def source(workout: Workout, athlete: Athlete, indoor: bool = False) -> Timeline:
    return timeline(workout, athlete, indoor)


# ------------------------------------------------------------- adapters --


def fit_pieces(fit: FitFile, thr: SportThresholds, sport: str,
               indoor: bool = False) -> list[Piece]:
    """What a watch runs, in threshold fractions (``thr`` is the athlete of the file)."""
    out = []
    for step in device_run(fit):
        domain, start = _fit_target(step, thr, indoor)
        seconds, estimated = step.seconds, False
        if step.duration == "distance":
            # timed as intervals.icu times it (planc.resolve.profile): at the band's
            # speed, else threshold pace, else the sport's nominal speed
            speed = (_fit_speed(step) or thr.threshold_pace
                     or NOMINAL_SPEED[sport_family(sport)])
            seconds, estimated = step.metres / speed, True
        elif step.duration == "open":
            seconds = None
        metres = step.metres if step.duration == "distance" else None
        out.append(Piece(seconds, domain, start, start, estimated, metres))
    return out


def _fit_speed(step: FitStep) -> float | None:
    if step.target != "speed" or step.low is None or step.high is None:
        return None
    # the middle speed: a relative band's, as planc times it (an absolute band is timed at
    # its middle pace, a little slower: the distance-step slack in disagreements covers it)
    return (step.low + step.high) / 2 / 1000


def _fit_target(step: FitStep, thr: SportThresholds,
                indoor: bool) -> tuple[str | None, float | None]:
    if step.low is None or step.high is None:
        return None, None
    mid = (step.low + step.high) / 2
    if step.target == "power":
        ftp = ftp_for(thr, indoor)
        if step.low > 1000:
            return ("power", (mid - 1000) / ftp) if ftp else (None, None)
        return "power", mid / 100
    if step.target == "speed" and thr.threshold_pace:
        return "pace", mid / 1000 / thr.threshold_pace
    if step.target == "heart_rate" and thr.lthr:
        if step.low > 100:
            return "hr", (mid - 100) / thr.lthr
        return ("hr", mid / 100 * thr.max_hr / thr.lthr) if thr.max_hr else (None, None)
    return None, None


def zwo_pieces(reading: ZwoReading, domain: str, thr: SportThresholds | None = None,
               sport: str = "Run") -> list[Piece]:
    """A .zwo timeline; ``domain`` is what its powers mean (power for rides, pace for runs:
    a fraction of the reference pace planc writes, which it takes to be threshold pace).
    A distance segment is timed at that pace, or at the sport's nominal speed without one."""
    out = []
    for s in reading.segments:
        piece_domain = domain if s.start is not None else None
        if s.metres is None:
            out.append(Piece(s.seconds, piece_domain, s.start, s.end))
            continue
        speed = (thr.threshold_pace if thr is not None and thr.threshold_pace
                 else NOMINAL_SPEED[sport_family(sport)])
        if s.start is not None and thr is not None and thr.threshold_pace:
            speed = (s.start + s.end) / 2 * thr.threshold_pace
        out.append(Piece(s.metres / speed, piece_domain, s.start, s.end, estimated=True,
                         metres=s.metres))
    return out


def course_pieces(course: GcCourse) -> list[Piece]:
    """A course file as Golden Cheetah loads it, its watts as fractions of the rider's CP."""
    out = []
    for (x0, y0), (x1, y1) in zip(course.points, course.points[1:], strict=False):
        if x1 > x0:
            out.append(Piece((x1 - x0) / 1000, "power", y0 / course.cp, y1 / course.cp))
        elif x1 < x0:
            out.append(Piece((x1 - x0) / 1000, None))  # time runs back: the total shows it
    return out


# ----------------------------------------------------------- comparison --


def disagreements(tl: Timeline, pieces: list[Piece], domains: set[str], close: Close,
                  total: float | None = None, limit: int = 5) -> list[str]:
    """What the reading gets wrong about the source (module doc); [] when it agrees."""
    problems: list[str] = []
    pieces = _close_open_pieces(tl, _timed_as_source(tl, pieces, problems), problems)
    got = sum(p.seconds or 0 for p in pieces) if total is None else total
    slack = 1 + 0.002 * sum(p.seconds or 0 for p in pieces if p.estimated)
    if abs(got - tl.total_s) > slack:
        problems.append(f"lasts {got:.1f} s, the workout {tl.total_s:.1f} s")
    problems.extend(_target_problems(tl, pieces, domains, close))
    return problems[:limit]


def _timed_as_source(tl: Timeline, pieces: list[Piece], problems: list[str]) -> list[Piece]:
    """A watch ends a distance step at its distance, so a distance piece takes the time the
    source gives those metres: the distance pieces, in order, must add up to the source's
    distance steps (to 1 m each; a sliced step shares its time by metres).  A file with
    no distance steps wrote them as times: the total time check holds those."""
    if all(p.metres is None for p in pieces):
        return pieces  # the format wrote distances as times (.zwo of a mixed run)
    steps = [s for s in tl.steps if isinstance(s.step.amount, Distance)]
    out, k, done = [], 0, 0.0
    for p in pieces:
        if p.metres is None:
            out.append(p)
            continue
        if k >= len(steps):
            problems.append(f"a {p.metres:.0f} m step the workout does not have")
            out.append(p)
            continue
        s = steps[k]
        metres = s.step.amount.metres
        out.append(replace(p, seconds=s.seconds * p.metres / metres, estimated=False))
        done += p.metres
        if done >= metres - 1:
            if abs(done - metres) > 1:
                problems.append(f"a {metres:g} m step read as {done:g} m")
            k, done = k + 1, 0.0
    if k < len(steps):
        problems.append(f"{len(steps) - k} distance steps not read")
    return out


def _close_open_pieces(tl: Timeline, pieces: list[Piece], problems: list[str]) -> list[Piece]:
    """Give each open piece the rest of the 'Press lap' step it falls in (the last slice
    of a sliced ramp waits for the press: it lasts from its start to the step's end)."""
    ends = [s.t1 for s in tl.steps]
    out, t = [], 0.0
    for p in pieces:
        if p.seconds is None:
            i = bisect.bisect_right(ends, t + 1)
            step = tl.steps[i] if i < len(ends) else None
            if step is None or not step.step.until_lap_press or step.t0 > t + 1:
                problems.append(f"an open step at {t:.0f} s, where the workout has no 'Press lap'")
                p = Piece(0.0, p.domain, p.start, p.end)
            else:
                p = Piece(max(step.t1 - t, 0.0), p.domain, p.start, p.end)
        out.append(p)
        t += p.seconds or 0
    return out


def _target_problems(tl: Timeline, pieces: list[Piece], domains: set[str],
                     close: Close) -> list[str]:
    ends, t = [], 0.0
    for p in pieces:
        t += p.seconds or 0
        ends.append(t)
    problems = []
    for s in tl.steps:
        if s.domain not in domains or s.step.freeride or s.step.maxeffort or s.seconds < 3:
            continue
        first = bisect.bisect_right(ends, s.t0 + 1e-9)
        last = bisect.bisect_left(ends, s.t1 - 1e-9)
        slices = max(1, last - first + 1)
        problem = _step_problem(s, pieces, ends, slices, close)
        if problem:
            problems.append(problem)
    return problems


def _step_problem(s: TimedStep, pieces: list[Piece], ends: list[float], slices: int,
                  close: Close) -> str | None:
    ramp_slack = abs(s.end - s.start) / slices / 2
    for i in range(int(s.t0) + 1, int(s.t1) - 1):
        at = i + 0.5
        k = bisect.bisect_right(ends, at)
        if k >= len(pieces) or abs(ends[k] - at) < 1 or (k and abs(ends[k - 1] - at) < 1):
            continue
        p = pieces[k]
        want = s.start + (s.end - s.start) * (at - s.t0) / s.seconds
        if p.domain != s.domain:
            return f"step at {s.t0:.0f} s: {s.domain} target read as {p.domain}"
        t0 = ends[k - 1] if k else 0.0
        got = p.start + (p.end - p.start) * (at - t0) / p.seconds
        toward = got + max(-ramp_slack, min(ramp_slack, want - got))  # a slice may lag
        if not close(want, toward):
            return (f"step at {s.t0:.0f} s ({s.step.label or 'no label'}): {s.domain} "
                    f"{want:.4f} read as {got:.4f} at {at:.1f} s")
    return None


def within(tolerance: float) -> Close:
    return lambda want, got: abs(want - got) <= tolerance + 1e-9


def whole_percent_below_one(want: float, got: float) -> bool:
    """A reader that truncates to whole percent must never lose a whole percent."""
    return abs(got * 100 - want * 100) < 1 - 1e-6


def fit_run_times(fit: FitFile, thr: SportThresholds, sport: str, tl: Timeline,
                  indoor: bool = False) -> list[tuple[float, FitStep]]:
    """Each step a watch runs with the second it starts (an open step lasts its source's
    'Press lap' step)."""
    # distance steps take the source's time for their metres, as in the disagreement check:
    # a watch ends them at the distance, so an estimate from the speed band would drift
    timed = _timed_as_source(tl, fit_pieces(fit, thr, sport, indoor), [])
    pieces = _close_open_pieces(tl, timed, [])
    out, t = [], 0.0
    for step, piece in zip(device_run(fit), pieces, strict=True):
        out.append((t, step))
        t += piece.seconds or 0
    return out

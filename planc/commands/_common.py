"""What several subcommands share: reading inputs, athlete flags, reporting diagnostics."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable

from planc.ast import Record
from planc.commands._paths import WORKOUT_SUFFIXES
from planc.commands._paths import expand_paths as expand_paths  # re-exported: the commands'
from planc.commands._paths import is_plan as is_plan  # one import of what they share
from planc.diagnostics import Diagnostic, render, sort_key
from planc.inputs import (
    InputError,
    NotText,
    read_text,
    record_reads,
    shown_name,
    source_text,
)

TYPE_CHECKING = False  # not typing's: its import is 2 ms of start-up
if TYPE_CHECKING:
    import datetime as dt

    from planc.athlete import Athlete
    from planc.output.cache import Stamp
    from planc.plan.model import Plan
    from planc.plan.weeks import Selection



class Source(Record):
    """A text a command read, and the path the user wrote for it."""

    _fields = ("path", "text")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, path: str, text: str) -> None:
        self.path = path  # as the user wrote it ("-" reads stdin, shown as <stdin>)
        self.text = text


def plan_path_problem(path: str) -> str | None:
    """Why ``path`` cannot be the plan of build, render, stats or publish, or None."""
    if path == "-":
        return "plans are read from files (they include other files by relative path)"
    if not os.path.isfile(path):  # as Path(path).is_file(): pathlib is not loaded
        return f"{path}: no such file"
    if path.lower().endswith(WORKOUT_SUFFIXES):
        return f"{path} is a workout, not a plan; compile it with 'planc compile'"
    return None


class BadEncoding(InputError):
    """A file that is read but is not UTF-8: a mistake in the input (exit 1), reported as
    the positioned ``diagnostic``; ``source`` is its text to show the line from."""

    def __init__(self, source: Source, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.source = source
        self.diagnostic = diagnostic


def read_source(path: str) -> Source:
    """A workout or plan file's text (``-`` is standard input).  InputError names the file;
    BadEncoding carries the positioned error for a file that is not UTF-8."""
    name = shown_name(path)
    try:
        return Source(name, read_text(path))
    except NotText as exc:
        raise BadEncoding(Source(name, exc.text()), exc.diagnostic(name)) from None
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None


# ---------------------------------------------------------------- athlete --

_PACE_FLAG = re.compile(r"^(\d+):(\d\d(?:\.\d+)?)\s*/\s*(km|mi|100m|100y|500m|400m|250m)$")


def parse_threshold_pace(text: str) -> float:
    """``4:15/km`` or m/s (``3.92``) -> m/s, for ``--threshold-pace``."""
    from planc.limits import THRESHOLDS, as_float  # lazy: 1 ms check does not need
    from planc.units import PACE_PER_METRES, PacePer

    text = text.strip()
    m = _PACE_FLAG.match(text)
    if m:
        if float(m.group(2)) >= 60:
            raise argparse.ArgumentTypeError(
                f"'{text}' has {m.group(2)} seconds: write minutes:seconds, e.g. 4:15/km")
        seconds = int(m.group(1)) * 60 + float(m.group(2))
        if seconds <= 0:
            raise argparse.ArgumentTypeError("pace must be positive")
        speed = PACE_PER_METRES[PacePer(m.group(3))] / seconds
        problem = THRESHOLDS["threshold_pace"].problem(speed, f"'{text}' ({speed:.3g} m/s)")
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return speed
    value = as_float(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a pace: write e.g. 4:15/km, 1:45/100m or metres per second")
    problem = THRESHOLDS["threshold_pace"].problem(value, f"'{text}' m/s")
    if problem:
        raise argparse.ArgumentTypeError(f"{problem}; or write a pace, e.g. 4:15/km")
    return value


def threshold_flag(name: str):
    """The argparse type of a threshold flag: a number inside its row of
    planc.limits.THRESHOLDS (``--lthr 1e308`` is a usage error, not an infinity)."""
    from planc.limits import THRESHOLDS  # lazy: 1 ms check does not need

    return limited_number(THRESHOLDS[name], name)


def limited_number(limit, name: str):
    """The argparse type of a number flag inside ``limit`` (a planc.limits.Limit)."""
    from planc.limits import as_float  # lazy: see threshold_flag

    def parse(text: str) -> float:
        value = as_float(text)
        if value is None:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number")
        problem = limit.problem(value, f"'{text}'")
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    parse.__name__ = name  # argparse names the type in its messages
    return parse


def sport_name(text: str) -> str:
    """``--sport``: an intervals.icu sport, any case ('ride' is Ride)."""
    from planc.diagnostics import sport_guess
    from planc.units import SPORTS

    found = {s.lower(): s for s in SPORTS}.get(text.strip().lower())
    if found is None:
        guess = sport_guess(text)
        raise argparse.ArgumentTypeError(
            f"unknown sport '{text}'" + (f"; did you mean {guess}?" if guess else
                                         f" (sports: {', '.join(SPORTS)})"))
    return found


def add_sport_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sport", metavar="SPORT", type=sport_name,
                   help="sport of standalone workout files (overrides their header; "
                   "default Ride): Ride, VirtualRide, Run, Swim, …")


FIT_FILE_STEPS = 4096  # FIT's message_index (planc.lower.formats, the FIT row's max_steps)


def _fit_steps(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= FIT_FILE_STEPS:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a step count from 1 to {FIT_FILE_STEPS} (what a FIT file holds)")
    return n


def add_fit_max_steps(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fit-max-steps", type=_fit_steps, metavar="N",
                   help="steps the FIT device takes (default 50, Garmin's limit; repeat "
                   "steps and ramp slices count); ramps are sliced more coarsely to fit")


def add_no_cache(p: argparse.ArgumentParser) -> None:
    """``--no-cache``: run even when the result cache holds this run (README, 'The
    result cache'); planc.cli looks for the flag before the parser runs."""
    p.add_argument("--no-cache", action="store_true",
                   help="do not answer from (or store in) the result cache")


def add_athlete_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("athlete thresholds (flags override --athlete)")
    g.add_argument("--athlete", metavar="FILE", help="athlete thresholds file (YAML)")
    g.add_argument("--ftp", type=threshold_flag("ftp"), metavar="W",
                   help="functional threshold power, watts")
    g.add_argument("--lthr", type=threshold_flag("lthr"), metavar="BPM",
                   help="threshold heart rate")
    g.add_argument("--max-hr", type=threshold_flag("max_hr"), metavar="BPM",
                   help="maximum heart rate")
    g.add_argument("--threshold-pace", type=parse_threshold_pace, metavar="PACE",
                   help="threshold pace: 4:15/km, 1:45/100m, or m/s")


class AthleteResult(Record):
    """The athlete the flags and files describe, with what reading them said."""

    _fields = ("athlete", "diagnostics", "sources")  # in order (repr, ==)
    __slots__ = _fields

    def __init__(self, athlete: Athlete | None, diagnostics: list[Diagnostic] | None = None,
                 sources: dict[str, str] | None = None) -> None:
        self.athlete = athlete
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.sources = {} if sources is None else sources


def athlete_from_args(args: argparse.Namespace, base: Athlete | None = None) -> AthleteResult:
    """The athlete a command works with: ``base`` (a plan's athlete, if any), replaced by
    ``--athlete FILE`` when it loads, then the threshold flags on top
    (:meth:`planc.athlete.Athlete.with_flags`, the one override rule)."""
    from planc.athlete import Athlete, SportThresholds

    result = AthleteResult(base)
    path = getattr(args, "athlete", None)
    if path:
        from planc.plan.athlete_file import load_athlete_file

        loaded, diags = load_athlete_file(path)
        result.diagnostics.extend(diags)
        if loaded is not None:
            result.athlete = loaded
        text = source_text(path)
        if text is not None:
            result.sources[path] = text
    flags = SportThresholds(
        ftp=getattr(args, "ftp", None),
        lthr=getattr(args, "lthr", None),
        max_hr=getattr(args, "max_hr", None),
        threshold_pace=getattr(args, "threshold_pace", None),
    )
    if flags != SportThresholds():
        result.athlete = (result.athlete or Athlete()).with_flags(flags)
    return result


# -------------------------------------------------------------- reporting --


MAX_SAME = 20  # diagnostics of one code in one file that are printed in full


def report(diagnostics: Iterable[Diagnostic], sources: dict[str, str],
           stream=None, strict: bool = False) -> bool:
    """Print diagnostics (sorted, rendered with source lines, in colour on a terminal);
    True if any is an error.  ``-q`` leaves warnings out (they still count); ``-v`` shows
    every repeat instead of the first :data:`MAX_SAME` of a code in a file."""
    from planc.commands.output import VERBOSITY, coloured, use_colour

    stream = stream or sys.stderr
    # the same library workout used every week yields the same diagnostic many times
    diags = sorted(set(diagnostics), key=sort_key)
    for d in diags:  # plan diagnostics can point into included files we did not read here
        if d.path not in sources and d.path != "<stdin>":
            sources[d.path] = source_text(d.path)
    if strict:
        diags = [d.promoted() if not d.is_error else d for d in diags]
    if VERBOSITY.sink is not None:  # --json: the document carries them
        VERBOSITY.sink.extend(diags)
        return any(d.is_error for d in diags)
    paint = coloured if use_colour(stream) else str
    limit = len(diags) if VERBOSITY.verbose else MAX_SAME
    shown: dict[tuple[str, str], int] = {}
    for d in diags:  # a mistake repeated 50,000 times is shown MAX_SAME times, then counted
        if VERBOSITY.quiet and not d.is_error:
            continue
        n = shown[(d.path, d.code)] = shown.get((d.path, d.code), 0) + 1
        if n <= limit:
            print(paint(render(d, sources)), file=stream)
    for (path, code), n in shown.items():
        if n > limit:
            print(f"{path}: note: {n - limit} more [{code}] not shown (-v shows them)",
                  file=stream)
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if diags and (errors or not VERBOSITY.quiet):
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' * (errors != 1)}")
        if warnings:
            parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
        print(", ".join(parts), file=stream)
    return errors > 0


def summarise(diagnostics: Iterable[Diagnostic], command: str, stream=None) -> None:
    """One line per kind of approximation (the same warnings repeat for every format of a
    workout and every week of a plan), for ``build`` and ``compile``; ``-q`` drops them."""
    from collections import Counter

    from planc.commands.output import VERBOSITY

    diagnostics = list(diagnostics)
    if VERBOSITY.sink is not None:  # --json carries each one
        VERBOSITY.sink.extend(diagnostics)
        return
    if VERBOSITY.quiet or not diagnostics:
        return
    stream = stream or sys.stderr
    counts = Counter(d.code for d in diagnostics)
    firsts: dict[str, Diagnostic] = {}
    # sorted on every field, so that the same run names the same "first" every time
    for d in sorted(set(diagnostics), key=lambda d: (d.path, d.span.line, d.span.column,
                                                     d.code, d.message, d.hint or "")):
        firsts.setdefault(d.code, d)
    for code, n in sorted(counts.items()):
        d = firsts[code]
        where = f"{d.path}:{d.span.line}:{d.span.column}" if d.span.line else d.path
        print(f"note: {n} x warning[{code}] (approximations the formats force), first at "
              f"{where}: {d.message}", file=stream)
    print(f"note: planc {command} -v lists each one; --strict makes them errors",
          file=stream)


# ------------------------------------------------------------------ weeks --


def add_week_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("which weeks (default: the whole plan)")
    g.add_argument("--week", action="append", metavar="WEEK", dest="week",
                   help="plan week N, a range N-M, or an ISO week YYYY-Www; may be repeated")
    g.add_argument("--from", dest="date_from", metavar="DATE", type=_date_arg,
                   help="first local date, YYYY-MM-DD (inclusive)")
    g.add_argument("--to", dest="date_to", metavar="DATE", type=_date_arg,
                   help="last local date, YYYY-MM-DD (inclusive)")


def _date_arg(text: str) -> dt.date:
    import datetime as dt  # lazy: only a --from/--until flag needs it, not every start

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def selection_from_args(args: argparse.Namespace, plan: Plan) -> Selection:
    """The selection the flags ask for; SelectionError for weeks the plan lacks."""
    from planc.plan.weeks import select  # plan modules load only for plan commands

    return select(plan, getattr(args, "week", None), getattr(args, "date_from", None),
                  getattr(args, "date_to", None))


# ------------------------------------------------------------- connection --


def add_connection_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("intervals.icu connection (key from INTERVALS_ICU_API_KEY or "
                             "~/.config/planc/config.toml)")
    g.add_argument("--base-url", metavar="URL",
                   help="another intervals.icu server, e.g. the local test server "
                   "http://127.0.0.1:8765 (default: INTERVALS_ICU_BASE_URL or "
                   "https://intervals.icu)")
    g.add_argument("-v", "--verbose", action="store_true",
                   help="log every request (method, URL, status, time) to standard error; "
                   "the key is never shown")


def client_from_args(args: argparse.Namespace):
    """An intervals.icu client for ``--base-url``/``--verbose`` (ConnectError if unusable)."""
    from planc.publish.connect import open_client  # httpx loads only for network commands

    return open_client(args.base_url, args.verbose)


# ------------------------------------------------------------------ coach --


class CommandFailed(Exception):
    """A command stops with ``code`` after printing ``message`` (if any) as its error."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or "")
        self.code = code
        self.message = message

    def exit(self, command: str) -> int:
        if self.message:
            print(f"planc {command}: error: {self.message}", file=sys.stderr)
        return self.code


def add_for_arguments(p: argparse.ArgumentParser, *, roster_required: bool = False) -> None:
    g = p.add_argument_group("coach mode: one plan, a squad of athletes (README 'Coach mode')")
    g.add_argument("--for", dest="squad", metavar="WHO",
                   help="the athletes of the roster: NAME[,NAME…], tag:TAG or all; each gets "
                   "the plan with their own thresholds, start date, days and parameters")
    g.add_argument("--roster", metavar="FILE",
                   help="the roster file" + ("" if roster_required else
                                             " (default: the plan's 'roster:')"))


_ATHLETE_FLAGS = ("athlete", "ftp", "lthr", "max_hr", "threshold_pace")


def cache_stamp(command: str, args: argparse.Namespace) -> Stamp | None:
    """The build cache's key for this run of ``command`` (build, render): the command line
    as typed and the files it reads.  None when no cache state can vouch for the run:
    --json must print its document every time.  ``build --for`` and ``render --for``
    have states of their own (``SQUADS``)."""
    argv = getattr(args, "_argv", None)
    if argv is None or getattr(args, "json", False):
        return None
    from planc.output.cache import SQUADS, Stamp  # lazy: only build and render cache

    if getattr(args, "squad", None):
        command = SQUADS[command]
    return Stamp(command, argv, record_reads())


def roster_without_for(args: argparse.Namespace) -> str | None:
    """Why ``--roster`` alone is a usage error (it says which roster, not whose plans)."""
    if getattr(args, "roster", None) and not getattr(args, "squad", None):
        return "--roster says which roster; say whose plans with --for NAME[,NAME…], " \
               "--for tag:TAG or --for all"
    return None


def today_in(zone: str | None) -> dt.date:
    """Today where the athlete lives (the machine's date without a zone)."""
    import datetime as dt  # lazy, as in _date_arg: most commands never ask the date

    if not zone:
        return dt.date.today()
    import zoneinfo  # lazy: 4 ms of start-up (datetime, sysconfig) check and compile skip

    return dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()  # the roster checked the name


def squad_from_args(args: argparse.Namespace, roster_path: str | None,
                    sources: dict[str, str], spec: str | None = None):
    """The roster and the athletes ``--for`` names (``planc.plan.roster``).

    Prints the roster's diagnostics; raises :class:`CommandFailed` when there is no
    roster, it has errors (exit 1), or ``--for`` names nobody in it (exit 2)."""
    from planc.commands import ExitCode
    from planc.plan.roster import choose, read_roster

    if any(getattr(args, flag, None) is not None for flag in _ATHLETE_FLAGS):
        raise CommandFailed(ExitCode.USAGE, "--for takes each athlete's thresholds from the "
                            "roster: leave out --athlete, --ftp, --lthr, --max-hr and "
                            "--threshold-pace")
    path = getattr(args, "roster", None) or roster_path
    if not path:
        raise CommandFailed(ExitCode.USAGE, "--for needs a roster: add 'roster: FILE' to the "
                            "plan or pass --roster FILE")
    if not os.path.isfile(path):  # as Path(path).is_file(): pathlib is not loaded
        raise CommandFailed(ExitCode.USAGE, f"{path}: no such roster file")
    found = read_roster(path)
    sources.update(found.sources)
    if found.diagnostics:
        report(found.diagnostics, sources)
    if not found.ok or found.roster is None:
        raise CommandFailed(ExitCode.DIAGNOSTICS)
    members, problems = choose(found.roster, spec or args.squad)
    if problems:
        report(problems, sources)
        raise CommandFailed(ExitCode.USAGE)
    return found.roster, members


def squad_plans(args: argparse.Namespace, plan_path: str, plan: Plan, sources: dict[str, str],
                known: Iterable[Diagnostic] = (), strict: bool = False,
                spec: str | None = None):
    """Each chosen athlete's plan (``planc.plan.roster.MemberPlan``), their diagnostics
    printed once under the athlete's name (not those of the plan as written, ``known``,
    already printed); CommandFailed (exit 1) if any athlete's plan has errors."""
    from planc.commands import ExitCode
    from planc.plan.roster import plan_for

    roster, members = squad_from_args(args, plan.roster, sources, spec)
    seen = set(known)
    plans = [plan_for(plan_path, m, roster) for m in members]
    failed = False
    for mp in plans:
        sources.update(mp.result.sources)
        own = [d for d in mp.result.diagnostics if d not in seen]
        seen.update(own)
        if own:
            print(f"for {mp.member.label}:", file=sys.stderr)
            failed = report(own, sources, strict=strict) or failed
        failed = failed or not mp.ok
    if failed:
        raise CommandFailed(ExitCode.DIAGNOSTICS)
    return roster, plans

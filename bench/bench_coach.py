"""Coach mode: the 12-week example plan for a squad of 10 athletes (local server, no network).

    python bench/bench_coach.py [--plan plans/half-marathon-12w.yaml] [--athletes 10] [--repeat 3]

Writes a roster of ``--athletes`` athletes (each with their own threshold pace,
LTHR and max HR, start dates spread over three Mondays, every third one with
Saturday and Sunday swapped, every other one at 80 % volume of nothing: the
plan has no parameters) into a temporary folder, starts the local
intervals.icu server with a coach's key that may write every calendar, and
runs the real ``planc`` in a subprocess, like a user would.  Prints:

1. ``planc publish PLAN --for all``: requests by kind and wall time, into empty
   calendars and again with nothing changed (best and median of ``--repeat``;
   process start-up and the client's pacing of <= 10 requests/s included);
2. the same through the library in-process (no interpreter start-up), and the
   time of one single-athlete publish of the plan, for scale;
3. ``planc build PLAN --for all`` (every format): cold into an empty folder,
   again with nothing changed, and after one athlete's threshold pace changed in
   the roster (issue 14: the squad keeps the build cache), with the number of files.

``--only build`` skips the publish figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if importlib.util.find_spec("planc") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planc.icuserver import IcuServer
from planc.plan.load import load_plan
from planc.plan.roster import plan_for, read_roster
from planc.plan.weeks import select
from planc.publish.client import IntervalsClient
from planc.publish.events import build_events
from planc.publish.publisher import apply, read_calendar

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-coach-key"


def planc() -> list[str]:
    beside = Path(sys.executable).with_name("planc")
    found = str(beside) if beside.exists() else shutil.which("planc")
    if not found:
        raise SystemExit("the planc console script is not installed (pip install -e .)")
    return [found]


def roster_text(count: int, start: dt.date) -> str:
    """``count`` athletes: own thresholds, three start Mondays, some weekend swaps."""
    lines = ["timezone: Europe/London", "athletes:"]
    for n in range(count):
        pace = f"4:{5 + n * 2:02d}/km"
        lines += [f"  a{n:02d}:", f"    id: i{1001 + n}",
                  f"    athlete: {{run: {{threshold_pace: '{pace}', lthr: {165 + n}, "
                  f"max_hr: {185 + n}}}, swim: {{threshold_pace: '1:{45 + n}/100m'}}}}",
                  f"    start: {start + dt.timedelta(weeks=n % 3)}"]
        if n % 3 == 2:
            lines.append("    move: {sat: sun, sun: sat}")
    return "\n".join(lines) + "\n"


def run(server: IcuServer, *args: str, cwd: Path) -> float:
    env = {**os.environ, "INTERVALS_ICU_API_KEY": KEY, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0"}
    started = time.perf_counter()
    proc = subprocess.run([*planc(), *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False, cwd=cwd)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"planc {' '.join(args)} failed ({proc.returncode}):\n"
                         f"{proc.stdout}{proc.stderr}")
    return seconds


def kinds(server: IcuServer) -> str:
    names = {"GET": "GET", "POST": "POST bulk", "PUT": "PUT"}
    counted = Counter(names.get(r.method, r.method) for r in server.requests)
    return " + ".join(f"{counted[k]} {k}" for k in ("GET", "POST bulk", "PUT") if counted[k])


def coach_server(ids: list[str]) -> IcuServer:
    server = IcuServer(api_key="own-key", athlete_id="i1")
    server.add_coach(KEY, ids)
    return server


def ms(values: list[float]) -> str:
    return f"{min(values):6.3f} s / {statistics.median(values):6.3f} s"


def publish(plan: Path, folder: Path, ids: list[str], repeat: int) -> None:
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(repeat):
        with coach_server(ids).start() as server:
            cold.append(run(server, "publish", str(plan), "--roster", "squad.yaml", "--for", "all",
                            "--yes", cwd=folder))
            cold_requests = kinds(server)
            events = sum(len(server.events(i)) for i in ids)
            server.clear_log()
            warm.append(run(server, "publish", str(plan), "--roster", "squad.yaml", "--for", "all",
                            "--yes", cwd=folder))
            warm_requests = kinds(server)
    print(f"planc publish --for all: {len(ids)} athletes, {events} events "
          f"(best / median of {repeat}, subprocess)")
    print(f"  empty calendars  {ms(cold)}   requests: {cold_requests}")
    print(f"  unchanged        {ms(warm)}   requests: {warm_requests}")
    inproc: list[float] = []
    single: list[float] = []
    for _ in range(repeat):
        with coach_server(ids).start() as server:
            started = time.perf_counter()
            found = read_roster(folder / "squad.yaml")
            with IntervalsClient(KEY, base_url=server.url) as client:
                for member in found.roster.members.values():
                    own = plan_for(plan, member, found.roster).result.plan
                    selection = select(own)
                    view = client.for_athlete(member.id)
                    events_ = build_events(selection.sessions(own.sessions))
                    apply(view, read_calendar(view, own, selection, events_, False), own,
                          selection)
            inproc.append(time.perf_counter() - started)
        with IcuServer(api_key=KEY) as server:
            started = time.perf_counter()
            own = load_plan(plan)
            selection = select(own)
            with IntervalsClient(KEY, base_url=server.url) as client:
                events_ = build_events(selection.sessions(own.sessions))
                apply(client, read_calendar(client, own, selection, events_, False), own,
                      selection)
            single.append(time.perf_counter() - started)
    print(f"  in-process       {ms(inproc)}   (roster, {len(ids)} plans, diff, HTTP)")
    print(f"  one athlete      {ms(single)}   (the plan without a roster, in-process)")


def build(plan: Path, folder: Path, repeat: int) -> None:
    cold: list[float] = []
    warm: list[float] = []
    edited: list[float] = []
    files = 0
    roster = (folder / "squad.yaml").read_text(encoding="utf-8")
    args = ("build", str(plan), "--roster", "squad.yaml", "--for", "all", "-o", "out", "-q")
    with IcuServer(api_key=KEY) as server:  # build makes no request; run() wants a server
        for _ in range(repeat):
            out = folder / "out"
            shutil.rmtree(out, ignore_errors=True)
            (folder / "squad.yaml").write_text(roster, encoding="utf-8")
            cold.append(run(server, *args, cwd=folder))
            warm.append(run(server, *args, cwd=folder))
            (folder / "squad.yaml").write_text(roster.replace("4:05/km", "4:04/km"),
                                               encoding="utf-8")
            edited.append(run(server, *args, cwd=folder))
            files = sum(1 for p in out.rglob("*") if p.is_file() and ".planc-cache" not in p.parts)
    print(f"planc build --for all (every format, {files} files; best / median of {repeat})")
    print(f"  cold             {ms(cold)}")
    print(f"  no change        {ms(warm)}")
    print(f"  one athlete's pace edited {ms(edited)}")


def render(plan: Path, folder: Path, repeat: int) -> None:
    cold: list[float] = []
    warm: list[float] = []
    args = ("render", str(plan), "--roster", "squad.yaml", "--for", "all", "-o", "site", "-q")
    with IcuServer(api_key=KEY) as server:  # render makes no request; run() wants a server
        for _ in range(repeat):
            shutil.rmtree(folder / "site", ignore_errors=True)
            cold.append(run(server, *args, cwd=folder))
            warm.append(run(server, *args, cwd=folder))
    print(f"planc render --for all (best / median of {repeat})")
    print(f"  cold             {ms(cold)}")
    print(f"  no change        {ms(warm)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default=str(ROOT / "plans" / "half-marathon-12w.yaml"))
    parser.add_argument("--athletes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["build"], help="only the build figures")
    args = parser.parse_args()
    plan = Path(args.plan).resolve()
    start = load_plan(plan).start
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "squad.yaml").write_text(roster_text(args.athletes, start), encoding="utf-8")
        ids = [f"i{1001 + n}" for n in range(args.athletes)]
        if args.only != "build":
            publish(plan, folder, ids, args.repeat)
        build(plan, folder, args.repeat)
        render(plan, folder, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

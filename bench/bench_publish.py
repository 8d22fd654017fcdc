"""Requests per published week and wall time of ``planc publish`` (local server, no network).

    python bench/bench_publish.py [--plan plans/half-marathon-12w.yaml] [--repeat 3]

Runs the real ``planc`` command in a subprocess against the local
intervals.icu server started here, like a user would, and prints:

1. requests per week, publishing the plan week by week (``--week N``): the
   first publish of a week, a re-publish with nothing changed, and a
   ``--prune`` publish after one event was edited in the calendar and one stale
   event of the plan was added (target: 1 GET + 1 bulk POST, 1 GET alone when
   nothing changed, + 1 bulk-delete with --prune);
2. wall time of publishing the whole plan to an empty calendar and of
   re-publishing it unchanged (best and median of ``--repeat`` runs; process
   start-up included, pacing of ≤ 10 requests/s included), and the same work
   in-process (load, compile, diff, HTTP) without the interpreter start-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

if importlib.util.find_spec("planc") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planc.icuserver import IcuServer
from planc.plan.load import load_plan
from planc.plan.weeks import select
from planc.publish.client import IntervalsClient
from planc.publish.events import build_events
from planc.publish.publisher import apply, read_calendar

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"


def planc() -> list[str]:
    beside = Path(sys.executable).with_name("planc")
    found = str(beside) if beside.exists() else shutil.which("planc")
    if not found:
        raise SystemExit("the planc console script is not installed (pip install -e .)")
    return [found]


def run(server: IcuServer, *args: str) -> float:
    env = {**os.environ, "INTERVALS_ICU_API_KEY": KEY, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0"}
    started = time.perf_counter()
    proc = subprocess.run([*planc(), "publish", *args, "--yes"], env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"planc publish {' '.join(args)} failed ({proc.returncode}):\n"
                         f"{proc.stdout}{proc.stderr}")
    return seconds


def kinds(server: IcuServer) -> Counter:
    names = {"GET": "GET", "POST": "POST bulk", "PUT": "PUT bulk-delete"}
    return Counter(names.get(r.method, r.method) for r in server.requests)


def shown(counter: Counter) -> str:
    order = ("GET", "POST bulk", "PUT bulk-delete")
    return " + ".join(f"{counter[k]} {k}" for k in order if counter[k]) or "none"


def per_week(plan_path: Path) -> None:
    plan = load_plan(plan_path)
    print(f"requests per week ({plan.id}, {plan.weeks} weeks, {len(plan.sessions)} sessions)")
    first: Counter = Counter()
    again: Counter = Counter()
    pruned: Counter = Counter()
    with IcuServer(api_key=KEY) as server:
        for week in range(1, plan.weeks + 1):
            server.clear_log()
            run(server, str(plan_path), "--week", str(week))
            first[shown(kinds(server))] += 1
            server.clear_log()
            run(server, str(plan_path), "--week", str(week))
            again[shown(kinds(server))] += 1
            # the athlete renames one event; a session left the plan (stale event)
            monday = plan.week_start(week)
            mine = [e for e in server.events() if e.get("external_id", "").startswith(
                f"planc:{plan.id}:") and e["start_date_local"][:10] >= monday.isoformat()]
            server.store.update(server.athlete_id, mine[0]["id"], {"name": "renamed by hand"})
            server.seed_event({"category": "NOTE", "name": "stale",
                               "start_date_local": f"{monday.isoformat()}T00:00:00",
                               "external_id": f"planc:{plan.id}:{monday.isoformat()}:9"},
                              client=server.client)
            server.clear_log()
            run(server, str(plan_path), "--week", str(week), "--prune")
            pruned[shown(kinds(server))] += 1
    for title, counter in (("first publish", first), ("unchanged re-publish", again),
                           ("edit + stale, --prune", pruned)):
        rows = ", ".join(f"{what} ({n} week{'s' * (n != 1)})" for what, n in counter.items())
        print(f"  {title:<24} {rows}")


def whole_plan(plan_path: Path, repeat: int) -> None:
    cold: list[float] = []
    warm: list[float] = []
    requests = ""
    for _ in range(repeat):
        with IcuServer(api_key=KEY) as server:
            cold.append(run(server, str(plan_path)))
            requests = shown(kinds(server))
            server.clear_log()
            warm.append(run(server, str(plan_path)))
            warm_requests = shown(kinds(server))
    events = len(load_plan(plan_path).sessions)
    print(f"whole plan, planc publish in a subprocess ({events} events, best/median of {repeat})")
    print(f"  empty calendar   {min(cold):6.3f} s / {statistics.median(cold):6.3f} s   "
          f"requests: {requests}")
    print(f"  unchanged        {min(warm):6.3f} s / {statistics.median(warm):6.3f} s   "
          f"requests: {warm_requests}")
    inproc: list[float] = []
    for _ in range(repeat):
        with IcuServer(api_key=KEY) as server:
            started = time.perf_counter()
            plan = load_plan(plan_path)
            selection = select(plan)
            events_ = build_events(selection.sessions(plan.sessions))
            with IntervalsClient(KEY, base_url=server.url) as client:
                changes = read_calendar(client, plan, selection, events_, prune=False)
                outcome = apply(client, changes, plan, selection)
            inproc.append(time.perf_counter() - started)
            assert outcome.created == events and not outcome.problems
    print(f"  in-process       {min(inproc):6.3f} s / {statistics.median(inproc):6.3f} s   "
          "(load + compile + diff + HTTP, no interpreter start-up)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default=str(ROOT / "plans" / "half-marathon-12w.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    per_week(Path(args.plan))
    whole_plan(Path(args.plan), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

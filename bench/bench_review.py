"""Reviewing the 12-week example plan for a squad of 10 athletes (local server, no network).

    python bench/bench_review.py [--plan plans/half-marathon-12w.yaml] [--athletes 10] [--repeat 3]

Sets up what ``bench_coach.py`` publishes (the same roster), then gives every
athlete a done activity for four sessions out of five (paired with the event,
at 90 % of the planned time; the fifth is missed), an extra activity a week and
a wellness record a day, and times ``planc review PLAN --for all --json`` over
the whole plan as of the day after it ends: requests by kind, wall time (best /
median of ``--repeat``), in a subprocess like a user would and through the
library in-process (no interpreter start-up), with the client's pacing of
<= 10 requests/s and without it (what the review itself costs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

if importlib.util.find_spec("planc") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_coach import KEY, ROOT, coach_server, kinds, ms, roster_text, run

from planc.icuserver import IcuServer
from planc.plan.load import load_plan
from planc.plan.roster import plan_for, read_roster
from planc.publish.client import IntervalsClient
from planc.publish.review import fetch, review, review_window


def seed(server: IcuServer, ids: list[str], last: dt.date) -> int:
    """Activities for the published events and a wellness record a day; their count."""
    count = 0
    for athlete in ids:
        events = sorted((e for e in server.events(athlete) if e.get("category") == "WORKOUT"),
                        key=lambda e: e["start_date_local"])
        for n, event in enumerate(events):
            if n % 5 == 4:
                continue  # missed
            minutes = int(event.get("moving_time") or 3600) * 9 // 600
            server.seed_activity({"start_date_local": event["start_date_local"][:10] + "T07:00:00",
                                  "type": event.get("type") or "Run", "moving_time": minutes * 60,
                                  "icu_training_load": minutes // 2, "paired_event_id": event["id"],
                                  "name": event.get("name")}, athlete)
            count += 1
        first = dt.date.fromisoformat(events[0]["start_date_local"][:10]) if events else last
        day, n = first, 0
        while day <= last:
            server.seed_wellness(day.isoformat(), 40.0 + n * 0.1, 45.0, athlete_id=athlete)
            if day.weekday() == 6:
                server.seed_activity({"start_date_local": f"{day}T10:00:00", "type": "Ride",
                                      "moving_time": 5400, "icu_training_load": 60}, athlete)
                count += 1
            day, n = day + dt.timedelta(days=1), n + 1
    return count


def in_process(server: IcuServer, plan: Path, folder: Path, today: dt.date,
               pacing: float = 0.1) -> int:
    """The review of every athlete through the library; the number of sessions."""
    found = read_roster(folder / "squad.yaml")
    sessions = 0
    with IntervalsClient(KEY, base_url=server.url, min_interval=pacing) as client:
        for member in found.roster.members.values():
            own = plan_for(plan, member, found.roster).result.plan
            first, last = review_window(own, None, today)
            done = review(own, fetch(client.for_athlete(member.id), first, last, today), today)
            sessions += len(done["sessions"])
    return sessions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default=str(ROOT / "plans" / "half-marathon-12w.yaml"))
    parser.add_argument("--athletes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plan = Path(args.plan).resolve()
    start = load_plan(plan).start
    ids = [f"i{1001 + n}" for n in range(args.athletes)]
    today = start + dt.timedelta(weeks=12 + 2)  # after the latest start's last week
    with tempfile.TemporaryDirectory() as tmp, coach_server(ids).start() as server:
        folder = Path(tmp)
        (folder / "squad.yaml").write_text(roster_text(args.athletes, start), encoding="utf-8")
        run(server, "publish", str(plan), "--roster", "squad.yaml", "--for", "all", "--yes",
            cwd=folder)
        activities = seed(server, ids, today)
        sub: list[float] = []
        lib: list[float] = []
        unpaced: list[float] = []
        for _ in range(args.repeat):
            server.clear_log()
            sub.append(run(server, "review", str(plan), "--roster", "squad.yaml", "--for", "all",
                           "--json", "--today", today.isoformat(), cwd=folder))
            requests = kinds(server)
            started = time.perf_counter()
            sessions = in_process(server, plan, folder, today)
            lib.append(time.perf_counter() - started)
            started = time.perf_counter()
            in_process(server, plan, folder, today, pacing=0.0)
            unpaced.append(time.perf_counter() - started)
    print(f"planc review --for all: {args.athletes} athletes, 12 weeks, {sessions} planned "
          f"sessions, {activities} activities (best / median of {args.repeat})")
    print(f"  subprocess       {ms(sub)}   requests: {requests}")
    print(f"  in-process       {ms(lib)}   (the client paces itself to <= 10 requests/s)")
    print(f"  without pacing   {ms(unpaced)}   (reading the plans, pairing, projecting)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

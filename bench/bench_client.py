"""Time IntervalsClient against the local intervals.icu server (no network).

    python bench/bench_client.py [--events 400] [--batch 20] [--storm]

Publishes ``--events`` workouts in bulk requests of ``--batch`` events, publishes
them again (every event must be updated in place, none created), lists them
and deletes them.  Pacing is switched off (``min_interval=0``) to measure the
client and server themselves; ``--storm`` first queues one 503, 429 or
dropped-after-commit fault per batch (served back to back, so the client needs
that many retries) to time the retry path; waits are recorded, not slept, so
the numbers show the overhead, not the backoff.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from datetime import date
from pathlib import Path

if importlib.util.find_spec("planc") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planc.icuserver import Fault, IcuServer
from planc.publish.client import IntervalsClient


def _event(n: int) -> dict:
    day = date.fromordinal(date(2027, 1, 1).toordinal() + n // 2)
    return {
        "category": "WORKOUT",
        "start_date_local": f"{day.isoformat()}T{'07' if n % 2 else '18'}:00:00",
        "type": "Ride",
        "name": f"Bench {n}",
        "description": "- 10m 55%\n\n4x\n- 4m 105%\n- 4m 55%\n\n- 10m 50%",
        "external_id": f"planc:bench:{n}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--storm", action="store_true")
    args = parser.parse_args()
    events = [_event(n) for n in range(args.events)]
    waits: list[float] = []
    storm = -(-args.events // args.batch) if args.storm else 0
    with IcuServer(api_key="bench") as server:
        client = IntervalsClient(
            "bench",
            base_url=server.url,
            min_interval=0.0,
            max_attempts=storm + 2,
            sleep=waits.append,
        )
        client.max_batch = args.batch
        kinds = [Fault.status_code(503), Fault.rate_limited(0), Fault.drop_after_write()]
        server.faults.add(*(kinds[i % 3] for i in range(storm)))
        with client:
            for label, action in [
                ("publish", lambda: client.bulk_upsert(events)),
                ("republish", lambda: client.bulk_upsert(events)),
                ("list", lambda: client.list_events(date(2027, 1, 1), date(2028, 12, 31))),
                (
                    "delete",
                    lambda: client.bulk_delete([{"external_id": e["external_id"]} for e in events]),
                ),
            ]:
                server.clear_log()
                started = time.perf_counter()
                result = action()
                seconds = time.perf_counter() - started
                count = result if isinstance(result, int) else len(result)
                requests = len(server.requests)
                print(
                    f"{label:10} {count:5} events  {requests:3} requests  {seconds * 1000:8.1f} ms  "
                    f"{seconds / max(requests, 1) * 1000:6.2f} ms/request"
                )
        stored = len(server.events())
    print(
        f"events left: {stored}; recorded retry waits: {len(waits)} ({sum(waits):.1f} s not slept)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

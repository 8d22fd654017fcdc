"""Run the local intervals.icu server by hand: ``python -m planc.icuserver``.

See :mod:`planc.icuserver` for what it serves.  ``--fault`` takes
``STATUS[:RETRY_AFTER][xTIMES]`` (``503x3``, ``429:2``, ``429:2x5``) or
``drop[xTIMES]`` (commit the next POST, then drop the connection) and may be
repeated; faults apply to the next matching requests in order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import secrets
from datetime import date
from pathlib import Path

from planc.icuserver.app import IcuServer
from planc.icuserver.faults import Fault

_FAULT = re.compile(
    r"^(?:(?P<status>\d{3})(?::(?P<retry>\d+(?:\.\d+)?))?|(?P<drop>drop))(?:x(?P<times>\d+))?$"
)


def parse_fault(text: str) -> Fault:
    match = _FAULT.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"bad fault {text!r}: use e.g. 503x2, 429:5 or drop")
    times = int(match["times"] or 1)
    if match["drop"]:
        return Fault.drop_after_write(times=times, method="POST")  # a write, not the read
    retry = float(match["retry"]) if match["retry"] else None
    return Fault(status=int(match["status"]), retry_after=retry, times=times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m planc.icuserver",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--api-key", default="test", help="accepted key (Basic user API_KEY)")
    parser.add_argument("--athlete-id", default="i1", help="the key's athlete (default i1)")
    parser.add_argument(
        "--fault",
        type=parse_fault,
        action="append",
        default=[],
        help="queue a fault, e.g. 503x2, 429:5, drop",
    )
    parser.add_argument(
        "--coached",
        action="append",
        default=[],
        metavar="ID",
        help="make --api-key a coach's key that may write athlete ID's calendar (e.g. i101); "
        "repeat for a squad; each gets today's fitness (CTL 50, ATL 45)",
    )
    parser.add_argument(
        "--seed",
        metavar="FILE",
        help="JSON with athletes' events, activities and wellness for a demo: "
        '{"athletes": {"i101": {"activities": [...], "wellness": [...], "events": [...]}}}',
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(message)s"
    )
    if args.coached:
        server = IcuServer(secrets.token_hex(16), args.athlete_id, host=args.host, port=args.port)
        server.add_coach(args.api_key, args.coached)
        for athlete in args.coached:
            server.seed_wellness(date.today().isoformat(), 50.0, 45.0, athlete_id=athlete)
    else:
        server = IcuServer(args.api_key, args.athlete_id, host=args.host, port=args.port)
    server.faults.add(*args.fault)
    if args.seed:
        try:
            server.seed(json.loads(Path(args.seed).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            parser.error(f"--seed {args.seed}: {exc}")  # SchemaError is a ValueError

    def ready(url: str) -> None:
        who = f"coach of {', '.join(args.coached)}" if args.coached else f"athlete {args.athlete_id}"
        print(
            f"intervals.icu stand-in on {url} ({who}; HTTP Basic user "
            f"API_KEY, password = the --api-key value). Try:\n"
            f"  INTERVALS_ICU_API_KEY=... planc publish --base-url {url} ...\n"
            "Ctrl-C stops; the calendar lives in memory.",
            flush=True,
        )

    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(ready)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Print the JSON Schema (draft 2020-12) of plan, library, athlete or roster files.

    planc schema [plan|library|athlete|roster]

Point an editor at it (e.g. yaml-language-server's "# yaml-language-server:
$schema=…" comment) for completion and inline checks while writing plans.
The schema is generated from the same tables the plan loader checks keys
with, so the two cannot disagree; the loader additionally checks what a
schema cannot (Mondays, dates inside the plan, workout references, list
lengths, the workout text itself).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", default="plan", choices=("plan", "library", "athlete", "roster"),
                   help="which file format (default: plan)")


def run(args: argparse.Namespace) -> int:
    from planc.plan.schema import plan_schema

    sys.stdout.write(json.dumps(plan_schema(args.kind), indent=2, sort_keys=True) + "\n")
    return 0

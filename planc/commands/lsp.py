"""Run the planc language server on standard input and output (for editors).

    planc lsp

Speaks the Language Server Protocol: diagnostics as you type (the codes and spans
of 'planc check', for workout files and plan YAML), hover on a step (duration,
watts, pace or heart rate at the plan's athlete thresholds, zone), completion,
go-to-definition of library workouts, and formatting.  An editor starts it; the
VS Code extension in editors/vscode does.  Settings (initializationOptions or the
'planc' configuration section): athlete = an athlete file for standalone workout
files, sport = the sport of workout files without a header.
"""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stdio", action="store_true",
                   help="talk over standard input and output (the default and only way; "
                   "accepted because editors pass it)")


def run(args: argparse.Namespace) -> int:
    from planc.lsp.server import serve  # pygls loads only for this command

    serve()
    return 0

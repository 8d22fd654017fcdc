"""Run the planc tool server for AI assistants (Model Context Protocol) on stdio.

    planc mcp

Tools: check (workout text or plan -> diagnostics with line, column, code and
hint), compile (workout text + format -> the file; FIT as base64), stats,
reference (the language and every diagnostic code, in a page) and publish
(to intervals.icu; refused unless the same plan had a dry run on the same
connection).  An assistant's client starts it, e.g. in its configuration:
{"command": "planc", "args": ["mcp"]}.  publish reads the API key like
'planc publish' (INTERVALS_ICU_API_KEY or ~/.config/planc/config.toml).
"""

from __future__ import annotations

import argparse


def add_arguments(p: argparse.ArgumentParser) -> None:
    del p  # no options: the client talks over standard input and output


def run(args: argparse.Namespace) -> int:
    from planc.mcp.server import serve  # the MCP SDK loads only for this command

    serve()
    return 0

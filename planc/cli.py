"""The ``planc`` command line.

Each subcommand lives in ``planc.commands.<name>`` and exposes
``add_arguments(parser)`` and ``run(args) -> int``.  Only the chosen
subcommand's module is imported, so ``planc --version`` and ``planc --help``
never pay for lark, lxml or httpx.

Exit codes are :class:`planc.commands.ExitCode`.  No traceback reaches the user:
an unexpected exception prints one line asking for a bug report
(``PLANC_DEBUG=1`` shows it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from planc import __version__
from planc.commands import ExitCode

# name -> one-line help; the module planc.commands.<name> does the work.
COMMANDS: dict[str, str] = {
    "check": "check workout or plan files and report every mistake",
    "compile": "compile workouts to intervals.icu text, .zwo, .mrc, .erg, .fit or .svg",
    "stats": "duration, distance, intensity and load of workouts or a plan",
    "build": "compile every session of a plan, one folder per week, with a manifest",
    "publish": "publish plan weeks to an intervals.icu calendar, idempotently",
    "athlete": "athlete thresholds: pull sport settings from intervals.icu",
    "import": "turn .zwo, .mrc, .erg, .fit or intervals.icu text into planc text",
    "render": "render a plan as an offline HTML site with workout profiles",
    "schema": "print the JSON Schema of plan files",
    "fmt": "lay out workout files and plan YAML the canonical way",
    "lsp": "language server for editors (diagnostics, hover, completion) on stdio",
    "mcp": "tool server for AI assistants (Model Context Protocol) on stdio",
}


class UsageError(Exception):
    """A bad command line the parser could not catch (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default exits 2 already; keep text short
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def build_parser(selected: str | None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="planc",
        description="planc compiles training plans kept as text into device files and "
        "intervals.icu calendars.",
        epilog="Exit codes: 0 ok, 1 diagnostics, 2 usage, 3 network/service, "
        "70 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"planc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        if name == selected:
            module = importlib.import_module(f"planc.commands.{name}")
            p = sub.add_parser(name, help=help_text, description=module.__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
            module.add_arguments(p)
            _add_verbosity(p)
            p.set_defaults(_run=module.run)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def _add_verbosity(p: argparse.ArgumentParser) -> None:
    """-q and -v on every command (planc.commands.output says what they do); a command
    that has its own (check -q, publish -v for request logs) keeps its help text."""
    taken = p._option_string_actions  # argparse has no public "is this flag taken?"
    if "-q" not in taken:
        p.add_argument("-q", "--quiet", action="store_true",
                       help="print errors and results only (no warnings, no progress)")
    if "-v" not in taken:
        p.add_argument("-v", "--verbose", action="store_true",
                       help="print every repeated diagnostic, not the first 20 of a kind")


def _selected_command(argv: list[str]) -> str | None:
    for arg in argv:
        if arg in COMMANDS:
            return arg
        if not arg.startswith("-"):
            return None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = _selected_command(argv)
    parser = build_parser(selected)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help(sys.stderr)
            return ExitCode.USAGE
        from planc.commands.output import set_verbosity  # only once a command runs

        set_verbosity(getattr(args, "quiet", False), getattr(args, "verbose", False))
        return int(args._run(args))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    except UsageError as exc:
        print(f"planc {selected}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("planc: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    except Exception:
        if os.environ.get("PLANC_DEBUG"):
            raise
        print(
            "planc: internal error; this is a bug in planc, please report it with the input "
            "that caused it (set PLANC_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

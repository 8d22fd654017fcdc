"""The ``planc`` command line.

Each subcommand lives in ``planc.commands.<name>`` and exposes
``add_arguments(parser)`` and ``run(args) -> int``.  Only the chosen
subcommand's module is imported, so no command pays for lark, lxml or httpx
unless it uses them; ``planc --version`` and ``planc --help`` are answered before
anything is imported at all (not even argparse: an editor or a pre-commit hook
asks for them often, and bare Python start-up is the floor they are held to;
bench/bench_startup.py measures it).  ``planc NAME ...`` is read by NAME's parser
alone (:func:`command_parser`).  ``check`` and ``compile`` of inputs planc has
seen answer from the result cache before any of that (:mod:`planc.output.results`:
what they printed, printed again, without importing Lark); ``build`` and
``render`` that would change nothing stop before the parser
(:mod:`planc.output.cache`).

Exit codes are :class:`planc.commands.ExitCode`.  No traceback reaches the user:
an unexpected exception prints one line asking for a bug report
(``PLANC_DEBUG=1`` shows it).
"""

from __future__ import annotations

import gc
import os
import sys

from planc import __version__

TYPE_CHECKING = False  # typing costs an import; this is how typing.TYPE_CHECKING reads
if TYPE_CHECKING:
    import argparse

# name -> one-line help; the module planc.commands.<name> does the work.
COMMANDS: dict[str, str] = {
    "check": "check workout or plan files and report every mistake",
    "compile": "compile workouts to intervals.icu text, .zwo, .mrc, .erg, .fit or .svg",
    "stats": "duration, distance, intensity and load of workouts or a plan",
    "build": "compile every session of a plan, one folder per week, with a manifest",
    "publish": "publish plan weeks to an intervals.icu calendar, idempotently",
    "review": "review a plan against the activities done on intervals.icu",
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


DESCRIPTION = ("planc compiles training plans kept as text into device files and "
               "intervals.icu calendars.")
EPILOG = ("Exit codes: 0 ok, 1 diagnostics, 2 usage, 3 network/service, "
          "70 internal error, 130 interrupted.")
USAGE = "usage: planc [-h] [--version] COMMAND ...\n"
_OPTIONS = (("-h, --help", "show this help message and exit"),
            ("--version", "show program's version number and exit"))


def help_width() -> int:
    """The width argparse wraps help to (the terminal's, less 2), without importing
    shutil (and with it bz2, lzma, zlib, fnmatch): the same rules as
    ``shutil.get_terminal_size``, COLUMNS first, then the terminal, then 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def top_help() -> str:
    """``planc --help`` exactly as argparse lays it out, built without argparse (its
    import and the parser tree cost more than the rest of planc's start-up);
    tests/test_cli.py compares the two."""
    width = help_width()
    if len(USAGE) - 1 > width:  # argparse would wrap the usage line: let it
        return build_parser(None).format_help()
    position = min(24, max(4 + max(map(len, COMMANDS)), 2 + max(len(o) for o, _ in _OPTIONS))
                   + 2)

    def entry(indent: int, name: str, text: str) -> list[str]:
        lines = _wrap(text, max(width - position, 11))
        head = " " * indent + name
        if len(head) + 2 > position:
            return [head] + [" " * position + line for line in lines]
        first = head.ljust(position) + lines[0]
        return [first] + [" " * position + line for line in lines[1:]]

    out = [USAGE.rstrip("\n"), "", *_wrap(DESCRIPTION, width), "",
           "positional arguments:", "  COMMAND"]
    for name, text in COMMANDS.items():
        out += entry(4, name, text)
    out += ["", "options:"]
    for flags, text in _OPTIONS:
        out += entry(2, flags, text)
    out += ["", *_wrap(EPILOG, width)]
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap: what ``textwrap.wrap`` does with these texts (words between
    single spaces, no hyphens), without its import of re and enum."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def build_parser(selected: str | None) -> argparse.ArgumentParser:
    """The argparse tree: every command listed, only ``selected`` built in full."""
    parser = _parser_class()(prog="planc", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"planc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_parser_class())
    for name, help_text in COMMANDS.items():
        if name == selected:
            module = _command_module(name)
            _fill(sub.add_parser(name, help=help_text, **_command_options(module)), module)
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command alone, as :func:`build_parser` makes it for the tree
    (prog ``planc NAME``): reading ``planc NAME ...`` with it skips building the
    twelve other commands' parsers (1 ms) and gives the same answers (see _parse)."""
    module = _command_module(name)
    parser = _parser_class()(prog=f"planc {name}", **_command_options(module))
    _fill(parser, module)
    return parser


def _parse(selected: str | None, argv: list[str]) -> argparse.Namespace:
    """``argv`` parsed.  A command line that starts with its command is read by that
    command's parser alone; what that parser leaves over is the tree's to refuse (its
    usage line and 'planc: error: unrecognized arguments'), so it reads it again."""
    if selected is not None and argv[0] == selected:
        args, rest = command_parser(selected).parse_known_args(argv[1:])
        if not rest:
            args.command = selected
            return args
    return build_parser(selected).parse_args(argv)


_PARSER_CLASS: list[type[argparse.ArgumentParser]] = []  # made once, on first use


def _parser_class() -> type[argparse.ArgumentParser]:
    """planc's ArgumentParser: help at a fixed width, errors exit 2 with a short text."""
    if _PARSER_CLASS:
        return _PARSER_CLASS[0]
    import argparse  # lazy: --version and --help never need it (see the module docstring)

    from planc.commands import ExitCode  # lazy, with argparse (enum: 2.5 ms)

    class Parser(argparse.ArgumentParser):
        def __init__(self, *args, **kwargs) -> None:
            kwargs.setdefault("formatter_class", argparse.HelpFormatter)
            chosen = kwargs["formatter_class"]
            # a fixed width: argparse would import shutil to ask the terminal
            kwargs["formatter_class"] = lambda prog: chosen(prog, width=help_width())
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> None:  # argparse's default exits 2; keep text short
            self.print_usage(sys.stderr)
            print(f"{self.prog}: error: {message}", file=sys.stderr)
            raise SystemExit(ExitCode.USAGE)

    _PARSER_CLASS.append(Parser)
    return Parser


def _command_module(name: str):
    from importlib import import_module  # lazy, with argparse

    return import_module(f"planc.commands.{name}")


def _command_options(module) -> dict:
    import argparse  # lazy, as in _parser_class

    return {"description": module.__doc__,
            "formatter_class": argparse.RawDescriptionHelpFormatter}


def _fill(p: argparse.ArgumentParser, module) -> None:
    """A command's own arguments, -q and -v, and what runs it."""
    module.add_arguments(p)
    _add_verbosity(p)
    p.set_defaults(_run=module.run, _cacheable=getattr(module, "cacheable", None))


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


CACHED = ("build", "render")
"""Commands whose no-change run stops before the parser (planc.output.cache)."""


# ExitCode.OK, USAGE and INTERRUPTED, for the answers that import nothing (not even enum);
# tests/test_cli.py and tests/test_result_cache.py check they are the same
_OK, _USAGE, _INTERRUPTED = 0, 2, 130


def _answered_at_once(argv: list[str]) -> int | None:
    """``planc --version``, ``planc --help`` and plain ``planc``: no parser needed."""
    try:
        if argv == ["--version"]:
            sys.stdout.write(f"planc {__version__}\n")
            return _OK
        if argv in (["--help"], ["-h"]):
            sys.stdout.write(top_help())
            return _OK
        if not argv:
            sys.stderr.write(top_help())
            return _USAGE
    except BrokenPipeError:  # planc --help | head -1
        return _OK
    return None


def main(argv: list[str] | None = None, *, cache: bool | None = None) -> int:
    """Run one planc command line; the exit status (:class:`planc.commands.ExitCode`).

    ``cache`` (default: only for the process's own command line, not a call from a test
    or a tool) lets check and compile answer from the result cache
    (:mod:`planc.output.results`)."""
    if cache is None:
        cache = argv is None
    if argv is None:
        _pause_collector()
    argv = list(sys.argv[1:] if argv is None else argv)
    at_once = _answered_at_once(argv)
    if at_once is not None:
        return at_once
    selected = _selected_command(argv)
    if cache and selected in RESULTS and results_wanted(argv):
        return _run_with_results(selected, argv)
    return _run(argv)[0]


_PAUSED: list[bool] = []  # [True] while main() keeps the cyclic collector paused


def _pause_collector() -> None:
    """Pause the cyclic garbage collector while the process starts (until
    :func:`_resume_collector`).  Start-up makes thousands of objects that live as long
    as the process (modules, classes, functions, the argument parser) and next to no
    cycles, and the collector's passes over them were ~4 ms of a cold ``planc check``
    (reference counting still frees everything else at once)."""
    if gc.isenabled():
        gc.disable()
        _PAUSED.append(True)


def _resume_collector() -> None:
    """The collector on again, once the command's modules are loaded: what exists now
    is frozen (left out of every later pass, as it lives on anyway)."""
    if _PAUSED:
        _PAUSED.clear()
        gc.freeze()
        gc.enable()


RESULTS = ("check", "compile")
"""Commands whose run a text planc has seen answers from the result cache."""


def results_wanted(argv: list[str]) -> bool:
    """False with ``--no-cache`` on the command line or ``PLANC_NO_CACHE`` set (but to 0):
    then the result cache is not even imported."""
    return "--no-cache" not in argv and os.environ.get("PLANC_NO_CACHE", "") in ("", "0")


def _run_with_results(command: str, argv: list[str]) -> int:
    """A stored run printed again, else the command run with what it prints recorded and
    stored (planc.output.results says when a run may be)."""
    from planc.inputs import failed_reads, record_reads
    from planc.output import results  # lazy: only check and compile keep results

    try:
        place = results.probe(command, argv)
        hit = results.lookup(place, _listing) if place is not None else None
    except KeyboardInterrupt:  # listing a folder runs git, which takes a moment
        return _interrupted()
    if place is None:
        return _run(argv)[0]
    if hit is not None:
        return _replay(hit.chunks, hit.code)
    reads = record_reads()
    chunks: list[tuple[int, str]] = []
    out, err = _Recorder(sys.stdout, 1, chunks), _Recorder(sys.stderr, 2, chunks)
    sys.stdout, sys.stderr = out, err
    try:
        code, args = _run(argv)
    finally:
        sys.stdout, sys.stderr = out.stream, err.stream
    cacheable = getattr(args, "_cacheable", None)
    if cacheable is not None and cacheable(args, code) and not (out.broken or err.broken) \
            and not failed_reads():
        results.store(place, reads, chunks, code, getattr(args, "_written", None),
                      getattr(args, "_listed", {}))
    return code


def _listing(folder: str) -> list[str]:
    """The files a folder argument stands for now (to compare with a stored run's)."""
    from planc.commands._paths import expand_paths  # lazy: only a stored run over a folder

    return expand_paths([folder])


class _Recorder:
    """A standard stream that also keeps what is written to it, in order with the other
    stream's (``chunks``), so a cache hit prints the same bytes the same way."""

    def __init__(self, stream, number: int, chunks: list[tuple[int, str]]):
        self.stream = stream
        self.number = number
        self.chunks = chunks
        self.broken = False  # a write failed (a closed pipe): the run is not stored

    def write(self, text: str) -> int:
        try:
            written = self.stream.write(text)
        except BaseException:
            self.broken = True
            raise
        self.chunks.append((self.number, text))
        return written

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # isatty, fileno, encoding, flush, buffer, ...
        return getattr(self.stream, name)


def _replay(chunks: list[tuple[int, str]], code: int) -> int:
    """Print a stored run's output again, stream by stream in its order."""
    try:
        for number, text in chunks:
            (sys.stdout if number == 1 else sys.stderr).write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        return _OK
    return code


def _interrupted() -> int:
    """Ctrl-C: one line, exit 130 (ExitCode.INTERRUPTED)."""
    print("planc: interrupted", file=sys.stderr)
    return _INTERRUPTED


def _run(argv: list[str]) -> tuple[int, argparse.Namespace | None]:
    """A command line the parser reads, run with planc's exit-status rules; the exit
    status and the parsed arguments (None if the parser stopped)."""
    from planc.commands import ExitCode  # lazy: see _answered_at_once

    selected = _selected_command(argv)
    args = None
    try:
        if selected in CACHED and "--json" not in argv:  # a document is always printed
            # lazy, and before the parser: a no-change rebuild imports nothing more
            from planc.output.cache import up_to_date

            fresh = up_to_date(selected, argv)
            if fresh is not None:
                sys.stderr.write(fresh.transcript)
                return ExitCode.OK, None
        args = _parse(selected, argv)
        _resume_collector()
        if not getattr(args, "_run", None):
            build_parser(selected).print_help(sys.stderr)
            return ExitCode.USAGE, None
        from planc.commands.output import set_verbosity  # only once a command runs

        set_verbosity(getattr(args, "quiet", False), getattr(args, "verbose", False))
        args._argv = argv  # the command line as typed, which the build cache keys on
        return int(args._run(args)), args
    except SystemExit as exc:
        return (exc.code if isinstance(exc.code, int) else ExitCode.USAGE), None
    except UsageError as exc:
        print(f"planc {selected}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE, None
    except KeyboardInterrupt:
        return _interrupted(), None
    except BrokenPipeError:
        return ExitCode.OK, None
    except Exception:
        if os.environ.get("PLANC_DEBUG"):
            raise
        print(
            "planc: internal error; this is a bug in planc, please report it with the input "
            "that caused it (set PLANC_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL, None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""The command line, one module per subcommand (``add_arguments(parser)``, ``run(args)``).

Commands are thin: they read flags, call one library function, print what it
returns and choose the exit code.  Library modules below never print, never
take an ``argparse.Namespace`` and never exit.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    """Every exit status planc uses, for every command (README has the same table)."""

    OK = 0  # done; warnings may have been printed
    DIAGNOSTICS = 1  # the input has errors (diagnostics printed); a "no" at publish's prompt
    USAGE = 2  # bad flags, a file that cannot be read, a missing API key
    CHANGES_PENDING = 2  # publish --dry-run --detailed-exitcode only: there is work to do
    SERVICE = 3  # network or intervals.icu failure
    INTERNAL = 70  # a bug in planc (one line asks for a report)
    INTERRUPTED = 130  # Ctrl-C


def detailed(code: int, pending: bool) -> int:
    """``--detailed-exitcode`` (terraform's convention): 0 nothing to change, 2 changes
    pending, 1 any failure; a bug (70) and Ctrl-C (130) keep their own."""
    if code in (ExitCode.INTERNAL, ExitCode.INTERRUPTED):
        return code
    if code != ExitCode.OK:
        return ExitCode.DIAGNOSTICS
    return ExitCode.CHANGES_PENDING if pending else ExitCode.OK

"""``planc NAME ...`` is read by NAME's parser alone (planc.cli._parse): the same
namespace, output and exit status as the whole argparse tree gives, for any line."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planc import cli
from planc.cli import COMMANDS

TAILS = [[], ["-h"], ["x.workout"], ["x.workout", "--bogus"], ["--ftp", "abc", "x"],
         ["x", "y", "-q", "-v"], ["--ver", "x"], ["--", "-x"], ["x", "--json"],
         ["--to", "nope", "x"], ["--week", "2", "p.yaml"], ["--dry-run", "p.yaml"],
         ["x", "--no-cache", "--strict"], ["-o"], ["x", "extra", "--help"]]


def outcome(parse, argv: list[str]):
    """What parsing ``argv`` gives: the namespace (or the exit status) and the output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ns = vars(parse(argv))
            result = sorted((k, repr(v)) for k, v in ns.items() if k not in ("_run",
                                                                             "_cacheable"))
        except SystemExit as exc:
            result = [("exit", repr(exc.code))]
    return result, out.getvalue(), err.getvalue()


def same_as_the_tree(name: str, argv: list[str]) -> None:
    alone = outcome(lambda v: cli._parse(name, v), argv)
    tree = outcome(lambda v: cli.build_parser(name).parse_args(v), argv)
    assert alone == tree


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("tail", TAILS, ids=" ".join)
def test_a_command_alone_reads_a_line_as_the_tree_does(name, tail):
    same_as_the_tree(name, [name, *tail])


WORDS = st.sampled_from(["-q", "-v", "-h", "--json", "--to", "icu,zwo", "--ftp", "250", "x",
                         "plan.yaml", "--", "--bogus", "-o", "out", "--week", "3", "--for",
                         "all", "--strict", "--no-cache", "--ver", "=", "--to=zwo", "-x"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(COMMANDS)), st.lists(WORDS, max_size=6))
def test_any_line_reads_the_same(name, tail):
    same_as_the_tree(name, [name, *tail])

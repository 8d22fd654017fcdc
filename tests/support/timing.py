"""Time bounds for tests of hostile input: "refused quickly" is an assertion, not a hope.

Bounds are generous (the machine is shared and CI is slower than a laptop); they are
there to catch the regression from milliseconds to minutes, not to benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def within(seconds: float, what: str = "this") -> Iterator[None]:
    """Fail if the body takes longer than ``seconds`` of wall time."""
    start = time.perf_counter()
    yield
    took = time.perf_counter() - start
    assert took < seconds, f"{what} took {took:.1f} s (bound {seconds} s)"

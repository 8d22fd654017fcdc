"""Cold start-up: ``planc --version`` and ``planc check`` against bare ``python -c pass``.

Prints the median wall time of N fresh processes each.  Target (issue 2):
``planc --version`` under 2x bare Python start-up.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _gen import workout_text

N = 15


def median_ms(cmd: list[str]) -> float:
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    planc = str(Path(sys.executable).with_name("planc"))
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "w.workout"
        f.write_text(workout_text(1, 15), encoding="utf-8")
        bare = median_ms([sys.executable, "-c", "pass"])
        version = median_ms([planc, "--version"])
        check = median_ms([planc, "check", "-q", str(f)])
    print(f"python -c pass        {bare:7.1f} ms")
    print(f"planc --version       {version:7.1f} ms  ({version / bare:.2f}x bare python)")
    print(f"planc check (15 steps){check:7.1f} ms  ({check / bare:.2f}x bare python)")


if __name__ == "__main__":
    main()

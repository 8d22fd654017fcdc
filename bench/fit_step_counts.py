"""FIT step counts (issue 13's figures): max and median over both example plans and
over the 1,000 generated workouts of bench/_gen.py.

Garmin devices and Garmin Connect take 50 steps; a count is what the file holds
(repeat steps and ramp slices included).  Not a timing: run it against two trees to
compare them (``PYTHONPATH=/tmp/before python bench/fit_step_counts.py``).

    .venv/bin/python bench/fit_step_counts.py
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import fitdecode
from _gen import workout_text

ROOT = Path(__file__).resolve().parent.parent
PLANS = ("cycling-base-build-8w.yaml", "half-marathon-12w.yaml")


def steps_in(data: bytes) -> int:
    with fitdecode.FitReader(io.BytesIO(data)) as fit:
        return sum(1 for frame in fit if isinstance(frame, fitdecode.FitDataMessage)
                   and frame.name == "workout_step")


def plan_counts() -> list[int]:
    """Steps of each .fit a build of the example plans writes (a session refused for
    its length writes none: it is counted from the refusal's own figure, if any)."""
    counts = []
    with tempfile.TemporaryDirectory() as out:
        for plan in PLANS:
            subprocess.run([sys.executable, "-m", "planc", "build", str(ROOT / "plans" / plan),
                            "--formats", "fit", "-o", f"{out}/{plan}"], check=False,
                           capture_output=True)
        counts = [steps_in(p.read_bytes()) for p in sorted(Path(out).rglob("*.fit"))]
    return counts


def generated_counts(n: int = 1000, steps: int = 15) -> tuple[list[int], int]:
    """Steps of each generated ride's .fit, and how many were refused (too many steps)."""
    from planc.athlete import Athlete, SportThresholds
    from planc.check import read_workout
    from planc.emit import emit

    athlete = Athlete({"ride": SportThresholds(ftp=250)})
    counts, refused = [], 0
    for seed in range(n):
        workout = read_workout(workout_text(seed, steps), path=f"gen-{seed}").workout
        data, _ = emit("fit", workout, athlete)
        if data:
            counts.append(steps_in(data))
        else:
            refused += 1
    return counts, refused


# issue 13's example: an ordinary 4-step, 70-minute ride with three ramps
THREE_RAMPS = "- 20m ramp 50-75%\n- 20m ramp 75-90%\n- 10m 90%\n- 20m ramp 90-50%\n"


def three_ramps() -> str:
    from planc.athlete import Athlete, SportThresholds
    from planc.check import read_workout
    from planc.emit import emit

    data, _ = emit("fit", read_workout(THREE_RAMPS).workout,
                   Athlete({"ride": SportThresholds(ftp=250)}))
    return f"4-step ride with three 20-minute ramps: {steps_in(data) if data else 'refused'} steps"


def summary(name: str, counts: list[int], refused: int = 0) -> str:
    if not counts:
        return f"{name}: no files, refused: {refused}"
    over = sum(1 for c in counts if c > 50)
    return (f"{name}: {len(counts)} files, steps max {max(counts)}, median "
            f"{statistics.median(counts):g}, over 50: {over}, refused: {refused}")


def main() -> None:
    print(three_ramps())
    print(summary("example plans", plan_counts()))
    print(summary("generated (1,000)", *generated_counts()))
    print(summary("generated, 150 step lines (100)", *generated_counts(100, 150)))
    print(summary("generated, 40 step lines (200)", *generated_counts(200, 40)))


if __name__ == "__main__":
    main()

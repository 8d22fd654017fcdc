"""Deterministic generated workouts for the benchmarks (no randomness between runs)."""

from __future__ import annotations

import random


def workout_text(seed: int, steps: int = 15) -> str:
    """A realistic ride of exactly ``steps`` step lines: warmup, repeats, cooldown."""
    rng = random.Random(seed)
    lines = ["Warmup", f"- 10m ramp {rng.randint(40, 55)}-{rng.randint(70, 80)}% 85-95rpm",
             f"- Openers 3m {rng.randint(90, 100)}%", ""]
    remaining = steps - 4
    while remaining > 2:
        reps = rng.randint(2, 6)
        lines.append(f"Main set {reps}x")
        work = rng.choice(["30s", "1m", "2m30s", "5m", "8m", "10m"])
        lines.append(f"- Work {work} {rng.randint(85, 120)}-{rng.randint(121, 130)}% 90rpm")
        lines.append(f"- Easy {rng.choice(['1m', '2m', '3m'])} {rng.randint(45, 60)}%")
        lines.append("")
        remaining -= 2
    while remaining > 1:
        lines.append(f"- Endurance {rng.randint(5, 20)}m Z2")
        remaining -= 1
    lines += ["", "Cooldown", f"- 10m ramp {rng.randint(60, 70)}-{rng.randint(40, 50)}%", ""]
    return "\n".join(lines)

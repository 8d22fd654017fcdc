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


def same_ride_two_ways(seed: int, steps: int = 15) -> tuple[str, str]:
    """One ride of ``steps`` step lines, as (planc text, zwog's input text).

    zwog (a peer Zwift workout generator) reads ``10min from 40 to 75% FTP`` (a
    ramp), ``5min @ 95% FTP`` (steady) and ``4x 3min @ 110% FTP, 2min @ 55% FTP``
    (repeats); both texts come from the same list of segments, so both tools
    write the same .zwo workout: a warmup ramp, repeat blocks of work and rest,
    steady endurance, a cooldown ramp.
    """
    rng = random.Random(seed)
    planc = ["Warmup", f"- 10m ramp {rng.randint(40, 55)}-{rng.randint(70, 80)}%", ""]
    zwog = [_zwog_ramp(planc[1])]
    remaining = steps - 2
    while remaining > 3:
        reps, work, rest = rng.randint(2, 6), rng.choice([1, 2, 3, 5, 8]), rng.choice([1, 2, 3])
        hard, easy = rng.randint(90, 125), rng.randint(45, 60)
        planc += [f"Main set {reps}x", f"- {work}m {hard}%", f"- {rest}m {easy}%", ""]
        zwog.append(f"{reps}x {work}min @ {hard}% FTP, {rest}min @ {easy}% FTP")
        remaining -= 2
    while remaining > 0:
        minutes, power = rng.randint(5, 20), rng.randint(60, 75)
        planc.append(f"- {minutes}m {power}%")
        zwog.append(f"{minutes}min @ {power}% FTP")
        remaining -= 1
    cooldown = f"- 10m ramp {rng.randint(60, 70)}-{rng.randint(40, 50)}%"
    planc += ["", "Cooldown", cooldown, ""]
    zwog.append(_zwog_ramp(cooldown))
    return "\n".join(planc), "\n".join(zwog) + "\n"


def _zwog_ramp(planc_line: str) -> str:
    """``- 10m ramp 45-75%`` in zwog's words."""
    _, minutes, _, band = planc_line.split()
    low, high = band.rstrip("%").split("-")
    return f"{minutes.rstrip('m')}min from {low} to {high}% FTP"

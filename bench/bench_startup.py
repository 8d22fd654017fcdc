"""Cold start-up, side by side: planc against bare Python and against zwog.

    .venv/bin/python bench/bench_startup.py [--pairs 21] [--planc PATH] [--zwog PATH]

Prints the start-up rows of issue 14's target table, each the median of the
per-pair ratios of ``--pairs`` interleaved fresh processes (A, B, A, B, ...;
see bench/_sidebyside.py), wall and CPU:

* ``planc --version`` / ``python -c pass``   (target <= 1.3)
* ``planc --help`` / ``python -c pass``      (no target; --help must stay cheap too)
* cold ``planc check W`` / ``python -c pass`` (target <= 5)
* cold ``planc compile W --to zwo -o DIR`` / ``zwog -i W -o W.zwo`` (target <= 0.5)

check and compile each have two rows: "new text" (before every run W gets a step
of a length it has not had, so the result cache misses: the parser, the
lowering and the writers run, and the run is stored) and "unchanged" (the same W
every time: the result cache answers, planc.output.results).  The planc runs
keep their result cache in a temporary folder (PLANC_CACHE_DIR).

planc runs as a user installs it, from a wheel: the checkout is installed
(``pip install --no-deps --force-reinstall``) into a virtual environment under
/tmp (``--venv``; created with planc's dependencies on first use).  "Bare
Python" is the interpreter of that environment.  ``--planc PATH`` times
another planc script instead, e.g. the checkout's ``.venv/bin/planc``: an
editable install adds setuptools' import hook (pathlib, re, importlib.util:
15-20 ms) to every start of that environment's Python, bare Python included,
which hides start-up costs planc itself would otherwise show.  W is one 15-step ride (bench/_gen.py); zwog
gets the same ride in its own syntax, so both write the same .zwo workout.

zwog is a peer CLI, installed apart: ``python3 -m venv /tmp/zwog-venv &&
/tmp/zwog-venv/bin/pip install zwog`` (or pass ``--zwog`` / set ``ZWOG``); the
zwog row is skipped, with that hint, when it is missing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gen import same_ride_two_ways, workout_text
from _sidebyside import report_line, side_by_side, user_env

DEFAULT_ZWOG = os.environ.get("ZWOG", "/tmp/zwog-venv/bin/zwog")
DEFAULT_VENV = "/tmp/planc-bench-venv"
CHECKOUT = Path(__file__).resolve().parents[1]


def installed_planc(venv: Path) -> str:
    """planc installed from this checkout as a wheel into ``venv``; the script's path."""
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "--disable-pip-version-check"]
    if not (venv / "bin" / "python").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, str(CHECKOUT)], check=True)
    else:
        # Dependencies added since the environment was made are installed too
        # (a missing one would fail a timed command); planc itself is reinstalled.
        subprocess.run([*pip, str(CHECKOUT)], check=True)
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(CHECKOUT)], check=True)
    return str(venv / "bin" / "planc")


def interpreter_of(script: str) -> str:
    """The Python a console script runs on (its ``#!`` line)."""
    with open(script, encoding="utf-8") as fh:
        first = fh.readline()
    return first[2:].strip() if first.startswith("#!") else sys.executable


class NewText:
    """Calling it gives the workout file a text no run has seen (one more step, of a
    length never used before), so planc's result cache misses; ``restore`` puts the
    original text back (it stays the same from then on: the cache answers)."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        self.path.write_text(f"{self.text}\n- {self.count}s 50%\n", encoding="utf-8")

    def restore(self) -> None:
        if self.path.read_text(encoding="utf-8") != self.text:
            self.path.write_text(self.text, encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=21)
    ap.add_argument("--planc", help="a planc script to time as it is (default: install one)")
    ap.add_argument("--venv", default=DEFAULT_VENV, help="where to install planc from the "
                    "checkout as a wheel")
    ap.add_argument("--zwog", default=DEFAULT_ZWOG)
    ap.add_argument("--before", help="another planc script (e.g. main's, installed in its own "
                    "venv) whose rows are printed under each row, measured in the same run")
    args = ap.parse_args(argv)
    env = user_env()
    planc = args.planc or installed_planc(Path(args.venv))
    bare = [interpreter_of(planc), "-c", "pass"]
    with tempfile.TemporaryDirectory() as tmp:
        env["PLANC_CACHE_DIR"] = f"{tmp}/cache"
        check_file = Path(tmp) / "check.workout"
        check_text = workout_text(1, 15)
        check_file.write_text(check_text, encoding="utf-8")
        ride, zwog_ride = same_ride_two_ways(1, 15)
        ride_file = Path(tmp) / "ride.workout"
        ride_file.write_text(ride, encoding="utf-8")
        (Path(tmp) / "ride.zwog").write_text(zwog_ride, encoding="utf-8")
        print(f"side by side, median of {args.pairs} interleaved pairs; planc: {planc}")
        new_check = NewText(check_file, check_text)
        new_ride = NewText(ride_file, ride)
        check = [planc, "check", "-q", str(check_file)]
        rows = [
            ("planc --version / python -c pass", [planc, "--version"], bare, 1.3, None),
            ("planc --help / python -c pass", [planc, "--help"], bare, None, None),
            ("cold check W, new text / python", check, bare, 5.0, new_check),
            ("cold check W, unchanged / python", check, bare, 5.0, new_check.restore),
        ]
        if Path(args.zwog).is_file():
            compile_ = [planc, "compile", str(ride_file), "--to", "zwo", "-o", f"{tmp}/planc-out"]
            zwog = [args.zwog, "-i", f"{tmp}/ride.zwog", "-o", f"{tmp}/zwog.zwo"]
            rows += [("cold compile --to zwo, new text / zwog", compile_, zwog, 0.5, new_ride),
                     ("cold compile --to zwo, unchanged / zwog", compile_, zwog, 0.5,
                      new_ride.restore)]
        for figure, a, b, target, before_a in rows:
            pair = side_by_side(a, b, args.pairs, env, before_a)
            print(report_line(figure, pair, target), flush=True)
            if args.before:
                a = [args.before, *a[1:]]
                pair = side_by_side(a, b, args.pairs, env, before_a)
                print(report_line("  (before)", pair, target), flush=True)
        if not Path(args.zwog).is_file():
            print(f"cold planc compile W --to zwo / zwog: skipped, no zwog at {args.zwog} "
                  "(python3 -m venv /tmp/zwog-venv && /tmp/zwog-venv/bin/pip install zwog)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

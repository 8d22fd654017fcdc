"""Requests and wall time of ``planc publish --as-plan`` and ``planc import --from-icu``.

    python bench/bench_library.py [--plan plans/half-marathon-12w.yaml] [--repeat 5]

Runs the real ``planc`` in a subprocess against the local intervals.icu server
started here, and prints:

1. the requests of publishing the 12-week example as a training plan to an
   empty library, of re-publishing it unchanged, and of importing it back
   (target: GET folders + POST folders + POST workouts/bulk; GET alone; GET alone);
2. wall time of the first publish, the unchanged re-publish and of
   ``import --from-icu`` of that plan (median and best of ``--repeat`` runs,
   each run its own fresh server, process start-up included).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if importlib.util.find_spec("planc") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planc.icuserver import IcuServer
from planc.plan.load import load_plan

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key"


def planc() -> str:
    beside = Path(sys.executable).with_name("planc")
    found = str(beside) if beside.exists() else shutil.which("planc")
    if not found:
        raise SystemExit("the planc console script is not installed (pip install -e .)")
    return found


def run(server: IcuServer, *args: str, cwd: Path) -> float:
    env = {**os.environ, "INTERVALS_ICU_API_KEY": KEY, "INTERVALS_ICU_BASE_URL": server.url,
           "INTERVALS_ICU_ATHLETE_ID": "0", "XDG_CONFIG_HOME": str(cwd / "xdg")}
    started = time.perf_counter()
    proc = subprocess.run([planc(), *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False, cwd=cwd)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"planc {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def requests(server: IcuServer) -> str:
    counts = Counter(f"{r.method} {r.path.split('/athlete/0/')[-1].split('/')[0]}"
                     + ("/bulk" if r.path.endswith("/bulk") else "") for r in server.requests)
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none"


def request_counts(plan: Path, folder: str, work: Path) -> None:
    with IcuServer(api_key=KEY, athlete_id="i1") as server:
        run(server, "publish", str(plan), "--as-plan", "--yes", cwd=work)
        print(f"first publish as a training plan: {requests(server)}")
        server.clear_log()
        run(server, "publish", str(plan), "--as-plan", "--yes", cwd=work)
        print(f"re-publish, nothing changed:      {requests(server)}")
        folder_doc = next(f for f in server.store.library.folders("i1") if f["name"] == folder)
        n = len(folder_doc["children"])
        print(f"  ({n} workouts in the training plan '{folder}')")
        server.clear_log()
        run(server, "import", "--from-icu", "--folder", folder, "-o", "back", "--force",
            cwd=work)
        print(f"import --from-icu:                {requests(server)}")


def timings(plan: Path, folder: str, work: Path, repeat: int) -> None:
    first, again, back = [], [], []
    for _ in range(repeat):  # interleaved: each round runs the three commands once
        with IcuServer(api_key=KEY, athlete_id="i1") as server:
            first.append(run(server, "publish", str(plan), "--as-plan", "--yes", cwd=work))
            again.append(run(server, "publish", str(plan), "--as-plan", "--yes", cwd=work))
            back.append(run(server, "import", "--from-icu", "--folder", folder, "-o", "back",
                            "--force", cwd=work))
    for label, values in (("publish --as-plan, empty library", first),
                          ("publish --as-plan, unchanged", again),
                          ("import --from-icu", back)):
        print(f"{label:<34} median {statistics.median(values):.2f} s, "
              f"best {min(values):.2f} s ({repeat} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default=str(ROOT / "plans" / "half-marathon-12w.yaml"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan = Path(args.plan).resolve()
    folder = load_plan(plan).name
    with tempfile.TemporaryDirectory() as tmp:
        request_counts(plan, folder, Path(tmp))
        timings(plan, folder, Path(tmp), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

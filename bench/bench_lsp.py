"""Benchmark ``planc lsp``: time from ``didChange`` to ``publishDiagnostics``, as an editor sees it.

    .venv/bin/python bench/bench_lsp.py [--edits 30]

Starts ``planc lsp`` as an editor does, speaks JSON-RPC to it over its standard input
and output (a minimal client, so the figure is the server's and the pipe's, not a
client library's), opens a document and sends ``--edits`` whole-document changes,
each of which alters a value, and times each until the diagnostics for that version
arrive.  Two documents: a 15-step workout file and a 52-week plan (~360 sessions,
bench/bench_build.py's, with the example libraries included).  Targets: workout
< 100 ms, plan < 300 ms (median).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _gen import workout_text  # noqa: E402
from bench_build import PLAN  # noqa: E402


class Client:
    """Just enough of an LSP client: framed JSON-RPC over the server's pipes."""

    def __init__(self) -> None:
        planc = Path(sys.executable).with_name("planc")
        self.proc = subprocess.Popen([str(planc), "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, method: str, params: dict, request: bool = False) -> int | None:
        message: dict = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return message.get("id")

    def receive(self) -> dict:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline().strip()):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def wait(self, predicate) -> dict:
        while True:
            message = self.receive()
            if predicate(message):
                return message

    def start(self, root: Path) -> None:
        rid = self.send("initialize", {"processId": None, "rootUri": root.as_uri(),
                                       "capabilities": {}}, request=True)
        self.wait(lambda m: m.get("id") == rid)
        self.send("initialized", {})

    def stop(self) -> None:
        rid = self.send("shutdown", {}, request=True)
        self.wait(lambda m: m.get("id") == rid)
        self.send("exit", {})
        self.proc.wait(timeout=10)


def published(uri: str, version: int):
    return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and m["params"].get("version") == version)


def time_edits(client: Client, path: Path, texts: list[str], language: str) -> list[float]:
    """Open ``path`` with texts[0], then change it to each next text; seconds per change."""
    uri = path.as_uri()
    client.send("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": language, "version": 1, "text": texts[0]}})
    client.wait(published(uri, 1))
    times = []
    for version, text in enumerate(texts[1:], 2):
        t0 = time.perf_counter()
        client.send("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]})
        client.wait(published(uri, version))
        times.append(time.perf_counter() - t0)
    client.send("textDocument/didClose", {"textDocument": {"uri": uri}})
    return times


def report(name: str, times: list[float], target_ms: float) -> None:
    ms = sorted(t * 1000 for t in times)
    median = statistics.median(ms)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    verdict = "ok" if median < target_ms else "OVER TARGET"
    print(f"{name:<24} median {median:7.1f} ms   p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms   "
          f"(target < {target_ms:.0f} ms: {verdict}, {len(ms)} edits)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "plans" / "library", root / "library")
        plan = root / "plan.yaml"
        plan.write_text(PLAN, encoding="utf-8")
        workout = root / "w.workout"
        client = Client()
        client.start(root)
        try:
            base = workout_text(7)
            # each edit changes a number, so every version is a new text to read
            texts = [base.replace("- Openers 3m", f"- Openers {1 + i}m")
                     for i in range(args.edits + 1)]
            report("workout, 15 steps", time_edits(client, workout, texts, "planc"), 100)
            texts = [PLAN.replace("ftp: 270", f"ftp: {250 + i}").replace(
                "duration: 45m", f"duration: {40 + i % 20}m") for i in range(args.edits + 1)]
            report("plan, 52 weeks", time_edits(client, plan, texts, "yaml"), 300)
        finally:
            client.stop()


if __name__ == "__main__":
    main()

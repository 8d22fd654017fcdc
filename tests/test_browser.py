"""The rendered site in a real browser: headless Chromium loads the pages from file://.

Checks that the pages render (a screenshot of the asked size whose pixels
vary, decoded here with zlib/struct), that the DOM the browser built holds
the calendar and the profiles, and that the browser logged no console error
(script errors, or resources refused by the page's content security policy).
A negative control proves the console check sees errors.

The browser is Debian's ``chromium`` (``.ci/install-browser`` installs it);
without it these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import ROOT

from planc.plan.load import load_plan
from planc.plan.weeks import select
from planc.render.site import render_site

CHROMIUM = os.environ.get("PLANC_CHROMIUM") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]
# Chromium logs every console message as "<LEVEL>:CONSOLE"; the pages have no scripts, so
# any console message (an uncaught error, a refused resource) is a defect.
CONSOLE_ERRORS = (":CONSOLE", "Uncaught", "Refused to")

pytestmark = pytest.mark.skipif(
    not CHROMIUM, reason="headless Chromium not found (/usr/bin/chromium): run .ci/install-browser "
    "(apt-get install chromium) to run the browser tests")


def browser(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         *args, url],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(e in line for e in CONSOLE_ERRORS)]


# ------------------------------------------------------------ PNG decoding --


def read_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, unfiltered rows) of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    assert header is not None
    width, height, depth, colour, _c, _f, interlace = header
    assert depth == 8 and interlace == 0, header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def pixel_stats(width: int, channels: int, rows: list[bytes]) -> tuple[int, float]:
    """(distinct colours, share of pixels that are not near-white) on a sample grid."""
    colours: set[bytes] = set()
    dark = total = 0
    for row in rows[::3]:
        for x in range(0, width, 3):
            px = row[x * channels:x * channels + min(channels, 3)]
            colours.add(px)
            total += 1
            if min(px) < 235:
                dark += 1
    return len(colours), dark / total


def screenshot(tmp_path: Path, page: Path, size: tuple[int, int], name: str):
    png = tmp_path / f"{name}.png"
    proc = browser(tmp_path, page.as_uri(), f"--screenshot={png}",
                   f"--window-size={size[0]},{size[1]}")
    assert png.is_file(), proc.stderr[-2000:]
    width, height, channels, rows = read_png(png.read_bytes())
    keep = os.environ.get("PLANC_SCREENSHOTS")  # keep them to look at: a folder
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)
    return proc, (width, height), pixel_stats(width, channels, rows)


# ----------------------------------------------------------------- tests --


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    plan = load_plan(ROOT / "plans" / "cycling-base-build-8w.yaml")
    render_site(plan, out, select(plan, ["4-6"]))
    return out


def _session_page(site: Path) -> Path:
    return next(site.glob("week-05-*/2026-12-31-1-*.html"))


@pytest.mark.parametrize(("which", "size"), [("plan", (1280, 900)), ("session", (1280, 900)),
                                             ("plan", (390, 844)), ("session", (390, 844))],
                         ids=["plan-desktop", "session-desktop", "plan-phone", "session-phone"])
def test_pages_render_in_chromium(site: Path, tmp_path: Path, which: str, size):
    page = site / "index.html" if which == "plan" else _session_page(site)
    proc, got, (colours, ink) = screenshot(tmp_path, page, size,
                                           f"{which}-{size[0]}x{size[1]}")
    assert got == size
    assert colours > 40, "the screenshot is (nearly) one colour: nothing rendered"
    assert 0.02 < ink < 0.9, ink
    assert console_errors(proc.stderr) == []


def test_the_browser_builds_the_expected_dom(site: Path, tmp_path: Path):
    proc = browser(tmp_path, (site / "index.html").as_uri(), "--dump-dom")
    dom = proc.stdout
    assert "<svg" in dom and 'class="chart"' in dom
    assert dom.count('class="week"') == 3 and dom.count('class="session') >= 15
    assert console_errors(proc.stderr) == []
    page = browser(tmp_path, _session_page(site).as_uri(), "--dump-dom")
    assert 'class="steps"' in page.stdout and "VO2max" in page.stdout
    assert console_errors(page.stderr) == []


def test_the_console_check_sees_errors(tmp_path: Path):
    """Negative control: a script error and a stylesheet the policy refuses are reported."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; script-src 'unsafe-inline'\">"
        "<link rel=\"stylesheet\" href=\"other.css\"></head>"
        "<body><p>x</p><script>undefinedFunction()</script></body></html>")
    (tmp_path / "other.css").write_text("p { color: red }")
    proc = browser(tmp_path, page.as_uri(), "--dump-dom")
    errors = console_errors(proc.stderr)
    assert any("undefinedFunction" in e for e in errors), proc.stderr[-2000:]
    assert any("other.css" in e and "Content Security Policy" in e for e in errors)

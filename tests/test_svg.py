"""Workout pictures: the SVG is measured with lxml and compared with the workout.

Oracles: the step durations in the AST (and planc.resolve.metrics' total), the
targets resolved by planc.resolve.targets, and metrics' time in zones.  Geometry is
read back from the SVG itself (path data of the classed shapes), never from
the drawing code's intermediate model.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_planc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from planc.ast import (
    Block,
    Distance,
    Duration,
    HrTarget,
    HrUnit,
    Intensity,
    PaceTarget,
    PaceUnit,
    PowerTarget,
    PowerUnit,
    Range,
    Repeat,
    Step,
    Workout,
    unrolled_steps,
)
from planc.athlete import Athlete, SportThresholds
from planc.check import read_workout
from planc.emit import emit
from planc.emit.svgdraw import CARD, LARGE, THUMB, render_svg
from planc.lower.formats import EmitOptions
from planc.resolve.metrics import workout_metrics
from planc.resolve.profile import NEUTRAL, PALETTE, SCALE_MIN, zone_bounds, zone_of
from planc.resolve.targets import (
    hr_fraction_lthr,
    pace_band_speed,
    pace_fraction,
    power_fraction,
)
from planc.units import NOMINAL_SPEED, DistanceUnit, PacePer

SVG = "{http://www.w3.org/2000/svg}"
WORKOUTS = sorted((ROOT / "plans" / "workouts").glob("*.workout"))
ATHLETE = Athlete({f: SportThresholds(ftp=250, lthr=170, max_hr=190, threshold_pace=4.0)
                   for f in ("ride", "run", "swim", "other")})


# ------------------------------------------------------------- measuring --

_TOKEN = re.compile(r"[MVHLz]|-?\d+(?:\.\d+)?")


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Absolute M/V/H/L/z path data -> the vertex list of each subpath."""
    out: list[list[tuple[float, float]]] = []
    tokens = _TOKEN.findall(d)
    i, x, y, cmd = 0, 0.0, 0.0, ""
    while i < len(tokens):
        tok = tokens[i]
        if tok in "MVHLz":
            cmd = tok
            i += 1
            if cmd == "z":
                continue
        if cmd == "M":
            x, y = float(tokens[i]), float(tokens[i + 1])
            i += 2
            out.append([(x, y)])
            cmd = "L"  # implicit lineto after a moveto
            continue
        if cmd == "L":
            x, y = float(tokens[i]), float(tokens[i + 1])
            i += 2
        elif cmd == "V":
            y = float(tokens[i])
            i += 1
        elif cmd == "H":
            x = float(tokens[i])
            i += 1
        out[-1].append((x, y))
    return out


def shapes(svg: str, cls: str) -> list[tuple[str, list[tuple[float, float]]]]:
    """(fill or stroke colour, vertices) of every subpath of the shapes of class ``cls``."""
    root = etree.fromstring(svg.encode())
    out = []
    for el in root.iter(f"{SVG}path", "path"):
        if el.get("class") == cls:
            colour = el.get("fill") if el.get("fill") != "none" else el.get("stroke")
            out.extend((colour, pts) for pts in subpaths(el.get("d")))
    return sorted(out, key=lambda c: (min(p[0] for p in c[1]), max(p[0] for p in c[1])))


def geometry(svg: str) -> tuple[float, float, float]:
    """(left, right, baseline) from the baseline rule drawn under the blocks."""
    root = etree.fromstring(svg.encode())
    for el in root.iter(f"{SVG}path"):
        if el.get("class") is None and el.get("stroke") and "L" in el.get("d"):
            (x0, y0), (x1, _y1) = subpaths(el.get("d"))[0]
            return x0, x1, y0
    raise AssertionError("no baseline")


# ------------------------------------------------------------- strategies --

pct = st.integers(30, 180).map(lambda p: p / 100)


def _range(values):
    return st.one_of(values.map(lambda v: Range(v, v)),
                     st.tuples(values, values).map(lambda ab: Range(min(ab), max(ab))))


power = st.one_of(
    st.builds(PowerTarget, st.just(PowerUnit.FTP), _range(pct)),
    st.builds(PowerTarget, st.just(PowerUnit.WATTS), _range(st.integers(60, 500).map(float))),
    st.builds(PowerTarget, st.just(PowerUnit.ZONE), _range(st.integers(1, 6).map(float))),
)
hr = st.one_of(
    st.builds(HrTarget, st.sampled_from([HrUnit.LTHR, HrUnit.MAX]),
              _range(st.integers(55, 105).map(lambda p: p / 100))),
    st.builds(HrTarget, st.just(HrUnit.BPM), _range(st.integers(100, 190).map(float))),
    st.builds(HrTarget, st.just(HrUnit.ZONE), _range(st.integers(1, 6).map(float))),
)
pace = st.one_of(
    st.builds(PaceTarget, st.just(PaceUnit.THRESHOLD),
              _range(st.integers(60, 120).map(lambda p: p / 100))),
    st.builds(PaceTarget, st.just(PaceUnit.ZONE), _range(st.integers(1, 6).map(float))),
    st.builds(lambda a, b: PaceTarget(PaceUnit.SPEED, Range(min(a, b), max(a, b)), PacePer.KM),
              st.integers(25, 55).map(lambda v: v / 10), st.integers(25, 55).map(lambda v: v / 10)),
)


@st.composite
def steps(draw, ramps: bool = True):
    target = draw(st.sampled_from(["power", "hr", "pace", "none"]))
    p = draw(power) if target == "power" else None
    h = draw(hr) if target == "hr" else None
    pc = draw(pace) if target == "pace" else None
    value = (p or h or pc)
    ramp = ramps and value is not None and not value.value.is_single and draw(st.booleans())
    if pc is not None and draw(st.booleans()):  # a distance step timed by its pace
        amount = Distance(float(draw(st.integers(200, 3000))), DistanceUnit.METRE)
    else:
        amount = Duration(float(draw(st.integers(30, 600))))
    intensity = draw(st.sampled_from([None, Intensity.REST])) if value is None else None
    return Step(amount, label=draw(st.sampled_from([None, "Hard", "Easy <&> \"x\""])),
                ramp=ramp, power=p, hr=h, pace=pc, intensity=intensity)


@st.composite
def workouts(draw, ramps: bool = True, sport: str = "Run"):
    nodes = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            inner = tuple(draw(st.lists(steps(ramps), min_size=1, max_size=3)))
            if draw(st.booleans()):
                inner = (*inner, Repeat(draw(st.integers(2, 3)),
                                        tuple(draw(st.lists(steps(ramps), min_size=1,
                                                            max_size=2)))))
            nodes.append(Repeat(draw(st.integers(2, 5)), inner, draw(st.sampled_from(["", "Set"]))))
        else:
            nodes.append(Block(tuple(draw(st.lists(steps(ramps), min_size=1, max_size=4))),
                               draw(st.sampled_from([None, "Warmup"]))))
    return Workout(tuple(nodes), sport=sport, name="Random")


def value_of(step: Step, thr: SportThresholds) -> Range | None:
    """The oracle: what height a step should have (planc.resolve.targets, power > pace > hr)."""
    if step.power is not None:
        return power_fraction(step.power, thr)
    if step.pace is not None:
        return pace_fraction(step.pace, thr)
    if step.hr is not None:
        return hr_fraction_lthr(step.hr, thr)
    return None


def seconds_of(step: Step, thr: SportThresholds) -> float:
    if isinstance(step.amount, Duration):
        return step.amount.seconds
    return step.amount.metres / pace_band_speed(step.pace, thr)  # as intervals.icu times it


# ------------------------------------------------------------ properties --


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workouts())
def test_widths_are_durations_and_heights_are_targets(w: Workout):
    thr = ATHLETE.for_sport(w.sport)
    executed = list(unrolled_steps(w.body))
    secs = [seconds_of(s, thr) for s in executed]
    total = sum(secs)
    assert total == pytest.approx(workout_metrics(w, ATHLETE).duration_s)
    svg = render_svg(w, ATHLETE, style=CARD)
    left, right, base = geometry(svg)
    plot_w = right - left
    solids = shapes(svg, "s")
    # the blocks tile the time axis: widths add up to the plot width (to the rounding)
    widths = [max(p[0] for p in pts) - min(p[0] for p in pts) for _c, pts in solids]
    assert sum(widths) == pytest.approx(plot_w, abs=0.11)
    values = [value_of(s, thr) for s in executed]
    tops = [max(v.high, v.start, v.end) for v in values if v is not None]
    ky = (base - _plot_top(svg, base)) / max([SCALE_MIN, *tops])
    # walk the steps in time order; a ramp may be drawn as several pieces.  Positions are
    # rounded to 0.1 (the documented rule), so step edges are compared with rounded times.
    kx = plot_w / total

    def xr(t: float) -> float:
        return round(left + t * kx, 1)

    t = 0.0
    queue = list(solids)
    for step, sec, value in zip(executed, secs, values, strict=True):
        x0, x1 = xr(t), xr(t + sec)
        t += sec
        pieces = []
        while queue and min(p[0] for p in queue[0][1]) < x1 - 1e-6:
            pieces.append(queue.pop(0))
        if x0 == x1:  # a step narrower than the rounding is one zero-width shape
            pieces.append(queue.pop(0))
        got0 = min(p[0] for p in pieces[0][1])
        got1 = max(p[0] for p in pieces[-1][1])
        assert (got0, got1) == pytest.approx((x0, x1), abs=1e-6)
        assert got1 - got0 == pytest.approx(sec * kx, abs=0.1 + 1e-6)  # width is time
        if value is None:
            continue
        def height_at(piece, side):
            xs = [p[0] for p in piece[1]]
            edge = min(xs) if side == "left" else max(xs)
            return max(base - y for x, y in piece[1] if abs(x - edge) < 1e-9)
        if step.ramp:
            assert height_at(pieces[0], "left") == pytest.approx(value.start * ky, abs=0.11)
            assert height_at(pieces[-1], "right") == pytest.approx(value.end * ky, abs=0.11)
        elif value.is_single:
            (piece,) = pieces
            assert height_at(piece, "left") == pytest.approx(value.mid * ky, abs=0.11)
        else:  # a range: solid to its low end, a band to its high end, a line at its middle
            (piece,) = pieces
            assert height_at(piece, "left") == pytest.approx(value.low * ky, abs=0.11)
    assert not queue
    # every range has its band and midline
    ranges = [v for s, v in zip(executed, values, strict=True)
              if v is not None and not s.ramp and not v.is_single]
    assert len(shapes(svg, "b")) == len(ranges) == len(shapes(svg, "m"))
    for (_c, band), v in zip(shapes(svg, "b"), sorted_by_time(executed, values), strict=True):
        heights = sorted(base - y for _x, y in band)
        assert heights[0] == pytest.approx(v.low * ky, abs=0.11)
        assert heights[-1] == pytest.approx(v.high * ky, abs=0.11)


def sorted_by_time(executed, values):
    return [v for s, v in zip(executed, values, strict=True)
            if v is not None and not s.ramp and not v.is_single]


def _plot_top(svg: str, base: float) -> float:
    """The y of 'vmax': CARD draws the plot CARD.plot_height above the baseline."""
    return base - CARD.plot_height


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workouts(ramps=False))
def test_colours_are_the_metrics_zones(w: Workout):
    """Without ramps, time per colour in the picture == metrics' time per zone."""
    svg = render_svg(w, ATHLETE, style=CARD)
    left, right, _base = geometry(svg)
    m = workout_metrics(w, ATHLETE)
    per_colour: dict[str, float] = {}
    for colour, pts in shapes(svg, "s"):
        width = max(p[0] for p in pts) - min(p[0] for p in pts)
        per_colour[colour] = per_colour.get(colour, 0.0) + width / (right - left) * m.duration_s
    expected: dict[str, float] = {}
    for key, secs in m.zone_seconds.items():
        zone = int(key.rsplit("Z", 1)[1])
        colour = PALETTE[min(zone, len(PALETTE)) - 1]
        expected[colour] = expected.get(colour, 0.0) + secs
    untargeted = m.duration_s - sum(m.zone_seconds.values())
    if untargeted > 1e-6:
        expected[NEUTRAL] = untargeted
    assert per_colour.keys() == expected.keys()
    for colour, secs in expected.items():
        n = len(list(unrolled_steps(w.body)))
        assert per_colour[colour] == pytest.approx(secs, abs=0.06 * n * m.duration_s / 596 + 1e-6)


@settings(max_examples=60, deadline=None)
@given(workouts())
def test_same_workout_same_bytes_and_parseable(w: Workout):
    a, _ = emit("svg", w, ATHLETE, EmitOptions())
    b, _ = emit("svg", w, ATHLETE, EmitOptions())
    assert a == b
    root = etree.fromstring(a)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text.startswith("Random: ")


# ---------------------------------------------------------------- examples --


def _parse(text: str, sport: str = "Ride") -> Workout:
    parsed = read_workout(text, sport=sport, name="Test")
    assert parsed.workout is not None, parsed.diagnostics
    return parsed.workout


@pytest.mark.parametrize("path", WORKOUTS, ids=[p.stem for p in WORKOUTS])
def test_examples_are_small_self_contained_pictures(path: Path):
    w = read_workout(path.read_text(encoding="utf-8"), path=str(path)).workout
    data, diags = emit("svg", w, ATHLETE, EmitOptions())
    assert not [d for d in diags if d.is_error]
    text = data.decode()
    root = etree.fromstring(data)
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") and root.get("height")
    assert root.get("role") == "img" and root.get("aria-label")
    # nothing to fetch, nothing to run: one namespace URI and no other reference
    assert text.count("http") == 1 and "xmlns=\"http://www.w3.org/2000/svg\"" in text
    for bad in ("<script", "<style", "@font-face", "href", "<image", "<foreignObject", "url("):
        assert bad not in text
    m = workout_metrics(w, ATHLETE)
    title = root.find(f"{SVG}title").text
    caption = [t.text for t in root.iter(f"{SVG}text")][-1]
    if m.load is not None:
        assert f"load {m.load:.0f}" in title and f"load {m.load:.0f}" in caption
    assert (w.name or "") in caption
    # size: about 10 kB for an hour, whatever the workout
    assert len(data) <= 10_000 * max(1.0, m.duration_s / 3600)


def test_an_hour_of_short_intervals_stays_under_10kb():
    text = ("Warmup\n- 15m ramp 50-75%\n\nMain 2x\n  Reps 10x\n    - 40s 130%\n    - 20s 40%\n"
            "  - 5m 55%\n\n- 10m 88-93%\n\nCooldown\n- 5m ramp 60-40%")
    w = _parse(text)
    assert workout_metrics(w, ATHLETE).duration_s == 3600
    data, _ = emit("svg", w, ATHLETE, EmitOptions())
    assert len(data) < 10_000, len(data)


def test_duration_and_load_in_title_and_caption():
    w = _parse("- 10m 50%\n- 20m 90%\n- 10m 50%")
    svg = render_svg(w, ATHLETE)
    root = etree.fromstring(svg.encode())
    m = workout_metrics(w, ATHLETE)
    assert root.find(f"{SVG}title").text == f"Test: 40m, load {m.load:.0f}, IF {m.intensity:.2f}"
    assert "Test · Ride · 40m · load" in svg
    assert root.find(f"{SVG}desc").text.startswith("Ride workout, 3 steps: 10m 50%; 20m 90%")


def test_repeats_are_bracketed_with_their_count():
    w = _parse("Warmup\n- 10m 50%\n\nSets 3x\n  Reps 8x\n    - 40s 130%\n    - 20s 40%\n"
               "  - 5m 50%\n\n- 10m 50%")
    svg = render_svg(w, ATHLETE)
    left, right, _ = geometry(svg)
    root = etree.fromstring(svg.encode())
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels.count("Sets 3x") == 1
    assert sum(1 for t in labels if t in ("Reps 8x", "8x")) == 3
    brackets = shapes(svg, "r")
    assert len(brackets) == 4
    outer = max(brackets, key=lambda b: max(p[0] for p in b[1]) - min(p[0] for p in b[1]))
    xs = [p[0] for p in outer[1]]
    # the outer repeat spans 3 x (8 min + 5 min) after a 10-minute warm-up, of 59 minutes
    total = 10 + 3 * 13 + 10
    assert min(xs) == pytest.approx(left + 10 / total * (right - left) + 1, abs=0.11)
    assert max(xs) == pytest.approx(left + 49 / total * (right - left) - 1, abs=0.11)
    inner_y = {min(p[1] for p in b[1]) for b in brackets if b is not outer}
    assert len(inner_y) == 1 and inner_y.pop() > min(p[1] for p in outer[1])


def test_ramps_are_slopes_cut_at_zone_boundaries():
    w = _parse("- 10m ramp 50-100%")
    svg = render_svg(w, ATHLETE)
    pieces = shapes(svg, "s")
    # 50-55 Z1, 55-75 Z2, 75-90 Z3, 90-100 Z4: four pieces, rising, in zone colours
    assert [c for c, _ in pieces] == list(PALETTE[:4])
    left, right, base = geometry(svg)
    for _c, pts in pieces:
        assert "L" in svg
        ys = [y for _x, y in pts if y != base]
        assert ys[0] > ys[-1]  # higher on the right
    widths = [max(p[0] for p in pts) - min(p[0] for p in pts) for _c, pts in pieces]
    assert widths == pytest.approx([w_ * (right - left) for w_ in (0.1, 0.4, 0.3, 0.2)], abs=0.11)


def test_heart_rate_workouts_use_the_athletes_hr_zones():
    athlete = Athlete({"run": SportThresholds(lthr=170, hr_zones=(140, 155, 162, 170, 180, 190))})
    w = _parse("- 10m 150bpm\n- 10m 165bpm\n- 10m 185bpm", sport="Run")
    svg = render_svg(w, athlete)
    assert [c for c, _ in shapes(svg, "s")] == [PALETTE[1], PALETTE[3], PALETTE[5]]
    assert zone_of(150 / 170, zone_bounds("hr", athlete.for_sport("Run"))) == 2


def test_pace_workouts_are_coloured_by_pace_zones():
    w = _parse("- 10m 80% Pace\n- 5m 102% Pace", sport="Run")
    svg = render_svg(w, ATHLETE)
    # default pace zones: 80 % is Z2 (77.5-87.7), 102 % is Z5 (100-103.4)
    assert [c for c, _ in shapes(svg, "s")] == [PALETTE[1], PALETTE[4]]


def test_distance_without_speed_gets_an_estimated_dashed_width():
    w = _parse("- 10m Z2 HR\n- 2km Z2 HR", sport="Run")
    no_pace = Athlete({"run": SportThresholds(lthr=170)})
    data, diags = emit("svg", w, no_pace, EmitOptions())
    svg = data.decode()
    (outline,) = shapes(svg, "u")
    left, right, _ = geometry(svg)
    estimated = 2000 / 3.0  # the nominal running speed, 3 m/s
    assert NOMINAL_SPEED["run"] == 3.0
    xs = [p[0] for p in outline[1]]
    assert max(xs) - min(xs) == pytest.approx(estimated / (600 + estimated) * (right - left),
                                              abs=0.11)
    assert [d.code for d in diags] == ["svg-estimated-width"]
    assert "~" in etree.fromstring(data).find(f"{SVG}title").text
    # the numbers do not pretend: the step's time is unknown
    m = workout_metrics(w, no_pace)
    assert m.duration_s is None and m.unknown_duration_steps == 1
    # with a threshold pace the step is timed at it, as intervals.icu does: no estimate
    with_pace = Athlete({"run": SportThresholds(lthr=170, threshold_pace=4.0)})
    assert not shapes(render_svg(w, with_pace), "u")
    assert workout_metrics(w, with_pace).duration_s == pytest.approx(600 + 2000 / 4.0)


def test_missing_threshold_is_a_warning_and_a_grey_block():
    w = _parse("- 10m 200w\n- 10m 50%")
    data, diags = emit("svg", w, Athlete(), EmitOptions())
    assert [d.code for d in diags] == ["svg-missing-threshold"]
    assert diags[0].hint.startswith("pass --ftp")
    assert (diags[0].span.line, diags[0].span.column) == (1, 7)
    assert [c for c, _ in shapes(data.decode(), "s")] == [NEUTRAL, PALETTE[0]]


def test_untargeted_steps_are_low_grey_and_rests_lower():
    w = _parse("- Squats 5m\n- Rest 2m intensity=rest\n- 30s maxeffort", sport="WeightTraining")
    svg = render_svg(w, Athlete())
    _l, _r, base = geometry(svg)
    (a, b, c) = shapes(svg, "s")
    heights = [base - min(y for _x, y in pts) for _c, pts in (a, b, c)]
    assert heights[1] == pytest.approx(heights[0] / 2, abs=0.11)
    assert heights[2] == pytest.approx(CARD.plot_height, abs=0.11)
    assert (a[0], b[0], c[0]) == (NEUTRAL, NEUTRAL, PALETTE[-1])


def test_text_is_escaped():
    w = _parse("- Sprint <b>&amp; \"go\" 30s 150%\n- 5m 50%")
    w = Workout(w.body, sport="Ride", name="A <script>alert(1)</script> & more")
    svg = render_svg(w, ATHLETE)
    root = etree.fromstring(svg.encode())  # well-formed
    assert root.find(f"{SVG}title").text.startswith("A <script>alert(1)</script> & more")
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script", "script"))


def test_inline_and_large_styles():
    w = read_workout((ROOT / "plans/workouts/sweet-spot-3x15.workout").read_text()).workout
    inline = render_svg(w, ATHLETE, style=THUMB, standalone=False, describe=False)
    assert inline.startswith("<svg viewBox=") and "xmlns" not in inline and "<desc>" not in inline
    large = render_svg(w, ATHLETE, style=LARGE, standalone=False)
    root = etree.fromstring(large.encode())
    texts = [t.text for t in root.iter("text")]
    assert "100%" in texts and "0:00" in texts and "Sweet spot" in texts
    # one hover title per executed step, a cue marker per cue and repetition
    steps = list(unrolled_steps(w.body))
    hover = [r for r in root.iter("rect")]
    assert len(hover) == len(steps)
    assert hover[3].find("title").text.startswith("15m–30m Sweet spot · 15m · 88-93% (220-232 W)")
    cues = [el for el in root.iter("path") if el.get("class") == "cue"]
    assert len(cues) == 3 and cues[0].find("title").text == "22m30s: Halfway: stay smooth"


def test_cli_compile_to_svg(tmp_path: Path):
    out = tmp_path / "pics"
    files = [str(ROOT / "plans/workouts/vo2max-5x3.workout"),
             str(ROOT / "plans/workouts/threshold-run-pace.workout")]
    proc = run_planc("compile", *files, "--to", "svg", "-o", str(out), "--ftp", "250",
                     "--threshold-pace", "4:15/km", "--lthr", "170")
    assert proc.returncode == 0, proc.stderr_text
    made = sorted(p.name for p in out.iterdir() if p.name != ".planc-cache")  # (its record)
    assert made == ["threshold-run-4x2km.svg", "vo2max-5x3.svg"]
    data = (out / "vo2max-5x3.svg").read_bytes()
    etree.fromstring(data)
    before = (out / "vo2max-5x3.svg").stat().st_mtime_ns
    again = run_planc("compile", *files, "--to", "svg", "-o", str(out), "--ftp", "250",
                      "--threshold-pace", "4:15/km", "--lthr", "170")
    assert again.returncode == 0
    assert (out / "vo2max-5x3.svg").stat().st_mtime_ns == before
    assert (out / "vo2max-5x3.svg").read_bytes() == data
    # one workout, one text format: standard output
    stdout = run_planc("compile", files[0], "--to", "svg", "--ftp", "250")
    assert stdout.returncode == 0 and stdout.stdout == data


def test_cli_compile_to_svg_warns_about_guesses():
    proc = run_planc("compile", "-", "--to", "svg", "--sport", "Run", input="- 2km Z2 HR\n")
    assert proc.returncode == 0
    assert "warning[svg-estimated-width]" in proc.stderr_text
    assert "<svg" in proc.stdout_text

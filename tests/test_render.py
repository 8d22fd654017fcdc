"""planc render: the static site parses, links resolve inside it, nothing leaves the machine,
output is deterministic and idempotent, and the pages show what the plan says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from conftest import ROOT, run_planc
from support.plan_helpers import plan_text, write

from planc.output.tree import OutputRefused
from planc.plan.load import load_plan
from planc.plan.weeks import select
from planc.render.site import render_site

CYCLING = ROOT / "plans" / "cycling-base-build-8w.yaml"
RUNNING = ROOT / "plans" / "half-marathon-12w.yaml"


@pytest.fixture(scope="module")
def cycling_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cycling") / "site"
    render_site(load_plan(CYCLING), out)
    return out


@pytest.fixture(scope="module")
def running_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("running") / "site"
    render_site(load_plan(RUNNING), out)
    return out


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def tree(site: Path) -> dict[str, bytes]:
    """The site's files (planc's cache folder is not part of it)."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and ".planc-cache" not in p.relative_to(site).parts}


# ----------------------------------------------------------- offline site --


@pytest.mark.parametrize("site_name", ["cycling_site", "running_site"])
def test_every_page_parses_and_every_link_resolves(site_name: str, request):
    site: Path = request.getfixturevalue(site_name)
    found = pages(site)
    assert len(found) > 30
    for page in found:
        doc = lxml.html.fromstring(page.read_bytes())
        assert doc.tag == "html" and doc.find("head/title").text
        ids = {el.get("id") for el in doc.iter() if el.get("id")}
        for el in doc.iter():
            for attr in ("href", "src", "{http://www.w3.org/1999/xlink}href"):
                ref = el.get(attr)
                if ref is None:
                    continue
                parts = urlsplit(ref)
                assert not parts.scheme and not parts.netloc, f"{page}: {ref}"
                assert not ref.startswith(("/", "//")), f"{page}: absolute link {ref}"
                if not parts.path:  # an anchor in this page
                    assert parts.fragment in ids, f"{page}: #{parts.fragment}"
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page}: {ref} does not exist"
                assert target.is_relative_to(site.resolve())
                if parts.fragment and target.suffix == ".html":
                    other = lxml.html.fromstring(target.read_bytes())
                    assert other.get_element_by_id(parts.fragment) is not None


@pytest.mark.parametrize("site_name", ["cycling_site", "running_site"])
def test_nothing_is_fetched_from_elsewhere(site_name: str, request):
    site: Path = request.getfixturevalue(site_name)
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "http:" not in text and "https:" not in text, page
        assert not re.search(r"""(?:href|src)\s*=\s*["']?//""", text), page
        assert "<script" not in text.lower() and "@import" not in text
        doc = lxml.html.fromstring(text)
        for el in doc.iter():
            style = el.get("style") or ""
            assert "url(" not in style, (page, style)
        # a content security policy forbids loading anything but these local files
        csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert csp and "default-src 'none'" in csp[0]
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "@media print" in css and "@media screen and (max-width" in css


def test_every_chart_has_a_text_alternative(cycling_site: Path):
    for page in [cycling_site / "index.html", *pages(cycling_site)[:5]]:
        doc = lxml.html.fromstring(page.read_bytes())
        svgs = doc.xpath("//svg")
        assert svgs
        for svg in svgs:
            assert svg.get("role") == "img" and svg.get("aria-label"), page
            assert svg.find("title") is not None and svg.find("title").text
        for figure in doc.xpath("//figure"):
            assert figure.find("figcaption") is not None
    index = lxml.html.fromstring((cycling_site / "index.html").read_bytes())
    chart = index.xpath("//svg[@class='chart']")[0]
    assert chart.find("desc").text.startswith("8 weeks, weekly load from")
    assert index.xpath("//table[@class='weeks-table']//tbody/tr")  # the table equivalent


def test_plan_page_has_weeks_days_sessions_and_totals(cycling_site: Path):
    plan = load_plan(CYCLING)
    doc = lxml.html.fromstring((cycling_site / "index.html").read_bytes())
    weeks = doc.xpath("//section[@class='week']")
    assert [w.get("id") for w in weeks] == [f"week-{n}" for n in range(1, 9)]
    for w in weeks:
        assert len(w.xpath(".//li[contains(@class,'day')]")) == 7
        assert w.xpath(".//li[@class='totals']//ul[@class='by-sport']/li")
    cards = doc.xpath("//a[contains(@class,'session')]")
    workouts = [s for s in plan.sessions if s.workout is not None]
    assert len(cards) == len(workouts)
    first = cards[0]
    assert first.xpath(".//svg") and first.xpath(".//span[@class='name']")[0].text == \
        workouts[0].name
    assert "load" in first.xpath(".//span[@class='facts']")[0].text
    notes = [s for s in plan.sessions if str(s.kind) == "NOTE"]
    shown = [n.text for n in doc.xpath("//div[@class='note']/span[@class='name']")]
    assert shown == [n.name for n in notes]
    # a Friday group ride on New Year's Day replaces the rest day in week 5
    friday = doc.xpath("//section[@id='week-5']//li[contains(@class,'day')]")[4]
    assert "New Year group ride" in friday.text_content()


def test_races_show_their_form(running_site: Path):
    doc = lxml.html.fromstring((running_site / "index.html").read_bytes())
    races = doc.xpath("//div[@class='race']")
    names = [r.xpath("span[@class='name']")[0].text for r in races]
    assert names == ["Spring 10k", "City Half Marathon"]
    assert "A race" in races[1].text_content() and "21.1 km" in races[1].text_content()
    assert re.search(r"CTL \d+ · TSB [+-]\d+", races[1].text_content())
    texts = doc.xpath("//svg[@class='chart']//text/text()")
    assert "City Half Marathon" in texts


def test_session_page_profile_steps_metrics_and_files(cycling_site: Path):
    page = next(cycling_site.glob("week-06-*/2027-01-07-1-vo2max-*.html"))
    doc = lxml.html.fromstring(page.read_bytes())
    assert doc.xpath("//h1")[0].text.startswith("VO2max")
    assert doc.xpath("//figure[contains(@class,'profile-figure')]//svg[contains(@class,'large')]")
    rows = doc.xpath("//table[@class='steps']//tr")
    repeat = [r for r in rows if r.get("class") == "repeat"]
    assert len(repeat) == 1 and "6 × 6m = 36m" in repeat[0].text_content()
    metrics = {dt.text: dd.text for dt, dd in zip(doc.xpath("//dl[@class='metrics']//dt"),
                                                  doc.xpath("//dl[@class='metrics']//dd"),
                                                  strict=True)}
    assert metrics["Duration"] == "1h06m" and metrics["Load"].isdigit()
    assert doc.xpath("//table[@class='zones-table']//tbody/tr")
    links = doc.xpath("//section[@class='files']//a/@href")
    wanted = {f".{ext}" for ext in ("txt", "zwo", "mrc", "erg", "fit", "svg")}
    assert {Path(h).suffix for h in links} == wanted
    for href in links:
        assert (page.parent / href).stat().st_size > 0


def test_compiled_files_match_the_emitters(cycling_site: Path):
    from planc.emit import emit
    from planc.lower.formats import FORMATS, EmitOptions

    plan = load_plan(CYCLING)
    s = next(s for s in plan.sessions if s.workout is not None)
    folder = next(cycling_site.glob("week-01-*"))
    stem = f"{s.date.isoformat()}-{s.slot}-"
    for fmt in FORMATS:
        (path,) = list(folder.glob(f"{stem}*{FORMATS[fmt].extension}"))
        options = EmitOptions(indoor=s.indoor, date=s.date.isoformat())
        expected, _ = emit(fmt, s.workout, plan.athlete, options)
        assert path.read_bytes() == expected, fmt


def test_same_plan_same_bytes(tmp_path: Path, cycling_site: Path):
    again = tmp_path / "again"
    render_site(load_plan(CYCLING), again)
    assert tree(again) == tree(cycling_site)


def test_week_selection_and_stale_files(tmp_path: Path):
    plan = load_plan(CYCLING)
    out = tmp_path / "site"
    render_site(plan, out)
    keep = out / "notes.txt"  # not ours: never removed
    keep.write_text("mine")
    result = render_site(plan, out, select(plan, ["2"]))
    assert result.files.removed and not any("week-02" in str(p) for p in result.files.removed)
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and p.name[0] != ".") == [
        "week-02-2026-12-07"]
    assert keep.read_text() == "mine"
    doc = lxml.html.fromstring((out / "index.html").read_bytes())
    assert [w.get("id") for w in doc.xpath("//section[@class='week']")] == ["week-2"]
    assert "(of 8)" in doc.xpath("//p[@class='dates']")[0].text_content()



def test_site_manifest_lists_what_the_render_wrote(cycling_site: Path):
    data = (cycling_site / "site-manifest.json").read_bytes()
    files = sorted(name for name in tree(cycling_site) if name != "site-manifest.json")
    manifest = {"plan": "cycling-base-build-8w", "files": files}
    assert data == (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def test_another_plans_site_is_never_cleaned_up(tmp_path: Path):
    out = tmp_path / "site"
    render_site(load_plan(RUNNING), out)
    before = tree(out)
    with pytest.raises(OutputRefused) as refused:
        render_site(load_plan(CYCLING), out, select(load_plan(CYCLING), ["1"]))
    (d,) = refused.value.diagnostics
    assert d.code == "manifest-other-plan" and "holds a rendering of plan 'half-marathon-12w'" \
        in d.message and "(the default is out/<id>-site)" in d.hint
    assert tree(out) == before  # nothing written
    result = render_site(load_plan(CYCLING), out, select(load_plan(CYCLING), ["1"]), force=True)
    assert [d.code for d in result.diagnostics if d.code.startswith("manifest-")] == [
        "manifest-other-plan"]
    assert result.files.removed == []
    assert all((out / name).exists() for name in before if name.endswith(".html")
               and name != "index.html")


def test_user_text_is_escaped(tmp_path: Path):
    path = write(tmp_path, plan_text("""\
        - weeks: 1
          mon: {note: "<script>alert(1)</script>", description: "a & b <i>"}
          tue: {workout: endurance, duration: 1h}
        """).replace("name: Test plan", 'name: "Plan <b>bold</b> & co"'))
    out = tmp_path / "site"
    render_site(load_plan(path), out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Plan &lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "a &amp; b &lt;i&gt;" in html
    doc = lxml.html.fromstring(html)
    assert doc.find("head/title").text == "Plan <b>bold</b> & co"


# -------------------------------------------------------------------- CLI --


def test_cli_render_twice_rewrites_nothing(tmp_path: Path):
    out = tmp_path / "site"
    first = run_planc("render", str(CYCLING), "-o", str(out))
    assert first.returncode == 0, first.stderr_text
    assert "rendered 44 pages" in first.stderr_text
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    assert len(before) > 100
    second = run_planc("render", str(CYCLING), "-o", str(out))
    assert second.returncode == 0, second.stderr_text
    assert "0 written" in second.stderr_text and "0 removed" in second.stderr_text
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_cli_render_default_folder_and_week(tmp_path: Path):
    proc = run_planc("render", str(CYCLING), "--week", "3", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stderr_text == ""
    site = tmp_path / "out" / "cycling-base-build-8w-site"
    assert (site / "index.html").is_file() and (site / "style.css").is_file()
    assert [p.name for p in site.iterdir() if p.is_dir() and p.name[0] != "."] == [
        "week-03-2026-12-14"]


def test_cli_render_usage_and_plan_errors(tmp_path: Path):
    missing = run_planc("render", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr_text
    week = run_planc("render", str(CYCLING), "--week", "9", "-o", str(tmp_path / "x"))
    assert week.returncode == 2 and "weeks 1 to 8" in week.stderr_text
    bad = write(tmp_path, plan_text("- weeks: 1\n  mon: {workout: nosuch}\n"))
    broken = run_planc("render", str(bad), "-o", str(tmp_path / "y"))
    assert broken.returncode == 1 and "error[" in broken.stderr_text
    assert "Traceback" not in broken.stderr_text and not (tmp_path / "y").exists()

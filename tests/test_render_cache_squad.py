"""The render cache in coach mode (``render --for``, issue 14): a no-change render of the
squad reads no plan, renders nothing and prints what the first render printed; any
change to an input renders again; a tampered or deleted page (the squad page or an
athlete's) is rewritten.  The oracle: a fresh squad render into an empty folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_build_cache as cached
import test_build_cache_squad as squads
from test_build_cache import ATHLETE, _edit_library, counted, fresh_build, outputs, planc_run

folder, spy, squad = cached.folder, cached.spy, squads.squad  # fixtures
RENDER = ["render", "plan.yaml", "--roster", "squad.yaml", "--for", "all", "-o", "site"]
STATE = Path("site") / ".planc-cache" / "render-squad.json"




def test_a_no_change_squad_render_reads_no_plan_and_prints_the_same(squad, spy):
    status, first = planc_run(*RENDER)
    assert status == 0 and STATE.is_file(), first
    before = cached.stats(squad / "site")
    with counted(spy):
        status, again = planc_run(*RENDER)
    assert status == 0 and spy.reads == 0
    written = first.rpartition(": ")[2].split(" written")[0]
    assert again == first.replace(f"{written} written, 0 unchanged",
                                  f"0 written, {written} unchanged")
    assert cached.stats(squad / "site") == before


@pytest.mark.parametrize("victim", ["index.html", "anna/index.html", "ben/site-manifest.json"])
@pytest.mark.parametrize("how", ["tamper", "delete"])
def test_a_tampered_or_deleted_page_is_rewritten(squad, spy, victim, how):
    assert planc_run(*RENDER)[0] == 0
    target = squad / "site" / victim
    good = target.read_bytes()
    if how == "delete":
        target.unlink()
    else:
        target.write_bytes(good.replace(b"<", b"[", 1) if b"<" in good else good + b" ")
    with counted(spy):
        status, err = planc_run(*RENDER)
    assert status == 0 and spy.reads == 1 and "1 written" in err, err
    assert target.read_bytes() == good


@pytest.mark.parametrize("change", [
    lambda f: _edit_library(f),
    lambda f: (f / "anna.yaml").write_text(ATHLETE.replace("250", "260")),
    lambda f: (f / "squad.yaml").write_text(squads.ROSTER.replace("ftp: 300", "ftp: 310")),
])
def test_any_input_change_renders_again_as_a_fresh_render(squad, spy, change):
    assert planc_run(*RENDER)[0] == 0
    change(squad)
    with counted(spy):
        status, err = planc_run(*RENDER)
    assert status == 0 and spy.reads == 1, err
    assert outputs(squad / "site") == fresh_build(RENDER)


@pytest.mark.parametrize("other", [["--for", "anna"], ["-q"], ["--week", "2"]])
def test_another_squad_command_line_is_never_answered_from_the_cache(squad, spy, other):
    assert planc_run(*RENDER)[0] == 0
    args = [*RENDER[:RENDER.index("--for")], *RENDER[RENDER.index("-o"):], *other] \
        if other[0] == "--for" else [*RENDER, *other]
    with counted(spy):
        assert planc_run(*args)[0] == 0
    assert spy.reads == 1


def test_a_plain_render_into_an_athlete_s_folder_is_noticed(squad, spy):
    """Another site written over an athlete's (one week of the plain plan): the squad
    is rendered again, and comes out as a fresh render."""
    assert planc_run(*RENDER)[0] == 0
    assert planc_run("render", "plan.yaml", "-o", "site/anna", "--week", "2")[0] == 0
    with counted(spy):
        assert planc_run(*RENDER)[0] == 0
    assert spy.reads == 1
    assert outputs(squad / "site") == fresh_build(RENDER)
    with counted(spy):
        assert planc_run(*RENDER)[0] == 0
    assert spy.reads == 0

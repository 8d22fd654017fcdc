"""``planc render --for``: the squad page, linking each athlete's site, their weekly load
side by side.

Layout (each athlete's site is :func:`planc.render.site.render_site`'s)::

    index.html             the squad: athletes, their dates and totals, weekly load
    style.css              the same stylesheet as every site
    <athlete>/index.html   that athlete's plan (their thresholds, dates, days)
    squad-manifest.json    the files this page wrote (its own; each site has its own)

Weeks are plan weeks: week 3 is each athlete's own third week, whatever its
dates (shown in the cell).  Written by :class:`planc.output.tree.OutputTree`
(atomic, unchanged files untouched, stale files removed only when listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planc.output.cache import Stamp
from planc.output.tree import ManifestKind, OutputTree
from planc.plan.model import Plan
from planc.render.site import TEMPLATES, RenderResult, environment


def _listed(manifest: Any) -> list[str]:
    files = manifest["files"]
    if not isinstance(files, list):
        raise TypeError("files is not a list")
    return [f for f in files if isinstance(f, str)]


SQUAD_MANIFEST = ManifestKind(
    name="squad-manifest.json", product="squad page",
    hint="render each plan's squad into its own folder (the default is out/<id>-site)",
    owner=lambda manifest: manifest["plan"], files=_listed)


@dataclass(frozen=True, slots=True)
class SquadEntry:
    """One athlete on the squad page: their plan, its report, and their site's folder."""

    name: str
    full_name: str | None
    plan: Plan
    report: dict[str, Any]  # planc.plan.stats.plan_report of their plan

    @property
    def href(self) -> str:
        return f"{self.name}/index.html"


def _weeks(entries: list[SquadEntry]) -> list[dict[str, Any]]:
    """Rows of the side-by-side table: one per plan week, one cell per athlete."""
    top = max((w["load"] for e in entries for w in e.report["weeks"]), default=0.0) or 1.0
    numbers = sorted({w["week"] for e in entries for w in e.report["weeks"]})
    rows = []
    for n in numbers:
        cells = []
        for e in entries:
            w = next((w for w in e.report["weeks"] if w["week"] == n), None)
            cells.append(None if w is None else {
                "load": w["load"], "start": e.plan.week_start(n),
                "width": round(100 * w["load"] / top)})
        rows.append({"number": n, "cells": cells})
    return rows


def render_squad(plan: Plan, entries: list[SquadEntry], out_dir: Path, *,
                 force: bool = False, stamp: Stamp | None = None) -> RenderResult:
    """Write the squad page into ``out_dir`` (next to the athletes' folders); ``force``
    replaces files planc did not write; ``stamp`` lets the tree store the cache state of
    the squad page (``planc.output.tree.store_squad_state`` then adds the athletes').
    Raises OutputRefused as render_site does."""
    athletes = [{"name": e.name, "full_name": e.full_name, "href": e.href, "report": e.report,
                 "start": e.plan.start, "end": e.plan.end} for e in entries]
    page = environment().get_template("squad.html.j2").render(
        plan=plan, plan_file=Path(plan.path).name, root="", athletes=athletes,
        weeks=_weeks(entries))
    outputs = {"index.html": page.encode("utf-8"),
               "style.css": (TEMPLATES / "site.css").read_bytes()}
    with OutputTree.open(out_dir, SQUAD_MANIFEST, plan.id, force=force,
                         stamp=stamp) as tree:  # the lock
        result = RenderResult(pages=1, diagnostics=list(tree.diagnostics))
        result.files = tree.write(outputs, {"plan": plan.id, "files": sorted(outputs),
                                            "athletes": [e.name for e in entries]})
    return result

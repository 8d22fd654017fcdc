"""Render a plan as a static web site: a calendar page, a page per session, the files.

    planc render PLAN [-o DIR] [--week N|N-M|YYYY-Www]… [--from DATE] [--to DATE]

Output goes to out/<plan id>-site unless -o says otherwise.  index.html shows
one row per week and one cell per day, each session with a small profile,
its duration and load, notes and races, the week totals per sport, and a
chart of weekly load with the CTL/ATL/TSB projection.  Each workout session
gets a page with a large profile, the step table, its metrics and links to
its compiled files (intervals.icu text, .zwo, .mrc, .erg, .fit, .svg), written
next to the page.

The site works offline and from file:// (no CDN, fonts or scripts; relative
links only), prints cleanly and fits a phone screen.  Rendering the same plan
again rewrites nothing; a file from an earlier render is removed only if that
render's site-manifest.json lists it.

Exit status: 0 rendered, 1 the plan has errors, 2 bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import add_athlete_args, add_week_arguments

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output directory (default: out/<plan id>-site)")
    add_week_arguments(p)
    add_athlete_args(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def run(args: argparse.Namespace) -> int:
    from planc.commands._common import (
        athlete_from_args,
        plan_path_problem,
        report,
        selection_from_args,
    )
    from planc.plan.load import read_plan
    from planc.plan.weeks import SelectionError
    from planc.render.site import TemplateMissing, render_site

    if (problem := plan_path_problem(args.plan)) is not None:
        print(f"planc render: error: {problem}", file=sys.stderr)
        return 2
    result = read_plan(args.plan, need_plan=True)
    sources = dict(result.sources)
    found = athlete_from_args(args, result.plan.athlete if result.plan else None)
    athlete, athlete_diags = found.athlete, found.diagnostics
    sources.update(found.sources)
    diags = result.diagnostics + athlete_diags
    if not result.ok or result.plan is None or any(d.is_error for d in athlete_diags):
        report(diags, sources)
        return 1
    plan = result.plan
    try:
        selection = selection_from_args(args, plan)
    except SelectionError as exc:
        print(f"planc render: error: {exc}", file=sys.stderr)
        return 2
    out_dir = Path(args.output) if args.output else Path("out") / f"{plan.id}-site"
    try:
        rendered = render_site(plan, out_dir, selection, athlete)
    except OSError as exc:
        print(f"planc render: error: cannot write {exc.filename or out_dir}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    except TemplateMissing as exc:
        print(f"planc render: error: {exc} (reinstall planc)", file=sys.stderr)
        return 2
    if report(diags + rendered.diagnostics, sources):
        return 1
    if not args.quiet:
        print(f"rendered {rendered.pages} page{'s' * (rendered.pages != 1)} to "
              f"{out_dir / 'index.html'}: {rendered.files.summary()}", file=sys.stderr)
    return 0

"""Render a plan as a static web site: a calendar page, a page per session, the files.

    planc render PLAN [-o DIR] [--week N|N-M|YYYY-Www]… [--from DATE] [--to DATE]

Output goes to out/<plan id>-site unless -o says otherwise.  With --for (coach
mode) each athlete's site goes to <that folder>/<athlete>/, and its index.html
becomes the squad page: every athlete, linked, with their weekly load side by
side.  index.html shows
one row per week and one cell per day, each session with a small profile,
its duration and load, notes and races, the week totals per sport, and a
chart of weekly load with the CTL/ATL/TSB projection.  With --review FILE (a
saved 'planc review PLAN --json'), each session also shows what was done
(status, time, load, compliance), extra activities appear on their day, the
week totals say what was done, and the chart draws the load done beside each
week's bar and the CTL intervals.icu measured over the projection: offline,
from the file, no request.  Each workout session
gets a page with a large profile, the step table, its metrics and links to
its compiled files (intervals.icu text, .zwo, .mrc, .erg, .fit, .svg), written
next to the page.

The site works offline and from file:// (no CDN, fonts or scripts; relative
links only), prints cleanly and fits a phone screen.  Rendering the same plan
again rewrites nothing and costs little more than reading the plan; a file from
an earlier render is removed only if that render's site-manifest.json lists it,
and a file planc did not write (your own index.html) is never replaced unless
--force.

Exit status: 0 rendered, 1 the plan has errors or the folder holds what planc
must not replace, 2 bad command line.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    from planc.commands._common import add_athlete_args, add_for_arguments, add_week_arguments

    p.add_argument("plan", metavar="PLAN", help="plan file (.yaml)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output directory (default: out/<plan id>-site)")
    add_week_arguments(p)
    add_athlete_args(p)
    p.add_argument("--force", action="store_true",
                   help="replace files in the output folder that planc did not write")
    p.add_argument("--review", metavar="FILE",
                   help="a saved 'planc review PLAN --json' (with --for: of the squad): "
                   "each day shows planned and done, the chart the load done and the "
                   "measured CTL")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    add_for_arguments(p)


def run(args: argparse.Namespace) -> int:
    from planc.commands._common import (
        CommandFailed,
        athlete_from_args,
        cache_stamp,
        plan_path_problem,
        report,
        roster_without_for,
        squad_plans,
    )
    from planc.output.cache import default_folder
    from planc.plan.load import read_plan

    stamp = cache_stamp("render", args)
    if (problem := roster_without_for(args)) is not None:
        print(f"planc render: error: {problem}", file=sys.stderr)
        return 2
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
    out_dir = Path(args.output or default_folder("render", plan.id))
    try:
        review = _saved_review(args, plan.id)
    except CommandFailed as exc:
        return exc.exit("render")
    if not args.squad:
        return _render(args, out_dir,
                       lambda: _site(args, plan, out_dir, athlete, stamp, review), diags,
                       sources, stamp)
    # --for: each athlete's site in <out>/<athlete>/, and the squad page over them
    try:
        _, plans = squad_plans(args, args.plan, plan, sources, diags)
    except CommandFailed as exc:
        return exc.exit("render")
    return _render(args, out_dir, lambda: _squad(args, plan, plans, out_dir, review, stamp),
                   diags, sources, stamp)


def _saved_review(args: argparse.Namespace, plan_id: str):
    """The ``--review`` file, checked (CommandFailed, exit 2, says what is wrong)."""
    from planc.commands._common import CommandFailed
    from planc.inputs import InputError, read_text
    from planc.publish.review import NotAReview, saved_review

    if not args.review:
        return None
    try:
        review = saved_review(read_text(args.review), plan_id)
    except (InputError, NotAReview, UnicodeError) as exc:
        raise CommandFailed(2, f"--review {args.review}: {exc}") from None
    if ("athletes" in review) != bool(args.squad):
        raise CommandFailed(2, f"--review {args.review}: " + (
            "a squad's review goes with --for" if "athletes" in review
            else "--for needs the squad's review (planc review PLAN --for … --json)"))
    return review


def _site(args: argparse.Namespace, plan, out_dir: Path, athlete, stamp, review=None):
    from planc.commands._common import selection_from_args
    from planc.render.site import render_site

    return render_site(plan, out_dir, selection_from_args(args, plan), athlete, review,
                       force=args.force, stamp=stamp)


def _squad(args: argparse.Namespace, plan, plans, out_dir: Path, review=None, stamp=None):
    """Every athlete's site, then the squad page: one result for the report.

    With ``stamp``, each athlete's folder keeps a cache state of its own, the squad
    page's folder one over all of them (its key is the result's), so that a no-change
    render of the squad is answered as a plain one's is."""
    from planc.commands._common import selection_from_args
    from planc.output.cache import Stamp, forget
    from planc.plan.stats import plan_report
    from planc.render.site import render_site
    from planc.render.squad import SquadEntry, render_squad

    if stamp is not None:
        forget(str(out_dir), stamp.command)
    own = Stamp("render", stamp.argv, stamp.reads) if stamp is not None else None
    entries, sites = [], []
    reviews = {a.get("athlete"): a.get("review") for a in (review or {}).get("athletes", [])}
    for mp in plans:
        mine = mp.result.plan
        selection = selection_from_args(args, mine)
        sites.append(render_site(mine, out_dir / mp.member.name, selection,
                                 review=reviews.get(mp.member.name), force=args.force,
                                 stamp=own))
        entries.append(SquadEntry(mp.member.name, mp.member.full_name, mine,
                                  plan_report(mine, selection)))
    squad = render_squad(plan, entries, out_dir, force=args.force, stamp=stamp)
    for site in sites:
        squad.pages += site.pages
        squad.diagnostics.extend(site.diagnostics)
        squad.files.add(site.files)
    squad.files.key = _squad_key(out_dir, stamp, squad, plans, sites)
    return squad


def _squad_key(out_dir: Path, stamp, squad, plans, sites) -> str | None:
    """The key of the state over the whole squad, stored once every site is (else None:
    the next run is not a no-change run)."""
    from planc.output.tree import store_squad_state

    keys = {mp.member.name: site.files.key for mp, site in zip(plans, sites, strict=True)}
    if stamp is None or squad.files.key is None or any(k is None for k in keys.values()) \
            or any(d.is_error for d in squad.diagnostics):
        return None
    return store_squad_state(out_dir, stamp, keys, "render", own=squad.files.key)


def _render(args: argparse.Namespace, out_dir: Path, render, diags, sources,
            stamp=None) -> int:
    """Run ``render`` and report it (exit codes of the command); with ``stamp``, store
    what was printed for a no-change render to print again."""
    from planc.commands._common import report
    from planc.output.cache import save_transcript
    from planc.output.tree import OutputRefused
    from planc.plan.weeks import SelectionError
    from planc.render.site import TemplateMissing

    try:
        rendered = render()
    except SelectionError as exc:
        print(f"planc render: error: {exc}", file=sys.stderr)
        return 2
    except OutputRefused as exc:
        report(diags + exc.diagnostics, sources)
        return 1
    except OSError as exc:
        print(f"planc render: error: cannot write {exc.filename or out_dir}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    except TemplateMissing as exc:
        print(f"planc render: error: {exc} (reinstall planc)", file=sys.stderr)
        return 2
    # the folder's own warnings (with --force) are not kept for a no-change render
    own = [d for d in rendered.diagnostics if d.code.startswith("manifest-")]
    if own:
        report(own, sources)
    shown = io.StringIO()  # what a no-change render prints again
    failed = report(diags + [d for d in rendered.diagnostics if d not in own], sources,
                    stream=shown)
    sys.stderr.write(shown.getvalue())
    if failed:
        return 1

    def closing(files) -> str:
        return "" if args.quiet else (
            f"rendered {rendered.pages} page{'s' * (rendered.pages != 1)} to "
            f"{out_dir / 'index.html'}: {files.summary()}\n")

    sys.stderr.write(closing(rendered.files))
    if stamp is not None and rendered.files.key is not None:
        save_transcript(str(out_dir), stamp, rendered.files.key,
                        shown.getvalue() + closing(rendered.files.no_change()))
    return 0

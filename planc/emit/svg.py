"""Registry adapter for workout pictures: ``planc compile --to svg``.

The picture is the ``CARD`` style of ``planc.emit.svgdraw`` (600 px wide,
repeat brackets, a caption with name, duration and load; see
``planc.resolve.profile`` for what width, height and colour mean).  What the
picture had to guess is reported as a warning at the step: a distance step
drawn with an estimated width, or a target drawn without height because a
threshold is missing.
"""

from __future__ import annotations

from planc.ast import NO_SPAN, Workout
from planc.athlete import Athlete
from planc.diagnostics import Diagnostic, warning
from planc.emit.svgdraw import CARD, clock, render_svg
from planc.lower.formats import EmitOptions
from planc.resolve.profile import Profile, build_profile
from planc.syntax.printer import fmt_distance


def diagnostics(profile: Profile, sport: str) -> list[Diagnostic]:
    """One warning per distinct step the picture had to guess for."""
    out: list[Diagnostic] = []
    seen: set[int] = set()
    for s in profile.steps:
        if s.estimated and id(s.step) not in seen:
            seen.add(id(s.step))
            dist = fmt_distance(s.step.amount)  # type: ignore[arg-type]
            out.append(warning(
                "svg-estimated-width",
                f"the picture needs a time for '{dist}' and the step has no pace to give one: "
                f"drawn dashed, as about {clock(s.seconds)} at an easy pace", s.step.span,
                "give the step a pace target (and the athlete a threshold pace) to draw it "
                "to scale"))
    flagged: set[str] = set()
    for step, missing in profile.missing:
        if missing.flag in flagged:
            continue
        flagged.add(missing.flag)
        span = next((t.span for t in (step.power, step.pace, step.hr)
                     if t is not None and t.span != NO_SPAN), step.span)
        out.append(warning(
            "svg-missing-threshold",
            f"the picture needs {missing.what}: steps with such targets are drawn low and grey",
            span, f"pass {missing.flag} or --athlete FILE"))
    return out


def emit(workout: Workout, athlete: Athlete, options: EmitOptions) -> tuple[
        bytes, list[Diagnostic]]:
    indoor = options.indoor
    profile = build_profile(workout, athlete, indoor)
    text = render_svg(workout, athlete, style=CARD, indoor=indoor, profile=profile)
    return text.encode("utf-8"), diagnostics(profile, workout.sport)

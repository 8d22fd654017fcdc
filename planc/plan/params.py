"""Plan parameters, and a plan as one athlete of a roster does it.

A plan may declare ``params:`` at its top: names with a number, a duration or
a distance, which ``= expressions`` in the calendar use like ``week`` and
``n``::

    params: {volume: 1, long: 2h}
    calendar:
      - sat: {workout: long-ride, duration: "= round(long * volume, 5m)"}

A roster entry (``planc.plan.roster``) gives an athlete other values
(``params: {volume: 0.8}``); each must name a parameter of the plan and be of
the same kind (a number for a number, a duration for a duration), and a
mistake is reported where the roster wrote it.  :func:`apply_variant` puts the
rest of a roster entry into the plan before its calendar is expanded: the
athlete's name (external ids), start date (the whole plan moves, dated entries
too), weekday moves, thresholds and measured fitness.
"""

from __future__ import annotations

from planc.athlete import Athlete
from planc.diagnostics import did_you_mean
from planc.plan.expr import Quantity, parse_quantity
from planc.plan.model import Plan, PlanParam, Variant
from planc.plan.reader import Reader
from planc.plan.schema import PARAM_RE, RESERVED_PARAMS
from planc.plan.yamlsrc import YMap, YNode, YScalar


def quantity(node: YNode | None) -> Quantity | None:
    """A number, or a duration (``90m``) or distance (``5km``) as the workout language
    writes them; None for anything else."""
    if not isinstance(node, YScalar) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int | float):
        return Quantity("number", float(node.value))
    if isinstance(node.value, str):
        return parse_quantity(node.value.strip())
    return None


def plan_parameters(r: Reader, node: YNode | None,
                    variant: Variant | None = None) -> dict[str, PlanParam]:
    """The plan's ``params:``, with a roster entry's values in place of the defaults."""
    params: dict[str, PlanParam] = {}
    if node is not None and not isinstance(node, YMap):
        r.expected("params as a mapping of name -> value", node)
    elif node is not None:
        for name, (knode, value) in node.items.items():
            if name in RESERVED_PARAMS:
                r.error("reserved-parameter", f"'{name}' cannot be a parameter name", knode,
                        f"{', '.join(RESERVED_PARAMS)} are session keys or built-ins")
            elif not PARAM_RE.match(name):
                r.error("bad-parameter", f"'{name}' is not a valid parameter name", knode,
                        "use lower-case letters, digits and '_'")
            elif (q := quantity(value)) is None:
                r.expected(f"a number, a duration (1h30m) or a distance (5km) for '{name}'",
                           value)
            else:
                params[name] = PlanParam(name, q, knode.span, knode.path)
    if variant is not None:
        for name, (key, value) in variant.params.items():
            _override(r, params, name, key, value, variant.athlete)
    return params


def _override(r: Reader, params: dict[str, PlanParam], name: str, key: YScalar,
              node: YScalar, athlete: str) -> None:
    """One roster value in place of a plan parameter's default."""
    declared = params.get(name)
    if declared is None:
        guess = did_you_mean(name, params)
        r.error("roster-parameter", f"{athlete}'s '{name}' is not a parameter of this plan",
                key, f"did you mean '{guess}'?" if guess else
                (f"the plan's parameters: {', '.join(params)}" if params else
                 "declare it under 'params:' at the top of the plan"))
        return
    value = quantity(node)
    old = declared.value
    assert isinstance(old, Quantity)
    if value is None or value.kind != old.kind:
        got = "something else" if value is None else f"a {value.kind}"
        r.error("roster-parameter", f"{athlete}'s '{name}' is {got}, but the plan's '{name}' "
                f"is a {old.kind} ({old.text()})", node,
                f"give a {old.kind}, e.g. {name}: {old.text()}")
        return
    params[name] = PlanParam(name, value, node.span, node.path)


def apply_variant(plan: Plan, variant: Variant, athlete: Athlete | None = None) -> None:
    """Make ``plan`` the plan of ``variant``'s athlete (before its calendar is expanded).

    ``athlete``, when given, is the caller's override and stays the plan's athlete."""
    plan.athlete_name = variant.athlete
    if variant.start is not None:
        plan.shift_days = (variant.start - plan.start).days
        plan.start = variant.start
    plan.moves = variant.moves
    if variant.thresholds is not None and athlete is None:
        plan.athlete = variant.thresholds
    if variant.fitness is not None:
        plan.measured = variant.fitness


__all__ = ["apply_variant", "plan_parameters", "quantity"]

"""Plan files: YAML training plans -> checked, expanded calendar sessions.

Entry points: ``load_plan``, ``check_plan``, ``read_plan`` (``planc.plan.load``);
week selection in ``planc.plan.weeks``; statistics and the fitness projection
in ``planc.plan.stats``.
"""

from planc.plan.load import PlanError, PlanResult, check_plan, load_plan, read_plan
from planc.plan.model import Kind, Plan, Session

__all__ = ["Kind", "Plan", "PlanError", "PlanResult", "Session", "check_plan", "load_plan",
           "read_plan"]

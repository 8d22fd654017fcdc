"""Plan files: YAML training plans -> checked, expanded calendar sessions.

Entry points: ``load_plan``, ``read_plan`` (``planc.plan.load``); everything
``planc check`` reports: ``planc.plan.rejections.check_plan`` (it lowers every
workout, so importing this package does not pay for it);
week selection in ``planc.plan.weeks``; statistics and the fitness projection
in ``planc.plan.stats``.
"""

from planc.plan.load import PlanError, PlanResult, load_plan, read_plan
from planc.plan.model import Kind, Plan, Session

__all__ = ["Kind", "Plan", "PlanError", "PlanResult", "Session", "load_plan", "read_plan"]

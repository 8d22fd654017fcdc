"""Plan files: YAML training plans -> checked, expanded calendar sessions.

Entry points (see ``planc.plan.load``): ``load_plan``, ``check_plan``,
``read_plan``; week selection in ``planc.plan.weeks``; statistics and fitness
projection in ``planc.plan.stats``.
"""

"""An independent checker of ``queueopt plan`` output: rules, cover, bound, figures.

It never imports the solver under test (``queueopt.scheduling``,
``covering``, ``shortage``, ``rules``, ``plan_summary``): it reads the
policy text, the staff list and the plan's files itself and recomputes
everything a manager reads. Entry point: :func:`plan_checker.check.check_plan`.
"""

"""@parallel: the step runs as a gang of num_parallel tasks started together.

Task 0 is the control task. ``current.parallel`` carries ``main_ip``, ``num_nodes``,
``node_index`` and ``control_task_id``. Locally the gang is N processes on this machine.
"""

from __future__ import annotations

from .base import StepDecorator, make_step_decorator


class ParallelDecorator(StepDecorator):
    name = "parallel"
    defaults: dict = {}


parallel = make_step_decorator(ParallelDecorator)

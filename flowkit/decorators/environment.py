"""@environment(vars={...}): environment variables set in the task's process (also remotely)."""

from __future__ import annotations

import os
from typing import Any

from ..exception import DecoratorSpecError
from .base import StepDecorator, make_step_decorator


class EnvironmentDecorator(StepDecorator):
    name = "environment"
    defaults = {"vars": {}}

    def init(self) -> None:
        env = self.attributes["vars"]
        if not isinstance(env, dict) or not all(isinstance(k, str) for k in env):
            raise DecoratorSpecError("@environment(vars=...) takes a dict of names to values")
        self.attributes["vars"] = {k: str(v) for k, v in env.items()}

    def on_task_start(self, ctx: Any) -> None:
        os.environ.update(self.attributes["vars"])


environment = make_step_decorator(EnvironmentDecorator)

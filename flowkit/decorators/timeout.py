"""@timeout(seconds=0, minutes=0, hours=0): an attempt running longer fails with an error naming
the limit (it counts as a failure for @retry and @catch).

In the task process an interval timer raises TimeoutException in the step (a sleeping or
looping step stops at once, and @catch can keep what it set). The runtime also kills the
attempt's process a little after the limit, for a step stuck in native code.
"""

from __future__ import annotations

import signal
from typing import Any

from ..exception import DecoratorSpecError, StepRuntimeError
from .base import StepDecorator, make_step_decorator

GRACE_SECONDS = 5.0


class TimeoutException(StepRuntimeError):
    headline = "Step timed out"


class TimeoutDecorator(StepDecorator):
    name = "timeout"
    defaults = {"seconds": 0, "minutes": 0, "hours": 0}

    def init(self) -> None:
        try:
            total = float(self.attributes["seconds"]) + 60 * float(self.attributes["minutes"]) \
                + 3600 * float(self.attributes["hours"])
        except (TypeError, ValueError):
            raise DecoratorSpecError("@timeout takes numbers: seconds=, minutes=, hours=") from None
        if total <= 0:
            raise DecoratorSpecError("@timeout needs a positive limit, e.g. @timeout(minutes=10)")
        self.seconds = total

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.attributes.items() if v)
        return f"@timeout({args})"

    def on_task_start(self, ctx: Any) -> None:
        step = ctx.spec.step

        def expire(signum: int, frame: Any) -> None:
            raise TimeoutException(
                f"step '{step}' ran longer than {self.seconds:g} seconds ({self.describe()})",
                hint="make the step faster, split it, or raise the limit")

        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def on_task_finished(self, ctx: Any, ok: bool) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


timeout = make_step_decorator(TimeoutDecorator)

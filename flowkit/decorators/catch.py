"""@catch(var=None, print_exception=True): a step that still fails after its last attempt is marked
successful, the exception is kept (as ``self.<var>`` and as the task's exception), the artifacts
set before the failure are kept, and the flow goes on.

The task runner acts on it for exceptions raised in the step (and timeouts); when the attempt's
process died outright, the runtime runs a short *fallback* attempt that records the same.
"""

from __future__ import annotations

from typing import Any, Optional

from ..exception import DecoratorSpecError
from .base import StepDecorator, make_step_decorator


class CaughtException:
    """What ``self.<var>`` holds after @catch: ``type`` (class path) and ``exception`` (message)."""

    def __init__(self, type_: str, message: str, stacktrace: str = "") -> None:
        self.type = type_
        self.exception = message
        self.stacktrace = stacktrace

    def __str__(self) -> str:
        return f"{self.type}: {self.exception}"

    def __repr__(self) -> str:
        return f"CaughtException({self.type!r}, {self.exception!r})"


class CatchDecorator(StepDecorator):
    name = "catch"
    defaults = {"var": None, "print_exception": True}

    def init(self) -> None:
        var: Optional[Any] = self.attributes["var"]
        if var is not None and (not isinstance(var, str) or not var.isidentifier()
                                or var.startswith("_")):
            raise DecoratorSpecError(f"@catch(var=...) must be an attribute name, got {var!r}")


catch = make_step_decorator(CatchDecorator)

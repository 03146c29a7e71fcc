"""@retry(times=3, minutes_between_retries=2): rerun a failed attempt in a fresh process.

The runtime acts on it: after a failed attempt it waits the delay (locally too, unlike
Metaflow; FLOWKIT_RETRY_DELAY_SCALE shrinks it for tests) and starts attempt n+1, whose
``current.retry_count`` is n+1. Every attempt's logs and outcome are kept. A task never gets
more than MAX_ATTEMPTS attempts in all.
"""

from __future__ import annotations

from ..exception import DecoratorSpecError
from .base import StepDecorator, make_step_decorator

MAX_ATTEMPTS = 6


class RetryDecorator(StepDecorator):
    name = "retry"
    defaults = {"times": 3, "minutes_between_retries": 2}

    def init(self) -> None:
        times = self.attributes["times"]
        minutes = self.attributes["minutes_between_retries"]
        if isinstance(times, str) and times.isdigit():
            times = int(times)
        if not isinstance(times, int) or isinstance(times, bool) or times < 0:
            raise DecoratorSpecError(f"@retry(times=...) must be a whole number >= 0, got "
                                     f"{times!r}")
        if times + 1 > MAX_ATTEMPTS:
            raise DecoratorSpecError(
                f"@retry(times={times}) asks for {times + 1} attempts; the limit is "
                f"{MAX_ATTEMPTS}", hint=f"use times={MAX_ATTEMPTS - 1} or fewer")
        try:
            minutes = float(minutes)
        except (TypeError, ValueError):
            raise DecoratorSpecError(f"@retry(minutes_between_retries=...) must be a number, "
                                     f"got {minutes!r}") from None
        if minutes < 0:
            raise DecoratorSpecError("@retry(minutes_between_retries=...) must be >= 0")
        self.attributes.update(times=times, minutes_between_retries=minutes)

    @property
    def retries(self) -> int:
        return self.attributes["times"]

    @property
    def delay_seconds(self) -> float:
        return 60.0 * self.attributes["minutes_between_retries"]


retry = make_step_decorator(RetryDecorator)

# expect-rule: next-not-last
# expect-step: start
# expect-line: 17
"""Invalid: self.next is called inside a `with` block."""
import contextlib

from flowkit import FlowSpec, step


class NextInsideWithFlow(FlowSpec):
    """start -> end, with the transition inside a context manager."""

    @step
    def start(self):
        with contextlib.suppress(ValueError):
            self.value = int("7")
            self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    NextInsideWithFlow()

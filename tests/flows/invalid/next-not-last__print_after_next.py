# expect-rule: next-not-last
# expect-step: start
# expect-line: 14
"""Invalid: a print statement follows self.next in `start`."""
from flowkit import FlowSpec, step


class PrintAfterNextFlow(FlowSpec):
    """start -> end, with a statement after the transition."""

    @step
    def start(self):
        self.value = 10
        self.next(self.end)
        print("transition requested")

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    PrintAfterNextFlow()

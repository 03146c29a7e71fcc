# expect-rule: unknown-step
# expect-step: start
# expect-line: 14
"""Invalid: `start` transitions to `summarize`, a method that lacks @step."""
from flowkit import FlowSpec, step


class PlainMethodTargetFlow(FlowSpec):
    """start -> summarize -> end, but summarize is not a step."""

    @step
    def start(self):
        self.data = [1, 2, 3]
        self.next(self.summarize)

    def summarize(self):
        self.total = sum(self.data)
        self.next(self.end)

    @step
    def end(self):
        print("total", self.total)


if __name__ == "__main__":
    PlainMethodTargetFlow()

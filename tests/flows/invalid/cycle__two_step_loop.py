# expect-rule: cycle
# expect-step: b
# expect-line: 24
"""Invalid: a -> b -> a loop (b's switch points back at a, not at itself)."""
from flowkit import FlowSpec, step


class TwoStepLoopFlow(FlowSpec):
    """start -> a -> b; b switches back to a or on to end."""

    @step
    def start(self):
        self.count = 0
        self.next(self.a)

    @step
    def a(self):
        self.count += 1
        self.next(self.b)

    @step
    def b(self):
        self.state = "done" if self.count >= 3 else "again"
        self.next({"again": self.a, "done": self.end}, condition="state")

    @step
    def end(self):
        print("count", self.count)


if __name__ == "__main__":
    TwoStepLoopFlow()

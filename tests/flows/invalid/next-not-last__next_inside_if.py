# expect-rule: next-not-last
# expect-step: start
# expect-line: 15
"""Invalid: self.next is called inside an `if` block."""
from flowkit import FlowSpec, step


class NextInsideIfFlow(FlowSpec):
    """start -> end, with a conditional transition."""

    @step
    def start(self):
        self.value = 10
        if self.value > 5:
            self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    NextInsideIfFlow()

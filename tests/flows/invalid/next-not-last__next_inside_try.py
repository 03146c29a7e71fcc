# expect-rule: next-not-last
# expect-step: parse
# expect-line: 20
"""Invalid: self.next is called inside a `try` block."""
from flowkit import FlowSpec, step


class NextInsideTryFlow(FlowSpec):
    """start -> parse -> end, with the transition inside try/except."""

    @step
    def start(self):
        self.raw = "42"
        self.next(self.parse)

    @step
    def parse(self):
        try:
            self.value = int(self.raw)
            self.next(self.end)
        except ValueError:
            self.value = 0

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    NextInsideTryFlow()

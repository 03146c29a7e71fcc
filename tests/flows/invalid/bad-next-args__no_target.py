# expect-rule: bad-next-args
# expect-step: process
# expect-line: 19
"""Invalid: `process` calls self.next() with no target."""
from flowkit import FlowSpec, step


class NoTargetFlow(FlowSpec):
    """start -> process -> end, with an empty transition."""

    @step
    def start(self):
        self.value = 1
        self.next(self.process)

    @step
    def process(self):
        self.value += 1
        self.next()

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    NoTargetFlow()

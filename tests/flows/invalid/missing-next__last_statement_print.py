# expect-rule: missing-next
# expect-step: process
# expect-line: 17
"""Invalid: the middle step `process` ends with a print and never calls self.next."""
from flowkit import FlowSpec, step


class MissingNextFlow(FlowSpec):
    """start -> process -> end, but process forgets its transition."""

    @step
    def start(self):
        self.numbers = [1, 2, 3]
        self.next(self.process)

    @step
    def process(self):
        self.total = sum(self.numbers)
        print("total", self.total)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    MissingNextFlow()

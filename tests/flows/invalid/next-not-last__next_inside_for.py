# expect-rule: next-not-last
# expect-step: process
# expect-line: 20
"""Invalid: self.next is called inside a `for` loop."""
from flowkit import FlowSpec, step


class NextInsideForFlow(FlowSpec):
    """start -> process -> end, with the transition inside a loop."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        self.next(self.process)

    @step
    def process(self):
        for item in self.items:
            print("item", item)
            self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    NextInsideForFlow()

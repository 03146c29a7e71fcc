# expect-rule: unclosed-split
# expect-step: start
# expect-line: 12
"""Invalid: a foreach whose body goes straight to end without a join."""
from flowkit import FlowSpec, step


class ForeachWithoutJoinFlow(FlowSpec):
    """start -foreach-> square -> end (no join)."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        self.next(self.square, foreach="items")

    @step
    def square(self):
        self.result = self.input ** 2
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    ForeachWithoutJoinFlow()

# expect-rule: unclosed-split
# expect-step: start
# expect-line: 12
"""Invalid: a static branch inside a foreach is joined, but the foreach itself is not."""
from flowkit import FlowSpec, step


class BranchInForeachNoForeachJoinFlow(FlowSpec):
    """start -foreach-> body -> (double, square) -> branch_join -> end (foreach join missing)."""

    @step
    def start(self):
        self.items = [1, 2]
        self.next(self.body, foreach="items")

    @step
    def body(self):
        self.item = self.input
        self.next(self.double, self.square)

    @step
    def double(self):
        self.value = self.item * 2
        self.next(self.branch_join)

    @step
    def square(self):
        self.value = self.item ** 2
        self.next(self.branch_join)

    @step
    def branch_join(self, inputs):
        self.total = sum(i.value for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    BranchInForeachNoForeachJoinFlow()

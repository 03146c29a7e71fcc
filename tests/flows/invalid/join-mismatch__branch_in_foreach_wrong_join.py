# expect-rule: join-mismatch
# expect-step: branch_join
# expect-line: 32
"""Invalid: inside a foreach, arm `square` of a static branch bypasses the branch join."""
from flowkit import FlowSpec, step


class BranchInForeachWrongJoinFlow(FlowSpec):
    """start -foreach-> body -> (double, square); double -> branch_join; square -> foreach_join."""

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
        self.next(self.foreach_join)

    @step
    def branch_join(self, inputs):
        self.total = sum(i.value for i in inputs)
        self.next(self.foreach_join)

    @step
    def foreach_join(self, inputs):
        self.totals = [i.total for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.totals)


if __name__ == "__main__":
    BranchInForeachWrongJoinFlow()

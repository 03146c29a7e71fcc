# expect-rule: join-signature
# expect-step: branch_join
# expect-line: 32
"""Invalid: inside a foreach, the step closing a static branch is declared without `inputs`."""
from flowkit import FlowSpec, step


class BranchJoinInForeachWithoutInputsFlow(FlowSpec):
    """start -foreach-> body -> (double, square) -> branch_join -> foreach_join -> end, with branch_join(self)."""

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
    def branch_join(self):
        print("joined one item")
        self.next(self.foreach_join)

    @step
    def foreach_join(self, inputs):
        self.count = len(list(inputs))
        self.next(self.end)

    @step
    def end(self):
        print("items", self.count)


if __name__ == "__main__":
    BranchJoinInForeachWithoutInputsFlow()

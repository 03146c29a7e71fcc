"""Valid static branch inside a foreach body: start -foreach-> body -> (double, square) -> branch_join -> foreach_join -> end."""
from flowkit import FlowSpec, step


class BranchInForeachFlow(FlowSpec):
    """For every item, compute two values in parallel arms and add them."""

    @step
    def start(self):
        """Fan out over the items."""
        self.items = [1, 2, 3]
        self.next(self.body, foreach="items")

    @step
    def body(self):
        """One task per item; split into two arms."""
        self.item = self.input
        self.next(self.double, self.square)

    @step
    def double(self):
        """First arm."""
        self.value = self.item * 2
        self.next(self.branch_join)

    @step
    def square(self):
        """Second arm."""
        self.value = self.item * self.item
        self.next(self.branch_join)

    @step
    def branch_join(self, inputs):
        """Close the static branch (still inside the foreach)."""
        self.item = inputs.double.item
        self.total = inputs.double.value + inputs.square.value
        self.next(self.foreach_join)

    @step
    def foreach_join(self, inputs):
        """Close the foreach."""
        self.totals = [inp.total for inp in inputs]
        self.next(self.end)

    @step
    def end(self):
        """Report the totals ([3, 8, 15])."""
        print("totals:", self.totals)


if __name__ == "__main__":
    BranchInForeachFlow()

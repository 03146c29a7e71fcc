"""Valid foreach: start -foreach-> square -> join -> end."""
from flowkit import FlowSpec, step


class ForeachFlow(FlowSpec):
    """Square every item in parallel tasks, then collect the results in order."""

    @step
    def start(self):
        """Choose the items to fan out over."""
        self.items = [1, 2, 3, 4]
        self.next(self.square, foreach="items")

    @step
    def square(self):
        """One task per item; `self.input` is the item."""
        self.result = self.input * self.input
        self.next(self.join)

    @step
    def join(self, inputs):
        """Collect the results in foreach order."""
        self.results = [inp.result for inp in inputs]
        self.next(self.end)

    @step
    def end(self):
        """Report the results ([1, 4, 9, 16])."""
        print("results:", self.results)


if __name__ == "__main__":
    ForeachFlow()

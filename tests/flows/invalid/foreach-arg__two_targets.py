# expect-rule: foreach-arg
# expect-step: start
# expect-line: 14
"""Invalid: a foreach transition names two target steps."""
from flowkit import FlowSpec, step


class ForeachTwoTargetsFlow(FlowSpec):
    """start -foreach-> (square, cube) -> join -> end."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        self.next(self.square, self.cube, foreach="items")

    @step
    def square(self):
        self.result = self.input ** 2
        self.next(self.join)

    @step
    def cube(self):
        self.result = self.input ** 3
        self.next(self.join)

    @step
    def join(self, inputs):
        self.results = [i.result for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.results)


if __name__ == "__main__":
    ForeachTwoTargetsFlow()

# expect-rule: foreach-arg
# expect-step: start
# expect-line: 15
"""Invalid: the foreach artifact name is passed through a variable, not a string literal."""
from flowkit import FlowSpec, step


class ForeachVariableNameFlow(FlowSpec):
    """start -foreach-> square -> join -> end."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        field = "items"
        self.next(self.square, foreach=field)

    @step
    def square(self):
        self.result = self.input ** 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.results = [i.result for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.results)


if __name__ == "__main__":
    ForeachVariableNameFlow()

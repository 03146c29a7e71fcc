# expect-rule: foreach-arg
# expect-step: start
# expect-line: 14
"""Invalid: foreach=self.items is passed instead of the artifact name "items"."""
from flowkit import FlowSpec, step


class ForeachAttributeFlow(FlowSpec):
    """start -foreach-> square -> join -> end."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        self.next(self.square, foreach=self.items)

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
    ForeachAttributeFlow()

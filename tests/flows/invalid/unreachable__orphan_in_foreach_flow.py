# expect-rule: unreachable
# expect-step: audit
# expect-line: 27
"""Invalid: a correct foreach flow with an extra step `audit` that nothing leads to."""
from flowkit import FlowSpec, step


class OrphanInForeachFlow(FlowSpec):
    """start -foreach-> square -> join -> end, plus an orphan step."""

    @step
    def start(self):
        self.items = [1, 2, 3]
        self.next(self.square, foreach="items")

    @step
    def square(self):
        self.result = self.input ** 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.results = [i.result for i in inputs]
        self.next(self.end)

    @step
    def audit(self):
        print("auditing")
        self.next(self.end)

    @step
    def end(self):
        print(self.results)


if __name__ == "__main__":
    OrphanInForeachFlow()

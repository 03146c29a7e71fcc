# expect-rule: join-signature
# expect-step: join
# expect-line: 26
"""Invalid: a join step takes a third parameter, def join(self, inputs, weights)."""
from flowkit import FlowSpec, step


class JoinWithExtraParameterFlow(FlowSpec):
    """start -> (a, b) -> join -> end, with an extra join argument."""

    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.x = 1
        self.next(self.join)

    @step
    def b(self):
        self.x = 2
        self.next(self.join)

    @step
    def join(self, inputs, weights):
        self.total = sum(i.x for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("total", self.total)


if __name__ == "__main__":
    JoinWithExtraParameterFlow()

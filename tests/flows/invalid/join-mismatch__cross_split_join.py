# expect-rule: join-mismatch
# expect-step: join
# expect-line: 35
"""Invalid: one join step tries to close a nested split and its outer split at once."""
from flowkit import FlowSpec, step


class CrossSplitJoinFlow(FlowSpec):
    """start -> (a, b); a -> (a1, a2); a1, a2 and b all go to the same join."""

    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.a1, self.a2)

    @step
    def a1(self):
        self.x = 1
        self.next(self.join)

    @step
    def a2(self):
        self.x = 2
        self.next(self.join)

    @step
    def b(self):
        self.x = 3
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.x for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("total", self.total)


if __name__ == "__main__":
    CrossSplitJoinFlow()

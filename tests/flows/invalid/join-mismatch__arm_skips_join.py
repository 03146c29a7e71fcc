# expect-rule: join-mismatch
# expect-step: join
# expect-line: 26
"""Invalid: static branch (a, b) where arm b skips the join and goes straight to end."""
from flowkit import FlowSpec, step


class ArmSkipsJoinFlow(FlowSpec):
    """start -> (a, b); a -> join; b -> end."""

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
        self.next(self.end)

    @step
    def join(self, inputs):
        self.total = sum(i.x for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    ArmSkipsJoinFlow()

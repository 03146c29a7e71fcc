# expect-rule: join-signature
# expect-step: join
# expect-line: 26
"""Invalid: the step closing a static branch is declared without `inputs`."""
from flowkit import FlowSpec, step


class JoinWithoutInputsFlow(FlowSpec):
    """start -> (a, b) -> join -> end, with join(self)."""

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
    def join(self):
        print("joined")
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    JoinWithoutInputsFlow()

# expect-rule: missing-next
# expect-step: b
# expect-line: 21
"""Invalid: arm `b` of a static branch has no self.next."""
from flowkit import FlowSpec, step


class MissingNextArmFlow(FlowSpec):
    """start -> (a, b) -> join -> end, but b never transitions."""

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

    @step
    def join(self, inputs):
        self.total = sum(i.x for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print("total", self.total)


if __name__ == "__main__":
    MissingNextArmFlow()

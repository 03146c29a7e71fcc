"""Valid static branch: start -> (a, b) -> join -> end, the join reading inputs.a.x and inputs.b.x."""
from flowkit import FlowSpec, step


class BranchFlow(FlowSpec):
    """Two parallel arms set `x`; the join adds them up."""

    @step
    def start(self):
        """Fan out to both arms."""
        self.base = 10
        self.next(self.a, self.b)

    @step
    def a(self):
        """First arm."""
        self.x = self.base + 1
        self.next(self.join)

    @step
    def b(self):
        """Second arm."""
        self.x = self.base + 2
        self.next(self.join)

    @step
    def join(self, inputs):
        """Combine the arms by name."""
        self.total = inputs.a.x + inputs.b.x
        self.base = inputs.a.base
        self.next(self.end)

    @step
    def end(self):
        """Report the result (always 23)."""
        print("total:", self.total)


if __name__ == "__main__":
    BranchFlow()

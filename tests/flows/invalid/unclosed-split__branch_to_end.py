# expect-rule: unclosed-split
# expect-step: prepare
# expect-line: 17
"""Invalid: a static branch whose arms both go straight to end."""
from flowkit import FlowSpec, step


class BranchToEndFlow(FlowSpec):
    """start -> prepare -> (a, b) -> end (no join)."""

    @step
    def start(self):
        self.base = 10
        self.next(self.prepare)

    @step
    def prepare(self):
        self.base += 1
        self.next(self.a, self.b)

    @step
    def a(self):
        self.x = self.base + 1
        self.next(self.end)

    @step
    def b(self):
        self.x = self.base + 2
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    BranchToEndFlow()

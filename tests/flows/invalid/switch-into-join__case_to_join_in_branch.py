# expect-rule: switch-into-join
# expect-step: b
# expect-line: 24
"""Invalid: inside a static branch, a switch case points straight at the join step."""
from flowkit import FlowSpec, step


class SwitchIntoJoinBranchFlow(FlowSpec):
    """start -> (a, b); b switches to join or slow; slow -> join; a -> join."""

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
        self.speed = "fast"
        self.next({"fast": self.join, "slow": self.slow}, condition="speed")

    @step
    def slow(self):
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
    SwitchIntoJoinBranchFlow()

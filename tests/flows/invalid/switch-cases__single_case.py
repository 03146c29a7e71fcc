# expect-rule: switch-cases
# expect-step: start
# expect-line: 14
"""Invalid: a switch with only one case."""
from flowkit import FlowSpec, step


class SingleCaseSwitchFlow(FlowSpec):
    """start switches on `mode`, but only one case is listed."""

    @step
    def start(self):
        self.mode = "fast"
        self.next({"fast": self.fast}, condition="mode")

    @step
    def fast(self):
        self.speed = 10
        self.next(self.end)

    @step
    def end(self):
        print("speed", self.speed)


if __name__ == "__main__":
    SingleCaseSwitchFlow()

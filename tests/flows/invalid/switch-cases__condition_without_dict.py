# expect-rule: switch-cases
# expect-step: start
# expect-line: 14
"""Invalid: condition= is given but the first argument is a step, not a dict of cases."""
from flowkit import FlowSpec, step


class ConditionWithoutDictFlow(FlowSpec):
    """start -> fast -> end, with a stray condition= argument."""

    @step
    def start(self):
        self.mode = "fast"
        self.next(self.fast, condition="mode")

    @step
    def fast(self):
        self.speed = 10
        self.next(self.end)

    @step
    def end(self):
        print("speed", self.speed)


if __name__ == "__main__":
    ConditionWithoutDictFlow()

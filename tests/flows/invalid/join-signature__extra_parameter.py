# expect-rule: join-signature
# expect-step: scale
# expect-line: 17
"""Invalid: a linear step takes an extra parameter, def scale(self, factor)."""
from flowkit import FlowSpec, step


class ExtraParameterFlow(FlowSpec):
    """start -> scale -> end, where scale has an extra argument."""

    @step
    def start(self):
        self.value = 3
        self.next(self.scale)

    @step
    def scale(self, factor):
        self.value = self.value * 2
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    ExtraParameterFlow()

# expect-rule: unknown-step
# expect-step: start
# expect-line: 14
"""Invalid: `start` transitions to self.trian, a typo of the step `train`."""
from flowkit import FlowSpec, step


class TypoTargetFlow(FlowSpec):
    """start -> train -> end, with a misspelled target."""

    @step
    def start(self):
        self.data = [3, 1, 2]
        self.next(self.trian)

    @step
    def train(self):
        self.model = sorted(self.data)
        self.next(self.end)

    @step
    def end(self):
        print("model", self.model)


if __name__ == "__main__":
    TypoTargetFlow()

# expect-rule: reserved-name
# expect-step: index
# expect-line: 17
"""Invalid: a step is named `index`, a reserved FlowSpec attribute."""
from flowkit import FlowSpec, step


class StepNamedIndexFlow(FlowSpec):
    """start -> index -> end."""

    @step
    def start(self):
        self.value = 1
        self.next(self.index)

    @step
    def index(self):
        self.value += 1
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    StepNamedIndexFlow()

# expect-rule: reserved-name
# expect-step: input
# expect-line: 17
"""Invalid: a step is named `input`, a reserved FlowSpec attribute."""
from flowkit import FlowSpec, step


class StepNamedInputFlow(FlowSpec):
    """start -> input -> end."""

    @step
    def start(self):
        self.value = 1
        self.next(self.input)

    @step
    def input(self):
        self.value += 1
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    StepNamedInputFlow()

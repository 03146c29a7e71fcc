# expect-rule: reserved-name
# expect-step: name
# expect-line: 17
"""Invalid: a step is named `name`, a reserved FlowSpec attribute."""
from flowkit import FlowSpec, step


class StepNamedNameFlow(FlowSpec):
    """start -> name -> end."""

    @step
    def start(self):
        self.value = 1
        self.next(self.name)

    @step
    def name(self):
        self.value += 1
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    StepNamedNameFlow()

# expect-rule: join-signature
# expect-step: process
# expect-line: 17
"""Invalid: a plain linear step is declared like a join, with an `inputs` argument."""
from flowkit import FlowSpec, step


class LinearStepWithInputsFlow(FlowSpec):
    """start -> process -> end, with process(self, inputs)."""

    @step
    def start(self):
        self.value = 1
        self.next(self.process)

    @step
    def process(self, inputs):
        self.value = 2
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    LinearStepWithInputsFlow()

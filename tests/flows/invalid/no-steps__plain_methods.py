# expect-rule: no-steps
# expect-step: -
# expect-line: 8
"""Invalid: every method of the flow forgot its @step decorator."""
from flowkit import FlowSpec, step


class PlainMethodsFlow(FlowSpec):
    """start and end are written like steps but are not decorated."""

    def start(self):
        self.value = 1
        self.next(self.end)

    def end(self):
        print(self.value)


if __name__ == "__main__":
    PlainMethodsFlow()

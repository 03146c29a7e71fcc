# expect-rule: bad-next-args
# expect-step: start
# expect-line: 14
"""Invalid: the transition target is called, self.next(self.end()), instead of referenced."""
from flowkit import FlowSpec, step


class CalledTargetFlow(FlowSpec):
    """start -> end, with the target step called by mistake."""

    @step
    def start(self):
        self.value = 1
        self.next(self.end())

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    CalledTargetFlow()

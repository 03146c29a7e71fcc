# expect-rule: next-not-last
# expect-step: start
# expect-line: 14
"""Invalid: `start` calls self.next twice; the first call is not the last statement."""
from flowkit import FlowSpec, step


class TwoNextCallsFlow(FlowSpec):
    """start -> end, but the transition is written twice."""

    @step
    def start(self):
        self.value = 1
        self.next(self.end)
        self.value += 1
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    TwoNextCallsFlow()

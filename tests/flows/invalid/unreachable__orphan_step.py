# expect-rule: unreachable
# expect-step: cleanup
# expect-line: 17
"""Invalid: the step `cleanup` is never the target of any self.next."""
from flowkit import FlowSpec, step


class OrphanStepFlow(FlowSpec):
    """start -> end, plus an orphan step."""

    @step
    def start(self):
        self.value = 1
        self.next(self.end)

    @step
    def cleanup(self):
        """Nothing transitions here."""
        self.value = 0
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    OrphanStepFlow()

# expect-rule: end-has-next
# expect-step: end
# expect-line: 17
"""Invalid: the `end` step calls self.next."""
from flowkit import FlowSpec, step


class EndHasNextFlow(FlowSpec):
    """start -> end, where end copies the transition boilerplate."""

    @step
    def start(self):
        self.value = 1
        self.next(self.end)

    @step
    def end(self):
        print("value", self.value)
        self.next(self.end)


if __name__ == "__main__":
    EndHasNextFlow()

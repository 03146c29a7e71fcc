# expect-rule: bad-next-args
# expect-step: start
# expect-line: 14
"""Invalid: the transition target is the string "end" instead of self.end."""
from flowkit import FlowSpec, step


class StringTargetFlow(FlowSpec):
    """start -> end, naming the target by a string."""

    @step
    def start(self):
        self.value = 1
        self.next("end")

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    StringTargetFlow()

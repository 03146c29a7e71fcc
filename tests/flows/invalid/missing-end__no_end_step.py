# expect-rule: missing-end
# expect-step: -
# expect-line: 8
"""Invalid: there is no step named `end`; the last step was called `finish`."""
from flowkit import FlowSpec, step


class NoEndFlow(FlowSpec):
    """start -> finish, where `finish` was meant to be `end`."""

    @step
    def start(self):
        self.value = 1
        self.next(self.finish)

    @step
    def finish(self):
        print("value is", self.value)


if __name__ == "__main__":
    NoEndFlow()

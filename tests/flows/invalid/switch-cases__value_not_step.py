# expect-rule: switch-cases
# expect-step: start
# expect-line: 14
"""Invalid: one switch case value is the string "b" instead of self.b."""
from flowkit import FlowSpec, step


class ValueNotStepSwitchFlow(FlowSpec):
    """start switches to a or b; both continue to after -> end."""

    @step
    def start(self):
        self.level = "high"
        self.next({"high": self.a, "low": self.b, "other": "b"}, condition="level")

    @step
    def a(self):
        self.label = "high"
        self.next(self.after)

    @step
    def b(self):
        self.label = "low"
        self.next(self.after)

    @step
    def after(self):
        print("label", self.label)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    ValueNotStepSwitchFlow()

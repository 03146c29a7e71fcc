# expect-rule: unknown-step
# expect-step: start
# expect-line: 15
"""Invalid: one case of a switch points at self.smal, which does not exist."""
from flowkit import FlowSpec, step


class SwitchCaseTypoFlow(FlowSpec):
    """A switch with three cases, one of them misspelled."""

    @step
    def start(self):
        self.size = 10
        self.route = "big" if self.size > 5 else "small"
        self.next({"big": self.big, "small": self.small, "empty": self.smal}, condition="route")

    @step
    def big(self):
        self.label = "big"
        self.next(self.report)

    @step
    def small(self):
        self.label = "small"
        self.next(self.report)

    @step
    def report(self):
        print("label", self.label)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    SwitchCaseTypoFlow()

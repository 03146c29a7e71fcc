# expect-rule: switch-foreach
# expect-step: start
# expect-line: 15
"""Invalid: a transition passes both condition= and foreach=."""
from flowkit import FlowSpec, step


class SwitchForeachFlow(FlowSpec):
    """start switches to a or b; both continue to after -> end."""

    @step
    def start(self):
        self.items = [1, 2]
        self.mode = "a"
        self.next({"a": self.a, "b": self.b}, condition="mode", foreach="items")

    @step
    def a(self):
        self.label = "a"
        self.next(self.after)

    @step
    def b(self):
        self.label = "b"
        self.next(self.after)

    @step
    def after(self):
        print("label", self.label)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    SwitchForeachFlow()

# expect-rule: switch-into-join
# expect-step: body
# expect-line: 20
"""Invalid: inside a foreach, a switch case points straight at the foreach join."""
from flowkit import FlowSpec, step


class SwitchIntoJoinForeachFlow(FlowSpec):
    """start -foreach-> body; body switches to join or work; work -> join."""

    @step
    def start(self):
        self.items = [0, 1, 2]
        self.next(self.body, foreach="items")

    @step
    def body(self):
        self.value = self.input
        self.action = "skip" if self.value == 0 else "work"
        self.next({"skip": self.join, "work": self.work}, condition="action")

    @step
    def work(self):
        self.value = self.value * 10
        self.next(self.join)

    @step
    def join(self, inputs):
        self.values = [i.value for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.values)


if __name__ == "__main__":
    SwitchIntoJoinForeachFlow()

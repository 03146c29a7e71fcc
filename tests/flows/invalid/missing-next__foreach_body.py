# expect-rule: missing-next
# expect-step: body
# expect-line: 17
"""Invalid: the foreach body step `body` has no self.next."""
from flowkit import FlowSpec, step


class MissingNextForeachFlow(FlowSpec):
    """start -foreach-> body -> join -> end, but body never transitions."""

    @step
    def start(self):
        self.items = ["a", "b", "c"]
        self.next(self.body, foreach="items")

    @step
    def body(self):
        self.upper = self.input.upper()

    @step
    def join(self, inputs):
        self.result = [i.upper for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.result)


if __name__ == "__main__":
    MissingNextForeachFlow()

# expect-rule: bad-next-args
# expect-step: start
# expect-line: 15
"""Invalid: the transition target is `other.end`, not an attribute of `self`."""
from flowkit import FlowSpec, step


class OtherObjectAttrFlow(FlowSpec):
    """start -> end, naming the target through another variable."""

    @step
    def start(self):
        other = self
        self.value = 1
        self.next(other.end)

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    OtherObjectAttrFlow()

# expect-rule: syntax-error
# expect-step: -
# expect-line: 14
"""Invalid: an `if` inside the start step is missing its colon (a real SyntaxError)."""
from flowkit import FlowSpec, step


class MissingColonFlow(FlowSpec):
    """start -> end, but start does not parse."""

    @step
    def start(self):
        self.count = 3
        if self.count > 1
            print("many")
        self.next(self.end)

    @step
    def end(self):
        print("count", self.count)


if __name__ == "__main__":
    MissingColonFlow()

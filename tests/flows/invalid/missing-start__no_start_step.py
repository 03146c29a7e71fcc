# expect-rule: missing-start
# expect-step: -
# expect-line: 8
"""Invalid: there is no step named `start`; the entry step was called `begin`."""
from flowkit import FlowSpec, step


class NoStartFlow(FlowSpec):
    """A two-step flow whose entry step was misnamed."""

    @step
    def begin(self):
        self.message = "hello"
        self.next(self.end)

    @step
    def end(self):
        print(self.message)


if __name__ == "__main__":
    NoStartFlow()

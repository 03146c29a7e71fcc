# expect-rule: reserved-name
# expect-step: -
# expect-line: 11
"""Invalid: a Parameter is named `input`, a reserved FlowSpec attribute."""
from flowkit import FlowSpec, Parameter, step


class ParameterNamedInputFlow(FlowSpec):
    """start -> end with one parameter."""

    input = Parameter("input", help="Path of the input file", default="data.csv")

    @step
    def start(self):
        print("reading", self.input)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    ParameterNamedInputFlow()

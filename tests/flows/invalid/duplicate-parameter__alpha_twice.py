# expect-rule: duplicate-parameter
# expect-step: -
# expect-line: 12
"""Invalid: two Parameter attributes both use the parameter name "alpha"."""
from flowkit import FlowSpec, Parameter, step


class DuplicateParameterFlow(FlowSpec):
    """start -> end with two parameters that clash on the command line."""

    alpha = Parameter("alpha", help="Learning rate", default=0.01)
    learning_rate = Parameter("alpha", help="Learning rate again", default=0.1)

    @step
    def start(self):
        print("alpha", self.alpha, "learning_rate", self.learning_rate)
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    DuplicateParameterFlow()

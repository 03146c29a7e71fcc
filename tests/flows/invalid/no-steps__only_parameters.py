# expect-rule: no-steps
# expect-step: -
# expect-line: 8
"""Invalid: a flow class with parameters, a constant and a helper, but no steps."""
from flowkit import FlowSpec, Parameter


class OnlyParametersFlow(FlowSpec):
    """Declares its inputs but no @step methods yet."""

    alpha = Parameter("alpha", help="Learning rate", default=0.01)
    LR = 0.1

    def helper(self):
        return self.alpha * 2


if __name__ == "__main__":
    OnlyParametersFlow()

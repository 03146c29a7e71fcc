"""A step that assigns to a Parameter: the run must fail, saying the parameter is read-only."""
from flowkit import FlowSpec, Parameter, step


class ParamAssignFlow(FlowSpec):
    """start tries `self.alpha = 2`; alpha is a Parameter, so the task fails."""

    alpha = Parameter("alpha", default=1, help="read-only inside steps")

    @step
    def start(self):
        """Assign to the parameter (not allowed)."""
        self.alpha = 2
        self.next(self.end)

    @step
    def end(self):
        """Never reached."""
        print("alpha", self.alpha)


if __name__ == "__main__":
    ParamAssignFlow()

"""Valid switch: start picks branch a ("high") or b ("low") from self.level; the branches converge in a linear step."""
from flowkit import FlowSpec, step


class SwitchFlow(FlowSpec):
    """start -switch-> (a | b) -> report -> end; exactly one branch runs."""

    @step
    def start(self):
        """Decide which branch runs."""
        self.score = 7
        self.level = "high" if self.score > 5 else "low"
        self.next({"high": self.a, "low": self.b}, condition="level")

    @step
    def a(self):
        """Runs when level == "high"."""
        self.message = "score %d is high" % self.score
        self.next(self.report)

    @step
    def b(self):
        """Runs when level == "low"."""
        self.message = "score %d is low" % self.score
        self.next(self.report)

    @step
    def report(self):
        """A normal linear step (no inputs): only the chosen branch arrives here."""
        print(self.message)
        self.next(self.end)

    @step
    def end(self):
        """Done."""
        print("level:", self.level)


if __name__ == "__main__":
    SwitchFlow()

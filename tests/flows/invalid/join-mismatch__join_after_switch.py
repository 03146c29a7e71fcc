# expect-rule: join-mismatch
# expect-step: merge
# expect-line: 28
"""Invalid: the arms of a switch converge in a join step, but a switch is not a split."""
from flowkit import FlowSpec, step


class JoinAfterSwitchFlow(FlowSpec):
    """start switches to accept or reject; both go to `merge`, declared as a join."""

    @step
    def start(self):
        self.score = 0.8
        self.grade = "pass" if self.score > 0.5 else "fail"
        self.next({"pass": self.accept, "fail": self.reject}, condition="grade")

    @step
    def accept(self):
        self.verdict = "accepted"
        self.next(self.merge)

    @step
    def reject(self):
        self.verdict = "rejected"
        self.next(self.merge)

    @step
    def merge(self, inputs):
        self.verdicts = [i.verdict for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print(self.verdicts)


if __name__ == "__main__":
    JoinAfterSwitchFlow()

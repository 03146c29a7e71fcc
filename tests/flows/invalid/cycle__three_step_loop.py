# expect-rule: cycle
# expect-step: check
# expect-line: 30
"""Invalid: fetch -> parse -> check -> fetch loop closed by check's switch."""
from flowkit import FlowSpec, step


class ThreeStepLoopFlow(FlowSpec):
    """start -> fetch -> parse -> check; check switches back to fetch or on to end."""

    @step
    def start(self):
        self.attempts = 0
        self.next(self.fetch)

    @step
    def fetch(self):
        self.attempts += 1
        self.raw = str(self.attempts)
        self.next(self.parse)

    @step
    def parse(self):
        self.value = int(self.raw)
        self.next(self.check)

    @step
    def check(self):
        self.outcome = "ok" if self.value >= 2 else "retry"
        self.next({"retry": self.fetch, "ok": self.end}, condition="outcome")

    @step
    def end(self):
        print("value", self.value)


if __name__ == "__main__":
    ThreeStepLoopFlow()

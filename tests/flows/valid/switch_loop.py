"""Valid switch loop: step `loop` points back at itself through a switch case until its counter reaches 3."""
from flowkit import FlowSpec, step


class SwitchLoopFlow(FlowSpec):
    """start -> loop (-> loop ...) -> finish -> end."""

    @step
    def start(self):
        """Initialise the counter."""
        self.count = 0
        self.next(self.loop)

    @step
    def loop(self):
        """Increment; repeat this same step until count reaches 3."""
        self.count += 1
        print("iteration", self.count)
        self.status = "done" if self.count >= 3 else "again"
        self.next({"again": self.loop, "done": self.finish}, condition="status")

    @step
    def finish(self):
        """Runs once, after the loop exits."""
        self.final = self.count
        self.next(self.end)

    @step
    def end(self):
        """Report the final count (always 3)."""
        print("count:", self.final)


if __name__ == "__main__":
    SwitchLoopFlow()

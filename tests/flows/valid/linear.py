"""Valid linear flow: start -> add -> double -> end, passing one artifact along."""
from flowkit import FlowSpec, step


class LinearFlow(FlowSpec):
    """A straight line of steps; each step updates `self.value`."""

    @step
    def start(self):
        """Set the initial value."""
        self.value = 1
        self.next(self.add)

    @step
    def add(self):
        """Add two."""
        self.value += 2
        self.next(self.double)

    @step
    def double(self):
        """Double the value."""
        self.value *= 2
        self.next(self.end)

    @step
    def end(self):
        """Report the result (always 6)."""
        print("value:", self.value)


if __name__ == "__main__":
    LinearFlow()

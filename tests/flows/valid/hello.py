"""Valid hello-world flow: start -> hello -> end, each step printing a line."""
from flowkit import FlowSpec, step


class HelloFlow(FlowSpec):
    """
    A flow that says hi.

    Run it to check that flowkit is installed correctly.
    """

    @step
    def start(self):
        """Every flow begins with a step named `start`."""
        print("HelloFlow is starting.")
        self.next(self.hello)

    @step
    def hello(self):
        """Say hi."""
        print("flowkit says: Hi!")
        self.next(self.end)

    @step
    def end(self):
        """Every flow finishes with a step named `end`."""
        print("HelloFlow is all done.")


if __name__ == "__main__":
    HelloFlow()

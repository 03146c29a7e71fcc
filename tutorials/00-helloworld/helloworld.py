"""The smallest useful flow: three steps, one artifact, one parameter.

    python helloworld.py show
    python helloworld.py run --name Ada
"""

from flowkit import FlowSpec, Parameter, step


class HelloFlow(FlowSpec):
    """Say hello, remember it, say goodbye."""

    name_to_greet = Parameter("name", default="world", help="who to greet")

    @step
    def start(self):
        """Compose the greeting and keep it as an artifact."""
        self.greeting = f"Hello, {self.name_to_greet}!"
        print(self.greeting)
        self.next(self.hello)

    @step
    def hello(self):
        """Every attribute set on self is saved, versioned, and visible to later steps."""
        self.length = len(self.greeting)
        print(f"The greeting has {self.length} characters.")
        self.next(self.end)

    @step
    def end(self):
        """The last step of every flow."""
        print(f"{self.greeting} Goodbye.")


if __name__ == "__main__":
    HelloFlow()

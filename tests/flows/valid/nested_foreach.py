"""Valid nested foreach: a foreach over letters containing a foreach over numbers, using self.foreach_stack()."""
from flowkit import FlowSpec, step


class NestedForeachFlow(FlowSpec):
    """start -foreach-> outer -foreach-> inner -> inner_join -> outer_join -> end."""

    @step
    def start(self):
        """Fan out over the letters."""
        self.letters = ["a", "b"]
        self.next(self.outer, foreach="letters")

    @step
    def outer(self):
        """One task per letter; fan out again over the numbers."""
        self.letter = self.input
        self.numbers = [1, 2, 3]
        self.next(self.inner, foreach="numbers")

    @step
    def inner(self):
        """One task per (letter, number); record where we are in both loops."""
        stack = self.foreach_stack()
        # Each entry is (index, number of splits, value), outermost first.
        self.position = [(index, count) for index, count, _ in stack]
        self.label = "%s%d" % (stack[0][2], stack[1][2])
        print("inner task", self.label, "at", self.position)
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        """Close the inner foreach: gather the labels of one letter."""
        self.labels = [inp.label for inp in inputs]
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        """Close the outer foreach: gather every label."""
        self.all_labels = [label for inp in inputs for label in inp.labels]
        self.next(self.end)

    @step
    def end(self):
        """Report the labels (a1 a2 a3 b1 b2 b3)."""
        print("labels:", " ".join(self.all_labels))


if __name__ == "__main__":
    NestedForeachFlow()

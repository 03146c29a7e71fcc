# expect-rule: unclosed-split
# expect-step: start
# expect-line: 12
"""Invalid: two nested foreaches but only one join; the outer foreach is never closed."""
from flowkit import FlowSpec, step


class NestedForeachOneJoinFlow(FlowSpec):
    """start -foreach-> outer -foreach-> inner -> join_inner -> end (outer join missing)."""

    @step
    def start(self):
        self.groups = ["x", "y"]
        self.next(self.outer, foreach="groups")

    @step
    def outer(self):
        self.group = self.input
        self.members = [1, 2, 3]
        self.next(self.inner, foreach="members")

    @step
    def inner(self):
        self.label = "%s%d" % (self.group, self.input)
        self.next(self.join_inner)

    @step
    def join_inner(self, inputs):
        self.labels = [i.label for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        print("done")


if __name__ == "__main__":
    NestedForeachOneJoinFlow()

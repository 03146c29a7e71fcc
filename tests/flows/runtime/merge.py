"""Branches that agree on `shared` and disagree on `mode`; `exclude` decides if the join works."""
from flowkit import FlowSpec, JSONType, Parameter, step


class MergeFlow(FlowSpec):
    exclude = Parameter("exclude", type=JSONType, default='["mode"]')

    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.shared = [1, 2, 3]
        self.mode = "a"
        self.only_a = "from a"
        self.next(self.join)

    @step
    def b(self):
        self.shared = [1, 2, 3]
        self.mode = "b"
        self.next(self.join)

    @step
    def join(self, inputs):
        self.merge_artifacts(inputs, exclude=self.exclude)
        self.next(self.end)

    @step
    def end(self):
        print("shared", self.shared, "only_a", self.only_a)


if __name__ == "__main__":
    MergeFlow()

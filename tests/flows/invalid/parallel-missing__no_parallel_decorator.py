# expect-rule: parallel-missing
# expect-step: start
# expect-line: 13
"""Invalid: num_parallel targets a step that has no @parallel decorator."""
from flowkit import FlowSpec, current, step


class NoParallelDecoratorFlow(FlowSpec):
    """start -num_parallel-> train -> join -> end, but train is not @parallel."""

    @step
    def start(self):
        self.next(self.train, num_parallel=4)

    @step
    def train(self):
        self.rank = current.parallel.node_index
        self.next(self.join)

    @step
    def join(self, inputs):
        self.ranks = sorted(i.rank for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        print(self.ranks)


if __name__ == "__main__":
    NoParallelDecoratorFlow()

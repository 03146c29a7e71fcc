"""Valid @parallel: start -> train (num_parallel=3, a @parallel step) -> join -> end."""
from flowkit import FlowSpec, current, parallel, step


class ParallelFlow(FlowSpec):
    """Three gang-scheduled `train` tasks, followed by a join."""

    @step
    def start(self):
        """Launch three parallel workers."""
        self.next(self.train, num_parallel=3)

    @parallel
    @step
    def train(self):
        """Each worker records its node index."""
        self.node_index = current.parallel.node_index
        self.num_nodes = current.parallel.num_nodes
        print("worker", self.node_index, "of", self.num_nodes)
        self.next(self.join)

    @step
    def join(self, inputs):
        """A @parallel step is always followed by a join."""
        self.nodes = sorted(inp.node_index for inp in inputs)
        self.next(self.end)

    @step
    def end(self):
        """Report the node indexes ([0, 1, 2])."""
        print("nodes:", self.nodes)


if __name__ == "__main__":
    ParallelFlow()

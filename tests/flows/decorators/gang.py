"""A @parallel gang of 3 recording what current.parallel tells each member."""
from flowkit import FlowSpec, current, parallel, step


class GangFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train, num_parallel=3)

    @parallel
    @step
    def train(self):
        p = current.parallel
        self.seen = (p.main_ip, p.num_nodes, p.node_index, p.control_task_id, current.task_id)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.members = sorted(i.seen for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    GangFlow()

"""A foreach whose tasks each ask for every CPU of the machine (cpu=Parameter-free: set by env)."""
import os
import time

from flowkit import FlowSpec, resources, step

CPUS = int(os.environ.get("HUNGRY_CPUS", "1"))


class HungryFlow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(4))
        self.next(self.work, foreach="items")

    @resources(cpu=CPUS, memory=100)
    @step
    def work(self):
        self.began = time.time()
        time.sleep(0.3)
        self.ended = time.time()
        self.next(self.join)

    @step
    def join(self, inputs):
        self.spans = sorted((i.began, i.ended) for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    HungryFlow()

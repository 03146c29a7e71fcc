"""A foreach over `n` items (tests of --max-num-splits and of concurrency)."""
import os
import time

from flowkit import FlowSpec, Parameter, step


class FanoutFlow(FlowSpec):
    n = Parameter("n", default=5)

    @step
    def start(self):
        self.items = list(range(self.n))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.pid = os.getpid()
        self.began = time.time()
        self.value = self.input * 10
        self.next(self.join)

    @step
    def join(self, inputs):
        self.values = [i.value for i in inputs]
        self.pids = sorted({i.pid for i in inputs})
        self.next(self.end)

    @step
    def end(self):
        print("sum", sum(self.values))


if __name__ == "__main__":
    FanoutFlow()

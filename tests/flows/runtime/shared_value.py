"""Stores the same 8 MB value as `big` in two tasks (dedup tests). Copy to rename the flow."""
import random

from flowkit import FlowSpec, step


class SharedValueFlow(FlowSpec):
    @step
    def start(self):
        self.big = random.Random(7).randbytes(8 << 20)
        self.next(self.again)

    @step
    def again(self):
        self.copy = bytes(bytearray(random.Random(7).randbytes(8 << 20)))
        self.next(self.end)

    @step
    def end(self):
        assert self.big == self.copy


if __name__ == "__main__":
    SharedValueFlow()

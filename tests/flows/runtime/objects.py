"""Artifacts of a class defined in the flow file, a numpy array, and a private attribute."""
import numpy as np

from flowkit import FlowSpec, step


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm2(self):
        return self.x * self.x + self.y * self.y


class ObjectsFlow(FlowSpec):
    @step
    def start(self):
        self.point = Point(3, 4)
        self.array = np.arange(1_000_000, dtype=np.float64)
        self.rng_draw = float(np.random.random())
        self._private = "not an artifact"
        self.next(self.end)

    @step
    def end(self):
        assert self.point.norm2() == 25
        self.total = float(self.array.sum())


if __name__ == "__main__":
    ObjectsFlow()

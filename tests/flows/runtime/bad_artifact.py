"""A step that stores something that cannot be pickled."""
import threading

from flowkit import FlowSpec, step


class BadArtifactFlow(FlowSpec):
    @step
    def start(self):
        self.fine = 1
        self.lock = threading.Lock()
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BadArtifactFlow()

"""@timeout on a sleeping step and on a busy loop; with @catch the flow continues."""
import time

from flowkit import FlowSpec, Parameter, catch, step, timeout


class TimingOutFlow(FlowSpec):
    mode = Parameter("mode", default="sleep", help="sleep, busy or quick")

    @step
    def start(self):
        self.next(self.slow)

    @timeout(seconds=1)
    @step
    def slow(self):
        self.started = time.time()
        if self.mode == "sleep":
            time.sleep(1000)
        elif self.mode == "busy":
            while True:
                pass
        self.next(self.end)

    @step
    def end(self):
        pass


class CaughtTimeoutFlow(TimingOutFlow):
    pass


if __name__ == "__main__":
    TimingOutFlow()

"""A flow whose `work` step fails in the way the `mode` parameter says (tests of crash isolation)."""
import ctypes
import os
import signal
import sys
import time

from flowkit import FlowSpec, Parameter, step


class CrashFlow(FlowSpec):
    mode = Parameter("mode", default="ok", help="ok, raise, segfault, exit, sigkill, sleep")

    @step
    def start(self):
        self.before = "kept"
        self.next(self.work)

    @step
    def work(self):
        self.partial = 1
        print("working in", os.getpid(), flush=True)
        if self.mode == "raise":
            self.explode()
        elif self.mode == "segfault":
            ctypes.string_at(0)
        elif self.mode == "exit":
            os._exit(3)
        elif self.mode == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.mode == "sleep":
            print("ready", flush=True)
            time.sleep(120)
        self.done = True
        self.next(self.end)

    def explode(self):
        raise ValueError("the work step broke on purpose")

    @step
    def end(self):
        print("finished")


if __name__ == "__main__":
    CrashFlow()

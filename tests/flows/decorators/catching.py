"""@catch after @retry is exhausted: the flow goes on with the exception in self.failure."""
import os

from flowkit import FlowSpec, Parameter, catch, current, retry, step


class CatchingFlow(FlowSpec):
    mode = Parameter("mode", default="raise", help="raise or crash")

    @step
    def start(self):
        self.next(self.fragile)

    @catch(var="failure")
    @retry(times=1, minutes_between_retries=0)
    @step
    def fragile(self):
        self.before = "set before the failure"
        print("attempt", current.retry_count)
        if self.mode == "crash":
            os._exit(7)
        self.lookup()
        self.next(self.end)

    def lookup(self):
        raise KeyError("no such row")

    @step
    def end(self):
        # a crashed process never stored `before`; a raising step did
        self.saw = (self.failure.type, self.failure.exception, getattr(self, "before", None))


if __name__ == "__main__":
    CatchingFlow()

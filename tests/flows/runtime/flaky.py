"""A step that fails on its first two attempts and succeeds on the third."""
from flowkit import FlowSpec, current, retry, step


class FlakyFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.flaky)

    @retry(times=3, minutes_between_retries=0)
    @step
    def flaky(self):
        print("attempt", current.retry_count)
        if current.retry_count < 2:
            raise RuntimeError(f"flaky failure on attempt {current.retry_count}")
        self.succeeded_on = current.retry_count
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    FlakyFlow()

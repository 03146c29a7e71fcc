"""@environment and inline @secrets reach the task's environment; secrets are never stored."""
import os

from flowkit import FlowSpec, environment, secrets, step

SOURCE = {"type": "inline", "options": {"env_vars": {"DB_PASSWORD": "s3cr3t-value"}}}


class EnvFlow(FlowSpec):
    @environment(vars={"MODE": "fast", "LEVEL": 3})
    @secrets(sources=[SOURCE])
    @step
    def start(self):
        self.mode = os.environ["MODE"]
        self.level = os.environ["LEVEL"]
        self.password_length = len(os.environ["DB_PASSWORD"])
        self.next(self.end)

    @step
    def end(self):
        self.leaked = os.environ.get("DB_PASSWORD")


if __name__ == "__main__":
    EnvFlow()

"""IncludeFile: a local file read at launch and stored once as an artifact."""
from flowkit import FlowSpec, IncludeFile, step


class IncludeFlow(FlowSpec):
    notes = IncludeFile("notes", help="a text file", required=True)
    blob = IncludeFile("blob", is_text=False, default=None)

    @step
    def start(self):
        self.lines = len(self.notes.splitlines())
        self.next(self.end)

    @step
    def end(self):
        print("lines", self.lines, "blob", type(self.blob).__name__)


if __name__ == "__main__":
    IncludeFlow()

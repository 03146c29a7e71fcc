"""Valid parameters: str, int, float, bool and JSONType Parameters (one required) plus a class constant LR."""
from flowkit import FlowSpec, JSONType, Parameter, step


class ParametersFlow(FlowSpec):
    """start -> end, printing every parameter; run with `--dataset NAME`."""

    LR = 0.1

    dataset = Parameter("dataset", help="Name of the dataset (required)", type=str, required=True)
    greeting = Parameter("greeting", help="A string", type=str, default="hello")
    epochs = Parameter("epochs", help="An integer", type=int, default=3)
    ratio = Parameter("ratio", help="A float", type=float, default=0.5)
    verbose = Parameter("verbose", help="A boolean flag", type=bool, default=False)
    config = Parameter("config", help="A JSON object", type=JSONType, default='{"layers": 2, "act": "relu"}')

    @step
    def start(self):
        """Read every parameter and the constant."""
        self.steps = int(self.epochs * self.ratio * 10)
        self.layers = self.config["layers"]
        print("dataset:", self.dataset, "greeting:", self.greeting)
        print("epochs:", self.epochs, "ratio:", self.ratio, "verbose:", self.verbose)
        print("config:", self.config, "LR:", self.LR)
        self.next(self.end)

    @step
    def end(self):
        """Report derived values."""
        print("steps:", self.steps, "layers:", self.layers, "lr:", self.LR)


if __name__ == "__main__":
    ParametersFlow()

"""Every graph form in one flow, failing where the FAIL variable says (e.g. FAIL=sq:2)."""
import os

from flowkit import FlowSpec, Parameter, current, step


def maybe_fail(where):
    if os.environ.get("FAIL") == where:
        raise RuntimeError(f"injected failure at {where}")


class ResumableFlow(FlowSpec):
    scale = Parameter("scale", default=1)

    @step
    def start(self):
        self.items = [0, 1, 2, 3]
        self.level = "hi"
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.sq, foreach="items")

    @step
    def sq(self):
        maybe_fail(f"sq:{self.index}")
        self.value = self.input * self.input * self.scale
        self.blob = bytes(range(256)) * 4096 * (self.index + 1)   # ~1 MB apiece, distinct
        self.next(self.a_join)

    @step
    def a_join(self, inputs):
        self.squares = [i.value for i in inputs]
        self.next(self.join)

    @step
    def b(self):
        self.next({"hi": self.b_hi, "lo": self.b_lo}, condition="level")

    @step
    def b_hi(self):
        maybe_fail("b_hi")
        self.side = "high"
        self.next(self.b_done)

    @step
    def b_lo(self):
        self.side = "low"
        self.next(self.b_done)

    @step
    def b_done(self):
        self.next(self.join)

    @step
    def join(self, inputs):
        self.squares = inputs.a_join.squares
        self.side = inputs.b_done.side
        self.outer_items = [10, 20]
        self.next(self.outer, foreach="outer_items")

    @step
    def outer(self):
        self.inner_items = [1, 2, 3]
        self.next(self.inner, foreach="inner_items")

    @step
    def inner(self):
        stack = self.foreach_stack()
        maybe_fail(f"inner:{stack[0][0]}:{stack[1][0]}")
        self.product = stack[0][2] * stack[1][2]
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        self.products = [i.product for i in inputs]
        self.merge_artifacts(inputs, exclude=["product"])
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        self.all_products = [p for i in inputs for p in i.products]
        self.merge_artifacts(inputs, exclude=["products"])
        self.next(self.end)

    @step
    def end(self):
        maybe_fail("end")
        self.origin = current.origin_run_id
        self.summary = (self.squares, self.side, self.all_products)


if __name__ == "__main__":
    ResumableFlow()

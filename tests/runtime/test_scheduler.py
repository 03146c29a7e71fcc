"""The scheduler alone: no processes, no files. Each test drives it with outcomes by hand."""

from flowkit import FlowSpec, parallel, step
from flowkit.graph.parse import parse_flow
from flowkit.runtime.scheduler import Outcome, Scheduler


class Branchy(FlowSpec):
    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.join)

    @step
    def b(self):
        self.next(self.join)

    @step
    def join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


class Fanout(FlowSpec):
    @step
    def start(self):
        self.next(self.outer, foreach="xs")

    @step
    def outer(self):
        self.next(self.inner, foreach="ys")

    @step
    def inner(self):
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


class Looping(FlowSpec):
    @step
    def start(self):
        self.next(self.loop)

    @step
    def loop(self):
        self.next({"again": self.loop, "done": self.end}, condition="state")

    @step
    def end(self):
        pass


class Gang(FlowSpec):
    @step
    def start(self):
        self.next(self.train, num_parallel=3)

    @parallel
    @step
    def train(self):
        self.next(self.join)

    @step
    def join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


def finish(sched, task, **transition):
    sched.done(task.task_id, Outcome(True, transition))


def drain(sched):
    return sched.ready()


def test_static_branch_runs_both_arms_and_joins_once_both_finished():
    sched = Scheduler(parse_flow(Branchy))
    sched.start()
    (start,) = drain(sched)
    finish(sched, start, targets=["a", "b"])
    a, b = drain(sched)
    assert {a.step, b.step} == {"a", "b"}
    finish(sched, a)
    assert drain(sched) == []            # the join waits for b
    finish(sched, b)
    (join,) = drain(sched)
    assert join.step == "join"
    assert [i[0] for i in join.inputs] == ["a", "b"]   # ordered by arm, not by finish time
    assert join.frames == []
    finish(sched, join)
    (end,) = drain(sched)
    finish(sched, end)
    assert sched.end_done and sched.finished


def test_nested_foreach_joins_each_inner_split_separately():
    sched = Scheduler(parse_flow(Fanout))
    sched.start()
    (start,) = drain(sched)
    finish(sched, start, targets=["outer"], foreach="xs", num_splits=2)
    outers = drain(sched)
    assert [t.frames[-1]["index"] for t in outers] == [0, 1]
    for o in outers:
        finish(sched, o, targets=["inner"], foreach="ys", num_splits=3)
    inners = drain(sched)
    assert len(inners) == 6
    assert all(len(t.frames) == 2 for t in inners)
    # finish the inner tasks of the second outer split first, in reverse order
    for t in reversed(inners[3:]):
        finish(sched, t)
    (ij,) = drain(sched)
    assert ij.step == "inner_join" and [f["index"] for f in ij.frames] == [1]
    assert [i[1] for i in ij.inputs] == [t.task_id for t in inners[3:]]
    for t in inners[:3]:
        finish(sched, t)
    (ij0,) = drain(sched)
    finish(sched, ij0)
    assert drain(sched) == []
    finish(sched, ij)
    (oj,) = drain(sched)
    assert oj.step == "outer_join" and oj.frames == []
    assert len(oj.inputs) == 2


def test_switch_loops_on_its_own_step_until_the_condition_changes():
    sched = Scheduler(parse_flow(Looping))
    sched.start()
    (start,) = drain(sched)
    finish(sched, start, targets=["loop"])
    seen = []
    for _ in range(3):
        (loop,) = drain(sched)
        seen.append(loop.task_id)
        finish(sched, loop, targets=["loop"], switch="again")
    (loop,) = drain(sched)
    finish(sched, loop, targets=["end"], switch="done")
    (end,) = drain(sched)
    assert end.step == "end" and len(set(seen)) == 3


def test_parallel_gang_is_planned_together_and_joined_whole():
    sched = Scheduler(parse_flow(Gang))
    sched.start()
    (start,) = drain(sched)
    finish(sched, start, targets=["train"], num_parallel=3)
    gang = drain(sched)
    assert len(gang) == 3 and len({t.gang for t in gang}) == 1
    assert gang[0].gang == (gang[0].task_id, 3)
    for t in gang:
        finish(sched, t)
    (join,) = drain(sched)
    assert len(join.inputs) == 3


def test_a_failed_task_plans_nothing_after_it():
    sched = Scheduler(parse_flow(Branchy))
    sched.start()
    (start,) = drain(sched)
    sched.done(start.task_id, Outcome(False))
    assert drain(sched) == [] and sched.failed == [start.task_id] and sched.finished

"""Local admission control, without processes: --max-workers, @resources and GPU assignment."""

from flowkit import FlowSpec, resources, step
from flowkit.decorators.resources import Request, allocate_gpus
from flowkit.runtime.admission import Admission
from flowkit.runtime.scheduler import PlannedTask


class Mixed(FlowSpec):
    @step
    def start(self):
        self.next(self.big)

    @resources(cpu=2, memory=1000)
    @step
    def big(self):
        self.next(self.gpu)

    @resources(cpu=1, gpu=2)
    @step
    def gpu(self):
        self.next(self.end)

    @step
    def end(self):
        pass


def task(step, tid="1", gang=None):
    return PlannedTask(tid, step, [("_parameters", "0")], [], gang)


def test_gpus_are_given_lowest_free_first_and_never_twice():
    assert allocate_gpus([0, 1, 2, 3], [], 2) == [0, 1]
    assert allocate_gpus([0, 1, 2, 3], [0, 1], 2) == [2, 3]
    assert allocate_gpus([0, 1, 2, 3], [1, 3], 1) == [0]
    assert allocate_gpus([0, 1], [0], 2) is None


def test_two_tasks_that_each_need_all_cpus_never_run_together():
    adm = Admission(Mixed, Request(2, 8000, 0), max_workers=16)
    queue = [task("big", "1"), task("big", "2")]
    (first,) = adm.pick(queue)
    adm.reserve(first.task_id, first.step)
    assert adm.pick(queue) is None            # the second waits
    adm.release(first.task_id)
    assert adm.pick(queue)[0].task_id == "2"


def test_undecorated_tasks_are_bounded_only_by_max_workers():
    adm = Admission(Mixed, Request(2, 8000, 0), max_workers=3)
    queue = [task("end", str(i)) for i in range(5)]
    started = []
    while True:
        got = adm.pick(queue)
        if not got:
            break
        adm.reserve(got[0].task_id, "end")
        started.append(got[0])
    assert len(started) == 3


def test_a_request_larger_than_the_machine_is_reported_not_queued_forever():
    adm = Admission(Mixed, Request(2, 8000, 1), max_workers=16, gpus=[0])
    assert adm.too_big(task("big")) is None
    why = adm.too_big(task("gpu"))
    assert "asks for 2 GPUs (this machine has 1)" in why


def test_gpu_tasks_get_disjoint_devices():
    adm = Admission(Mixed, Request(8, 8000, 4), max_workers=16, gpus=[0, 1, 2, 3])
    assert adm.reserve("a", "gpu") == [0, 1]
    assert adm.reserve("b", "gpu") == [2, 3]
    adm.release("a")
    assert adm.reserve("c", "gpu") == [0, 1]


def test_a_gang_starts_whole_or_not_at_all():
    adm = Admission(Mixed, Request(4, 8000, 0), max_workers=1)
    gang = [task("big", str(i), gang=("0", 3)) for i in range(3)]
    assert adm.pick(list(gang)) is None        # 3 x 2 CPUs never fit beside nothing on 4 CPUs
    small = [task("end", str(i), gang=("0", 3)) for i in range(3)]
    assert len(adm.pick(small)) == 3            # a gang ignores --max-workers


def test_gpu_requests_run_on_the_cpu_when_the_machine_has_no_gpus():
    adm = Admission(Mixed, Request(8, 8000, 0), max_workers=16, gpus=[])
    assert adm.too_big(task("gpu")) is None
    assert adm.request("gpu").gpu == 0
    assert adm.reserve("a", "gpu") == []

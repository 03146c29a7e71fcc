"""Which planned task may start now, given --max-workers and the @resources of running tasks.

Pure bookkeeping (no processes): ``pick`` chooses the first queued task that fits, a @parallel
gang only as a whole; ``reserve``/``release`` track what running tasks hold; a request larger
than the whole machine is reported so the runtime can fail that task at once.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from ..decorators.base import find_decorator
from ..decorators.resources import Request, allocate_gpus
from .scheduler import PlannedTask


class Admission:
    def __init__(self, flow_cls: type, capacity: Request, max_workers: int,
                 gpus: Sequence[int] = ()) -> None:
        self.flow_cls = flow_cls
        self.capacity = capacity
        self.max_workers = max_workers
        self.gpus = list(gpus)
        self.used = Request()
        self.running = 0
        self.held: Dict[str, Tuple[Request, List[int]]] = {}

    def request(self, step: str) -> Request:
        deco = find_decorator(getattr(self.flow_cls, step), "resources")
        if deco is None:
            return Request()
        req = deco.request
        if req.gpu and not self.gpus:  # no GPUs here: run on the CPU, as SPEC §4 says
            return Request(req.cpu, req.memory, 0)
        return req

    def too_big(self, task: PlannedTask) -> Optional[str]:
        """Why the task can never run on this machine, or None."""
        req = self.request(task.step)
        size = task.gang[1] if task.gang else 1
        total = Request(req.cpu * size, req.memory * size, req.gpu * size)
        if total.fits(Request(), self.capacity):
            return None
        what = []
        if total.cpu > self.capacity.cpu:
            what.append(f"{total.cpu:g} CPUs (this machine has {self.capacity.cpu:g})")
        if total.memory > self.capacity.memory:
            what.append(f"{total.memory:g} MB of memory (this machine has "
                        f"{self.capacity.memory:.0f} MB)")
        if total.gpu > self.capacity.gpu:
            what.append(f"{total.gpu} GPUs (this machine has {self.capacity.gpu})")
        return f"step '{task.step}' asks for " + " and ".join(what) + \
            (f" across its gang of {size}" if size > 1 else "")

    def pick(self, queue: List[PlannedTask]) -> Optional[List[PlannedTask]]:
        """Remove and return the next task (or whole gang) that may start now, if any."""
        if self.running >= self.max_workers and not any(t.gang for t in queue):
            return None
        for i, task in enumerate(queue):
            if task.gang is None:
                if self.running >= self.max_workers:
                    continue
                if self.request(task.step).fits(self.used, self.capacity):
                    return [queue.pop(i)]
                continue
            gang = [t for t in queue if t.gang == task.gang]
            req = self.request(task.step)
            total = Request(req.cpu * len(gang), req.memory * len(gang), req.gpu * len(gang))
            if total.fits(self.used, self.capacity):
                queue[:] = [t for t in queue if t.gang != task.gang]
                return gang
        return None

    def reserve(self, key: str, step: str) -> List[int]:
        """Hold the step's request for a starting task; returns the GPUs it gets."""
        req = self.request(step)
        in_use = [g for _, gpus in self.held.values() for g in gpus]
        gpus = allocate_gpus(self.gpus, in_use, req.gpu) or [] if req.gpu else []
        self.held[key] = (req, gpus)
        self.used = self.used + req
        self.running += 1
        return gpus

    def release(self, key: str) -> None:
        req, _ = self.held.pop(key, (Request(), []))
        self.used = self.used - req
        self.running -= 1

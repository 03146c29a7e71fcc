"""The scheduler: a pure state machine over the graph that says which tasks are ready.

``ready()`` hands out planned tasks; ``done(task_id, outcome)`` reports how one ended. No
processes, files or clocks here, so every graph form is unit-tested directly.

Splits open *frames*: a static branch, a foreach and a @parallel gang each push one frame
(kind, split step, split task, index, n) onto the tasks below them, and the join that closes
the split pops it. A join's barrier is keyed by the frames above the closed split plus the
split task, and it fires when all ``n`` inputs arrived; its inputs are ordered by index. A
switch pushes nothing: it picks one target (possibly its own step again, to loop).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..graph.parse import FOREACH, PARALLEL, SPLIT, FlowGraph

Frame = Dict[str, Any]
PARAMS_STEP, PARAMS_TASK = "_parameters", "0"


@dataclass
class PlannedTask:
    task_id: str
    step: str
    inputs: List[Tuple[str, str]]          # (step, task_id) of each input, join inputs ordered
    frames: List[Frame]
    gang: Optional[Tuple[str, int]] = None  # (first task id, size) for @parallel gangs
    split_index: Optional[int] = None


@dataclass
class Outcome:
    ok: bool
    transition: Dict[str, Any] = field(default_factory=dict)  # from the commit record


def child_frames(graph: FlowGraph, parent_step: str, parent_task: str, parent_frames: List[Frame],
                 target: str, index: int, transition: Dict[str, Any],
                 foreach_ref: Optional[Dict[str, Any]] = None) -> List[Frame]:
    """The frames of a task of ``target`` started by a finished parent task."""
    node = graph[parent_step] if parent_step in graph else None
    frames = list(parent_frames)  # a join's own frames already had its split popped
    if node is None:
        return frames
    base = {"step": parent_step, "task": parent_task, "index": index}
    if node.type == SPLIT:
        frames.append(dict(base, kind="split", n=len(node.out_funcs)))
    elif node.type == FOREACH:
        frames.append(dict(base, kind="foreach", n=transition["num_splits"],
                           var=transition["foreach"], ref=foreach_ref))
    elif node.type == PARALLEL:
        frames.append(dict(base, kind="parallel", n=transition["num_parallel"]))
    return frames


class Scheduler:
    def __init__(self, graph: FlowGraph, first_task_id: int = 1) -> None:
        self.graph = graph
        self._next_id = first_task_id
        self._ready: List[PlannedTask] = []
        self.tasks: Dict[str, PlannedTask] = {}
        self.running: Dict[str, PlannedTask] = {}
        self._barriers: Dict[Tuple[Any, ...], Dict[int, Tuple[str, str]]] = {}
        self.failed: List[str] = []
        self.end_done = False

    def new_task_id(self) -> str:
        tid = str(self._next_id)
        self._next_id += 1
        return tid

    def start(self) -> None:
        self._plan("start", [(PARAMS_STEP, PARAMS_TASK)], [])

    def _plan(self, step: str, inputs: List[Tuple[str, str]], frames: List[Frame],
              gang: Optional[Tuple[str, int]] = None, task_id: Optional[str] = None) -> PlannedTask:
        task = PlannedTask(task_id or self.new_task_id(), step, inputs, frames, gang)
        if frames and frames[-1]["kind"] == "foreach" and frames[-1]["step"] == inputs[0][0]:
            task.split_index = frames[-1]["index"]
        self.tasks[task.task_id] = task
        self._ready.append(task)
        return task

    def ready(self) -> List[PlannedTask]:
        """Tasks that may start now (each handed out once); they count as running."""
        out, self._ready = self._ready, []
        for t in out:
            self.running[t.task_id] = t
        return out

    def pending(self) -> int:
        return len(self._ready)

    @property
    def finished(self) -> bool:
        return not self._ready and not self.running

    def done(self, task_id: str, outcome: Outcome, frames: Optional[List[Frame]] = None,
             foreach_ref: Optional[Dict[str, Any]] = None) -> None:
        task = self.running.pop(task_id)
        if not outcome.ok:
            self.failed.append(task_id)
            return
        node = self.graph[task.step]
        if node.name == "end":
            self.end_done = True
            return
        parent_frames = frames if frames is not None else task.frames
        targets = outcome.transition.get("targets", node.out_funcs)
        if node.type == FOREACH:
            n = outcome.transition["num_splits"]
            for i in range(n):
                self._advance(task, parent_frames, targets[0], i, outcome, foreach_ref)
        elif node.type == PARALLEL:
            n = outcome.transition["num_parallel"]
            first = self._next_id
            for i in range(n):
                self._advance(task, parent_frames, targets[0], i, outcome, None,
                              gang=(str(first), n))
        else:
            for arm, target in enumerate(targets):
                index = node.out_funcs.index(target) if target in node.out_funcs else arm
                self._advance(task, parent_frames, target, index, outcome, None)

    def _advance(self, parent: PlannedTask, parent_frames: List[Frame], target: str, index: int,
                 outcome: Outcome, foreach_ref: Optional[Dict[str, Any]],
                 gang: Optional[Tuple[str, int]] = None) -> None:
        frames = child_frames(self.graph, parent.step, parent.task_id, parent_frames, target,
                              index, outcome.transition, foreach_ref)
        if not self.graph[target].is_join:
            self._plan(target, [(parent.step, parent.task_id)], frames, gang)
            return
        closing = frames[-1]
        key = (target, _frames_key(frames[:-1]), closing["step"], closing["task"])
        arrived = self._barriers.setdefault(key, {})
        arrived[closing["index"]] = (parent.step, parent.task_id)
        if len(arrived) == closing["n"]:
            del self._barriers[key]
            self._plan(target, [arrived[i] for i in sorted(arrived)], frames[:-1])


def _frames_key(frames: List[Frame]) -> Tuple[Any, ...]:
    return tuple((f["kind"], f["step"], f["task"], f["index"]) for f in frames)

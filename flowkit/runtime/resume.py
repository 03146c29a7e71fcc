"""Resume: a new run that reuses every task of an origin run that it can, by reference.

A planned task of the new run is *cloned* when the origin run has a successful task of the same
step whose inputs are exactly the origin tasks that this task's inputs were cloned from (and the
same split index): same code path, same input artifacts, so the same result. The clone's commit
record points at the origin task's artifact hashes (no byte is copied) and records
``origin_pathspec``. Everything downstream of a task that reruns reruns too, and so does the
step named on the command line and everything reachable from it. A foreach whose split 3 of 10
failed therefore reruns split 3 and the join, and clones the other nine.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Set, Tuple

from ..exception import MetaflowNotFound, UsageError
from ..graph.parse import FlowGraph
from ..metadata.provider import MetadataStore
from .scheduler import PARAMS_STEP, PARAMS_TASK, PlannedTask

Key = Tuple[str, Tuple[str, ...], Optional[int]]


def find_origin(meta: MetadataStore, flow: str, user: str, origin_run_id: Optional[str]) -> str:
    """The run to resume: the one named, else this user's latest run of the flow."""
    runs = meta.runs(flow)
    if origin_run_id is None:
        mine = [e for e in runs.values() if f"user:{user}" in e.system_tags]
        if not mine:
            raise MetaflowNotFound(f"you have no run of {flow} to resume",
                                   hint="run the flow first, or pass --origin-run-id")
        origin_run_id = max(mine, key=lambda e: (len(e.run_id), e.run_id)).run_id
    elif origin_run_id not in runs:
        owner = next((f for f in meta.flows() if f != flow and origin_run_id in meta.runs(f)),
                     None)
        if owner:
            raise UsageError(f"run {origin_run_id} is a run of flow {owner}, not of {flow}",
                             hint=f"resume it from {owner}'s flow file")
        raise MetaflowNotFound(f"flow {flow} has no run '{origin_run_id}'",
                               hint="list runs with the client: Flow(name).runs()")
    entry = runs[origin_run_id]
    if entry.status is None and _still_running(meta.run_record(flow, origin_run_id) or {}):
        raise UsageError(f"run {origin_run_id} of {flow} is still running",
                         hint="wait for it to finish (or stop it) before resuming it")
    return origin_run_id


def _still_running(record: Dict[str, Any]) -> bool:
    pid, host = record.get("pid"), record.get("host")
    if not pid or host != os.uname().nodename:
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def downstream(graph: FlowGraph, step: str) -> Set[str]:
    """step and every step reachable from it."""
    seen, todo = set(), [step]
    while todo:
        name = todo.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        todo.extend(graph[name].out_funcs)
    return seen


class Cloner:
    def __init__(self, meta: MetadataStore, flow: str, origin: str, graph: FlowGraph,
                 rerun_from: Optional[str] = None) -> None:
        if rerun_from is not None and rerun_from not in graph:
            raise UsageError(f"flow {flow} has no step '{rerun_from}' to resume from",
                             hint=f"its steps: {', '.join(graph.nodes)}")
        if rerun_from == "start":
            raise UsageError("resuming from start reruns everything: use run instead")
        self.meta, self.flow, self.origin = meta, flow, origin
        self.blocked = downstream(graph, rerun_from) if rerun_from else set()
        self.lookup: Dict[Key, Tuple[str, Dict[str, Any]]] = {}
        self.origin_of: Dict[str, str] = {f"{PARAMS_STEP}/{PARAMS_TASK}":
                                          f"{PARAMS_STEP}/{PARAMS_TASK}"}
        for step in meta.steps(flow, origin):
            if step.startswith("_"):
                continue
            for task_id in meta.task_ids(flow, origin, step):
                _, rec = meta.final_record(flow, origin, step, task_id)
                if rec and rec.get("status") == "ok":
                    key = (step, tuple(rec.get("inputs", [])), rec.get("split_index"))
                    self.lookup[key] = (task_id, rec)

    def match(self, task: PlannedTask) -> Optional[Tuple[str, Dict[str, Any]]]:
        """(origin task id, its commit record) if this task can be cloned, else None."""
        if task.step in self.blocked:
            return None
        origin_inputs: List[str] = []
        for step, task_id in task.inputs:
            origin = self.origin_of.get(f"{step}/{task_id}")
            if origin is None:
                return None
            origin_inputs.append(origin)
        return self.lookup.get((task.step, tuple(origin_inputs), task.split_index))

    def clone(self, task: PlannedTask, run_id: str) -> Optional[Tuple[str, Dict[str, Any]]]:
        """Commit task in run_id as a clone of its origin task, if it has one; returns the
        origin pathspec and the transition it took. The clone points at the origin's artifact hashes and carries its logs."""
        found = self.match(task)
        if found is None:
            return None
        origin_task, rec = found
        meta, flow, origin = self.meta, self.flow, self.origin
        inputs = [f"{s}/{t}" for s, t in task.inputs]
        meta.start_attempt(flow, run_id, task.step, task.task_id, 0,
                           {"inputs": inputs, "split_index": task.split_index, "cloned": True})
        attempt = meta.attempts(flow, origin, task.step, origin_task)[-1]
        for stream in ("stdout", "stderr"):
            data = meta.backend.get_or_none(meta.log_key(flow, origin, task.step, origin_task,
                                                         attempt, stream))
            if data:
                meta.backend.put(meta.log_key(flow, run_id, task.step, task.task_id, 0, stream),
                                 [data])
        origin_path = f"{flow}/{origin}/{task.step}/{origin_task}"
        meta.commit_attempt(flow, run_id, task.step, task.task_id, 0, dict(
            rec, frames=task.frames, inputs=inputs, origin_pathspec=origin_path,
            origin_run_id=origin, attempt=0))
        self.origin_of[f"{task.step}/{task.task_id}"] = f"{task.step}/{origin_task}"
        return origin_path, rec.get("transition") or {}

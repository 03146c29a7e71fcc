"""Resolve `run_id/step[/task_id]` arguments of logs and dump into tasks, with clear errors."""

from __future__ import annotations

from typing import Any, List, Tuple

from ..exception import MetaflowNotFound, UsageError


def resolve_tasks(state: Any, pathspec: str) -> List[Tuple[str, str, str]]:
    """(run_id, step, task_id) of every task the pathspec names (a step names all its tasks)."""
    parts = [p for p in pathspec.strip("/").split("/") if p]
    if parts and parts[0] == state.graph.name:
        parts = parts[1:]
    if len(parts) not in (2, 3):
        raise UsageError(f"malformed pathspec {pathspec!r}",
                         hint="write RUN_ID/STEP or RUN_ID/STEP/TASK_ID, e.g. 1700000000/start")
    _, stores = state.stores(create=False)
    meta = stores.meta
    flow = state.graph.name
    run_id, step = parts[0], parts[1]
    if meta.run_record(flow, run_id) is None:
        latest = meta.run_ids(flow)[:1]
        raise MetaflowNotFound(f"flow {flow} has no run '{run_id}'",
                               hint=f"the latest run is '{latest[0]}'" if latest
                               else "this flow has not been run in this datastore")
    tasks = meta.task_ids(flow, run_id, step)
    if not tasks:
        raise MetaflowNotFound(f"run {flow}/{run_id} has no step '{step}' (or it has not run)",
                               hint=f"the steps of {flow}: {', '.join(state.graph.nodes)}")
    if len(parts) == 3:
        if parts[2] not in tasks:
            raise MetaflowNotFound(f"step {flow}/{run_id}/{step} has no task '{parts[2]}'",
                                   hint=f"its tasks: {', '.join(tasks[:20])}")
        tasks = [parts[2]]
    return [(run_id, step, t) for t in tasks]

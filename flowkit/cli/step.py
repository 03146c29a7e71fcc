"""`step`: run exactly one task attempt. Local spawns, Batch jobs and pods all run this."""

from __future__ import annotations

import json
from typing import Any, Optional, Sequence

import click

from ..graph.parse import FlowGraph
from ..runtime.command import parse_input_paths
from ..runtime.task import TaskSpec, run_task
from ..exception import UsageError


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    @cli.command(help="(internal) Run one task of the flow.")
    @click.argument("step_name", metavar="STEP")
    @click.option("--run-id", required=True)
    @click.option("--task-id", required=True)
    @click.option("--input-paths", default="", help="run_id/step/task_id, comma-separated.")
    @click.option("--split-index", type=int, default=None)
    @click.option("--retry-count", type=int, default=0)
    @click.option("--max-user-code-retries", type=int, default=0)
    @click.option("--max-num-splits", type=int, default=100)
    @click.option("--control-task-id", default=None)
    @click.option("--origin-run-id", default=None)
    @click.option("--user", default=None)
    @click.option("--namespace", default=None)
    @click.option("--tag", "tags", multiple=True)
    @click.option("--catch-fallback", default=None, hidden=True,
                  help="JSON exception record of a dead attempt, for @catch to record.")
    @click.pass_obj
    def step(state: Any, step_name: str, run_id: str, task_id: str, input_paths: str,
             split_index: Optional[int], retry_count: int, max_user_code_retries: int,
             max_num_splits: int, control_task_id: Optional[str], origin_run_id: Optional[str],
             user: Optional[str], namespace: Optional[str], tags: Sequence[str],
             catch_fallback: Optional[str]) -> int:
        if step_name not in graph:
            raise UsageError(f"flow {graph.name} has no step '{step_name}'",
                             hint=f"steps: {', '.join(graph.nodes)}")
        inputs = parse_input_paths(input_paths, run_id)
        if not inputs:
            if step_name != "start":
                raise UsageError("--input-paths is required for every step but start")
            inputs = (("_parameters", "0"),)
        spec = TaskSpec(flow_name=graph.name, run_id=run_id, step=step_name, task_id=task_id,
                        inputs=inputs, attempt=retry_count, split_index=split_index,
                        max_num_splits=max_num_splits, control_task_id=control_task_id,
                        origin_run_id=origin_run_id, user=user or state.settings.user,
                        tags=tuple(tags), namespace=namespace,
                        max_user_code_retries=max_user_code_retries,
                        fallback_exception=json.loads(catch_fallback) if catch_fallback else None)
        _, stores = state.stores()
        return run_task(flow_cls, graph, spec, stores)

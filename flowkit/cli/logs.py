"""`logs PATHSPEC`: print the stdout/stderr a task (or every task of a step) produced."""

from __future__ import annotations

import time
from typing import Any, Optional

import click

from ..exception import MetaflowNotFound
from ..graph.parse import FlowGraph
from .pathspec import resolve_tasks


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    @cli.command(help="Show the logs of RUN_ID/STEP[/TASK_ID].")
    @click.argument("pathspec")
    @click.option("--stdout", "which", flag_value="stdout", help="Only stdout.")
    @click.option("--stderr", "which", flag_value="stderr", help="Only stderr.")
    @click.option("--attempt", type=int, default=None, help="Attempt number (default: last).")
    @click.option("--timestamps", is_flag=True, help="Prefix each line with its time.")
    @click.pass_obj
    def logs(state: Any, pathspec: str, which: Optional[str], attempt: Optional[int],
             timestamps: bool) -> int:
        _, stores = state.stores(create=False)
        meta = stores.meta
        streams = [which] if which else ["stdout", "stderr"]
        tasks = resolve_tasks(state, pathspec)
        for run_id, step, task_id in tasks:
            attempts = meta.attempts(graph.name, run_id, step, task_id)
            n = attempt if attempt is not None else (attempts[-1] if attempts else 0)
            if attempt is not None and attempt not in attempts:
                raise MetaflowNotFound(f"task {run_id}/{step}/{task_id} has no attempt {attempt}",
                                       hint=f"its attempts: {attempts}")
            if len(tasks) > 1:
                click.echo(f"--- {run_id}/{step}/{task_id} (attempt {n}) ---")
            for stream in streams:
                for ts, text in meta.read_log(graph.name, run_id, step, task_id, n, stream):
                    if timestamps:
                        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))
                        text = f"{stamp} {text}"
                    click.echo(text, err=stream == "stderr" and not which)
        return 0

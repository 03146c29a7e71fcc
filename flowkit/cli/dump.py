"""`dump PATHSPEC`: print (or pickle to a file) the artifacts of a task or a whole step."""

from __future__ import annotations

import pickle
from typing import Any, Dict, Optional

import click

from ..datastore.artifacts import load
from ..graph.parse import FlowGraph
from .pathspec import resolve_tasks


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    @cli.command(help="Show the artifacts of RUN_ID/STEP[/TASK_ID].")
    @click.argument("pathspec")
    @click.option("--private", is_flag=True, help="Include flowkit's own records.")
    @click.option("--max-value-size", type=int, default=1000, show_default=True,
                  help="Print values whose repr is longer than this as a summary.")
    @click.option("--include", default=None, help="Only these artifacts (comma-separated).")
    @click.option("--file", "out_file", default=None, metavar="FILE",
                  help="Write {task_pathspec: {name: value}} as a pickle to FILE.")
    @click.pass_obj
    def dump(state: Any, pathspec: str, private: bool, max_value_size: int,
             include: Optional[str], out_file: Optional[str]) -> int:
        _, stores = state.stores(create=False)
        meta = stores.meta
        wanted = set(filter(None, (include or "").split(","))) or None
        result: Dict[str, Dict[str, Any]] = {}
        for run_id, step, task_id in resolve_tasks(state, pathspec):
            attempt, rec = meta.final_record(graph.name, run_id, step, task_id)
            task_path = f"{graph.name}/{run_id}/{step}/{task_id}"
            values: Dict[str, Any] = {}
            if rec is None:
                click.echo(f"{task_path}: no committed attempt (still running, or lost)")
                continue
            for name, ref in sorted(rec.get("artifacts", {}).items()):
                if wanted is not None and name not in wanted:
                    continue
                values[name] = load(stores.cas, ref, f"artifact '{name}' of {task_path}")
            if private:
                for key in ("status", "frames", "transition", "exception", "inputs"):
                    if key in rec and (wanted is None or f"_{key}" in wanted):
                        values[f"_{key}"] = rec[key]
            result[task_path] = values
            if out_file:
                continue
            click.echo(f"{task_path} (attempt {attempt}, {rec.get('status')}):")
            for name, value in values.items():
                text = repr(value)
                if len(text) > max_value_size:
                    text = f"<{type(value).__name__}, repr of {len(text)} characters>"
                click.echo(f"    {name} = {text}")
        if out_file:
            try:
                with open(out_file, "wb") as f:
                    pickle.dump(result, f, protocol=4)
            except OSError as e:
                from ..exception import UsageError

                raise UsageError(f"cannot write --file {out_file}: {e.strerror}",
                                 hint="pass a path in an existing, writable folder") from None
            click.echo(f"Artifacts of {len(result)} task(s) written to {out_file}")
        return 0

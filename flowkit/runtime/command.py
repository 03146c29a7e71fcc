"""The `step` command line: the one contract a local spawn, a Batch job and a pod all run."""

from __future__ import annotations

import sys
from typing import List, Sequence

from .task import TaskSpec


def step_argv(flow_file: str, top_args: Sequence[str], spec: TaskSpec,
              python: str = sys.executable) -> List[str]:
    argv = [python, "-u", flow_file, "--quiet", *top_args, "step", spec.step,
            "--run-id", spec.run_id, "--task-id", spec.task_id,
            "--input-paths", ",".join(f"{spec.run_id}/{s}/{t}" for s, t in spec.inputs),
            "--retry-count", str(spec.attempt),
            "--max-user-code-retries", str(spec.max_user_code_retries),
            "--max-num-splits", str(spec.max_num_splits),
            "--user", spec.user]
    if spec.split_index is not None:
        argv += ["--split-index", str(spec.split_index)]
    if spec.control_task_id is not None:
        argv += ["--control-task-id", spec.control_task_id]
    if spec.origin_run_id is not None:
        argv += ["--origin-run-id", spec.origin_run_id]
    if spec.namespace is not None:
        argv += ["--namespace", spec.namespace]
    for tag in spec.tags:
        argv += ["--tag", tag]
    if spec.fallback_exception is not None:
        import json

        argv += ["--catch-fallback", json.dumps(spec.fallback_exception)]
    return argv


def parse_input_paths(text: str, run_id: str) -> tuple:
    """'123/start/1,123/a/2' (or 'start/1,...') -> (('start', '1'), ('a', '2'))."""
    out = []
    for part in filter(None, text.split(",")):
        bits = part.strip().split("/")
        if len(bits) == 3:
            bits = bits[1:]
        if len(bits) != 2:
            from ..exception import UsageError

            raise UsageError(f"malformed --input-paths entry {part!r}",
                             hint="use run_id/step/task_id, comma-separated")
        out.append((bits[0], bits[1]))
    return tuple(out)

"""Helpers for tests (ours and plugin authors'): run a flow file for real, read what it stored.

Everything goes through flowkit's own reading code, so a test that uses these proves the
records a user's client would read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .datastore.artifacts import load
from .datastore.cas import ContentAddressedStore
from .datastore.local import LocalBackend
from .metadata.provider import MetadataStore


@dataclass
class FlowResult:
    returncode: int
    stdout: str
    stderr: str
    run_id: Optional[str]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def flow_env(sysroot: str, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """An environment that points flowkit at sysroot and nowhere else."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("FLOWKIT_") and not k.startswith("METAFLOW_")}
    env.update(FLOWKIT_DATASTORE_SYSROOT_LOCAL=sysroot,
               FLOWKIT_HOME=os.path.join(sysroot, "home"), USER="tester",
               PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def run_flow(flow_file: str, args: Sequence[str], sysroot: str,
             env: Optional[Mapping[str, str]] = None, timeout: float = 120,
             cwd: Optional[str] = None) -> FlowResult:
    """`python flow_file *args` in a subprocess; the run id is read back with --run-id-file."""
    args = list(args)
    run_id_file = None
    command = next((a for a in args if a in ("run", "resume")), None)
    if command is not None:
        run_id_file = os.path.join(sysroot, f"run-id-{os.getpid()}-{len(os.listdir(sysroot))}")
        i = args.index(command)
        args[i + 1:i + 1] = ["--run-id-file", run_id_file]
    proc = subprocess.run([sys.executable, flow_file, *args], capture_output=True, text=True,
                          env=flow_env(sysroot, env), timeout=timeout,
                          cwd=cwd or os.path.dirname(os.path.abspath(flow_file)))
    run_id = None
    if run_id_file and os.path.exists(run_id_file):
        with open(run_id_file) as f:
            run_id = f.read().strip()
    return FlowResult(proc.returncode, proc.stdout, proc.stderr, run_id)


class StoredRun:
    """Read one run's records and artifacts from a local datastore."""

    def __init__(self, sysroot: str, flow: str, run_id: str) -> None:
        backend = LocalBackend(os.path.join(sysroot, ".flowkit"))
        self.meta = MetadataStore(backend)
        self.cas = ContentAddressedStore(backend)
        self.flow = flow
        self.run_id = run_id

    @property
    def status(self) -> Optional[str]:
        rec = self.meta.run_status(self.flow, self.run_id)
        return rec["status"] if rec else None

    @property
    def record(self) -> Dict[str, Any]:
        return self.meta.run_record(self.flow, self.run_id) or {}

    def steps(self) -> List[str]:
        return self.meta.steps(self.flow, self.run_id)

    def task_ids(self, step: str) -> List[str]:
        return self.meta.task_ids(self.flow, self.run_id, step)

    def task_record(self, step: str, task_id: str) -> Dict[str, Any]:
        _, rec = self.meta.final_record(self.flow, self.run_id, step, task_id)
        return rec or {}

    def artifacts(self, step: str, task_id: Optional[str] = None) -> Dict[str, Any]:
        """name -> value of one task (the only task of the step if task_id is None)."""
        if task_id is None:
            ids = self.task_ids(step)
            assert len(ids) == 1, f"step {step} has tasks {ids}"
            task_id = ids[0]
        rec = self.task_record(step, task_id)
        return {name: load(self.cas, ref, name) for name, ref in rec.get("artifacts", {}).items()}

    def all_artifacts(self, step: str) -> List[Dict[str, Any]]:
        return [self.artifacts(step, t) for t in self.task_ids(step)]

    def log(self, step: str, task_id: str, stream: str = "stdout", attempt: int = 0) -> str:
        return "\n".join(t for _, t in self.meta.read_log(self.flow, self.run_id, step, task_id,
                                                          attempt, stream))

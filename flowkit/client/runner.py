"""Runner: run a flow file from Python (a script, a notebook, CI) and get its Run back.

    with Runner("flow.py", datastore_root="/data").run(alpha=0.1) as result:
        print(result.status, result.run.data.best)

The flow runs in a subprocess exactly as `python flow.py [top options] run [params]` would;
keyword arguments of Runner are top-level options, those of run() are parameters (and run
options such as tags=[...], max_workers=4).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Any, Dict, List, Optional, Sequence

from ..exception import UsageError


_FLAGS = {"tags": "tag"}   # Metaflow's keyword names for options whose flag is singular


def _options(kwargs: Dict[str, Any]) -> List[str]:
    args: List[str] = []
    for key, value in kwargs.items():
        flag = "--" + _FLAGS.get(key, key).replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, str(v)]
        else:
            args += [flag, _text(value)]
    return args


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value)
    return str(value)


class RunResult:
    """The outcome of Runner.run(): status, return code, output and the Run it made."""

    def __init__(self, returncode: int, stdout: str, stderr: str, run_id: Optional[str],
                 flow_name: Optional[str], settings: Any) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.run_id = run_id
        self.flow_name = flow_name
        self._settings = settings

    @property
    def status(self) -> str:
        return "successful" if self.returncode == 0 else "failed"

    @property
    def run(self) -> Any:
        """The Run (readable whatever the client's namespace), or None if none was created."""
        if not self.run_id or not self.flow_name:
            return None
        from . import namespace as ns
        from .objects import Run

        ns.use_settings(self._settings)  # read where the run was written
        return Run(f"{self.flow_name}/{self.run_id}", _namespace_check=False)

    def __enter__(self) -> "RunResult":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __repr__(self) -> str:
        return f"RunResult(status={self.status!r}, run_id={self.run_id!r})"


class Runner:
    def __init__(self, flow_file: str, show_output: bool = False, env: Optional[Dict[str, str]]
                 = None, cwd: Optional[str] = None, **top_options: Any) -> None:
        if not os.path.isfile(flow_file):
            raise UsageError(f"no flow file at {flow_file}", hint="pass the path of a flow .py")
        self.flow_file = os.path.abspath(flow_file)
        self.show_output = show_output
        self.env = dict(os.environ, **(env or {}))
        self.cwd = cwd
        self.top_args = _options(top_options)
        from ..config import load_settings

        settings = load_settings(self.env)
        kind = top_options.get("datastore") or settings.default_datastore
        root = top_options.get("datastore_root")
        self.settings = settings.with_overrides(
            default_datastore=kind,
            **{f"datastore_sysroot_{kind}": os.path.abspath(root) if root and kind == "local"
               else root})

    def _command(self, command: str, options: Dict[str, Any]) -> List[str]:
        return [sys.executable, self.flow_file, *self.top_args, command, *_options(options)]

    def _execute(self, command: str, options: Dict[str, Any]) -> RunResult:
        with tempfile.TemporaryDirectory(prefix="flowkit-runner-") as tmp:
            id_file = os.path.join(tmp, "run-id")
            argv = self._command(command, dict(options, run_id_file=id_file))
            proc = subprocess.run(argv, capture_output=not self.show_output, text=True,
                                  env=self.env, cwd=self.cwd)
            run_id = open(id_file).read().strip() if os.path.exists(id_file) else None
        return RunResult(proc.returncode, proc.stdout or "", proc.stderr or "", run_id,
                         self._flow_name(), self.settings)

    def _flow_name(self) -> Optional[str]:
        """The class the file runs under __main__ (`MyFlow()`), else its last FlowSpec class."""
        import ast

        with open(self.flow_file, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
        for node in tree.body:
            if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                            and call.func.id in classes:
                        return call.func.id
        return classes[-1] if classes else None

    def run(self, **params: Any) -> RunResult:
        """Run the flow with these parameters (and run options); wait for it to end."""
        return self._execute("run", params)

    def resume(self, **options: Any) -> RunResult:
        return self._execute("resume", options)

    async def async_run(self, **params: Any) -> RunResult:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.run(**params))

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


__all__: Sequence[str] = ["Runner", "RunResult"]

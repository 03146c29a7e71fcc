"""The ``current`` singleton: what the running task knows about itself.

The task runner fills it before the step runs (``current._bind``); outside a running task every
field is None and ``is_running_flow`` is False. Decorators may attach more (``current.parallel``,
``current.card``) with ``current._extend``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, NamedTuple, Optional


class Parallel(NamedTuple):
    main_ip: str
    num_nodes: int
    node_index: int
    control_task_id: Optional[str]


class Current:
    _FIELDS = (
        "flow_name", "run_id", "step_name", "task_id", "retry_count", "origin_run_id",
        "namespace", "username", "tags", "parameter_names", "is_running_flow",
    )

    def __init__(self) -> None:
        self._values: Dict[str, Any] = {}
        self._extensions: Dict[str, Any] = {}
        self._tempdir: Optional[str] = None

    def _bind(self, **values: Any) -> None:
        self._values = dict(values)
        self._values["is_running_flow"] = True

    def _extend(self, name: str, value: Any) -> None:
        self._extensions[name] = value

    def _reset(self) -> None:
        self._values = {}
        self._extensions = {}
        self._tempdir = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._extensions:
            return self._extensions[name]
        if name in self._FIELDS:
            if name == "is_running_flow":
                return bool(self._values.get(name))
            if name in ("tags", "parameter_names"):
                return list(self._values.get(name) or [])
            return self._values.get(name)
        raise AttributeError(
            f"current has no attribute '{name}'"
            + (" here (is the decorator that provides it applied to this step?)"
               if name in ("parallel", "card", "project_name", "branch_name") else "")
        )

    @property
    def pathspec(self) -> Optional[str]:
        v = self._values
        if not v:
            return None
        return "/".join(str(v[k]) for k in ("flow_name", "run_id", "step_name", "task_id"))

    @property
    def tempdir(self) -> Optional[str]:
        """A per-task scratch folder, created on first use."""
        if not self._values:
            return None
        if self._tempdir is None or not os.path.isdir(self._tempdir):
            import tempfile

            self._tempdir = tempfile.mkdtemp(prefix="flowkit-task-")
        return self._tempdir

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            return default

    def __dir__(self) -> List[str]:
        return sorted(set(self._FIELDS) | set(self._extensions) | {"pathspec", "tempdir"})

    def __repr__(self) -> str:
        return f"<current {self.pathspec or '(no task running)'}>"


current = Current()

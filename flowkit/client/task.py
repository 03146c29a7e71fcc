"""Task and what hangs off it: its artifacts (DataArtifact, MetaflowData), its exception, its logs,
its metadata, and the run's code package (MetaflowCode)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

from ..datastore.artifacts import load
from ..exception import MetaflowNotFound
from .base import MetaflowObject, _ts
from . import namespace as ns


class TaskException:
    """Why a task failed (also when @catch handled it): ``type`` is the exception's class path,
    ``exception`` its message, ``stacktrace`` the user's traceback."""

    def __init__(self, rec: Dict[str, Any]) -> None:
        self.type = rec.get("type", "")
        self.exception = rec.get("message", "")
        self.stacktrace = rec.get("traceback", "")

    def __str__(self) -> str:
        return f"{self.type}: {self.exception}"

    def __repr__(self) -> str:
        return f"TaskException({self.type!r}, {self.exception!r})"


class Metadata(NamedTuple):
    name: str
    value: Any
    created_at: Optional[float]
    type: str
    task: Any
    attempt: int


class Task(MetaflowObject):
    _NAME, _DEPTH, _FORM = "task", 4, "FlowName/run_id/step/task_id"

    def __init__(self, pathspec: str, _namespace_check: bool = True) -> None:
        super().__init__(pathspec, _namespace_check)
        self.flow_name, self.run_id, self.step_name = self._parts[:3]
        if _namespace_check:
            from .objects import Run

            Run(f"{self.flow_name}/{self.run_id}")
        if not self._attempts():
            raise MetaflowNotFound(f"step {self.flow_name}/{self.run_id}/{self.step_name} has "
                                   f"no task '{self.id}'")
        self._committed: Optional[Tuple[int, Dict[str, Any]]] = None

    def _key(self) -> Tuple[str, str, str, str]:
        return self.flow_name, self.run_id, self.step_name, self.id

    def _attempts(self) -> List[int]:
        return self._meta.attempts(*self._key())

    def _final(self) -> Tuple[Optional[int], Optional[Dict[str, Any]]]:
        """The last committed attempt (cached once the task succeeded: it cannot change)."""
        if self._committed is not None:
            return self._committed
        attempt, rec = self._meta.final_record(*self._key())
        if rec is not None and rec.get("status") == "ok":
            self._committed = (attempt, rec)  # type: ignore[assignment]
        return attempt, rec

    def _refs(self) -> Dict[str, Any]:
        _, rec = self._final()
        return rec.get("artifacts", {}) if rec else {}

    # state
    @property
    def successful(self) -> bool:
        _, rec = self._final()
        return bool(rec) and rec.get("status") == "ok"

    @property
    def finished(self) -> bool:
        _, rec = self._final()
        if rec is None:
            return False
        if rec.get("status") == "ok":
            return True
        status = self._meta.run_status(self.flow_name, self.run_id)
        return status is not None  # a failed attempt is final once its run ended

    @property
    def finished_at(self) -> Optional[datetime]:
        _, rec = self._final()
        return _ts(rec.get("finished_at")) if rec else None

    @property
    def created_at(self) -> Optional[datetime]:
        attempts = self._attempts()
        rec = self._meta.start_record(*self._key(), attempts[0]) if attempts else None
        return _ts(rec.get("started_at")) if rec else None

    @property
    def current_attempt(self) -> int:
        attempts = self._attempts()
        return attempts[-1] if attempts else 0

    @property
    def exception(self) -> Optional[TaskException]:
        _, rec = self._final()
        exc = rec.get("exception") if rec else None
        return TaskException(exc) if exc else None

    @property
    def index(self) -> Optional[int]:
        _, rec = self._final()
        frames = [f for f in (rec or {}).get("frames", []) if f["kind"] in ("foreach", "parallel")]
        return frames[-1]["index"] if frames else None

    @property
    def origin_pathspec(self) -> Optional[str]:
        _, rec = self._final()
        return (rec or {}).get("origin_pathspec")

    @property
    def runtime_name(self) -> str:
        attempts = self._attempts()
        rec = self._meta.start_record(*self._key(), attempts[-1]) if attempts else None
        return (rec or {}).get("runtime", "dev")

    # artifacts
    @property
    def data(self) -> "MetaflowData":
        return MetaflowData(self)

    @property
    def artifacts(self) -> "MetaflowArtifacts":
        return MetaflowArtifacts(self)

    def __getitem__(self, name: str) -> "DataArtifact":
        if name not in self._refs():
            from ..exception import MissingChild

            raise MissingChild(f"task {self.pathspec} has no artifact '{name}'",
                               hint=f"its artifacts: {', '.join(sorted(self._refs())) or 'none'}")
        return DataArtifact(f"{self.pathspec}/{name}", _task=self)

    def __contains__(self, name: str) -> bool:
        return name in self._refs()

    def __iter__(self) -> Iterator["DataArtifact"]:
        for name in sorted(self._refs()):
            yield DataArtifact(f"{self.pathspec}/{name}", _task=self)

    # logs
    def loglines(self, stream: str = "stdout", attempt: Optional[int] = None
                 ) -> Iterator[Tuple[Optional[datetime], str]]:
        n = self.current_attempt if attempt is None else attempt
        for ts, text in self._meta.read_log(*self._key(), n, stream):
            yield _ts(ts), text

    def _log(self, stream: str) -> str:
        lines = [text for _, text in self.loglines(stream)]
        return "\n".join(lines) + ("\n" if lines else "")

    @property
    def stdout(self) -> str:
        return self._log("stdout")

    @property
    def stderr(self) -> str:
        return self._log("stderr")

    # neighbours
    def _inputs(self) -> List[str]:
        _, rec = self._final()
        if rec and rec.get("inputs"):
            return rec["inputs"]
        attempts = self._attempts()
        start = self._meta.start_record(*self._key(), attempts[0]) if attempts else None
        return (start or {}).get("inputs", [])

    @property
    def parent_tasks(self) -> List["Task"]:
        out = []
        for path in self._inputs():
            step, task_id = path.split("/")[-2:]
            if not step.startswith("_"):
                out.append(Task(f"{self.flow_name}/{self.run_id}/{step}/{task_id}",
                                _namespace_check=False))
        return out

    @property
    def child_tasks(self) -> List["Task"]:
        rec = self._meta.run_record(self.flow_name, self.run_id) or {}
        steps = (rec.get("graph") or {}).get(self.step_name, {}).get("next") or \
            [s for s in self._meta.steps(self.flow_name, self.run_id) if not s.startswith("_")]
        mine = f"{self.step_name}/{self.id}"
        out = []
        for step in steps:
            for task_id in self._meta.task_ids(self.flow_name, self.run_id, step):
                child = Task(f"{self.flow_name}/{self.run_id}/{step}/{task_id}",
                             _namespace_check=False)
                if any(p.endswith(mine) and p.split("/")[-2:] == mine.split("/")
                       for p in child._inputs()):
                    out.append(child)
        return out

    @property
    def metadata(self) -> List[Metadata]:
        entries = []
        for attempt in self._attempts():
            start = self._meta.start_record(*self._key(), attempt) or {}
            done = self._meta.done_record(*self._key(), attempt) or {}
            t0, t1 = start.get("started_at"), done.get("finished_at")
            entries.append(Metadata("attempt", attempt, t0, "attempt", self, attempt))
            for key in ("pid", "host", "runtime"):
                if key in start:
                    entries.append(Metadata(key, start[key], t0, key, self, attempt))
            if done:
                entries.append(Metadata("attempt_ok", done.get("status") == "ok", t1,
                                        "internal_attempt_status", self, attempt))
                for key in ("origin_pathspec", "origin_run_id"):
                    if done.get(key):
                        entries.append(Metadata(key, done[key], t1, key, self, attempt))
        return entries

    @property
    def metadata_dict(self) -> Dict[str, Any]:
        return {m.name: m.value for m in self.metadata}

    @property
    def parent(self) -> Any:
        from .objects import Step

        return Step(f"{self.flow_name}/{self.run_id}/{self.step_name}", _namespace_check=False)

    @property
    def tags(self) -> Any:
        return self.parent.tags


class DataArtifact(MetaflowObject):
    _NAME, _DEPTH, _FORM = "artifact", 5, "FlowName/run_id/step/task_id/name"

    def __init__(self, pathspec: str, _namespace_check: bool = True,
                 _task: Optional[Task] = None) -> None:
        super().__init__(pathspec, _namespace_check)
        self._task = _task or Task("/".join(self._parts[:4]), _namespace_check)
        refs = self._task._refs()
        if self.id not in refs:
            raise MetaflowNotFound(f"task {self._task.pathspec} has no artifact '{self.id}'",
                                   hint=f"its artifacts: {', '.join(sorted(refs)) or 'none'}")
        self._ref = refs[self.id]

    @property
    def data(self) -> Any:
        return load(self._cas, self._ref, f"artifact '{self.id}' of {self._task.pathspec}")

    @property
    def sha(self) -> str:
        return self._ref["sha"]

    @property
    def size(self) -> int:
        return self._ref.get("size", 0)

    @property
    def type(self) -> str:
        return self._ref.get("type", "")

    @property
    def finished_at(self) -> Optional[datetime]:
        return self._task.finished_at

    @property
    def created_at(self) -> Optional[datetime]:
        return self._task.finished_at

    @property
    def parent(self) -> Task:
        return self._task

    @property
    def tags(self) -> Any:
        return self._task.tags


class MetaflowData:
    """``task.data.<name>``: artifact values, each loaded on first access."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self._values: Dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._values:
            refs = self._task._refs()
            if name not in refs:
                raise AttributeError(f"task {self._task.pathspec} has no artifact '{name}' "
                                     f"(it has: {', '.join(sorted(refs)) or 'none'})")
            self._values[name] = load(ns.stores()[2], refs[name],
                                      f"artifact '{name}' of {self._task.pathspec}")
        return self._values[name]

    def __contains__(self, name: str) -> bool:
        return name in self._task._refs()

    def __dir__(self) -> List[str]:
        return sorted(self._task._refs())

    def __repr__(self) -> str:
        return f"<MetaflowData: {', '.join(sorted(self._task._refs()))}>"


class MetaflowArtifacts:
    """``task.artifacts.<name>``: DataArtifact objects; iterable."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def __getattr__(self, name: str) -> DataArtifact:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._task[name]
        except KeyError as e:
            raise AttributeError(str(e)) from None

    def __iter__(self) -> Iterator[DataArtifact]:
        return iter(self._task)

    def __len__(self) -> int:
        return len(self._task._refs())


class MetaflowCode:
    """The code package of a run: ``.tarball``, ``.flowspec`` (the flow file's text), ``.info``."""

    def __init__(self, run: Any, sha: str, flow_file: str) -> None:
        self._run, self.sha, self._flow_file = run, sha, flow_file
        self._data: Optional[bytes] = None

    @property
    def blob(self) -> bytes:
        if self._data is None:
            self._data = load(ns.stores()[2], {"sha": self.sha, "enc": "b"},
                              f"code package of {self._run.pathspec}")
        return self._data

    @property
    def tarball(self) -> Any:
        import tarfile

        return tarfile.open(fileobj=io.BytesIO(self.blob))

    @property
    def path(self) -> str:
        import tempfile

        folder = tempfile.mkdtemp(prefix="flowkit-code-")
        with self.tarball as tar:
            tar.extractall(folder)
        return folder

    @property
    def flowspec(self) -> Optional[str]:
        with self.tarball as tar:
            try:
                member = tar.extractfile(self._flow_file)
            except KeyError:
                return None
            return member.read().decode("utf-8") if member else None

    @property
    def info(self) -> Dict[str, Any]:
        with self.tarball as tar:
            return {"sha": self.sha, "flow_file": self._flow_file, "files": tar.getnames()}

"""Metaflow, Flow, Run, Step, Task, DataArtifact: read-only objects over the recorded runs.

Objects are addressed by pathspec (``Flow/run/step/task``), compare and hash by it, and load
lazily: listing reads the run index, a Task reads one commit record, an artifact value is read
(and hash-checked) only when asked for. Runs still going show the tasks committed so far.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, FrozenSet, Iterator, List, Optional

from ..exception import MetaflowNamespaceMismatch, MetaflowNotFound, MissingChild
from ..metadata.index import RunEntry
from . import namespace as ns
from .base import MetaflowObject, _ts
from .task import DataArtifact, MetaflowCode, MetaflowData, Task


class Metaflow:
    """Entry point: every flow in the datastore that has runs in the current namespace."""

    @property
    def flows(self) -> List["Flow"]:
        out = []
        current = ns.get_namespace()
        for name in ns.stores()[1].flows():
            flow = Flow(name)
            if current is None or any(True for _ in flow):
                out.append(flow)
        return out

    def __iter__(self) -> Iterator["Flow"]:
        return iter(self.flows)

    def __repr__(self) -> str:
        return "Metaflow()"


def _visible(entry: RunEntry, current: Optional[str]) -> bool:
    return current is None or entry.has_tag(current)


class Flow(MetaflowObject):
    _NAME, _DEPTH, _FORM = "flow", 1, "FlowName"

    def __init__(self, pathspec: str, _namespace_check: bool = True) -> None:
        super().__init__(pathspec, _namespace_check)
        if not self._entries():
            known = ", ".join(ns.stores()[1].flows()[:10]) or "none yet"
            raise MetaflowNotFound(f"flow '{self.id}' has no runs in this datastore "
                                   f"({ns.get_metadata()})", hint=f"flows here: {known}")

    def _entries(self) -> Dict[str, RunEntry]:
        return self._meta.runs(self.id)

    def _sorted(self, *tags: str) -> List[RunEntry]:
        current = ns.get_namespace()
        entries = [e for e in self._entries().values()
                   if _visible(e, current) and all(e.has_tag(t) for t in tags)]
        entries.sort(key=lambda e: (len(e.run_id), e.run_id), reverse=True)
        return entries

    def runs(self, *tags: str) -> Iterator["Run"]:
        """Runs in the namespace having every given tag, newest first."""
        return iter([Run._from_entry(self.id, e) for e in self._sorted(*tags)])

    def __iter__(self) -> Iterator["Run"]:
        return self.runs()

    def __getitem__(self, run_id: str) -> "Run":
        return _child(Run, f"{self.id}/{run_id}")

    def __contains__(self, run_id: str) -> bool:
        return run_id in self._entries()

    @property
    def latest_run(self) -> Optional["Run"]:
        entries = self._sorted()
        return Run._from_entry(self.id, entries[0]) if entries else None

    @property
    def latest_successful_run(self) -> Optional["Run"]:
        for e in self._sorted():
            if e.status == "succeeded":
                return Run._from_entry(self.id, e)
        return None

    @property
    def created_at(self) -> Optional[datetime]:
        entries = self._sorted()
        return _ts(min(e.created_at for e in entries)) if entries else None

    @property
    def tags(self) -> FrozenSet[str]:
        return frozenset()

    @property
    def parent(self) -> None:
        return None


class Run(MetaflowObject):
    _NAME, _DEPTH, _FORM = "run", 2, "FlowName/run_id"

    def __init__(self, pathspec: str, _namespace_check: bool = True) -> None:
        super().__init__(pathspec, _namespace_check)
        self.flow_name = self._parts[0]
        self._entry_cache: Optional[RunEntry] = None
        entry = self._entry()
        if _namespace_check:
            current = ns.get_namespace()
            if not _visible(entry, current):
                raise MetaflowNamespaceMismatch(
                    f"run {self.pathspec} is not in namespace '{current}' (its tags: "
                    f"{', '.join(entry.all_tags)})",
                    hint=f"switch with namespace('user:{entry.user}') or namespace(None)")

    @classmethod
    def _from_entry(cls, flow: str, entry: RunEntry) -> "Run":
        run = cls.__new__(cls)   # no pathspec parsing: ten thousand of these are made at once
        run.pathspec = f"{flow}/{entry.run_id}"
        run.id = entry.run_id
        run._parts = [flow, entry.run_id]
        run._check = False
        run.flow_name = flow
        run._entry_cache = entry
        return run

    def _entry(self, fresh: bool = False) -> RunEntry:
        if self._entry_cache is not None and not fresh:
            return self._entry_cache
        entries = self._meta.runs(self.flow_name)
        entry = entries.get(self.id)
        if entry is None:
            if not entries:
                raise MetaflowNotFound(f"flow '{self.flow_name}' has no runs in this datastore")
            latest = max(entries, key=lambda r: (len(r), r))
            raise MetaflowNotFound(f"flow '{self.flow_name}' has no run '{self.id}'",
                                   hint=f"the latest run is '{latest}'")
        self._entry_cache = entry
        return entry

    # state
    @property
    def finished(self) -> bool:
        return self._entry(fresh=True).status is not None

    @property
    def successful(self) -> bool:
        return self._entry(fresh=True).status == "succeeded"

    @property
    def finished_at(self) -> Optional[datetime]:
        return _ts(self._entry(fresh=True).finished_at)

    @property
    def created_at(self) -> Optional[datetime]:
        return _ts(self._entry().created_at)

    # tags
    @property
    def user_tags(self) -> FrozenSet[str]:
        return frozenset(self._entry(fresh=True).tags)

    @property
    def system_tags(self) -> FrozenSet[str]:
        return frozenset(self._entry().system_tags)

    @property
    def tags(self) -> FrozenSet[str]:
        return self.system_tags | self.user_tags

    def add_tag(self, tag: str) -> None:
        self.replace_tags([], [tag])

    def add_tags(self, tags: List[str]) -> None:
        self.replace_tags([], list(tags))

    def remove_tag(self, tag: str) -> None:
        self.replace_tags([tag], [])

    def remove_tags(self, tags: List[str]) -> None:
        self.replace_tags(list(tags), [])

    def replace_tag(self, old: str, new: str) -> None:
        self.replace_tags([old], [new])

    def replace_tags(self, remove: List[str], add: List[str]) -> None:
        """Remove and add user tags in one atomic change."""
        from .tags import validate_tags

        validate_tags(add)
        system = set(self.system_tags)
        touched = [t for t in list(remove) + list(add) if t in system]
        if touched:
            from ..exception import UsageError

            raise UsageError(f"system tag {touched[0]!r} of run {self.pathspec} cannot be "
                             "changed", hint="only user tags can be added or removed")
        self._meta.change_tags(self.flow_name, self.id, list(remove), list(add))
        self._entry(fresh=True)

    # contents
    def steps(self) -> Iterator["Step"]:
        names = [s for s in self._meta.steps(self.flow_name, self.id) if not s.startswith("_")]
        order = {}
        for name in names:  # newest step first, like Metaflow
            tids = self._meta.task_ids(self.flow_name, self.id, name)
            order[name] = max((len(t), t) for t in tids) if tids else (0, "")
        for name in sorted(names, key=lambda n: order[n], reverse=True):
            yield Step(f"{self.pathspec}/{name}", _namespace_check=False)

    def __iter__(self) -> Iterator["Step"]:
        return self.steps()

    def __getitem__(self, step: str) -> "Step":
        return _child(Step, f"{self.pathspec}/{step}", _namespace_check=False)

    def __contains__(self, step: str) -> bool:
        return bool(self._meta.task_ids(self.flow_name, self.id, step))

    @property
    def end_task(self) -> Optional["Task"]:
        return self["end"].task if "end" in self else None

    @property
    def data(self) -> Optional["MetaflowData"]:
        end = self.end_task
        return end.data if end is not None else None

    @property
    def code(self) -> Optional["MetaflowCode"]:
        rec = self._meta.run_record(self.flow_name, self.id) or {}
        sha = rec.get("code_sha")
        return MetaflowCode(self, sha, rec.get("flow_file", "")) if sha else None

    @property
    def parent(self) -> Flow:
        return Flow(self.flow_name)


class Step(MetaflowObject):
    _NAME, _DEPTH, _FORM = "step", 3, "FlowName/run_id/step"

    def __init__(self, pathspec: str, _namespace_check: bool = True) -> None:
        super().__init__(pathspec, _namespace_check)
        self.flow_name, self.run_id = self._parts[0], self._parts[1]
        if _namespace_check:
            Run(f"{self.flow_name}/{self.run_id}")
        if not self._task_ids():
            steps = [s for s in self._meta.steps(self.flow_name, self.run_id)
                     if not s.startswith("_")]
            raise MetaflowNotFound(f"run {self.flow_name}/{self.run_id} has no step "
                                   f"'{self.id}'", hint=f"its steps: {', '.join(steps)}")

    def _task_ids(self) -> List[str]:
        return self._meta.task_ids(self.flow_name, self.run_id, self.id)

    def tasks(self) -> Iterator["Task"]:
        for tid in self._task_ids():
            yield Task(f"{self.pathspec}/{tid}", _namespace_check=False)

    def __iter__(self) -> Iterator["Task"]:
        return self.tasks()

    def __getitem__(self, task_id: str) -> "Task":
        return _child(Task, f"{self.pathspec}/{task_id}", _namespace_check=False)

    @property
    def task(self) -> Optional["Task"]:
        ids = self._task_ids()
        return self[ids[0]] if ids else None

    @property
    def finished_at(self) -> Optional[datetime]:
        times = [t.finished_at for t in self.tasks()]
        return None if not times or None in times else max(times)  # type: ignore

    @property
    def created_at(self) -> Optional[datetime]:
        return self.task.created_at if self.task else None

    @property
    def parent(self) -> Run:
        return Run(f"{self.flow_name}/{self.run_id}", _namespace_check=False)

    @property
    def tags(self) -> FrozenSet[str]:
        return self.parent.tags


def _child(cls: type, pathspec: str, **kwargs: Any) -> Any:
    try:
        return cls(pathspec, **kwargs)
    except MissingChild:
        raise
    except MetaflowNotFound as e:
        raise MissingChild(e.message, hint=e.hint) from None


__all__ = ["Metaflow", "Flow", "Run", "Step", "Task", "DataArtifact", "MetaflowData",
           "MetaflowCode"]

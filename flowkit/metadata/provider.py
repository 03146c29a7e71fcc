"""The metadata record layout, written through any StorageBackend (local disk now, S3 later).

    <Flow>/runs/<run_id>/_run.json                 created once, conditionally (unique run ids)
    <Flow>/runs/<run_id>/_status.json              the run's outcome, written when it ends
    <Flow>/runs/<run_id>/<step>/<task>/<n>.start.json   attempt n began (pid, host, inputs)
    <Flow>/runs/<run_id>/<step>/<task>/<n>.done.json    attempt n's commit record
    <Flow>/runs/<run_id>/<step>/<task>/<n>.stdout|.stderr  its logs, one timestamped line each

The commit record (``done.json``) is written last and atomically: it holds the outcome, the
artifact refs, the transition taken and the exception, so a reader sees an attempt's artifacts
all at once or not at all. Attempts without a ``done.json`` are running or were lost.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..datastore.backend import StorageBackend
from .index import RunEntry, RunIndex

Record = Dict[str, Any]


def _dumps(rec: Record) -> bytes:
    return json.dumps(rec, separators=(",", ":"), default=str).encode("utf-8")


class MetadataStore:
    def __init__(self, backend: StorageBackend) -> None:
        self.backend = backend
        self.index = RunIndex(backend)

    # -- keys -------------------------------------------------------------------------------
    @staticmethod
    def run_prefix(flow: str, run_id: str) -> str:
        return f"{flow}/runs/{run_id}"

    @classmethod
    def task_prefix(cls, flow: str, run_id: str, step: str, task_id: str) -> str:
        return f"{cls.run_prefix(flow, run_id)}/{step}/{task_id}"

    def _read(self, key: str) -> Optional[Record]:
        data = self.backend.get_or_none(key)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None

    # -- runs -------------------------------------------------------------------------------
    def new_run(self, flow: str, record: Record) -> str:
        """Create the run record under a fresh, sortable, unique id and return the id."""
        candidate = time.time_ns() // 1000
        for _ in range(1000):
            run_id = str(candidate)
            rec = dict(record, run_id=run_id, flow=flow, created_at=time.time())
            if self.backend.put(f"{self.run_prefix(flow, run_id)}/_run.json", [_dumps(rec)],
                                overwrite=False):
                self.index.append(flow, ["c", run_id, rec.get("user", ""), rec["created_at"],
                                         rec.get("tags", []), rec.get("system_tags", [])])
                return run_id
            candidate += 1
        raise RuntimeError("could not allocate a run id")

    def run_record(self, flow: str, run_id: str) -> Optional[Record]:
        return self._read(f"{self.run_prefix(flow, run_id)}/_run.json")

    def finish_run(self, flow: str, run_id: str, status: str, **extra: Any) -> None:
        rec = dict(extra, status=status, finished_at=time.time())
        self.backend.put(f"{self.run_prefix(flow, run_id)}/_status.json", [_dumps(rec)])
        self.index.append(flow, ["f", run_id, status, rec["finished_at"]])
        self.index.refresh_snapshot(flow)

    def change_tags(self, flow: str, run_id: str, remove: List[str], add: List[str]) -> None:
        """One atomic change of a run's user tags (a replace is a remove and an add at once).
        Also kept beside the run, so a rebuilt index keeps every promotion."""
        event = ["t", run_id, list(remove), list(add)]
        tags_log = f"{self.run_prefix(flow, run_id)}/_tags.log"
        if self.backend.local_path(tags_log) is not None:  # object stores keep events as objects
            self.backend.append_line(tags_log, json.dumps(event, ensure_ascii=False) + "\n")
        self.index.append(flow, event)

    def runs(self, flow: str) -> Dict[str, RunEntry]:
        """run_id -> RunEntry from the index (rebuilt from the run records if it is missing)."""
        entries = self.index.runs(flow)
        if not entries and any(True for _ in self.backend.list(f"{flow}/runs")):
            self.rebuild_index(flow)
            entries = self.index.runs(flow)
        return entries

    def rebuild_index(self, flow: str) -> None:
        for run_id in sorted(self.backend.list(f"{flow}/runs")):
            rec = self.run_record(flow, run_id)
            if rec is None:
                continue
            self.index.append(flow, ["c", run_id, rec.get("user", ""), rec.get("created_at", 0),
                                     rec.get("tags", []), rec.get("system_tags", [])])
            status = self.run_status(flow, run_id)
            if status:
                self.index.append(flow, ["f", run_id, status["status"],
                                         status.get("finished_at")])
            tags = self.backend.get_or_none(f"{self.run_prefix(flow, run_id)}/_tags.log")
            for line in (tags or b"").decode("utf-8", "replace").splitlines():
                try:
                    self.index.append(flow, json.loads(line))
                except ValueError:
                    continue

    def run_status(self, flow: str, run_id: str) -> Optional[Record]:
        return self._read(f"{self.run_prefix(flow, run_id)}/_status.json")

    def run_ids(self, flow: str) -> List[str]:
        """Every run id of the flow, newest first."""
        return sorted(self.runs(flow), key=lambda r: (len(r), r), reverse=True)

    def flows(self) -> List[str]:
        return sorted(n for n in self.backend.list("") if n not in ("data",)
                      and not n.startswith(".") and any(True for _ in self.backend.list(n + "/runs")))

    # -- steps and tasks --------------------------------------------------------------------
    def steps(self, flow: str, run_id: str) -> List[str]:
        return sorted(n for n in self.backend.list(self.run_prefix(flow, run_id))
                      if not n.endswith(".json"))

    def task_ids(self, flow: str, run_id: str, step: str) -> List[str]:
        ids = self.backend.list(f"{self.run_prefix(flow, run_id)}/{step}")
        return sorted(ids, key=lambda t: (len(t), t))

    def start_attempt(self, flow: str, run_id: str, step: str, task_id: str, attempt: int,
                      record: Record) -> None:
        rec = dict(record, attempt=attempt, started_at=time.time(), pid=os.getpid(),
                   host=os.uname().nodename)
        self.backend.put(f"{self.task_prefix(flow, run_id, step, task_id)}/{attempt}.start.json",
                         [_dumps(rec)])

    def commit_attempt(self, flow: str, run_id: str, step: str, task_id: str, attempt: int,
                       record: Record) -> None:
        rec = dict(record, attempt=attempt)
        rec.setdefault("finished_at", time.time())
        self.backend.put(f"{self.task_prefix(flow, run_id, step, task_id)}/{attempt}.done.json",
                         [_dumps(rec)])

    def attempts(self, flow: str, run_id: str, step: str, task_id: str) -> List[int]:
        names = self.backend.list(self.task_prefix(flow, run_id, step, task_id))
        return sorted({int(n.split(".", 1)[0]) for n in names if n.endswith(".start.json")
                       or n.endswith(".done.json")})

    def start_record(self, flow: str, run_id: str, step: str, task_id: str,
                     attempt: int) -> Optional[Record]:
        return self._read(f"{self.task_prefix(flow, run_id, step, task_id)}/{attempt}.start.json")

    def done_record(self, flow: str, run_id: str, step: str, task_id: str,
                    attempt: int) -> Optional[Record]:
        return self._read(f"{self.task_prefix(flow, run_id, step, task_id)}/{attempt}.done.json")

    def final_record(self, flow: str, run_id: str, step: str,
                     task_id: str) -> Tuple[Optional[int], Optional[Record]]:
        """(attempt, commit record) of the task's last attempt that committed, if any."""
        for attempt in reversed(self.attempts(flow, run_id, step, task_id)):
            rec = self.done_record(flow, run_id, step, task_id, attempt)
            if rec is not None:
                return attempt, rec
        return None, None

    # -- logs -------------------------------------------------------------------------------
    def log_key(self, flow: str, run_id: str, step: str, task_id: str, attempt: int,
                stream: str) -> str:
        return f"{self.task_prefix(flow, run_id, step, task_id)}/{attempt}.{stream}"

    def read_log(self, flow: str, run_id: str, step: str, task_id: str, attempt: int,
                 stream: str) -> Iterator[Tuple[float, str]]:
        data = self.backend.get_or_none(self.log_key(flow, run_id, step, task_id, attempt,
                                                     stream)) or b""
        for line in data.decode("utf-8", "replace").splitlines():
            ts, _, text = line.partition(" ")
            try:
                yield float(ts), text
            except ValueError:
                yield 0.0, line

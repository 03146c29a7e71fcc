"""One local run, start to finish: record it, store its inputs, drive scheduler and workers.

``prepare`` creates the run record (unique id, system tags, code package) and the
``_parameters`` task holding parameter values, IncludeFile contents and class constants.
``execute`` loops: start ready tasks up to ``max_workers`` (a @parallel gang starts whole),
pump worker output into the reporter and the logs, and hand each ended attempt's commit record
to the scheduler. A failure stops new starts and lets running tasks finish; SIGINT or SIGTERM
kills the running tasks (twice: at once, with SIGKILL) and marks them and the run failed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..config import Settings
from ..datastore.artifacts import store
from ..datastore.backend import StorageBackend
from ..datastore.package import store_package
from ..decorators.base import find_decorator
from ..decorators.resources import machine_capacity, visible_gpus
from ..decorators.timeout import GRACE_SECONDS
from .admission import Admission
from .resume import Cloner
from ..graph.parse import FlowGraph
from ..parameters import iter_constants, parameters_of
from ..version import __version__
from .command import step_argv
from .local import LocalExecutor, Worker, describe_exit, load_libc
from .scheduler import PARAMS_STEP, PARAMS_TASK, Outcome, PlannedTask, Scheduler
from .task import Stores, TaskSpec, run_task


class Reporter:
    """What the runtime tells the user; the CLI passes a printing one, tests a quiet one."""

    def run_started(self, flow: str, run_id: str) -> None: ...
    def task_started(self, pathspec: str, pid: int) -> None: ...
    def task_line(self, pathspec: str, pid: int, stream: str, text: str) -> None: ...
    def task_finished(self, pathspec: str, pid: int, ok: bool, reason: str = "") -> None: ...
    def run_finished(self, flow: str, run_id: str, ok: bool, summary: "RunSummary") -> None: ...
    def note(self, text: str) -> None: ...


@dataclass
class RunSummary:
    ok: bool = False
    tasks_ok: int = 0
    tasks_failed: List[str] = field(default_factory=list)
    not_started: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    tasks_cloned: int = 0


@dataclass
class RunOptions:
    max_workers: int = 16
    max_num_splits: int = 100
    tags: Tuple[str, ...] = ()
    namespace: Optional[str] = None
    launch: str = "auto"
    flow_file: str = ""
    top_args: Tuple[str, ...] = ()       # top-level CLI options a spawned `step` needs
    origin_run_id: Optional[str] = None  # resume: the run whose successful tasks are reused
    resume_step: Optional[str] = None    # resume: rerun this step and all after it


def resolve_launch(launch: str) -> str:
    """'auto' -> 'fork' where forking the runtime is safe, else 'spawn'. Forking a process that
    runs threads (an imported library's pool, a client connection) can deadlock the child, and
    macOS system libraries are not fork-safe."""
    if launch != "auto":
        return launch
    import threading

    if sys.platform == "darwin" or threading.active_count() > 1:
        return "spawn"
    return "fork"


def system_tags(user: str) -> List[str]:
    return [f"user:{user}", "runtime:dev", "python_version:%d.%d.%d" % sys.version_info[:3],
            f"flowkit_version:{__version__}"]


class LocalRun:
    def __init__(self, flow_cls: type, graph: FlowGraph, settings: Settings, backend: StorageBackend,
                 stores: Stores, reporter: Reporter, options: RunOptions) -> None:
        self.flow_cls = flow_cls
        self.graph = graph
        self.settings = settings
        self.backend = backend
        self.stores = stores
        self.reporter = reporter
        self.options = options
        self.flow_name = graph.name
        self.run_id = ""
        self.interrupts = 0
        self.stopping = False
        self._logs: Dict[Tuple[str, str], Any] = {}
        self._tasks: Dict[str, Tuple[PlannedTask, TaskSpec]] = {}
        # (due time, task, attempt, exception record for a @catch fallback attempt or None)
        self._retries: List[Tuple[float, PlannedTask, int, Optional[Dict[str, Any]]]] = []
        self.admission: Optional[Admission] = None
        self.cloner: Optional[Cloner] = None
        self._next_attempt: Dict[str, Tuple[int, Optional[Dict[str, Any]]]] = {}

    # -- before any task --------------------------------------------------------------------
    def prepare(self, params: Dict[str, Any]) -> str:
        user = self.settings.user
        code_sha, _ = store_package(self.stores.cas, self.options.flow_file) \
            if self.options.flow_file else ("", 0)
        self.run_id = self.stores.meta.new_run(self.flow_name, {
            "user": user, "tags": list(self.options.tags), "system_tags": system_tags(user),
            "code_sha": code_sha, "flow_file": os.path.basename(self.options.flow_file),
            "parameters": {k: _short(v) for k, v in params.items()},
            "graph": {n.name: {"type": n.type, "next": n.out_funcs} for n in self.graph},
            "pid": os.getpid(), "host": os.uname().nodename,
            "origin_run_id": self.options.origin_run_id,
        })
        meta = self.stores.meta
        if self.options.origin_run_id:  # resume: the origin's parameters, by reference
            origin = self.options.origin_run_id
            self.cloner = Cloner(meta, self.flow_name, origin, self.graph,
                                 self.options.resume_step)
            _, rec = meta.final_record(self.flow_name, origin, PARAMS_STEP, PARAMS_TASK)
            meta.start_attempt(self.flow_name, self.run_id, PARAMS_STEP, PARAMS_TASK, 0, {})
            meta.commit_attempt(self.flow_name, self.run_id, PARAMS_STEP, PARAMS_TASK, 0, dict(
                rec or {}, origin_pathspec=f"{self.flow_name}/{origin}/{PARAMS_STEP}/"
                                          f"{PARAMS_TASK}"))
            return self.run_id
        refs = {}
        skip = {attr for attr, _ in parameters_of(self.flow_cls)} | set(self.graph.nodes)
        for name, value in iter_constants(self.flow_cls, skip):
            try:
                refs[name] = store(self.stores.cas, value, name, PARAMS_STEP)
            except Exception:
                continue  # a constant that cannot be stored stays reachable on the class
        for attr, value in params.items():
            refs[attr] = store(self.stores.cas, value, attr, PARAMS_STEP)
        meta.start_attempt(self.flow_name, self.run_id, PARAMS_STEP, PARAMS_TASK, 0, {})
        meta.commit_attempt(self.flow_name, self.run_id, PARAMS_STEP, PARAMS_TASK, 0,
                            {"status": "ok", "artifacts": refs, "frames": [], "transition": {}})
        return self.run_id

    # -- the loop ---------------------------------------------------------------------------
    def execute(self) -> RunSummary:
        summary = RunSummary()
        started = time.time()
        sched = Scheduler(self.graph)
        sched.start()
        load_libc()
        import cloudpickle  # noqa: F401 - imported once here, not once per forked task

        warm = getattr(self.backend, "warm_up", None)   # e.g. S3: load SDK models before forking
        if warm is not None:
            warm()

        self.launch = resolve_launch(self.options.launch)

        executor = LocalExecutor(self._on_line)
        old = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        self.reporter.run_started(self.flow_name, self.run_id)
        queue: List[PlannedTask] = []
        gpus = visible_gpus()
        cap = machine_capacity()
        self.admission = Admission(self.flow_cls, cap.__class__(cap.cpu, cap.memory, len(gpus)),
                                   self.options.max_workers, gpus)
        try:
            while True:
                if not self.stopping:
                    before = len(queue)
                    summary.tasks_cloned += self._plan(sched, queue)
                    for task in [t for t in queue[before:] if self.admission.too_big(t)]:
                        queue.remove(task)
                        summary.tasks_failed.append(self._reject(task, sched))
                    self._queue_due_retries(queue)
                    while not self.stopping:
                        batch = self.admission.pick(queue)
                        if not batch:
                            break
                        for task in batch:
                            self._start(task, executor)
                if self.interrupts and executor.workers:
                    executor.signal_all(signal.SIGKILL if self.interrupts > 1 else signal.SIGTERM)
                self._kill_overdue(executor)
                if not executor.workers and (self.stopping or not self._retries):
                    break
                for worker in executor.poll(self._poll_timeout(executor)):
                    outcome = self._finish(worker, sched)
                    if outcome == "ok":
                        summary.tasks_ok += 1
                    elif outcome == "failed":
                        summary.tasks_failed.append(worker.key)
                        self.stopping = True
        except BaseException:
            # a bug here, a broken stdout pipe, a full disk: never leave tasks running or the
            # run looking alive forever
            self._abandon(executor)
            raise
        finally:
            for s, h in old.items():
                signal.signal(s, h)
            executor.close()
        for _, task, attempt, _ in self._retries:  # retries the stop cut short count as failed
            summary.tasks_failed.append(self._spec(task, attempt).pathspec)
        summary.not_started = len(queue) + sched.pending()
        summary.interrupted = bool(self.interrupts)
        summary.ok = sched.end_done and not summary.tasks_failed and not self.interrupts
        summary.tasks_ok += summary.tasks_cloned
        summary.seconds = time.time() - started
        self.stores.meta.finish_run(self.flow_name, self.run_id,
                                    "succeeded" if summary.ok else "failed")
        self.reporter.run_finished(self.flow_name, self.run_id, summary.ok, summary)
        return summary

    def _plan(self, sched: Scheduler, queue: List[PlannedTask]) -> int:
        """Queue the ready tasks; on resume, clone those the origin run already did."""
        cloned = 0
        while True:
            ready = sched.ready()
            if not ready:
                return cloned
            for task in ready:
                clone = self.cloner.clone(task, self.run_id) if self.cloner else None
                if clone is not None:
                    origin, transition = clone
                    self.reporter.note(f"[{self.run_id}/{task.step}/{task.task_id}] Cloned "
                                       f"from {origin}.")
                    sched.done(task.task_id, Outcome(True, transition),
                               foreach_ref=transition.get("foreach_ref"))
                    cloned += 1
                else:
                    queue.append(task)

    def _poll_timeout(self, executor: LocalExecutor) -> Optional[float]:
        if self.interrupts:
            return 0.5
        due = [w.deadline for w in executor.workers.values() if w.deadline]
        if self._retries and not self.stopping:
            due += [d for d, _, _, _ in self._retries]
        return max(0.0, min(due) - time.time()) if due else None

    def _kill_overdue(self, executor: LocalExecutor) -> None:
        """@timeout's backstop: a step stuck in native code ignores the in-task timer."""
        now = time.time()
        for worker in executor.workers.values():
            if worker.deadline and now >= worker.deadline and worker.killed_by is None:
                worker.killed_by = "timeout"
                try:
                    os.kill(worker.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _abandon(self, executor: LocalExecutor) -> None:
        executor.signal_all(signal.SIGKILL)
        deadline = time.time() + 10
        while executor.workers and time.time() < deadline:
            try:
                executor.poll(0.2)
            except Exception:
                break
        try:
            self.stores.meta.finish_run(self.flow_name, self.run_id, "failed")
        except Exception:
            pass

    def _queue_due_retries(self, queue: List[PlannedTask]) -> None:
        """Retries due now go to the front of the queue (admission still applies to them)."""
        now = time.time()
        due = [r for r in self._retries if r[0] <= now]
        self._retries = [r for r in self._retries if r[0] > now]
        for _, task, attempt, fallback in due:
            self._next_attempt[task.task_id] = (attempt, fallback)
        queue[:0] = [task for _, task, _, _ in due]

    def _reject(self, task: PlannedTask, sched: Scheduler) -> str:
        """Fail at once a task that can never fit on this machine."""
        why = self.admission.too_big(task) if self.admission else "too big"
        spec = self._spec(task)
        meta = self.stores.meta
        meta.start_attempt(self.flow_name, self.run_id, spec.step, spec.task_id, 0,
                           {"inputs": [f"{s}/{t}" for s, t in spec.inputs]})
        meta.commit_attempt(self.flow_name, self.run_id, spec.step, spec.task_id, 0, {
            "status": "failed", "artifacts": {}, "frames": task.frames,
            "exception": {"type": "ResourceError", "message": why, "traceback": ""}})
        self.reporter.task_finished(self._short(spec.pathspec), 0, False,
                                    f"{why}: lower @resources or run it remotely")
        self.stopping = True
        sched.running[task.task_id] = task
        sched.done(task.task_id, Outcome(False))
        return spec.pathspec

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.interrupts += 1
        self.stopping = True

    def _spec(self, task: PlannedTask, attempt: int = 0,
              fallback: Optional[Dict[str, Any]] = None) -> TaskSpec:
        control = task.gang[0] if task.gang else None
        return TaskSpec(
            flow_name=self.flow_name, run_id=self.run_id, step=task.step, task_id=task.task_id,
            inputs=tuple(task.inputs), attempt=attempt,
            split_index=task.frames[-1]["index"] if task.frames and task.frames[-1]["kind"]
            in ("foreach", "parallel") and task.inputs[0][0] == task.frames[-1]["step"] else None,
            max_num_splits=self.options.max_num_splits, control_task_id=control,
            user=self.settings.user, tags=tuple(self.options.tags),
            namespace=self.options.namespace,
            max_user_code_retries=self._retry_policy(task.step)[0], fallback_exception=fallback,
            origin_run_id=self.options.origin_run_id)

    def _start(self, task: PlannedTask, executor: LocalExecutor) -> None:
        attempt, fallback = self._next_attempt.pop(task.task_id, (0, None))
        spec = self._spec(task, attempt, fallback)
        key = spec.pathspec
        gpus = self.admission.reserve(key, spec.step) if self.admission else []
        env = {"CUDA_VISIBLE_DEVICES": ",".join(map(str, gpus))} if gpus else {}
        if self.launch == "spawn":
            argv = step_argv(self.options.flow_file, self.options.top_args, spec)
            worker = executor.spawn(key, argv, dict(os.environ, PYTHONUNBUFFERED="1", **env))
        else:
            def child() -> int:
                os.environ.update(env)
                return run_task(self.flow_cls, self.graph, spec, self.stores)

            worker = executor.fork(key, child)
        limit = find_decorator(getattr(self.flow_cls, spec.step), "timeout")
        if limit is not None and fallback is None:
            worker.deadline = worker.started + limit.seconds + GRACE_SECONDS
            worker.limit_text = limit.describe()
        self._tasks[key] = (task, spec)
        self.reporter.task_started(self._short(key), worker.pid)

    def _short(self, pathspec: str) -> str:
        return pathspec.split("/", 1)[1]

    # -- output and outcomes ----------------------------------------------------------------
    def _on_line(self, worker: Worker, stream: str, ts: float, text: str) -> None:
        f = self._logs.get((worker.key, stream))
        if f is None:
            f = self._open_log(worker.key, stream)
        f.write(f"{ts:.6f} {text}\n")   # on disk before it is on screen
        self.reporter.task_line(self._short(worker.key), worker.pid, stream, text)

    def _open_log(self, key: str, stream: str) -> Any:
        _, spec = self._tasks[key]
        log_key = self.stores.meta.log_key(self.flow_name, self.run_id, spec.step, spec.task_id,
                                           spec.attempt, stream)
        path = self.backend.local_path(log_key)
        if path is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            f = open(path, "a", encoding="utf-8", buffering=1)   # line-buffered
        else:
            f = _BufferedLog(self.backend, log_key)
        self._logs[(key, stream)] = f
        return f

    def _retry_policy(self, step: str) -> Tuple[int, float]:
        deco = find_decorator(getattr(self.flow_cls, step), "retry")
        if deco is None:
            return 0, 0.0
        return deco.retries, deco.delay_seconds * self.settings.retry_delay_scale

    def _finish(self, worker: Worker, sched: Scheduler) -> str:
        """'ok', 'failed', or 'retry' (a new attempt is scheduled) for an ended worker."""
        for stream in ("stdout", "stderr"):
            f = self._logs.pop((worker.key, stream), None)
            if f is not None:
                f.close()
        task, spec = self._tasks.pop(worker.key)
        if self.admission:
            self.admission.release(worker.key)
        meta = self.stores.meta
        rec = meta.done_record(self.flow_name, self.run_id, spec.step, spec.task_id, spec.attempt)
        reason = ""
        if rec is None:
            reason = describe_exit(worker.status or 0)
            if worker.killed_by == "timeout":
                reason = f"the task ran past its time limit ({worker.limit_text}) and was killed"
            if self.interrupts:
                reason = "the run was interrupted; " + reason
            kind = "TimeoutException" if worker.killed_by == "timeout" else "TaskCrashed"
            rec = {"status": "failed", "artifacts": {}, "frames": task.frames,
                   "exception": {"type": kind, "message": reason, "traceback": ""}}
            if meta.start_record(self.flow_name, self.run_id, spec.step, spec.task_id,
                                 spec.attempt) is None:
                meta.start_attempt(self.flow_name, self.run_id, spec.step, spec.task_id,
                                   spec.attempt, {"inputs": [f"{s}/{t}" for s, t in spec.inputs]})
            meta.commit_attempt(self.flow_name, self.run_id, spec.step, spec.task_id,
                                spec.attempt, rec)
        ok = rec.get("status") == "ok"
        if not ok and not reason:
            exc = rec.get("exception") or {}
            reason = f"{exc.get('type', 'error')}: {exc.get('message', '')}".strip()
        retries, delay = self._retry_policy(spec.step)
        if not ok and spec.attempt < retries and not self.interrupts:
            self.reporter.task_finished(self._short(worker.key), worker.pid, False,
                                        f"{reason} (attempt {spec.attempt + 1} of "
                                        f"{retries + 1}; retrying"
                                        + (f" in {delay:.0f}s)" if delay >= 1 else ")"))
            self._retries.append((time.time() + delay, task, spec.attempt + 1, None))
            return "retry"
        if not ok and not self.interrupts and spec.fallback_exception is None and find_decorator(
                getattr(self.flow_cls, spec.step), "catch") is not None:
            # the process died before @catch could act in it: a fallback attempt records it
            self.reporter.task_finished(self._short(worker.key), worker.pid, False,
                                        f"{reason} (@catch will record it)")
            self._retries.append((time.time(), task, spec.attempt + 1, rec.get("exception")))
            return "retry"
        self.reporter.task_finished(self._short(worker.key), worker.pid, ok, reason)
        transition = rec.get("transition") or {}
        sched.done(task.task_id, Outcome(ok, transition), frames=rec.get("frames"),
                   foreach_ref=transition.get("foreach_ref"))
        return "ok" if ok else "failed"


class _BufferedLog:
    """Logs of a backend without local files: kept in memory, stored when the attempt ends."""

    def __init__(self, backend: StorageBackend, key: str) -> None:
        self.backend, self.key, self.parts = backend, key, []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def close(self) -> None:
        self.backend.put(self.key, ["".join(self.parts).encode("utf-8")])


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 200 and isinstance(value, (int, float, str, bool)) \
        else text[:200]


__all__ = ["LocalRun", "RunOptions", "RunSummary", "Reporter", "system_tags"]

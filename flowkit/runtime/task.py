"""Run ONE task attempt: the same code in a forked local worker, a spawned `step` command and a
remote container.

The attempt reads its inputs' commit records, builds ``self`` (artifact refs, foreach frames),
runs the step under the decorators' hooks, stores every new artifact in the content-addressed
store and finally writes its own commit record. Nothing of a failed or killed attempt is ever
read as a success: the commit record is the last write.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ..current import Parallel, current
from ..datastore.artifacts import ArtifactRef, encode, load, store, type_name
from ..datastore.cas import ContentAddressedStore, hash_buffers
from ..decorators.base import find_decorator
from ..exception import FlowkitException, StepRuntimeError
from ..flowspec import _IMMUTABLE, FlowSpec, Inputs, TaskState
from ..graph.parse import END, FlowGraph
from ..metadata.provider import MetadataStore
from ..parameters import parameters_of
from .scheduler import PARAMS_STEP, PARAMS_TASK, child_frames



@dataclass(frozen=True)
class TaskSpec:
    """Everything that identifies one attempt; the `step` command's options carry the same."""

    flow_name: str
    run_id: str
    step: str
    task_id: str
    inputs: Tuple[Tuple[str, str], ...]
    attempt: int = 0
    split_index: Optional[int] = None
    max_num_splits: int = 100
    control_task_id: Optional[str] = None
    origin_run_id: Optional[str] = None
    user: str = "unknown"
    tags: Tuple[str, ...] = ()
    namespace: Optional[str] = None
    runtime: str = "dev"   # what the client reports as runtime_name (batch, kubernetes...)
    max_user_code_retries: int = 0
    # Set for a fallback attempt: the exception record of an attempt whose process died, for
    # @catch to record without running the step again.
    fallback_exception: Optional[Dict[str, Any]] = None

    @property
    def pathspec(self) -> str:
        return f"{self.flow_name}/{self.run_id}/{self.step}/{self.task_id}"


@dataclass
class Stores:
    cas: ContentAddressedStore
    meta: MetadataStore


@dataclass
class TaskContext:
    """What decorator hooks receive."""

    spec: TaskSpec
    flow: Any
    graph: FlowGraph
    node: Any
    stores: Stores
    exception: Optional[BaseException] = None
    extra: Dict[str, Any] = field(default_factory=dict)


def input_record(stores: Stores, spec: TaskSpec, step: str, task_id: str) -> Dict[str, Any]:
    _, rec = stores.meta.final_record(spec.flow_name, spec.run_id, step, task_id)
    if rec is None or rec.get("status") != "ok":
        raise StepRuntimeError(
            f"input {spec.run_id}/{step}/{task_id} of {spec.pathspec} has no successful "
            "commit", hint="the input task failed or is still running")
    return rec


def build_state(graph: FlowGraph, spec: TaskSpec, stores: Stores,
                flow_cls: type) -> Tuple[TaskState, Optional[Inputs], List[Dict[str, Any]]]:
    """The TaskState behind self, the join inputs (if a join), and the task's frames."""
    node = graph[spec.step]
    loader = _loader(stores.cas)
    records = [(s, t, input_record(stores, spec, s, t)) for s, t in spec.inputs]
    if node.is_join:
        views = []
        for s, t, rec in records:
            vstate = TaskState(loader, rec["artifacts"], rec["frames"], s,
                               f"{spec.flow_name}/{spec.run_id}/{s}/{t}", graph)
            views.append(flow_cls._for_task(vstate))
        frames = list(records[0][2]["frames"][:-1])
        params = input_record(stores, spec, PARAMS_STEP, PARAMS_TASK)["artifacts"]
        # a join inherits parameters and the foreach inputs of the levels still open
        refs = dict(params)
        state = TaskState(loader, refs, frames, spec.step, spec.pathspec, graph,
                          spec.max_num_splits)
        return state, Inputs(views), frames
    (pstep, ptask, prec), = records
    transition = prec.get("transition") or {}
    pnode = graph[pstep] if pstep in graph else None
    if pnode is not None and pnode.type in ("foreach", "split-parallel"):
        index = spec.split_index if spec.split_index is not None else 0
    elif pnode is not None and pnode.type == "split":
        index = pnode.out_funcs.index(spec.step)
    else:
        index = 0
    frames = child_frames(graph, pstep, ptask, prec["frames"], spec.step, index, transition,
                          transition.get("foreach_ref"))
    state = TaskState(loader, prec["artifacts"], frames, spec.step, spec.pathspec, graph,
                      spec.max_num_splits)
    return state, None, frames


def _loader(cas: ContentAddressedStore):
    def loader(ref: ArtifactRef, what: str) -> Any:
        return load(cas, ref, what)
    return loader


def persist(flow: FlowSpec, state: TaskState, cas: ContentAddressedStore,
            step: str) -> Dict[str, ArtifactRef]:
    """Store what the step set; keep refs of what it only inherited (nothing is copied)."""
    refs = dict(state.refs)
    for name, value in flow._new_artifacts().items():
        loaded = state.loaded.get(name)
        if loaded is not None and loaded[0] is value:
            if isinstance(value, _IMMUTABLE):
                refs[name] = loaded[1]
                continue
            # read, perhaps changed in place: encode and hash it, but write only if it changed
            enc, buffers = encode(value, name, step)
            sha, _ = hash_buffers(buffers)
            if sha == loaded[1]["sha"]:
                refs[name] = loaded[1]
                continue
        refs[name] = store(cas, value, name, step)
    return refs


def exception_record(exc: BaseException) -> Dict[str, Any]:
    return {"type": type_name(exc), "message": str(exc), "traceback": user_traceback(exc)}


def _is_ours(frame: Any) -> bool:
    name = frame.f_globals.get("__name__", "") or ""
    return name == "flowkit" or name.startswith(("flowkit.", "flowkit_"))


def user_traceback(exc: BaseException) -> str:
    """The traceback with flowkit's (and its plugins') frames removed: what the user needs to
    fix their step. A flowkit error with no user frame left is its message alone."""
    summary = traceback.StackSummary.extract(
        (f, line) for f, line in traceback.walk_tb(exc.__traceback__) if not _is_ours(f))
    text = "".join(summary.format())
    if isinstance(exc, FlowkitException):
        tail = exc.render()
    else:
        tail = "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
    if not summary:
        return tail
    return "Traceback (most recent call last):\n" + text + tail


def run_task(flow_cls: type, graph: FlowGraph, spec: TaskSpec, stores: Stores) -> int:
    """Run one attempt to its commit; returns the process exit code (0 ok, 1 failed)."""
    meta = stores.meta
    started = time.time()
    inputs_text = [f"{s}/{t}" for s, t in spec.inputs]
    meta.start_attempt(spec.flow_name, spec.run_id, spec.step, spec.task_id, spec.attempt,
                       {"inputs": inputs_text, "split_index": spec.split_index,
                        "runtime": spec.runtime, "fallback": bool(spec.fallback_exception)})
    node = graph[spec.step]
    decorators = list(getattr(getattr(flow_cls, spec.step), "decorators", []))
    flow = state = ctx = None
    frames: List[Dict[str, Any]] = []

    def commit(status: str, refs: Dict[str, Any], **extra: Any) -> None:
        meta.commit_attempt(spec.flow_name, spec.run_id, spec.step, spec.task_id, spec.attempt,
                            dict(extra, status=status, artifacts=refs, frames=frames,
                                 started_at=started, inputs=inputs_text,
                                 split_index=spec.split_index,
                                 origin_run_id=spec.origin_run_id))

    try:
        state, inputs, frames = build_state(graph, spec, stores, flow_cls)
        flow = flow_cls._for_task(state)
        _bind_current(spec, graph, frames)
        if spec.namespace is not None:  # --namespace: what the client sees inside the step
            from ..client.namespace import namespace

            namespace(spec.namespace)
        ctx = TaskContext(spec, flow, graph, node, stores)
        if spec.fallback_exception is not None:  # the previous attempt died; @catch records it
            return _commit_caught(flow, state, spec, node, decorators, stores,
                                  spec.fallback_exception, commit)
        ok = False
        try:
            for deco in decorators:
                deco.on_task_start(ctx)
            func = getattr(flow, spec.step)
            func(inputs) if node.is_join else func()
            ok = True
        finally:
            for deco in decorators:
                deco.on_task_finished(ctx, ok)
        if node.type != END and state.transition is None:
            raise StepRuntimeError(f"step '{spec.step}' finished without calling self.next",
                                   hint="end the step with self.next(...)")
        refs = persist(flow, state, stores.cas, spec.step)
        commit("ok", refs, transition=_final_transition(state.transition, refs, flow, stores,
                                                        spec.step))
        return 0
    except BaseException as exc:  # the user's step failed (or was interrupted)
        sys.stderr.write(user_traceback(exc) + "\n")
        sys.stderr.flush()
        catch = find_decorator(getattr(flow_cls, spec.step), "catch")
        last = spec.attempt >= spec.max_user_code_retries
        if catch is not None and last and flow is not None and not isinstance(
                exc, (KeyboardInterrupt, SystemExit)):
            try:
                return _commit_caught(flow, state, spec, node, decorators, stores,
                                      exception_record(exc), commit)
            except Exception as again:  # the catch itself could not be honoured
                sys.stderr.write(f"@catch could not record the failure: {again}\n")
        refs = {}
        if flow is not None and state is not None:
            try:
                refs = persist(flow, state, stores.cas, spec.step)
            except Exception:
                refs = dict(state.refs)
        try:
            commit("failed", refs, exception=exception_record(exc))
        except FlowkitException as again:  # e.g. the datastore is unreachable: say so plainly
            sys.stderr.write(f"the failure could not be recorded: {again.render()}\n")
        return 1
    finally:
        scratch = current.__dict__.get("_tempdir")
        current._reset()
        if scratch:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


def _final_transition(transition: Optional[Dict[str, Any]], refs: Dict[str, Any], flow: Any,
                      stores: Stores, step: str) -> Dict[str, Any]:
    out = dict(transition or {})
    if "foreach" in out:
        var = out["foreach"]
        out["foreach_ref"] = refs.get(var) or store(stores.cas, getattr(flow, var), var, step)
    return out


def _commit_caught(flow: Any, state: TaskState, spec: TaskSpec, node: Any, decorators: List[Any],
                   stores: Stores, exc_rec: Dict[str, Any], commit: Any) -> int:
    """@catch: keep what the step set, store the exception, succeed, and carry on."""
    from ..decorators.catch import CaughtException

    catch = next(d for d in decorators if d.name == "catch")
    if catch.attributes["print_exception"]:
        sys.stderr.write(f"@catch caught {exc_rec['type']}: {exc_rec['message']}; the flow goes "
                         "on\n")
    var = catch.attributes["var"]
    if var:
        setattr(flow, var, CaughtException(exc_rec["type"], exc_rec["message"],
                                           exc_rec.get("traceback", "")))
    if state.transition is None:
        if node.type not in ("linear", "split", "join", "end"):
            raise StepRuntimeError(
                f"@catch cannot continue after '{spec.step}' failed: it is a {node.type} step "
                "whose next tasks depend on what it did not finish")
        state.transition = {"targets": list(node.out_funcs)} if node.type != END else {}
    refs = persist(flow, state, stores.cas, spec.step)
    commit("ok", refs, exception=exc_rec, caught=True,
           transition=_final_transition(state.transition, refs, flow, stores, spec.step))
    return 0


def _bind_current(spec: TaskSpec, graph: FlowGraph, frames: List[Dict[str, Any]]) -> None:
    current._bind(
        flow_name=spec.flow_name, run_id=spec.run_id, step_name=spec.step,
        task_id=spec.task_id, retry_count=spec.attempt, origin_run_id=spec.origin_run_id,
        namespace=spec.namespace or f"user:{spec.user}", username=spec.user,
        tags=list(spec.tags),
        parameter_names=[p.name for _, p in parameters_of(graph.flow_cls)],
    )
    gang = [f for f in frames if f["kind"] == "parallel"]
    if gang:
        frame = gang[-1]
        current._extend("parallel", Parallel(
            main_ip="127.0.0.1", num_nodes=frame["n"], node_index=frame["index"],
            control_task_id=spec.control_task_id))


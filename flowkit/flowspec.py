"""FlowSpec: the base class of every flow, and what a step sees on ``self``.

In a task, ``self`` holds the artifacts it inherited as refs (hashes) and loads a value only
when the step reads it; whatever the step assigns becomes an artifact of the task.
``self.next`` records the transition (checked against the graph), ``merge_artifacts`` copies refs
that all inputs agree on (comparing hashes, never loading values). ``MyFlow()`` under
``__main__`` hands control to the command line.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

ArtifactRef = Dict[str, Any]  # {'sha', 'size', 'type', 'enc'}: see datastore/artifacts.py

from .exception import (InvalidNextError, MissingInMergeArtifactsException, StepRuntimeError,
                        UnhandledInMergeArtifactsException)

# Attributes of every flow that a step may not assign (they mean something already).
_RESERVED = frozenset({"next", "input", "index", "name", "foreach_stack", "merge_artifacts",
                       "script_name"})
# Values that cannot change after loading: reading them in a step and keeping them costs nothing.
_IMMUTABLE = (bytes, str, int, float, complex, bool, type(None), frozenset)


class TaskState:
    """The state behind ``self`` in one task (or one input of a join)."""

    def __init__(self, loader: Callable[[ArtifactRef, str], Any], refs: Dict[str, ArtifactRef],
                 frames: Sequence[Dict[str, Any]], step: str, pathspec: str,
                 graph: Any = None, max_num_splits: int = 0) -> None:
        self.loader = loader
        self.refs = dict(refs)
        self.frames = list(frames)
        self.step = step
        self.pathspec = pathspec
        self.graph = graph
        self.max_num_splits = max_num_splits
        self.loaded: Dict[str, Tuple[Any, ArtifactRef]] = {}
        self.transition: Optional[Dict[str, Any]] = None
        self.foreach_values: Dict[int, Any] = {}

    def load(self, name: str) -> Any:
        ref = self.refs[name]
        value = self.loader(ref, f"artifact '{name}' of {self.pathspec}")
        self.loaded[name] = (value, ref)
        return value

    def frame_value(self, depth: int) -> Any:
        if depth not in self.foreach_values:
            frame = [f for f in self.frames if f["kind"] == "foreach"][depth]
            seq = self.loader(frame["ref"], f"foreach list '{frame['var']}' of "
                                            f"{frame['step']}/{frame['task']}")
            self.foreach_values[depth] = item_at(seq, frame["index"])
        return self.foreach_values[depth]


def _is_constant(cls: type, name: str) -> bool:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            if klass is FlowSpec or klass is object:
                return False
            value = klass.__dict__[name]
            return not (callable(value) or hasattr(value, "__get__")
                        or isinstance(value, (staticmethod, classmethod)))
    return False


def item_at(seq: Any, index: int) -> Any:
    if hasattr(seq, "__getitem__") and hasattr(seq, "__len__") and not isinstance(seq, dict):
        return seq[index]
    return list(seq)[index]


def foreach_length(value: Any, var: str, step: str) -> int:
    try:
        return len(value)
    except TypeError:
        pass
    try:
        return len(list(value))
    except TypeError:
        raise InvalidNextError(
            f"foreach=\"{var}\" in step '{step}' needs an iterable, but self.{var} is a "
            f"{type(value).__name__}", hint=f"set self.{var} to a list before self.next") from None


class FlowSpec:
    """Base class of a flow: subclass it, add @step methods, call MyFlow() under __main__."""

    def __init__(self, use_cli: bool = True) -> None:
        if use_cli:
            from .cli.main import main

            main(type(self))

    # -- internal ---------------------------------------------------------------------------
    @classmethod
    def _for_task(cls, state: TaskState) -> "FlowSpec":
        flow = cls.__new__(cls)
        object.__setattr__(flow, "_state", state)
        return flow

    def _artifact(self, name: str) -> Any:
        d = self.__dict__
        if name in d:
            return d[name]
        state = d.get("_state")
        if state is not None and name in state.refs:
            value = state.load(name)
            d[name] = value
            return value
        step = f" in step '{state.step}'" if state is not None else ""
        raise AttributeError(
            f"flow {type(self).__name__} has no attribute '{name}'{step}: no step before "
            "this one set it")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_state":
            raise AttributeError(name)
        return self._artifact(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _RESERVED:
            raise StepRuntimeError(f"'{name}' is reserved: a step cannot assign self.{name}",
                                   hint=f"store the value under another name, e.g. "
                                        f"self.my_{name}")
        if not name.startswith("_") and _is_constant(type(self), name):
            # the class attribute would keep winning over the stored artifact in later steps
            raise StepRuntimeError(
                f"'{name}' is a constant of flow {type(self).__name__} (a class attribute) and "
                "cannot be changed in a step",
                hint=f"store the new value under another name, e.g. self.{name.lower()}_used")
        object.__setattr__(self, name, value)

    def _new_artifacts(self) -> Dict[str, Any]:
        """Attributes this task set or read, to be stored (private names excluded)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    # -- what a step reads ------------------------------------------------------------------
    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def script_name(self) -> str:
        module = sys.modules.get(type(self).__module__)
        return os.path.basename(getattr(module, "__file__", "") or "")

    def _foreach_frames(self) -> List[Dict[str, Any]]:
        state = self.__dict__.get("_state")
        return [f for f in state.frames if f["kind"] == "foreach"] if state else []

    @property
    def index(self) -> Optional[int]:
        """The position of this task's item in the innermost foreach (None outside one)."""
        state = self.__dict__.get("_state")
        frames = [f for f in state.frames if f["kind"] in ("foreach", "parallel")] if state else []
        return frames[-1]["index"] if frames else None

    @property
    def input(self) -> Any:
        """The item of the innermost foreach this task works on (None outside a foreach)."""
        frames = self._foreach_frames()
        if not frames:
            return None
        return self.__dict__["_state"].frame_value(len(frames) - 1)

    def foreach_stack(self) -> List[Tuple[int, int, Any]]:
        """(index, number of splits, item) for each enclosing foreach, outermost first."""
        state = self.__dict__.get("_state")
        return [(f["index"], f["n"], state.frame_value(i))
                for i, f in enumerate(self._foreach_frames())]

    # -- what a step does -------------------------------------------------------------------
    def next(self, *dsts: Any, foreach: Optional[str] = None, condition: Optional[str] = None,
             num_parallel: Optional[int] = None) -> None:
        state: TaskState = self.__dict__.get("_state")
        if state is None:
            raise StepRuntimeError("self.next can only be called inside a running step")
        if state.transition is not None:
            raise InvalidNextError(f"step '{state.step}' called self.next twice",
                                   hint="call self.next exactly once, as the last statement")
        node = state.graph[state.step] if state.graph is not None else None
        if condition is not None:
            state.transition = self._switch(state, node, dsts, condition)
            return
        names = [self._target_name(d, state) for d in dsts]
        if node is not None and names != node.out_funcs:
            raise InvalidNextError(
                f"step '{state.step}' went to {names}, but its source says {node.out_funcs}",
                hint="the flow file changed while running? run it again")
        transition: Dict[str, Any] = {"targets": names}
        if foreach is not None:
            seq = getattr(self, foreach)
            n = foreach_length(seq, foreach, state.step)
            if state.max_num_splits and n > state.max_num_splits:
                from .exception import ForeachLimitError

                raise ForeachLimitError(
                    f"foreach over '{foreach}' in step '{state.step}' has {n} items, more than "
                    f"--max-num-splits {state.max_num_splits}",
                    hint=f"raise the limit: run --max-num-splits {n}")
            if n == 0:
                raise InvalidNextError(
                    f"foreach over '{foreach}' in step '{state.step}' has no items",
                    hint=f"make sure self.{foreach} is not empty before self.next")
            transition.update(foreach=foreach, num_splits=n)
        if num_parallel is not None:
            if not isinstance(num_parallel, int) or num_parallel < 1:
                raise InvalidNextError(f"num_parallel must be a positive int, got "
                                       f"{num_parallel!r}")
            transition.update(num_parallel=num_parallel)
        state.transition = transition

    @staticmethod
    def _target_name(dst: Any, state: TaskState) -> str:
        name = getattr(dst, "__name__", None)
        if not callable(dst) or not getattr(dst, "_flowkit_step", False) or name is None:
            raise InvalidNextError(
                f"self.next in step '{state.step}' got {dst!r}, which is not a step",
                hint="pass steps as self.<step_name>")
        return name

    def _switch(self, state: TaskState, node: Any, dsts: Tuple[Any, ...],
                condition: str) -> Dict[str, Any]:
        if len(dsts) != 1 or not isinstance(dsts[0], dict):
            raise InvalidNextError("with condition=, self.next takes one dict of cases")
        cases = {str(k): self._target_name(v, state) for k, v in dsts[0].items()}
        value = getattr(self, condition)
        key = str(value)
        if key not in cases:
            raise InvalidNextError(
                f"switch in step '{state.step}': self.{condition} is {value!r}, which is not "
                f"one of the cases {sorted(cases)}",
                hint=f"set self.{condition} to one of {sorted(cases)}, or add a case")
        return {"targets": [cases[key]], "switch": key}

    def merge_artifacts(self, inputs: "Inputs", exclude: Optional[Sequence[str]] = None,
                        include: Optional[Sequence[str]] = None) -> None:
        """Copy every artifact all inputs agree on (by hash) into this join task."""
        state: TaskState = self.__dict__.get("_state")
        if not isinstance(inputs, Inputs) or state is None:
            raise StepRuntimeError("merge_artifacts(inputs) can only be called in a join step "
                                   "with its inputs argument")
        if exclude and include:
            raise StepRuntimeError("merge_artifacts takes exclude= or include=, not both")
        exclude = set(exclude or [])
        values: Dict[str, Dict[str, ArtifactRef]] = {}
        for view in inputs:
            for name, ref in view._state.refs.items():
                if not name.startswith("_"):
                    values.setdefault(name, {})[ref["sha"]] = ref
        if include:
            missing = [n for n in include if n not in values]
            if missing:
                raise MissingInMergeArtifactsException(
                    f"merge_artifacts: {', '.join(missing)} not found in any input of "
                    f"step '{state.step}'", missing,
                    hint="include only artifacts that the joined steps set")
            wanted = set(include)
        else:
            wanted = set(values) - exclude
        conflicts = []
        for name in sorted(wanted):
            if name in self.__dict__ or name in state.refs:
                continue  # set in this join (or a parameter): never overwritten
            shas = values[name]
            if len(shas) > 1:
                conflicts.append(name)
            else:
                state.refs[name] = next(iter(shas.values()))
        if conflicts:
            raise UnhandledInMergeArtifactsException(
                f"merge_artifacts in step '{state.step}': inputs disagree on "
                f"{', '.join(repr(c) for c in conflicts)}", conflicts,
                hint=f"set them in the join (e.g. self.{conflicts[0]} = inputs[0].{conflicts[0]}) "
                     f"or pass exclude={conflicts!r}")


class Inputs:
    """The inputs of a join: iterate, index (``inputs[0]``), or name a branch (``inputs.a``)."""

    def __init__(self, views: List[FlowSpec]) -> None:
        self._views = views
        self._by_step = {v._state.step: v for v in views}

    def __iter__(self) -> Iterator[FlowSpec]:
        return iter(self._views)

    def __len__(self) -> int:
        return len(self._views)

    def __getitem__(self, i: int) -> FlowSpec:
        return self._views[i]

    def __getattr__(self, step: str) -> FlowSpec:
        if step.startswith("_"):
            raise AttributeError(step)
        try:
            return self.__dict__["_by_step"][step]
        except KeyError:
            raise AttributeError(f"this join has no input from step '{step}'; inputs come "
                                 f"from {sorted(self.__dict__['_by_step'])}") from None

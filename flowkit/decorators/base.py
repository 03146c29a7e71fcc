"""The @step marker, the StepDecorator base with its hooks, and DECOSPEC parsing.

A decorator validates its arguments when applied and attaches itself to the step function
(``func.decorators``); it never wraps the function. The task runner calls the hooks:

- ``validate(graph, node)``          at the graph check, before anything runs
- ``on_task_start(ctx)``             in the task process, before the step function
- ``on_task_exception(ctx, exc)``    after the step raised; return True to mark it handled
- ``on_task_finished(ctx, ok)``      after the attempt, whatever happened

The scheduler reads plain attributes (``attempts``, ``resources``...) through the registry.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..exception import DecoratorSpecError, FlowDefinitionError, FlowkitException
from .. import registry


def step(func: Callable) -> Callable:
    """Mark a method of a FlowSpec as a step. Other decorators go above it."""
    if not callable(func):
        raise FlowDefinitionError(f"@step decorates a method, got {func!r}")
    func._flowkit_step = True  # type: ignore[attr-defined]
    func.is_step = True  # type: ignore[attr-defined]  # Metaflow's attribute name
    func.name = func.__name__  # type: ignore[attr-defined]
    if not hasattr(func, "decorators"):
        func.decorators = []  # type: ignore[attr-defined]
    return func


class StepDecorator:
    """Base of step decorators. Subclasses set ``name`` and ``defaults`` and override hooks."""

    name = ""
    defaults: Dict[str, Any] = {}
    allow_multiple = False

    def __init__(self, attributes: Optional[Dict[str, Any]] = None,
                 statically_defined: bool = True) -> None:
        attributes = dict(attributes or {})
        unknown = sorted(set(attributes) - set(self.defaults))
        if unknown:
            raise DecoratorSpecError(
                f"@{self.name} has no argument {', '.join(repr(u) for u in unknown)}",
                hint=f"@{self.name} takes: {', '.join(self.defaults) or 'no arguments'}",
            )
        self.attributes = {**self.defaults, **attributes}
        self.statically_defined = statically_defined
        self.init()

    def init(self) -> None:
        """Validate self.attributes; raise DecoratorSpecError with a clear message."""

    # hooks --------------------------------------------------------------------------------
    def validate(self, graph: Any, node: Any) -> None:
        pass

    def on_task_start(self, ctx: Any) -> None:
        pass

    def on_task_exception(self, ctx: Any, exc: BaseException) -> bool:
        return False

    def on_task_finished(self, ctx: Any, ok: bool) -> None:
        pass

    def __repr__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.attributes.items())
        return f"@{self.name}({args})"


def make_step_decorator(cls: type) -> Callable:
    """The user-facing decorator for cls: usable as ``@name`` and ``@name(arg=...)``."""

    def attach(func: Callable, attributes: Dict[str, Any]) -> Callable:
        # Either order works: @retry above @step (usual) or below it.
        if not hasattr(func, "decorators"):
            func.decorators = []  # type: ignore[attr-defined]
        if not cls.allow_multiple and any(d.name == cls.name for d in func.decorators):
            _defer(func, cls.name, DecoratorSpecError(
                f"step '{func.__name__}' has @{cls.name} twice", hint="keep one"))
            return func
        try:
            func.decorators.append(cls(attributes, statically_defined=True))
        except FlowkitException as e:
            # Reported by the graph check with the step and line, not as an import traceback.
            _defer(func, cls.name, e)
        return func

    @functools.wraps(cls)
    def decorator(func: Optional[Callable] = None, **attributes: Any) -> Any:
        if func is not None:
            return attach(func, attributes)
        return lambda f: attach(f, attributes)

    decorator.__name__ = cls.name
    decorator.__doc__ = cls.__doc__
    registry.STEP_DECORATORS[cls.name] = cls
    return decorator


def _defer(func: Callable, name: str, error: Exception) -> None:
    problems = func.__dict__.setdefault("_flowkit_decorator_errors", [])
    problems.append((name, error))


_SPEC = re.compile(r"^([A-Za-z_][\w-]*)(?::(.*))?$")


_ARG_SPLIT = re.compile(r",(?=\s*[A-Za-z_]\w*\s*=)")


def parse_decospec(spec: str) -> Tuple[str, Dict[str, Any]]:
    """'batch:cpu=4,memory=8000' -> ('batch', {'cpu': 4, 'memory': 8000}). Values may hold
    commas (JSON such as vars={"A":"1","B":"2"}): a new argument starts only at `,name=`."""
    m = _SPEC.match(spec.strip())
    if not m:
        raise DecoratorSpecError(
            f"malformed decorator spec {spec!r}",
            hint="write NAME or NAME:key=value,key=value, e.g. --with retry:times=2")
    name, rest = m.group(1), m.group(2)
    attrs: Dict[str, Any] = {}
    for part in filter(None, _ARG_SPLIT.split(rest or "")):
        key, sep, value = part.partition("=")
        if not sep or not key.strip().isidentifier():
            raise DecoratorSpecError(
                f"malformed argument {part!r} in decorator spec {spec!r}",
                hint="arguments are key=value pairs separated by commas")
        attrs[key.strip()] = _parse_value(value.strip())
    return name, attrs


def _parse_value(text: str) -> Any:
    """JSON first (true/false/null, numbers, lists, objects), then a Python literal, else the
    text itself."""
    import ast
    import json

    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def attach_decospecs(flow_cls: type, specs: List[str], step_names: List[str]) -> None:
    """--with: attach decorators to every step; one written in the code wins."""
    for spec in specs:
        name, attrs = parse_decospec(spec)
        cls = registry.lookup(registry.STEP_DECORATORS, name)
        if cls is None:
            known = ", ".join(sorted(registry.STEP_DECORATORS)) or "none"
            raise DecoratorSpecError(f"unknown decorator {name!r} in --with {spec}",
                                     hint=f"known step decorators: {known}")
        for step_name in step_names:
            func = getattr(flow_cls, step_name)
            if any(d.name == name for d in func.decorators):
                continue
            func.decorators.append(cls(attrs, statically_defined=False))


def find_decorator(func: Callable, name: str) -> Optional[StepDecorator]:
    for d in getattr(func, "decorators", []):
        if d.name == name:
            return d
    return None

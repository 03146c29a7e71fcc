"""Parameter, JSONType and IncludeFile: the values a run starts from.

A Parameter is a class attribute of the flow and a data descriptor: inside a task ``self.alpha``
reads the run's value (stored as a read-only artifact), and assigning to it raises an error.
Values come from the command line (``--alpha 0.1``), a ``FLOWKIT_RUN_ALPHA`` variable, or the
default (a callable default is evaluated once, at launch, with a ParameterContext).
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Tuple

from .exception import FlowDefinitionError, ParameterError, StepRuntimeError


class _JSONTypeClass:
    """The type of a parameter whose value is JSON (given on the command line as a string)."""

    name = "JSON"

    def convert(self, value: Any, param_name: str) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError as e:
            raise ParameterError(
                f"parameter '{param_name}' expects JSON, got {value!r}: {e}",
                hint=f"quote the value in the shell, e.g. --{param_name} '{{\"a\": 1}}'",
            ) from None

    def __repr__(self) -> str:
        return "JSONType"


JSONType = _JSONTypeClass()


class ParameterContext(NamedTuple):
    """What a callable default receives (Metaflow's names)."""

    flow_name: str
    user_name: str
    parameter_name: str
    logger: Callable[..., None]
    ds_type: str


_TRUE = {"true", "1", "yes", "y", "on", "t"}
_FALSE = {"false", "0", "no", "n", "off", "f"}


class Parameter:
    """A run-time input of the flow: ``alpha = Parameter("alpha", default=0.5, help=...)``."""

    IS_FILE = False

    def __init__(
        self,
        name: str,
        default: Any = None,
        type: Any = None,  # noqa: A002 - Metaflow's keyword
        help: Optional[str] = None,  # noqa: A002
        required: bool = False,
        show_default: bool = True,
        separator: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise FlowDefinitionError(f"Parameter name must be a non-empty string, got {name!r}")
        self.name = name
        self.default = default
        self.help = help
        self.required = bool(required)
        self.show_default = show_default
        self.separator = separator
        self.kwargs = kwargs
        self.attr_name: Optional[str] = None
        self.type = self._infer_type(type, default)
        if separator is not None and self.type not in (str, int, float):
            raise FlowDefinitionError(
                f"Parameter '{name}': separator= works with str, int or float values only")

    @staticmethod
    def _infer_type(declared: Any, default: Any) -> Any:
        if declared is not None:
            if declared not in (str, int, float, bool, JSONType) and not callable(declared):
                raise FlowDefinitionError(f"unsupported Parameter type {declared!r}",
                                          hint="use str, int, float, bool or JSONType")
            return declared
        if default is None or callable(default):
            return str
        if isinstance(default, bool):
            return bool
        if isinstance(default, (int, float, str)):
            return type(default)
        if isinstance(default, (dict, list)):
            return JSONType
        return str

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr_name = attr

    # -- descriptor: a task reads the run's value; nobody writes it ------------------------
    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return obj._artifact(self.attr_name or self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        raise StepRuntimeError(
            f"parameter '{self.name}' is read-only inside a step",
            hint=f"store the new value under another name, e.g. self.{self.attr_name}_used = ...",
        )

    # -- values -----------------------------------------------------------------------------
    @property
    def type_name(self) -> str:
        if self.type is JSONType:
            return "JSON"
        return getattr(self.type, "__name__", str(self.type))

    def convert(self, value: Any) -> Any:
        """A command-line string (or a default) to the parameter's type."""
        if value is None:
            return None
        if self.separator is not None and isinstance(value, str):
            return [self._convert_one(v.strip()) for v in value.split(self.separator)]
        return self._convert_one(value)

    def _convert_one(self, value: Any) -> Any:
        t = self.type
        if t is JSONType:
            return JSONType.convert(value, self.name)
        if not isinstance(value, str):
            if t is float and isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            return value
        try:
            if t is bool:
                low = value.strip().lower()
                if low in _TRUE:
                    return True
                if low in _FALSE:
                    return False
                raise ValueError(value)
            return t(value)
        except (ValueError, TypeError):
            raise ParameterError(
                f"parameter '{self.name}' expects {self.type_name}, got {value!r}",
                hint=f"pass a {self.type_name} value: --{self.name} <{self.type_name}>",
            ) from None

    def resolve_default(self, ctx: ParameterContext) -> Any:
        default = self.default
        if callable(default) and not isinstance(default, type):
            try:
                default = default(ctx)
            except Exception as e:
                raise ParameterError(
                    f"the default of parameter '{self.name}' raised {type(e).__name__}: {e}"
                ) from None
        return self.convert(default)

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, default={self.default!r}, type={self.type_name})"


class IncludeFile(Parameter):
    """A local file read at launch; its content is stored once and is the artifact's value."""

    IS_FILE = True

    def __init__(
        self,
        name: str,
        required: bool = False,
        is_text: bool = True,
        encoding: str = "utf-8",
        help: Optional[str] = None,  # noqa: A002
        default: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, default=default, type=str, help=help, required=required, **kwargs)
        self.is_text = is_text
        self.encoding = encoding

    def convert(self, value: Any) -> Any:
        if value is None:
            return None
        path = os.path.expanduser(str(value))
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ParameterError(
                f"IncludeFile '{self.name}': cannot read {path}: {e.strerror or e}",
                hint=f"pass an existing file: --{self.name} path/to/file",
            ) from None
        if not self.is_text:
            return data
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError as e:
            raise ParameterError(
                f"IncludeFile '{self.name}': {path} is not {self.encoding} text ({e.reason})",
                hint="declare it with is_text=False to read bytes, or fix encoding=",
            ) from None


def parameters_of(flow_cls: type) -> List[Tuple[str, Parameter]]:
    """(attribute name, Parameter) for every parameter of the flow, base classes first."""
    cached = flow_cls.__dict__.get("_flowkit_parameters")
    if cached is not None:
        return cached
    found = {}
    for klass in reversed(flow_cls.__mro__):
        for attr, value in vars(klass).items():
            if isinstance(value, Parameter):
                found[attr] = value
    items = list(found.items())
    type.__setattr__(flow_cls, "_flowkit_parameters", items)
    return items


def flow_parameters(flow_cls: type) -> List[Tuple[str, Parameter, Optional[int]]]:
    """(attribute name, Parameter, line of its assignment): for messages that point at code."""
    lines = _assignment_lines(flow_cls)
    return [(attr, p, lines.get(attr)) for attr, p in parameters_of(flow_cls)]


def _assignment_lines(flow_cls: type) -> dict:
    import ast

    try:
        lines, lnum = inspect.findsource(flow_cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse("".join(lines))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == flow_cls.__name__ \
                and node.lineno >= lnum + 1 - len(node.decorator_list):
            out = {}
            for item in node.body:
                if isinstance(item, ast.Assign):
                    for t in item.targets:
                        if isinstance(t, ast.Name):
                            out[t.id] = item.lineno
            return out
    return {}


def iter_constants(flow_cls: type, skip: Any) -> Iterator[Tuple[str, Any]]:
    """Plain class attributes (constants such as LR = 0.1) that every task sees as artifacts."""
    seen = set()
    for klass in flow_cls.__mro__:
        if klass.__module__.startswith("flowkit.") or klass is object:
            continue
        for attr, value in vars(klass).items():
            if attr in seen or attr.startswith("_") or attr in skip:
                continue
            seen.add(attr)
            if isinstance(value, (Parameter, property, staticmethod, classmethod, type)) \
                    or callable(value) or inspect.ismodule(value):
                continue
            yield attr, value

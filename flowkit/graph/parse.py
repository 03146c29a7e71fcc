"""Parse a flow class into a FlowGraph from the source AST of its steps; no step ever runs.

The class object says which methods are steps (``@step`` marks them, whatever name it was
imported under) and carries their decorators; the AST of each step says where ``self.next`` goes.
Anything odd in a ``self.next`` call is recorded on the node as a problem for ``lint.py`` to
report, so that the check lists every problem of a flow at once instead of stopping at the first.

After parsing, ``_link`` fills the reverse edges and ``_annotate_splits`` walks the graph from
``start`` with a stack of open splits, so that every node knows which split (and which arm of
it) it sits in and every join knows which split it closes.
"""

from __future__ import annotations

import ast
import inspect
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..exception import FlowDefinitionError

# Node types, named as in Metaflow so that tools reading `output-raw` feel at home.
LINEAR, SPLIT, FOREACH, SWITCH, PARALLEL, JOIN, END = (
    "linear", "split", "foreach", "split-switch", "split-parallel", "join", "end",
)


@dataclass
class RawProblem:
    """A problem noticed while parsing one step, turned into a GraphProblem by lint."""

    rule: str
    message: str
    hint: str
    line: int


@dataclass
class StepNode:
    name: str
    file: str
    line: int                                  # the `def` line
    doc: str = ""
    decorators: List[str] = field(default_factory=list)
    num_args: int = 1                          # including self
    has_inputs: bool = False                   # declared as def x(self, inputs)
    type: str = LINEAR
    out_funcs: List[str] = field(default_factory=list)
    in_funcs: List[str] = field(default_factory=list)
    next_line: Optional[int] = None
    foreach_param: Optional[str] = None
    condition: Optional[str] = None
    switch_cases: Dict[str, str] = field(default_factory=dict)
    num_parallel: Optional[str] = None         # source text of the num_parallel expression
    is_parallel: bool = False                  # carries @parallel
    problems: List[RawProblem] = field(default_factory=list)
    # Filled by _annotate_splits: the open splits around this node, outermost first, each as
    # (split step name, arm index); the split a join closes; the join that closes a split.
    split_parents: Optional[List[Tuple[str, int]]] = None
    closes: Optional[str] = None
    matching_join: Optional[str] = None

    @property
    def is_join(self) -> bool:
        """It takes `inputs`: it closes a split (and may open another with its own next)."""
        return self.has_inputs and self.type != END

    @property
    def is_inside_foreach(self) -> bool:
        return bool(self.foreach_depth)

    @property
    def foreach_depth(self) -> int:
        """How many foreach/parallel splits are open around this node."""
        return getattr(self, "_foreach_depth", 0)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "join": self.is_join,
            "line": self.line,
            "doc": self.doc,
            "decorators": list(self.decorators),
            "next": list(self.out_funcs),
            "in_funcs": sorted(self.in_funcs),
            "foreach": self.foreach_param,
            "condition": self.condition,
            "switch_cases": dict(self.switch_cases) or None,
            "num_parallel": self.num_parallel,
            "split_parents": [s for s, _ in (self.split_parents or [])],
            "closes": self.closes,
            "matching_join": self.matching_join,
        }


@dataclass
class ClassProblem:
    """A problem with the flow class as a whole (found while parsing, reported by lint)."""

    rule: str
    message: str
    hint: str
    file: str
    line: int
    step: Optional[str] = None


class FlowGraph:
    """The steps of one flow class and how they connect."""

    def __init__(self, flow_name: str, doc: str, file: str, line: int,
                 nodes: Dict[str, StepNode], class_problems: List[ClassProblem]):
        self.name = flow_name
        self.doc = doc
        self.file = file
        self.line = line
        self.nodes = nodes
        self.class_problems = class_problems
        self.flow_cls: Any = None
        _link(self)
        _annotate_splits(self)

    def __getitem__(self, name: str) -> StepNode:
        return self.nodes[name]

    def __contains__(self, name: str) -> bool:
        return name in self.nodes

    def __iter__(self) -> Iterator[StepNode]:
        return iter(self.nodes.values())

    def sorted_nodes(self) -> List[StepNode]:
        """Steps in the order a reader expects: breadth first from start, then the rest."""
        order: List[str] = []
        queue = ["start"] if "start" in self.nodes else []
        while queue:
            name = queue.pop(0)
            if name in order or name not in self.nodes:
                continue
            order.append(name)
            queue.extend(self.nodes[name].out_funcs)
        order.extend(n for n in self.nodes if n not in order)
        return [self.nodes[n] for n in order]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "flow": self.name,
            "doc": self.doc,
            "file": os.path.basename(self.file),
            "steps": {n.name: n.to_dict() for n in self.sorted_nodes()},
        }


def display_path(path: str) -> str:
    """A path as a user wants to read it: relative when it is under the current directory."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _is_step(obj: Any) -> bool:
    return callable(obj) and getattr(obj, "_flowkit_step", False)


def _class_ast(cls: type) -> Tuple[str, ast.ClassDef]:
    try:
        path = inspect.getsourcefile(cls)
        lines, lnum = inspect.findsource(cls)
    except (OSError, TypeError) as e:
        raise FlowDefinitionError(
            f"cannot read the source of flow class {cls.__name__}: {e}",
            hint="define the flow in a .py file (flowkit reads the step source to build the graph)",
        ) from None
    source = "".join(lines)
    tree = ast.parse(source, filename=path or "<flow>")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            if lnum + 1 in (node.lineno, start):
                return path or "<flow>", node
    raise FlowDefinitionError(f"cannot find the source of flow class {cls.__name__}")


def _decorator_names(func: ast.FunctionDef) -> List[str]:
    return [n for d in func.decorator_list for n in _decorator_names_of(d)]


def _decorator_names_of(d: ast.AST) -> List[str]:
    target = d.func if isinstance(d, ast.Call) else d
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Name):
        return [target.id]
    return []


def _self_attr(node: ast.AST) -> Optional[str]:
    """'x' for the expression `self.x`, else None."""
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "self"):
        return node.attr
    return None


def _is_next_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "next" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self")


def parse_flow(cls: type) -> FlowGraph:
    """Build the FlowGraph of a FlowSpec subclass (and the steps it inherits)."""
    nodes: Dict[str, StepNode] = {}
    problems: List[ClassProblem] = []
    file, class_node = _class_ast(cls)
    for klass in reversed(cls.__mro__):
        if klass is cls or not any(_is_step(v) for v in vars(klass).values()):
            continue
        kfile, knode = _class_ast(klass)
        _collect_steps(klass, kfile, knode, nodes, problems)
    _collect_steps(cls, file, class_node, nodes, problems)
    doc = inspect.cleandoc(cls.__doc__) if cls.__doc__ else ""
    graph = FlowGraph(cls.__name__, doc, file, class_node.lineno, nodes, problems)
    graph.flow_cls = cls
    return graph


def _collect_steps(klass: type, file: str, class_node: ast.ClassDef,
                   nodes: Dict[str, StepNode], problems: List[ClassProblem]) -> None:
    seen: Dict[str, int] = {}
    for item in class_node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        func = vars(klass).get(item.name)
        declared_step = "step" in _decorator_names(item)
        if not _is_step(func) and not declared_step:
            continue
        if item.name in seen:
            problems.append(ClassProblem(
                "duplicate-step", f"step '{item.name}' is defined twice (also on line "
                f"{seen[item.name]}); Python keeps only the last one",
                "rename one of the two steps", file, item.lineno, item.name))
        seen[item.name] = item.lineno
        if not _is_step(func):
            # The AST says @step but the class attribute is not a step function (shadowed).
            continue
        nodes[item.name] = _parse_step(func, file, item)


def _parse_step(func: Any, file: str, fdef: ast.FunctionDef) -> StepNode:
    args = fdef.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    node = StepNode(
        name=fdef.name,
        file=file,
        line=fdef.lineno,
        doc=inspect.cleandoc(ast.get_docstring(fdef) or ""),
        decorators=[d.name for d in getattr(func, "decorators", [])],
        num_args=len(positional) + (1 if args.vararg else 0),
        has_inputs=len(positional) == 2,
    )
    node.is_parallel = "parallel" in node.decorators
    for name, error in getattr(func, "_flowkit_decorator_errors", []):
        line = next((d.lineno for d in fdef.decorator_list
                     if name in _decorator_names_of(d)), fdef.lineno)
        node.problems.append(RawProblem(
            "bad-decorator", f"@{name} on step '{fdef.name}': {getattr(error, 'message', error)}",
            getattr(error, "hint", None) or f"fix the arguments of @{name}", line))
    if isinstance(fdef, ast.AsyncFunctionDef):
        node.problems.append(RawProblem(
            "step-signature", f"step '{fdef.name}' is declared `async def`",
            "steps are plain functions: use `def`", fdef.lineno))
    if node.num_args > 2 or args.kwonlyargs or args.kwarg:
        node.problems.append(RawProblem(
            "join-signature",
            f"step '{fdef.name}' takes arguments {positional[1:] or '(*args)'}; a step takes "
            "only self, or self and inputs for a join",
            "declare it as `def %s(self):` (or `(self, inputs)` if it joins branches)"
            % fdef.name, fdef.lineno))
    body = list(fdef.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    last = body[-1] if body else None
    final_call = last.value if isinstance(last, ast.Expr) and _is_next_call(last.value) else None
    for sub in ast.walk(fdef):
        if _is_next_call(sub) and sub is not final_call:
            node.problems.append(RawProblem(
                "next-not-last",
                "self.next must be the last statement of the step, on its own (not inside "
                "an if, for, with or try, and only once)",
                "move the choice into the data: set an attribute and use "
                "self.next({...}, condition='attr'), or a foreach", sub.lineno))
    if final_call is not None:
        from .next_call import parse_next

        node.next_line = final_call.lineno
        parse_next(node, final_call)
    if fdef.name == "end":
        node.type = END
    elif node.has_inputs:
        node.type = JOIN if node.type == LINEAR else node.type
    return node


def _link(graph: FlowGraph) -> None:
    for node in graph:
        node.in_funcs = []
    for node in graph:
        for target in node.out_funcs:
            if target in graph.nodes and node.name not in graph[target].in_funcs:
                graph[target].in_funcs.append(node.name)


def _annotate_splits(graph: FlowGraph) -> None:
    """Walk from start with the stack of open splits (iteratively: flows can be long)."""
    if "start" not in graph:
        return
    stack: List[Tuple[str, List[Tuple[str, int]], int]] = [("start", [], 0)]
    while stack:
        name, parents, depth = stack.pop()
        if name not in graph:
            continue
        node = graph[name]
        if node.split_parents is not None:
            continue
        node.split_parents = parents
        node._foreach_depth = depth  # type: ignore[attr-defined]
        inner, inner_depth = parents, depth
        if node.is_join and parents:
            closed = parents[-1][0]
            node.closes = closed
            if closed in graph and graph[closed].matching_join is None:
                graph[closed].matching_join = node.name
            inner = parents[:-1]
            if closed in graph and graph[closed].type in (FOREACH, PARALLEL):
                inner_depth = depth - 1
        if node.type in (SPLIT, FOREACH, PARALLEL):
            deeper = depth + (1 if node.type in (FOREACH, PARALLEL) else 0)
            for arm, target in enumerate(node.out_funcs):
                stack.append((target, inner + [(node.name, arm)], deeper))
        else:
            for target in node.out_funcs:
                stack.append((target, inner, inner_depth))


"""The graph check: one small function per rule, each yielding GraphProblems.

``check_graph`` runs every rule and returns all problems found (a user fixes a broken flow in one
round, not one error at a time). Each problem names the rule, the step, the file and line, and a
one-line fix. Rules only read the FlowGraph (and the flow class for parameters); nothing runs.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple

from ..exception import GraphError, GraphProblem
from .parse import END, FOREACH, PARALLEL, SPLIT, SWITCH, FlowGraph, StepNode, display_path

# Names a step or parameter may not take: they are attributes every flow already has, or words
# of the command line.
RESERVED_STEP_NAMES = frozenset({
    "next", "input", "index", "name", "inputs", "foreach_stack", "merge_artifacts", "script_name",
    "parallel", "current", "run", "step", "cmd", "graph",
})
RESERVED_PARAMETER_NAMES = frozenset({
    "params", "with", "tag", "tags", "namespace", "obj", "decospecs", "run-id-file",
    "run_id_file", "max-num-splits", "max_num_splits", "max-workers", "max_workers", "run_id",
    "task_id", "user", "quiet", "datastore", "metadata", "environment", "origin-run-id",
    "origin_run_id", "help",
})

Rule = Callable[[FlowGraph], Iterable[GraphProblem]]
RULES: List[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _at(node: StepNode, rule_id: str, message: str, hint: str,
        line: Optional[int] = None) -> GraphProblem:
    return GraphProblem(rule_id, message, hint, display_path(node.file),
                        line or node.line, node.name)


def _flow_wide(graph: FlowGraph, rule_id: str, message: str, hint: str) -> GraphProblem:
    return GraphProblem(rule_id, message, hint, display_path(graph.file), graph.line, None)


@rule
def class_problems(graph: FlowGraph) -> Iterator[GraphProblem]:
    for p in graph.class_problems:
        yield GraphProblem(p.rule, p.message, p.hint, display_path(p.file), p.line, p.step)


@rule
def has_steps(graph: FlowGraph) -> Iterator[GraphProblem]:
    if not graph.nodes:
        yield _flow_wide(graph, "no-steps", f"flow {graph.name} has no steps",
                         "add methods decorated with @step, starting with `start` and "
                         "ending with `end`")


@rule
def has_start_and_end(graph: FlowGraph) -> Iterator[GraphProblem]:
    if not graph.nodes:
        return
    if "start" not in graph:
        yield _flow_wide(graph, "missing-start", "the flow has no step named 'start'",
                         "add `@step def start(self): ...`; every flow begins there")
    if "end" not in graph:
        yield _flow_wide(graph, "missing-end", "the flow has no step named 'end'",
                         "add `@step def end(self): ...`; every flow finishes there")


@rule
def parse_problems(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        for p in node.problems:
            yield _at(node, p.rule, p.message, p.hint, p.line)


@rule
def steps_end_with_next(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.type == END:
            if node.next_line is not None:
                yield _at(node, "end-has-next", "the end step must not call self.next",
                          "remove the self.next call: the flow stops at end")
        elif node.next_line is None and not any(p.rule == "next-not-last" for p in node.problems):
            yield _at(node, "missing-next",
                      f"step '{node.name}' does not end with self.next(...)",
                      "make the last statement self.next(self.<following step>)")


@rule
def targets_exist(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        for target in node.out_funcs:
            if target in graph:
                continue
            near = _closest(target, list(graph.nodes))
            hint = f"did you mean self.{near}?" if near else \
                "point self.next at a method decorated with @step"
            yield _at(node, "unknown-step",
                      f"self.next goes to '{target}', which is not a step of this flow",
                      hint, node.next_line)


def _closest(word: str, choices: List[str]) -> Optional[str]:
    import difflib
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


@rule
def join_signatures(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.num_args > 2 or node.split_parents is None:
            continue
        if not node.has_inputs and _needs_inputs(graph, node):
            yield _at(node, "join-signature",
                      f"step '{node.name}' joins {', '.join(sorted(node.in_funcs))} but is "
                      "declared without `inputs`",
                      f"declare it as `def {node.name}(self, inputs):`")
        elif node.has_inputs and all(not p for p in _arrivals(graph, node).values()):
            if len(node.in_funcs) > 1:  # arrows of a switch meet here: one path, nothing to join
                yield _at(node, "join-mismatch",
                          f"join step '{node.name}' closes nothing: the steps leading to it "
                          f"({', '.join(sorted(node.in_funcs))}) are alternatives of a switch, "
                          "not branches that run together",
                          f"declare it as `def {node.name}(self):`")
                continue
            yield _at(node, "join-signature",
                      f"step '{node.name}' is declared with `inputs` but no branch or foreach "
                      "is open when it is reached: it joins nothing",
                      f"declare it as `def {node.name}(self):`, or put it after a branch "
                      "or foreach")


def _arrivals(graph: FlowGraph, node: StepNode) -> dict:
    return {i: _entry_parents(graph, graph[i], node.name)
            for i in node.in_funcs if i in graph and graph[i].split_parents is not None}


def _needs_inputs(graph: FlowGraph, node: StepNode) -> bool:
    """Arrows from two or more arms of one static split meet here: only a join can take them."""
    arrivals = [p for p in _arrivals(graph, node).values() if p]
    if len({tuple(p) for p in arrivals}) < 2:
        return False
    return len({(tuple(p[:-1]), p[-1][0]) for p in arrivals}) == 1


def _entry_parents(graph: FlowGraph, src: StepNode, target: str) -> Optional[List[Tuple[str, int]]]:
    """The open splits an arrow src -> target carries into target."""
    if src.split_parents is None:
        return None
    parents = list(src.split_parents)
    if src.is_join and parents:
        parents = parents[:-1]
    if src.type in (SPLIT, FOREACH, PARALLEL):
        parents = parents + [(src.name, src.out_funcs.index(target))]
    return parents


@rule
def joins_match_splits(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.split_parents is None or not node.is_join:
            continue
        arrivals = _arrivals(graph, node)
        if not arrivals or any(not p for p in arrivals.values()):
            continue  # joins nothing: join_signatures says so
        splits = {p[-1][0] for p in arrivals.values()}
        if len(splits) > 1:
            yield _at(node, "join-mismatch",
                      f"join step '{node.name}' gets inputs from different splits "
                      f"({', '.join(sorted(splits))})",
                      "close the inner split with its own join first")
            continue
        split = graph[splits.pop()]
        arms = sorted(p[-1][1] for p in arrivals.values())
        want = list(range(len(split.out_funcs))) if split.type == SPLIT else [0]
        if arms != want:
            missing = [split.out_funcs[a] for a in want if a not in arms]
            extra = len(arms) - len(set(arms))
            detail = (f"the branch through {', '.join(missing)} never reaches it" if missing
                      else f"{extra} more input(s) than the split has branches")
            yield _at(node, "join-mismatch",
                      f"join step '{node.name}' must join every branch of '{split.name}' "
                      f"({', '.join(split.out_funcs)}): {detail}",
                      f"make the last step of each branch of '{split.name}' go to "
                      f"self.{node.name}")


@rule
def consistent_nesting(graph: FlowGraph) -> Iterator[GraphProblem]:
    """A non-join step must be reached from inside one and the same branch."""
    for node in graph:
        if node.split_parents is None or node.is_join or _needs_inputs(graph, node):
            continue
        for src in node.in_funcs:
            if src not in graph or src == node.name:
                continue
            parents = _entry_parents(graph, graph[src], node.name)
            if parents is not None and parents != node.split_parents:
                yield _at(node, "join-mismatch",
                          f"step '{node.name}' is reached from '{src}' inside a different "
                          "branch or foreach than from its other callers",
                          "a step belongs to one branch; join the branches before sharing a step")
                break


@rule
def splits_are_closed(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.type != END or not node.split_parents:
            continue
        split = graph[node.split_parents[-1][0]]
        last = [graph[i] for i in node.in_funcs if i in graph and graph[i].split_parents]
        if split.type in (FOREACH, PARALLEL) and last and last[0].name not in split.out_funcs \
                and not last[0].has_inputs and last[0].num_args == 1:
            # foreach -> body -> X -> end: X is the join the user meant, without `inputs`
            step = last[0]
            yield _at(step, "join-signature",
                      f"step '{step.name}' follows the foreach of '{split.name}' and leads to "
                      "end, but is declared without `inputs`, so the foreach is never joined",
                      f"declare it as `def {step.name}(self, inputs):`")
            continue
        kind = "foreach" if split.type == FOREACH else "branch"
        yield _at(split, "unclosed-split",
                  f"the {kind} started in step '{split.name}' never reaches a join "
                  "before end", "add a join step `def join(self, inputs):` after it")


@rule
def reachable(graph: FlowGraph) -> Iterator[GraphProblem]:
    if "start" not in graph:
        return
    for node in graph:
        if node.split_parents is None:
            yield _at(node, "unreachable", f"step '{node.name}' is never reached from start",
                      "point a self.next at it, or delete it")


@rule
def no_cycles(graph: FlowGraph) -> Iterator[GraphProblem]:
    colour = {}
    for root in graph.nodes:
        if root in colour:
            continue
        stack = [(root, iter(graph[root].out_funcs))]
        colour[root] = 1
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[name] = 2
                stack.pop()
                continue
            if child not in graph or (child == name and graph[name].type in (SWITCH, END)):
                continue
            if colour.get(child) == 1:
                yield _at(graph[name], "cycle",
                          f"step '{name}' goes back to '{child}', making a loop",
                          "only a switch may loop, and only to its own step: "
                          "self.next({'again': self.%s, 'done': self.x}, condition='...')"
                          % child, graph[name].next_line)
            elif child not in colour:
                colour[child] = 1
                stack.append((child, iter(graph[child].out_funcs)))


@rule
def switch_targets(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.type != SWITCH:
            continue
        for case, target in node.switch_cases.items():
            if target in graph and graph[target].is_join:
                yield _at(node, "switch-into-join",
                          f"switch case {case!r} goes straight into join step '{target}'",
                          "go to an ordinary step first, and let it lead to the join",
                          node.next_line)


@rule
def parallel_targets(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.type == PARALLEL:
            for target in node.out_funcs:
                if target in graph and not graph[target].is_parallel:
                    yield _at(node, "parallel-missing",
                              f"num_parallel goes to step '{target}', which has no @parallel",
                              f"add @parallel above @step on '{target}'", node.next_line)
        if node.is_parallel and node.split_parents is not None:
            callers = [graph[i] for i in node.in_funcs if i in graph]
            if callers and not all(c.type == PARALLEL for c in callers):
                yield _at(node, "parallel-missing",
                          f"@parallel step '{node.name}' must be reached with num_parallel=",
                          f"write self.next(self.{node.name}, num_parallel=N) in the step before")


@rule
def decorators_accept_their_step(graph: FlowGraph) -> Iterator[GraphProblem]:
    """Each decorator's own check of the step it is on (its validate hook)."""
    from ..exception import FlowkitException

    if graph.flow_cls is None:
        return
    for node in graph:
        for deco in getattr(getattr(graph.flow_cls, node.name, None), "decorators", []):
            try:
                deco.validate(graph, node)
            except FlowkitException as e:
                yield _at(node, "bad-decorator", f"@{deco.name} on step '{node.name}': "
                          f"{e.message}", e.hint or f"remove @{deco.name} from this step")


@rule
def reserved_step_names(graph: FlowGraph) -> Iterator[GraphProblem]:
    for node in graph:
        if node.name in RESERVED_STEP_NAMES or node.name.startswith("_"):
            yield _at(node, "reserved-name",
                      f"'{node.name}' cannot be a step name: flowkit uses it",
                      "rename the step")


def check_parameters(graph: FlowGraph, flow_cls: Any) -> List[GraphProblem]:
    """Parameter rules need the class (parameters are class attributes, not steps)."""
    from ..parameters import flow_parameters

    problems = []
    seen = {}
    for attr, param, line in flow_parameters(flow_cls):
        where = (display_path(graph.file), line or graph.line)
        if param.name in RESERVED_PARAMETER_NAMES:
            problems.append(GraphProblem(
                "reserved-name", f"'{param.name}' cannot be a parameter name: it is an option "
                "of the command line", "rename the parameter", *where, None))
        elif attr in RESERVED_STEP_NAMES:
            problems.append(GraphProblem(
                "reserved-name", f"a parameter cannot be stored as self.{attr}: flowkit uses "
                "that attribute", f"assign it to another attribute, e.g. my_{attr} = "
                f"Parameter({param.name!r})", *where, None))
        if attr in graph.nodes:
            problems.append(GraphProblem(
                "reserved-name", f"parameter attribute '{attr}' has the name of a step",
                "rename the parameter or the step", *where, attr))
        key = param.name.replace("-", "_").lower()
        if key in seen:
            problems.append(GraphProblem(
                "duplicate-parameter",
                f"parameter '{param.name}' is defined twice (also as attribute '{seen[key]}')",
                "give each Parameter its own name", *where, None))
        seen[key] = attr
    return problems


def lint_graph(graph: FlowGraph, flow_cls: Any = None) -> List[GraphProblem]:
    """Every problem of the flow, in file order."""
    problems: List[GraphProblem] = []
    for fn in RULES:
        problems.extend(fn(graph))
    if flow_cls is not None:
        problems.extend(check_parameters(graph, flow_cls))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file or "", p.line or 0))


def check_graph(graph: FlowGraph, flow_cls: Any = None) -> None:
    """Raise GraphError listing every problem, or return if the flow is sound."""
    problems = lint_graph(graph, flow_cls)
    if problems:
        raise GraphError(problems)

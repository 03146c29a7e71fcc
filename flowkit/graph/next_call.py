"""How a step's final `self.next(...)` call is read: its targets, its kind (linear, branch,
foreach, switch, num_parallel) and whatever is wrong with it, recorded for the graph check."""

from __future__ import annotations

import ast
from typing import Dict

from .parse import FOREACH, PARALLEL, SPLIT, SWITCH, RawProblem, StepNode, _self_attr


def parse_next(node: StepNode, call: ast.Call) -> None:
    """Read the final self.next(...) of a step into the node: targets, kind, problems."""
    line = call.lineno
    kwargs = {k.arg: k.value for k in call.keywords}
    unknown = set(kwargs) - {"foreach", "condition", "num_parallel"}
    for name in sorted(k for k in unknown if k):
        node.problems.append(RawProblem(
            "bad-next-args", f"self.next got an unknown keyword argument '{name}'",
            "use foreach=, condition= or num_parallel=", line))
    if "condition" in kwargs:
        parse_switch(node, call, kwargs, line)
        return
    if call.args and isinstance(call.args[0], ast.Dict):
        node.problems.append(RawProblem(
            "switch-cases", "self.next got a dict of cases but no condition=",
            "name the attribute that picks the case: self.next({...}, condition='attr')", line))
        return
    if not call.args:
        node.problems.append(RawProblem(
            "bad-next-args", "self.next() names no step to go to",
            "pass the next step: self.next(self.some_step)", line))
        return
    targets = []
    for arg in call.args:
        name = _self_attr(arg)
        if name is None:
            node.problems.append(RawProblem(
                "bad-next-args",
                f"self.next arguments must be steps written as self.<step>, got "
                f"`{ast.unparse(arg)}`", "write e.g. self.next(self.train)", line))
            return
        targets.append(name)
    node.out_funcs = targets
    if "foreach" in kwargs:
        value = kwargs["foreach"]
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            attr = _self_attr(value)
            hint = (f"pass the attribute's name as a string: foreach=\"{attr}\"" if attr
                    else "pass the name of an attribute that holds a list: foreach=\"items\"")
            node.problems.append(RawProblem(
                "foreach-arg", f"foreach= must be the name of an attribute as a string literal, "
                f"got `{ast.unparse(value)}`", hint, line))
        elif not value.value.isidentifier():
            node.problems.append(RawProblem(
                "foreach-arg", f"foreach=\"{value.value}\" is not an attribute name",
                "pass the name of an attribute that holds a list: foreach=\"items\"", line))
        else:
            node.foreach_param = value.value
        if len(targets) != 1:
            node.problems.append(RawProblem(
                "foreach-arg", f"a foreach must go to exactly one step, got {len(targets)}",
                "fan out into one step; branch inside it if needed", line))
        node.type = FOREACH
    elif "num_parallel" in kwargs:
        node.num_parallel = ast.unparse(kwargs["num_parallel"])
        if len(targets) != 1:
            node.problems.append(RawProblem(
                "bad-next-args", "num_parallel= must go to exactly one @parallel step",
                "write self.next(self.train, num_parallel=N)", line))
        node.type = PARALLEL
    elif len(targets) > 1:
        node.type = SPLIT


def parse_switch(node: StepNode, call: ast.Call, kwargs: Dict[str, ast.AST], line: int) -> None:
    node.type = SWITCH
    cond = kwargs["condition"]
    if isinstance(cond, ast.Constant) and isinstance(cond.value, str) and cond.value.isidentifier():
        node.condition = cond.value
    else:
        node.problems.append(RawProblem(
            "switch-cases", f"condition= must name an attribute as a string literal, got "
            f"`{ast.unparse(cond)}`", "write condition=\"attr\"", line))
    if "foreach" in kwargs or "num_parallel" in kwargs:
        node.problems.append(RawProblem(
            "switch-foreach", "a switch (condition=) cannot be combined with foreach= or "
            "num_parallel=", "switch first, then fan out in the chosen step", line))
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Dict):
        node.problems.append(RawProblem(
            "switch-cases", "with condition=, self.next takes one dict mapping each value to "
            "a step", "write self.next({\"a\": self.step_a, \"b\": self.step_b}, "
            "condition=\"attr\")", line))
        return
    cases: Dict[str, str] = {}
    for key, value in zip(call.args[0].keys, call.args[0].values):
        target = _self_attr(value)
        if not (isinstance(key, ast.Constant) and isinstance(key.value, (str, int, float, bool))):
            node.problems.append(RawProblem(
                "switch-cases", f"switch case keys must be literal strings or numbers, got "
                f"`{ast.unparse(key) if key else '**'}`", "use literal keys", line))
            continue
        if target is None:
            node.problems.append(RawProblem(
                "switch-cases", f"switch case {key.value!r} must point at a step written as "
                f"self.<step>, got `{ast.unparse(value)}`", "write {\"case\": self.step}", line))
            continue
        cases[str(key.value)] = target
    node.switch_cases = cases
    node.out_funcs = list(dict.fromkeys(cases.values()))
    if len(call.args[0].keys) < 2:
        node.problems.append(RawProblem(
            "switch-cases", f"a switch needs at least two cases, got {len(call.args[0].keys)}",
            "add another case, or use a plain self.next(self.step)", line))

"""show, check, output-dot, output-raw: look at a flow without running anything."""

from __future__ import annotations

import json
from typing import Any

import click

from ..graph.lint import lint_graph
from ..graph.parse import FOREACH, PARALLEL, SPLIT, SWITCH, FlowGraph
from ..exception import GraphError


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    cli.add_command(show)
    cli.add_command(check)
    cli.add_command(output_dot)
    cli.add_command(output_raw)


def ensure_valid(state: Any) -> None:
    """The graph check every command that runs something performs first."""
    problems = lint_graph(state.graph, state.flow_cls)
    if problems:
        raise GraphError(problems)


def _transition(node: Any) -> str:
    if node.type == "end":
        return "(end of flow)"
    targets = ", ".join(node.out_funcs) or "?"
    if node.type == FOREACH:
        return f"=> {targets} (foreach over '{node.foreach_param}')"
    if node.type == PARALLEL:
        return f"=> {targets} (num_parallel={node.num_parallel})"
    if node.type == SWITCH:
        cases = ", ".join(f"{k!r}: {v}" for k, v in node.switch_cases.items())
        return f"=> switch on '{node.condition}' {{{cases}}}"
    if node.type == SPLIT:
        return f"=> {targets} (branch)"
    return f"=> {targets}"


@click.command(help="Show the steps, their docstrings and transitions.")
@click.pass_obj
def show(state: Any) -> int:
    graph = state.graph
    click.echo(graph.doc or f"{graph.name} (no docstring)")
    click.echo("")
    for node in graph.sorted_nodes():
        kind = " (join)" if node.is_join else ""
        click.echo(f"Step {node.name}{kind}")
        if node.doc:
            for line in node.doc.splitlines():
                click.echo(f"    {line}")
        click.echo(f"    {_transition(node)}")
        click.echo("")
    return 0


@click.command(help="Check the flow graph; exit 1 listing every problem found.")
@click.pass_obj
def check(state: Any) -> int:
    problems = lint_graph(state.graph, state.flow_cls)
    if problems:
        raise GraphError(problems)
    n = len(state.graph.nodes)
    splits = sum(1 for node in state.graph if node.type in (SPLIT, FOREACH, PARALLEL, SWITCH))
    click.echo(f"The graph of {state.graph.name} is valid: {n} step{'s' if n != 1 else ''}, "
               f"{splits} split{'s' if splits != 1 else ''}.")
    return 0


@click.command("output-dot", help="Print the graph in Graphviz DOT.")
@click.pass_obj
def output_dot(state: Any) -> int:
    graph = state.graph
    lines = [f'digraph "{graph.name}" {{', "  rankdir=TB;", "  node [shape=box];"]
    for node in graph.sorted_nodes():
        shape = {"join": "invtrapezium", "foreach": "trapezium", "split": "trapezium",
                 "split-parallel": "trapezium", "split-switch": "diamond"}.get(node.type, "box")
        lines.append(f'  "{node.name}" [shape={shape}];')
    for node in graph.sorted_nodes():
        for target in node.out_funcs:
            label = ""
            if node.type == FOREACH:
                label = f' [label="foreach {node.foreach_param}"]'
            elif node.type == SWITCH:
                cases = [k for k, v in node.switch_cases.items() if v == target]
                label = f' [label="{node.condition}={"|".join(cases)}"]'
            lines.append(f'  "{node.name}" -> "{target}"{label};')
    lines.append("}")
    click.echo("\n".join(lines))
    return 0


@click.command("output-raw", help="Print the graph as JSON.")
@click.pass_obj
def output_raw(state: Any) -> int:
    click.echo(json.dumps(state.graph.to_dict(), indent=2))
    return 0

"""`tag add/remove/replace/list`: user tags on runs, the handle for promotion (e.g. prod-ready)."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import click

from ..exception import MetaflowNotFound, UsageError
from ..graph.parse import FlowGraph


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    cli.add_command(tag)


def _client(state: Any) -> Any:
    from ..client import namespace as ns

    ns.use_settings(state.settings)
    return ns


def _run(state: Any, run_id: Optional[str]) -> Any:
    from ..client.objects import Run

    ns = _client(state)
    flow = state.graph.name
    if run_id is None:
        mine = f"user:{state.settings.user}"
        entries = [e for e in ns.stores()[1].runs(flow).values() if mine in e.system_tags]
        if not entries:
            raise MetaflowNotFound(f"you have no runs of {flow} to tag",
                                   hint="pass --run-id RUN_ID")
        run_id = max(entries, key=lambda e: (len(e.run_id), e.run_id)).run_id
    return Run(f"{flow}/{run_id}", _namespace_check=False)


@click.group(help="Add, remove, replace or list the user tags of runs.")
def tag() -> None:
    pass


@tag.command(help="Add TAGS to a run (default: your latest run of this flow).")
@click.option("--run-id", default=None)
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
def add(state: Any, run_id: Optional[str], tags: Sequence[str]) -> int:
    run = _run(state, run_id)
    run.add_tags(list(tags))
    click.echo(f"Run {run.pathspec} now has tags: {', '.join(run.user_tags)}")
    return 0


@tag.command(help="Remove TAGS from a run.")
@click.option("--run-id", default=None)
@click.argument("tags", nargs=-1, required=True)
@click.pass_obj
def remove(state: Any, run_id: Optional[str], tags: Sequence[str]) -> int:
    run = _run(state, run_id)
    system = [t for t in tags if t in run.system_tags]
    if system:
        raise UsageError(f"system tag {system[0]!r} of run {run.pathspec} cannot be removed",
                         hint="only user tags can be added or removed")
    missing = [t for t in tags if t not in run.user_tags]
    if missing:
        raise UsageError(f"run {run.pathspec} has no user tag {missing[0]!r}",
                         hint=f"its user tags: {', '.join(run.user_tags) or 'none'}")
    run.remove_tags(list(tags))
    click.echo(f"Run {run.pathspec} now has tags: {', '.join(run.user_tags) or '(none)'}")
    return 0


@tag.command(help="Replace tags atomically: --remove OLD --add NEW (each repeatable), or OLD NEW.")
@click.option("--run-id", default=None)
@click.option("--add", "to_add", multiple=True)
@click.option("--remove", "to_remove", multiple=True)
@click.argument("pair", nargs=-1)
@click.pass_obj
def replace(state: Any, run_id: Optional[str], to_add: Sequence[str], to_remove: Sequence[str],
            pair: Sequence[str]) -> int:
    removes, adds = list(to_remove), list(to_add)
    if pair:
        if len(pair) != 2:
            raise UsageError("tag replace takes OLD NEW, or --remove OLD --add NEW")
        removes.append(pair[0])
        adds.append(pair[1])
    if not removes and not adds:
        raise UsageError("tag replace needs tags to remove and to add",
                         hint="tag replace --run-id ID --remove old --add new")
    run = _run(state, run_id)
    run.replace_tags(removes, adds)
    click.echo(f"Run {run.pathspec} now has tags: {', '.join(run.user_tags) or '(none)'}")
    return 0


@tag.command("list", help="List the tags of runs (default: your runs of this flow).")
@click.option("--run-id", default=None)
@click.option("--all", "all_runs", is_flag=True, help="Every user's runs.")
@click.option("--my-runs", is_flag=True, help="Only your runs (the default).")
@click.option("--hide-system-tags", is_flag=True)
@click.option("--flat", is_flag=True, help="Every distinct tag once, one per line.")
@click.pass_obj
def list_tags(state: Any, run_id: Optional[str], all_runs: bool, my_runs: bool,
              hide_system_tags: bool, flat: bool) -> int:
    ns = _client(state)
    flow = state.graph.name
    entries = ns.stores()[1].runs(flow)
    if run_id is not None:
        runs = [_run(state, run_id)._entry()]
    else:
        mine = f"user:{state.settings.user}"
        runs = [e for e in entries.values() if all_runs or mine in e.system_tags]
        runs.sort(key=lambda e: (len(e.run_id), e.run_id), reverse=True)
    seen: List[str] = []
    for entry in runs:
        tags = list(entry.tags) + ([] if hide_system_tags else list(entry.system_tags))
        if flat:
            seen.extend(t for t in tags if t not in seen)
            continue
        click.echo(f"{flow}/{entry.run_id}: {', '.join(tags) or '(no tags)'}")
    for t in seen:
        click.echo(t)
    return 0

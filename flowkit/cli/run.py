"""`run`: check the graph, resolve parameters, run the flow locally, print progress."""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Dict, List, Optional

import click

from ..client.tags import validate_tags
from ..exception import ParameterError, UsageError
from ..graph.parse import FlowGraph
from ..parameters import ParameterContext, parameters_of
from ..runtime.run import LocalRun, Reporter, RunOptions, RunSummary
from .inspect import ensure_valid


def register(cli: click.Group, flow_cls: type, graph: FlowGraph) -> None:
    cli.add_command(make_run_command(flow_cls))
    cli.add_command(make_resume_command(flow_cls))


def parameter_options(flow_cls: type) -> List[click.Option]:
    options = []
    for attr, param in parameters_of(flow_cls):
        decls = [f"--{param.name}"]
        if "_" in param.name:
            decls.append(f"--{param.name.replace('_', '-')}")
        default = param.default
        shown = None
        if param.show_default and default is not None and not callable(default):
            shown = default
        help_text = param.help or ""
        extra = f"[{param.type_name}{', required' if param.required else ''}" \
                f"{', default: ' + repr(shown) if shown is not None else ''}]"
        options.append(click.Option(decls + [f"param__{attr}"], default=None,
                                    metavar=param.type_name.upper(),
                                    help=f"{help_text} {extra}".strip()))
    return options


def resolve_parameters(flow_cls: type, given: Dict[str, Any], settings: Any) -> Dict[str, Any]:
    """Values of every parameter: command line, then FLOWKIT_RUN_<NAME>, then the default."""
    values: Dict[str, Any] = {}
    missing = []
    for attr, param in parameters_of(flow_cls):
        raw = given.get(f"param__{attr}")
        env_name = param.name.replace("-", "_").lower()
        if raw is None and env_name in settings.run_params:
            raw = settings.run_params[env_name]
        if raw is not None:
            value = param.convert(raw)
        else:
            ctx = ParameterContext(flow_cls.__name__, settings.user, param.name,
                                   lambda *a, **k: None, settings.default_datastore)
            value = param.resolve_default(ctx)
        if value is None and param.required:
            missing.append(param)
        values[attr] = value
    if missing:
        names = ", ".join(f"--{p.name}" for p in missing)
        raise ParameterError(
            f"missing required parameter{'s' if len(missing) > 1 else ''} {names}",
            hint=f"pass {names} <value> to run, or set "
                 f"FLOWKIT_RUN_{missing[0].name.upper().replace('-', '_')}")
    return values


class TerminalReporter(Reporter):
    """Prints one line per task start/finish and every output line, prefixed [run/step/task]."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.failures: Dict[str, str] = {}   # pathspec -> why, for tasks that ended failed

    @staticmethod
    def _now() -> str:
        t = time.time()
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"

    def _say(self, text: str, err: bool = False) -> None:
        stream = sys.stderr if err else sys.stdout
        stream.write(f"{self._now()} {text}\n")
        stream.flush()

    def run_started(self, flow: str, run_id: str) -> None:
        if not self.quiet:
            self._say(f"Workflow starting (run-id {run_id}):")

    def task_started(self, pathspec: str, pid: int) -> None:
        if not self.quiet:
            self._say(f"[{pathspec} (pid {pid})] Task is starting.")

    def task_line(self, pathspec: str, pid: int, stream: str, text: str) -> None:
        self._say(f"[{pathspec} (pid {pid})] {text}", err=stream == "stderr")

    def task_finished(self, pathspec: str, pid: int, ok: bool, reason: str = "") -> None:
        if ok:
            self.failures.pop(pathspec, None)   # a retry or @catch made it good
            if not self.quiet:
                self._say(f"[{pathspec} (pid {pid})] Task finished successfully.")
        else:
            self.failures[pathspec] = reason
            self._say(f"[{pathspec} (pid {pid})] Task failed: {reason}", err=True)

    def note(self, text: str) -> None:
        if not self.quiet:
            self._say(text)

    def run_finished(self, flow: str, run_id: str, ok: bool, summary: RunSummary) -> None:
        if ok:
            if not self.quiet:
                self._say(f"Done! {summary.tasks_ok} tasks succeeded in {summary.seconds:.2f}s.")
            return
        if summary.interrupted:
            self._say(f"Run {run_id} was interrupted and is marked failed.", err=True)
        else:
            self._say(f"Run {run_id} failed: {len(summary.tasks_failed)} task(s) failed"
                      + (f", {summary.not_started} not started" if summary.not_started else "")
                      + ".", err=True)
        for pathspec, why in self.failures.items():
            sys.stderr.write(f"    {pathspec}: {why}\n")
        script = os.path.basename(sys.argv[0])
        sys.stderr.write(f"    See a task's output with: python {script} logs "
                         f"{run_id}/STEP/TASK\n    Fix the step, then continue where it "
                         f"stopped with: python {script} resume --origin-run-id {run_id}\n")
        sys.stderr.flush()


def _execute(flow_cls: type, state: Any, kwargs: Dict[str, Any], params: Dict[str, Any],
             origin: Optional[str] = None, resume_step: Optional[str] = None) -> int:
    tags = validate_tags(list(kwargs.pop("tags")))
    max_workers = kwargs.pop("max_workers")
    max_num_splits = kwargs.pop("max_num_splits")
    run_id_file: Optional[str] = kwargs.pop("run_id_file")
    if max_workers < 1 or max_num_splits < 1:
        raise UsageError("--max-workers and --max-num-splits must be at least 1")
    backend, stores = state.stores()
    options = RunOptions(max_workers=max_workers, max_num_splits=max_num_splits,
                         tags=tuple(tags), namespace=kwargs.pop("user_namespace"),
                         launch=state.settings.task_launch, flow_file=state.flow_file,
                         top_args=tuple(state.top_args), origin_run_id=origin,
                         resume_step=resume_step)
    id_file = None
    if run_id_file:  # opened before the run exists, so a bad path creates no run
        try:
            id_file = open(run_id_file, "w")
        except OSError as e:
            raise UsageError(f"cannot write --run-id-file {run_id_file}: {e.strerror}",
                             hint="pass a path in an existing, writable folder") from None
    reporter = TerminalReporter(quiet=state.quiet)
    run = LocalRun(flow_cls, state.graph, state.settings, backend, stores, reporter, options)
    run_id = run.prepare(params)
    if id_file is not None:
        with id_file:
            id_file.write(run_id)
    if origin and not state.quiet:
        reporter.note(f"Resuming run {origin} as run {run_id}"
                      + (f", rerunning from step {resume_step}" if resume_step else "") + ".")
    summary = run.execute()
    return 0 if summary.ok else 1


def _common_options() -> List[click.Parameter]:
    return [
        click.Option(["--tag", "tags"], multiple=True, metavar="TAG",
                     help="Add a user tag to the run (repeatable)."),
        click.Option(["--max-workers"], type=int, default=16, show_default=True,
                     help="How many tasks may run at once."),
        click.Option(["--max-num-splits"], type=int, default=100, show_default=True,
                     help="The most items a foreach may fan out into."),
        click.Option(["--run-id-file"], default=None, metavar="FILE",
                     help="Write the run id to this file."),
        click.Option(["--namespace", "user_namespace"], default=None,
                     help="The namespace the run's tasks see with the client API."),
    ]


def make_run_command(flow_cls: type) -> click.Command:
    def callback(**kwargs: Any) -> int:
        state = click.get_current_context().obj
        ensure_valid(state)
        params = resolve_parameters(flow_cls, kwargs, state.settings)
        return _execute(flow_cls, state, kwargs, params)

    return click.Command("run", callback=callback,
                         params=_common_options() + parameter_options(flow_cls),
                         context_settings={"help_option_names": ["-h", "--help"]},
                         help="Run the flow locally.")


def make_resume_command(flow_cls: type) -> click.Command:
    def callback(**kwargs: Any) -> int:
        from ..runtime.resume import find_origin

        state = click.get_current_context().obj
        ensure_valid(state)
        given = [f"--{p.name}" for attr, p in parameters_of(flow_cls)
                 if kwargs.pop(f"param__{attr}", None) is not None]
        if given:
            raise UsageError(f"{', '.join(given)}: a resumed run takes its parameters from the "
                             "run it resumes", hint="start a new run to use other values")
        step = kwargs.pop("step_name")
        _, stores = state.stores()
        origin = find_origin(stores.meta, state.graph.name, state.settings.user,
                             kwargs.pop("origin_run_id"))
        return _execute(flow_cls, state, kwargs, {}, origin=origin, resume_step=step)

    params = [click.Argument(["step_name"], required=False, metavar="[STEP]"),
              click.Option(["--origin-run-id"], default=None,
                           help="The run to resume (default: your latest run of this flow).")]
    return click.Command(
        "resume", callback=callback,
        params=params + _common_options() + parameter_options(flow_cls),
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Resume a run: reuse its successful tasks, rerun the failed ones (or STEP and "
             "everything after it).")

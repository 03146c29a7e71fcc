"""The command line of a flow file, and its single error boundary.

``python flow.py [TOP OPTIONS] COMMAND [OPTIONS]``: ``MyFlow()`` calls ``main(MyFlow)``. Here and
only here are errors turned into what the user sees: a FlowkitException prints its headline,
location and hint without a traceback and exits with its code (1, or 2 for usage); click's
usage errors exit 2; anything else is a bug in flowkit and is printed as an internal error
with its traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence

import click

from ..config import Settings, load_settings
from ..exception import FlowkitException
from ..graph.parse import FlowGraph, parse_flow

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class CliState:
    """What every command gets from the top-level options (ctx.obj)."""

    flow_cls: type
    graph: FlowGraph
    settings: Settings
    flow_file: str
    quiet: bool = False
    decospecs: List[str] = field(default_factory=list)
    top_args: List[str] = field(default_factory=list)
    _stores: Any = None

    def stores(self, create: bool = True) -> Any:
        """(backend, Stores) of the configured datastore, opened once."""
        if self._stores is None:
            from ..datastore.cas import ContentAddressedStore
            from ..datastore.root import open_backend
            from ..metadata.provider import MetadataStore
            from ..runtime.task import Stores

            _, backend = open_backend(self.settings, create=create)
            self._stores = (backend, Stores(ContentAddressedStore(backend),
                                            MetadataStore(backend)))
        return self._stores


def _flow_file(flow_cls: type) -> str:
    module = sys.modules.get(flow_cls.__module__)
    return os.path.abspath(getattr(module, "__file__", None) or sys.argv[0])


def build_cli(flow_cls: type, graph: FlowGraph) -> click.Group:
    from . import dump, inspect, logs, run, step, tags

    @click.group(context_settings=CONTEXT, help=graph.doc or None)
    @click.option("--datastore", type=click.Choice(["local", "s3"]), default=None,
                  help="Where artifacts and records live (default: local).")
    @click.option("--datastore-root", default=None, metavar="PATH",
                  help="The folder that holds .flowkit (or s3://bucket/prefix).")
    @click.option("--metadata", type=click.Choice(["local"]), default=None,
                  help="Metadata provider (local: records beside the datastore).")
    @click.option("--environment", type=click.Choice(["local"]), default="local",
                  help="Execution environment.")
    @click.option("--with", "decospecs", multiple=True, metavar="DECOSPEC",
                  help="Attach a decorator to every step, e.g. --with retry:times=2.")
    @click.option("--quiet", is_flag=True, help="Print less: task output and errors only.")
    @click.option("--no-pylint", is_flag=True, help="Accepted for Metaflow compatibility; "
                  "flowkit never runs pylint.")
    @click.pass_context
    def cli(ctx: click.Context, datastore: Optional[str], datastore_root: Optional[str],
            metadata: Optional[str], environment: str, decospecs: Sequence[str], quiet: bool,
            no_pylint: bool) -> None:
        settings = ctx.obj
        changes = {"default_datastore": datastore, "default_metadata": metadata}
        top_args: List[str] = []
        if datastore:
            top_args += ["--datastore", datastore]
        if datastore_root:
            key = "datastore_sysroot_s3" if (datastore or settings.default_datastore) == "s3" \
                else "datastore_sysroot_local"
            changes[key] = datastore_root
            top_args += ["--datastore-root", datastore_root]
        for spec in decospecs:
            top_args += ["--with", spec]
        ctx.obj = CliState(flow_cls, graph, settings.with_overrides(**changes),
                           _flow_file(flow_cls), quiet, list(decospecs), top_args)
        from ..client import namespace as client

        client.use_settings(ctx.obj.settings)  # a step using the client reads this datastore
        if decospecs:
            from ..decorators.base import attach_decospecs

            attach_decospecs(flow_cls, list(decospecs), list(graph.nodes))

    for module in (inspect, run, step, logs, dump, tags):
        module.register(cli, flow_cls, graph)
    return cli


def run_cli(flow_cls: type, argv: Sequence[str], prog_name: Optional[str] = None,
            settings: Optional[Settings] = None) -> int:
    """Run the flow's command line; returns the exit code (never raises for user errors)."""
    try:
        settings = settings or load_settings()
        graph = parse_flow(flow_cls)
        cli = build_cli(flow_cls, graph)
        with cli.make_context(prog_name or os.path.basename(sys.argv[0]), list(argv),
                              obj=settings) as ctx:
            result = cli.invoke(ctx)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except FlowkitException as e:
        click.echo(e.render(), err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception:
        click.echo("flowkit internal error (a bug in flowkit, not in your flow; please report "
                   "it with this traceback):", err=True)
        click.echo(traceback.format_exc(), err=True)
        return 1


def main(flow_cls: type) -> None:
    """Entry point used by FlowSpec.__init__ under __main__."""
    code = run_cli(flow_cls, sys.argv[1:])
    sys.stdout.flush()
    sys.exit(code)

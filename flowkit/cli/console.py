"""The `flowkit` console script: commands not tied to one flow file."""

from __future__ import annotations

import sys

import click

from ..version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowkit")
def cli() -> None:
    """flowkit: Metaflow-compatible flows, fast on a laptop. Run a flow with
    `python flow.py run`; see `python flow.py --help`."""


@cli.command()
def version() -> None:
    """Print the flowkit version."""
    click.echo(__version__)


def main() -> None:
    sys.exit(cli.main(standalone_mode=True))

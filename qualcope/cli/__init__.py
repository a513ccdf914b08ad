"""The `qualcope` command: a thin layer over the services.

Data goes to stdout, diagnostics to stderr; a user's mistake is one line on
stderr and a non-zero exit, never a traceback. Heavy libraries (spaCy,
pandas, Textual) are imported only inside the commands that need them, so
`qualcope --help` stays instant.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from qualcope import __version__
from qualcope.cli.common import EXAMPLES, QualcopeGroup, common_options, run_tui_or_help

# Each module adds its commands to the group with register(group).
COMMAND_MODULES = (
    "qualcope.cli.project_cmds",
    "qualcope.cli.codebook_cmds",
    "qualcope.cli.ingest_cmds",
    "qualcope.cli.document_cmds",
    "qualcope.cli.coding_cmds",
    "qualcope.cli.suggest_cmds",
    "qualcope.cli.report_cmds",
    "qualcope.cli.exchange_cmds",
    "qualcope.cli.agreement_cmds",
)


@click.group(
    cls=QualcopeGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXAMPLES["main"],
)
@click.version_option(__version__, prog_name="qualcope")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """qualcope: code interview transcripts with expectations, value conflicts and coping
    strategies, in the terminal.

    Run without a command to open the coding workspace (TUI) on the project.
    The project is --db PATH_OR_URL, else $QUALCOPE_DB, else ./qualcope.db.
    """
    if ctx.invoked_subcommand is None:
        run_tui_or_help(ctx)


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a command module not written yet
        if _exc.name != _name:
            raise
        continue
    _module.register(cli)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `qualcope` script."""
    return cli.main(args=argv, prog_name="qualcope", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

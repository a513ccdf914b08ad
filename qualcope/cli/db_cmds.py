"""`qualcope db`: the project database itself (schema upgrades of a team's server database)."""

from __future__ import annotations

import click

from qualcope.cli.common import common_options, err_console_print, project_location


@click.group(
    epilog="""\b
Examples:
  qualcope --db postgresql://ana@dbhost/study db upgrade
"""
)
@common_options
def db() -> None:
    """The project database: upgrade a team's server database to this qualcope's schema."""


@db.command(
    epilog="""\b
Examples:
  qualcope --db postgresql://ana@dbhost/study db upgrade
  QUALCOPE_DB=study.db qualcope db upgrade
"""
)
@common_options
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Bring the project database to the schema this qualcope needs.

    A server database (PostgreSQL) is never upgraded when it is opened, since every coder of
    the team shares it: run this once after installing a newer qualcope. A SQLite project file
    is upgraded when opened anyway (after a backup beside it); this does the same.
    """
    from qualcope.config import project_location as resolve
    from qualcope.db import engine as engines
    from qualcope.db import lifecycle

    url = engines.to_url(resolve(project_location(ctx)))
    before, after = lifecycle.upgrade_project(url)
    where = lifecycle.describe(url)
    if before == after:
        err_console_print(f"{where}: already at revision {after}; nothing to do")
    else:
        err_console_print(f"{where}: upgraded from revision {before} to {after}")


def register(group: click.Group) -> None:
    group.add_command(db)

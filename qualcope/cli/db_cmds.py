"""`qualcope db`: the project database itself (schema upgrades of a team's server database,
copying a project between SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from qualcope.cli.common import common_options, err_console_print, project_location
from qualcope.domain import ProgressCallback, ProgressUpdate, no_progress


@click.group(
    epilog="""\b
Examples:
  qualcope --db postgresql://ana@dbhost/study db upgrade
  qualcope db copy study.db postgresql://ana@dbhost/study
"""
)
@common_options
def db() -> None:
    """The project database: upgrade a team's server database to this qualcope's schema.

    `qualcope db copy` copies a whole project between SQLite and PostgreSQL.
    """


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


@db.command(
    name="copy",
    epilog="""\b
Examples:
  qualcope db copy study.db postgresql://ana@dbhost/study    move a laptop project up
  qualcope db copy postgresql://ana@dbhost/study archive.db  and back down to a file
  qualcope db copy study.db study-copy.db
""",
)
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
def copy_cmd(source: str, destination: str) -> None:
    """Copy the whole project at SRC into a new database DST, losslessly.

    SRC and DST are each a project file or a SQLAlchemy URL (postgresql://...): SQLite to
    PostgreSQL, back, or to a new SQLite file. Every table is copied with its ids, GUIDs,
    history, suggestions and models, in one transaction. DST must be a new file or an empty
    database; SRC must be at this qualcope's schema (else run `qualcope db upgrade` on it).
    """
    from qualcope.db import engine as engines
    from qualcope.db import lifecycle
    from qualcope.services.db_copy import copy_project

    src, dst = engines.to_url(source), engines.to_url(destination)
    with _copy_progress() as on_progress:
        result = copy_project(src, dst, on_progress)
    counts = ", ".join(f"{name} {count:,}" for name, count in result.counts.items() if count)
    err_console_print(
        f"copied {lifecycle.describe(src)} to {lifecycle.describe(dst)}: {result.total:,} rows "
        f"in {result.seconds:.1f} s, schema {result.revision}"
    )
    err_console_print(f"rows: {counts or 'none'}")


@contextmanager
def _copy_progress() -> Iterator[ProgressCallback]:
    """A rich progress bar of rows copied on stderr (nothing drawn when it is not a terminal)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        yield no_progress
        return
    with Progress(
        TextColumn("{task.description:<18}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("copying", total=None)

        def update(step: ProgressUpdate) -> None:
            progress.update(task, completed=step.done, total=step.total, description=step.message)

        yield update


def register(group: click.Group) -> None:
    group.add_command(db)

"""`qualcope attributes ...`: participants' (or documents') attributes from and to a sheet."""

from __future__ import annotations

from pathlib import Path

import click

from qualcope.cli.common import common_options, err_console_print, open_project, visible

_TARGET = click.option(
    "--documents",
    is_flag=True,
    help="Rows name documents (by name, with or without extension), not participants.",
)


@click.group(
    epilog="""\b
Examples:
  qualcope attributes export participants.csv
  qualcope attributes import participants.csv
  qualcope attributes import cases.xlsx --key case
  qualcope attributes import sites.csv --documents
"""
)
def attributes() -> None:
    """Attributes of participants or documents from a sheet (.csv, .xlsx), and to one."""


@attributes.command(
    "import",
    epilog="""\b
Examples:
  qualcope attributes import participants.csv
  qualcope attributes import cases123.csv           (QualCoder's attribute table)
  qualcope attributes import staff.xlsx --sheet interviews --key name
  qualcope attributes import sites.csv --documents

\b
The sheet: one row a participant (or document), named in the key column (the first, or
--key); every other column an attribute, except `role` and `case`, which set the
participant's role and case. A value sets, an empty cell removes; every change is printed.
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@_TARGET
@click.option(
    "--key", "key", metavar="COLUMN", help="The column naming each row (default: the first)."
)
@click.option("--sheet", metavar="NAME", help="The worksheet of a workbook (default: the first).")
@click.option("--encoding", metavar="ENC", help="Encoding of a CSV file (e.g. cp1252).")
@click.option(
    "--allow-similar",
    is_flag=True,
    help="Accept a new attribute, role or case one typo away from a known one.",
)
@common_options
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    documents: bool,
    key: str | None,
    sheet: str | None,
    encoding: str | None,
    allow_similar: bool,
) -> None:
    """Set attributes from a sheet; one undoable action, all or nothing.

    A row naming no participant (document), a name given twice, or a new attribute, role or
    case one typo away from a known one stops the import with the file and the line.
    """
    from qualcope.services.attribute_sheet import import_attributes

    with open_project(ctx) as project:
        done = import_attributes(
            project,
            file,
            documents=documents,
            key=key,
            sheet=sheet,
            encoding=encoding,
            allow_similar=allow_similar,
        )
    for change in done.changes:
        if change.before is None:
            what = f"{change.after}"
        elif change.after is None:
            what = f"removed (was {change.before})"
        else:
            what = f"{change.before} -> {change.after}"
        click.echo(visible(f"{change.who}: {change.name} {what}"))
    for note in done.notes:
        err_console_print(visible(f"note: {note}"))
    new = "; ".join(f"new {kind}s: {', '.join(values)}" for kind, values in done.new.items())
    err_console_print(
        f"{file}: {done.rows} {done.kind}s (named in column {done.key!r}), "
        f"{len(done.changes)} values changed" + (f"; {new}" if new else "")
    )


@attributes.command(
    "export",
    epilog="""\b
Examples:
  qualcope attributes export participants.csv     participant, role, case, attributes...
  qualcope attributes export documents.csv --documents
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@_TARGET
@common_options
@click.pass_context
def export(ctx: click.Context, file: Path, documents: bool) -> None:
    """Write the attributes as a CSV sheet that `attributes import` reads back unchanged."""
    from qualcope.services.attribute_sheet import export_attributes

    with open_project(ctx) as project:
        rows = export_attributes(project, file, documents=documents)
    err_console_print(f"wrote {rows} {'documents' if documents else 'participants'} to {file}")


def register(group: click.Group) -> None:
    group.add_command(attributes)

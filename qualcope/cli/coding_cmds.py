"""`qualcope codings ...`: exchange codings with other coders and tools as CSV."""

from __future__ import annotations

from pathlib import Path

import click

from qualcope.cli.common import common_options, err_console_print, open_project


@click.group(
    epilog="""\b
Examples:
  qualcope codings import sample_corpus/codings.csv
  qualcope codings export codings.csv
"""
)
def codings() -> None:
    """Codings as CSV: import a coder's file, export every coding."""


@codings.command(
    "import",
    epilog="""\b
Examples:
  qualcope codings import sample_corpus/codings.csv
  qualcope codings import ana.csv      (codings exported from Ana's copy of the project)

\b
Columns: guid,file,start,end,code,coder,memo,copes_with,favoured_value,quote
  file      a document name (see `qualcope documents`)
  start,end character offsets into the document's text (see `qualcope segments`)
  code      a code path such as "Coping strategies/Escalation"
  quote     optional; when given it must equal the text at start-end
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@common_options
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Import codings from a CSV file; the whole file is one (undoable) action.

    Coders are created by name, GUIDs are kept, and codings already in the project are
    left as they are. A bad row stops the import with the file and line; nothing is kept.
    """
    from qualcope.services.coding_exchange import import_codings

    with open_project(ctx) as project:
        report = import_codings(project, file)
    coders = f"; new coders: {', '.join(report.coders_created)}" if report.coders_created else ""
    err_console_print(
        f"{file}: {report.added} codings added, {report.already_present} already present, "
        f"{report.links} links{coders}"
    )


@codings.command(
    "export",
    epilog="""\b
Examples:
  qualcope codings export codings.csv
  qualcope codings export mine.csv --only-coder ana
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--only-coder", metavar="NAME", help="Only the codings of this coder.")
@common_options
@click.pass_context
def export(ctx: click.Context, file: Path, only_coder: str | None) -> None:
    """Write every coding to a CSV file (spreadsheet formulas neutralised, written atomically)."""
    from qualcope.services.coding_exchange import export_codings

    with open_project(ctx) as project:
        count = export_codings(project, file, coder=only_coder)
    err_console_print(f"wrote {count} codings to {file}")


def register(group: click.Group) -> None:
    group.add_command(codings)

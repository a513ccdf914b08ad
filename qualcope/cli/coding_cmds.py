"""`qualcope codings ...`: exchange codings with other coders and tools as CSV."""

from __future__ import annotations

from pathlib import Path

import click

from qualcope.cli.common import common_options, err_console_print, open_project
from qualcope.wording import plural


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

  qualcope codings import nvivo.csv --positions file   offsets counted in the files
  qualcope codings import all_tags.csv --skip-ambiguous   Taguette's highlights, placed by text

\b
Columns: guid,file,start,end,positions,code,coder,memo,copes_with,favoured_value,quote
  file      a document name (see `qualcope documents`)
  start,end character offsets, end exclusive
  positions "file" (characters of the imported file, as other tools count them) or
            "stored" (qualcope's text, see `qualcope segments --positions stored`);
            when the column is missing, --positions says
  code      a code path such as "Coping strategies/Escalation"
  quote     optional; when given it must be the text at start-end; a row without
            start and end is placed where its quote stands in the document
Other tools' names are read too (Taguette: document, tag, content), and said.
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--positions",
    type=click.Choice(["file", "stored"]),
    default="file",
    show_default=True,
    help="How start/end count, for rows without a positions value.",
)
@click.option(
    "--skip-ambiguous",
    is_flag=True,
    help="Leave out (and list) rows placed by a quote found more than once in its document.",
)
@common_options
@click.pass_context
def import_(ctx: click.Context, file: Path, positions: str, skip_ambiguous: bool) -> None:
    """Import codings from a CSV file; the whole file is one (undoable) action.

    Coders are created by name, GUIDs are kept, and codings already in the project are
    left as they are. A bad row stops the import with the file and line; nothing is kept.
    A row without a quote gets it from the text, and the summary says how many did. A row
    without start and end is placed by its quote, found once in the document.
    """
    from qualcope.services.coding_exchange import import_codings

    with open_project(ctx) as project:
        report = import_codings(project, file, positions=positions, skip_ambiguous=skip_ambiguous)
    for note in report.notes:
        err_console_print(f"{file}: {note}")
    coders = f"; new coders: {', '.join(report.coders_created)}" if report.coders_created else ""
    err_console_print(
        f"{file}: {plural(report.added, 'coding')} added, {report.already_present:,} already "
        f"present, {plural(report.links, 'link')}{coders}"
    )
    if report.located:
        placed = "coding was" if report.located == 1 else "codings were"
        err_console_print(f"note: {report.located:,} {placed} placed where their quote stands")
    if report.inside_words:
        err_console_print(
            f"warning: {len(report.inside_words)} of them stand inside a longer word, where "
            f"the passage the row meant may not be (lines {_lines(report.inside_words)}); "
            "check them, or give their start and end"
        )
    if report.ambiguous:
        err_console_print(
            f"note: {plural(len(report.ambiguous), 'row was', 'rows were')} left out: their "
            f"quote stands more than once in its document (lines {_lines(report.ambiguous)}); "
            "give their start and end"
        )
    if report.unquoted:
        err_console_print(
            f"note: {plural(report.unquoted, 'coding')} had no quote: their text was taken "
            "from the documents at the given positions and could not be checked "
            "(`qualcope doctor` lists them)"
        )
    if report.widened:
        err_console_print(
            f"note: {plural(report.widened, 'span')} began or ended inside a character qualcope "
            "changed at import (the two halves of a CRLF line break, an accent composed with "
            "its letter): they were widened to the whole character"
        )
    if report.stored_only:
        err_console_print(
            "note: file positions are not known for documents imported before qualcope "
            f"recorded them ({', '.join(report.stored_only)}): their positions were taken "
            "as stored positions"
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
@click.option(
    "--positions",
    type=click.Choice(["file", "stored"]),
    default="file",
    show_default=True,
    help="Write start/end in file positions (as other tools count) or stored positions.",
)
@common_options
@click.pass_context
def export(ctx: click.Context, file: Path, only_coder: str | None, positions: str) -> None:
    """Write every coding to a CSV file (spreadsheet formulas neutralised, written atomically).

    Each row says in its positions column how its start and end count.
    """
    from qualcope.services.coding_export import export_codings

    with open_project(ctx) as project:
        count = export_codings(project, file, coder=only_coder, positions=positions)
    err_console_print(f"wrote {plural(count, 'coding')} to {file} ({positions} positions)")


def register(group: click.Group) -> None:
    group.add_command(codings)


def _lines(lines: tuple[int, ...], shown: int = 20) -> str:
    return ", ".join(str(line) for line in lines[:shown]) + (" ..." if len(lines) > shown else "")

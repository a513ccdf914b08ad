"""`qualcope report ...`: cross-tabs, co-occurrence, frequencies, quotes, figures, report specs.

Data goes to stdout (or atomically to ``-o FILE``); what was written goes to
stderr. pandas, scipy and matplotlib load inside the commands only. ``--coder``
here is a filter (whose codings to count, repeatable), not the current coder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from qualcope.cli.common import err_console_print, open_project
from qualcope.cli.report_options import (
    BINARY,
    crosstab_options,
    crosstab_request,
    emit,
    filter_options,
    make_filters,
    output_options,
    remember_db,
)
from qualcope.errors import ReportError
from qualcope.report.model import WITHIN


@click.group(
    epilog="""\b
Examples:
  qualcope report crosstab --rows code --cols role --codes "Coping strategies"
  qualcope report cooccurrence --rows "Value conflicts" --cols "Coping strategies" --within link
  qualcope report frequencies --by-coder
  qualcope report quotes --code "Coping strategies/Avoidance" --role "citizen co-producer"
  qualcope report run paper.yaml -o tables/
"""
)
def report() -> None:
    """Tables, figures and quotes for a paper, with the unit of counting stated."""


@report.command(
    epilog="""\b
Examples:
  qualcope report crosstab --rows code --cols role --codes "Coping strategies" --by case
  qualcope report crosstab --cols role --codes Expectations --unit participants --percent col
  qualcope report crosstab --rows code --cols case --codes "Value conflicts" --stats
  qualcope report crosstab --cols coder --format md -o table1.md
  qualcope report crosstab --cols attr:career_stage --unit participants
  qualcope report crosstab --cols attr:age --bins 20,30,40,50 --codes "Coping strategies"
  qualcope report crosstab --cols role --format xlsx -o tables.xlsx
"""
)
@crosstab_options
@click.option("--stats", is_flag=True, help="Chi-square, Cramér's V, Fisher's exact (2x2).")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help="Only the N rows and N columns with the highest totals (a note says so).",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    help="Only rows and columns whose total is at least K.",
)
@filter_options
@output_options
def crosstab(
    stats: bool,
    top: int | None,
    min_count: int | None,
    fmt: str | None,
    output: Path | None,
    **options: Any,
) -> None:
    """Cross-tabulate codes (a group counts its descendants) by role, case, coder and more."""
    from qualcope.report import matrix_limits
    from qualcope.services import reports

    with open_project(click.get_current_context()) as project:
        tables = reports.crosstab(project, crosstab_request(options, stats))
    emit(matrix_limits.limit(tables, top, min_count), fmt, output)


@report.command(
    epilog="""\b
Examples:
  qualcope report cooccurrence --rows "Value conflicts" --cols "Coping strategies"
  qualcope report cooccurrence --rows "Value conflicts" --cols "Coping strategies" --within link
  qualcope report cooccurrence --within turn --format csv -o cooc.csv
  qualcope report cooccurrence --top 30
"""
)
@click.option(
    "--rows",
    "row_codes",
    multiple=True,
    metavar="GROUP",
    help="Row codes (a group gives its codes; repeatable). Default: every code.",
)
@click.option(
    "--cols",
    "col_codes",
    multiple=True,
    metavar="GROUP",
    help="Column codes (a group gives its codes; repeatable). Default: every code.",
)
@click.option(
    "--within",
    type=click.Choice(WITHIN),
    default="segment",
    show_default=True,
    help="Same segment (sentence), same speaker turn, overlapping spans, or linked.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    help="Only the N codes (rows and columns) with the highest totals (a note says so).",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    help="Only codes (rows and columns) whose total is at least K.",
)
@filter_options
@output_options
def cooccurrence(
    row_codes: tuple[str, ...],
    col_codes: tuple[str, ...],
    within: str,
    top: int | None,
    min_count: int | None,
    fmt: str | None,
    output: Path | None,
    **options: Any,
) -> None:
    """Code-by-code counts: e.g. value conflicts x coping strategies, via links too.

    A table wider than the terminal is shown one pair per line, largest count first;
    files (-o, --format csv/json/...) hold the whole table unless --top/--min-count."""
    from qualcope.report import matrix_limits
    from qualcope.report.model import CooccurrenceRequest
    from qualcope.services import reports

    request = CooccurrenceRequest(
        rows=row_codes, cols=col_codes, within=within, filters=make_filters(**options)
    )
    with open_project(click.get_current_context()) as project:
        table = reports.cooccurrence(project, request)
    emit(matrix_limits.limit([table], top, min_count), fmt, output)


@report.command(
    epilog="""\b
Examples:
  qualcope report frequencies
  qualcope report frequencies --by-coder --codes "Coping strategies"
  qualcope report frequencies --format xlsx -o frequencies.xlsx
"""
)
@click.option("--by-coder", is_flag=True, help="A row per coder under each code.")
@filter_options
@output_options
def frequencies(by_coder: bool, fmt: str | None, output: Path | None, **options: Any) -> None:
    """Every code with its count in every unit: codings, segments, documents, participants."""
    from qualcope.services import reports

    with open_project(click.get_current_context()) as project:
        table = reports.frequencies(project, make_filters(**options), by_coder)
    emit([table], fmt, output)


@report.command(
    epilog="""\b
Examples:
  qualcope report quotes --code "Coping strategies/Avoidance"
  qualcope report quotes --code Escalation --role "citizen co-producer" --limit 5
  qualcope report quotes --code Trade-off --format docx -o tradeoff-quotes.docx
"""
)
@click.option(
    "--code",
    "code_paths",
    multiple=True,
    required=True,
    metavar="PATH",
    help="The code (or group) whose passages to list; repeatable.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many quotes.")
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    expose_value=False,
    callback=remember_db,
    help="Project file or SQLAlchemy URL.",
)
@click.option("--include-interviewer", is_flag=True, help="Also passages in interviewer turns.")
@click.option("--role", "roles", multiple=True, metavar="ROLE", help="Only these roles.")
@click.option("--case", "cases", multiple=True, metavar="NAME", help="Only these cases.")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only these coders.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE (atomically); the extension gives the format.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "docx", "csv"]),
    help="md (default on stdout), docx (needs -o) or csv.",
)
def quotes(
    code_paths: tuple[str, ...],
    limit: int | None,
    fmt: str | None,
    output: Path | None,
    **options: Any,
) -> None:
    """The coded passages with provenance (case, role, participant, document, turn, coder)."""
    from qualcope.report import quotes as quote_files
    from qualcope.services import reports

    filters = make_filters(codes=code_paths, **options)
    with open_project(click.get_current_context()) as project:
        found = reports.quotes(project, filters, limit)
        prov = reports.describe(project, filters, "codings")
    if output is not None:
        fmt = quote_files.format_for(output, fmt)
        quote_files.write(found, fmt, output, prov)
        err_console_print(f"wrote {len(found)} quotes to {output}")
        return
    fmt = fmt or "md"
    if fmt in BINARY:
        raise ReportError("docx is a binary format; write it to a file with -o FILE.docx")
    sys.stdout.write(quote_files.render(found, fmt, prov).decode("utf-8"))


@report.command(
    epilog="""\b
Examples:
  qualcope report run paper.yaml                 (writes into ./paper_report/)
  qualcope report run paper.yaml -o tables/
"""
)
@click.argument("spec_file", metavar="SPEC.yaml", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write into (default: SPEC_report/ here).",
)
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    expose_value=False,
    callback=remember_db,
    help="Project file or SQLAlchemy URL.",
)
def run(spec_file: Path, folder: Path | None) -> None:
    """Regenerate every table, figure and quote list of a report spec, with provenance."""
    from qualcope.report.spec import read_spec
    from qualcope.services import report_spec_run

    spec = read_spec(spec_file)
    folder = folder or Path(f"{spec_file.stem}_report")
    with open_project(click.get_current_context()) as project:
        written = report_spec_run.run_spec(project, spec, folder)
    for path in written:
        click.echo(str(path))
    err_console_print(f"wrote {len(written)} files into {folder}")


def register(group: click.Group) -> None:
    from qualcope.cli.report_plot_cmds import plot

    report.add_command(plot)
    group.add_command(report)

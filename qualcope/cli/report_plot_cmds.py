"""`qualcope report plot ...`: figures of a cross-tab or a co-occurrence table (matplotlib).

Registered under `qualcope report` by ``qualcope.cli.report_cmds.register``; the
options are the tables' own, plus the chart kind and the output file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcope.cli.common import err_console_print, open_project
from qualcope.cli.report_options import (
    crosstab_options,
    crosstab_request,
    filter_options,
    make_filters,
)
from qualcope.report.matrix_limits import MAX_PIXELS
from qualcope.report.model import WITHIN

F = TypeVar("F", bound=Callable[..., Any])


@click.group(
    epilog="""\b
Examples:
  qualcope report plot crosstab --codes "Coping strategies" --cols role -o fig1.png
  qualcope report plot cooccurrence --rows "Value conflicts" --cols "Coping strategies" -o f2.pdf
"""
)
def plot() -> None:
    """Figures (PNG, SVG or PDF) of a cross-tab or a co-occurrence table."""


def _figure_options(func: F) -> F:
    func = click.option(
        "--cluster",
        is_flag=True,
        help="Order rows and columns by hierarchical clustering (similar profiles together).",
    )(func)
    func = click.option(
        "--min-count",
        type=click.IntRange(min=1),
        help="Only rows and columns whose total is at least K.",
    )(func)
    func = click.option(
        "--top",
        type=click.IntRange(min=1),
        help="Only the N rows and N columns with the highest totals. A figure is at most "
        f"{MAX_PIXELS} x {MAX_PIXELS} px; a larger request is refused with a hint.",
    )(func)
    func = click.option("--title", help="The figure's title (default: the table's).")(func)
    func = click.option(
        "--chart", type=click.Choice(["heatmap", "bars"]), default="heatmap", show_default=True
    )(func)
    return click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="FILE.png, FILE.svg or FILE.pdf (written atomically).",
    )(func)


@plot.command(
    "crosstab",
    epilog="""\b
Examples:
  qualcope report plot crosstab --codes "Coping strategies" --cols role -o strategies.png
  qualcope report plot crosstab --codes "Coping strategies" --by case --chart bars -o fig.pdf
""",
)
@crosstab_options
@filter_options
@_figure_options
def plot_crosstab(
    output: Path,
    chart: str,
    title: str | None,
    top: int | None,
    min_count: int | None,
    cluster: bool,
    **options: Any,
) -> None:
    """A heatmap or grouped bars of a cross-tab (one panel per table with --by)."""
    from qualcope.report import matrix_limits
    from qualcope.report import plot as figures
    from qualcope.services import reports

    with open_project(click.get_current_context()) as project:
        tables = reports.crosstab(project, crosstab_request(options))
    tables = matrix_limits.limit(tables, top, min_count)
    figures.write_figure(tables, output, chart, title, cluster=cluster, narrow_hint="--codes GROUP")
    err_console_print(f"wrote {output}")


@plot.command(
    "cooccurrence",
    epilog="""\b
Examples:
  qualcope report plot cooccurrence --rows "Value conflicts" --cols "Coping strategies" -o c.svg
  qualcope report plot cooccurrence --top 40 --cluster -o top40.png
""",
)
@click.option("--rows", "row_codes", multiple=True, metavar="GROUP")
@click.option("--cols", "col_codes", multiple=True, metavar="GROUP")
@click.option("--within", type=click.Choice(WITHIN), default="segment", show_default=True)
@filter_options
@_figure_options
def plot_cooccurrence(
    row_codes: tuple[str, ...],
    col_codes: tuple[str, ...],
    within: str,
    output: Path,
    chart: str,
    title: str | None,
    top: int | None,
    min_count: int | None,
    cluster: bool,
    **options: Any,
) -> None:
    """A heatmap or grouped bars of a co-occurrence table (--top N for a large codebook)."""
    from qualcope.report import matrix_limits
    from qualcope.report import plot as figures
    from qualcope.report.model import CooccurrenceRequest
    from qualcope.services import reports

    request = CooccurrenceRequest(
        rows=row_codes, cols=col_codes, within=within, filters=make_filters(**options)
    )
    with open_project(click.get_current_context()) as project:
        table = reports.cooccurrence(project, request)
    tables = matrix_limits.limit([table], top, min_count)
    figures.write_figure(
        tables, output, chart, title, cluster=cluster, narrow_hint="--rows GROUP --cols GROUP"
    )
    err_console_print(f"wrote {output}")

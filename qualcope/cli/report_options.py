"""The options and output every `qualcope report` table command shares (``report_cmds``,
``report_plot_cmds``): --db, the filters, -o/--format, the cross-tab dimensions, and writing
tables to stdout or a file."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcope.cli.common import err_console_print
from qualcope.errors import ReportError
from qualcope.report.model import DIMENSIONS, PERCENTS, UNITS

F = TypeVar("F", bound=Callable[..., Any])
TABLE_FORMATS = ["table", "csv", "xlsx", "md", "tex", "html", "json"]
BINARY = {"xlsx", "docx"}


def remember_db(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    root = ctx.find_root()
    root.ensure_object(dict)
    if value is not None:
        root.obj["db"] = value
    return value


def filter_options(func: F) -> F:
    """--db and the filters every report takes."""
    options = [
        click.option(
            "--db",
            metavar="PATH_OR_URL",
            expose_value=False,
            callback=remember_db,
            help="Project file or SQLAlchemy URL (default: $QUALCOPE_DB, else ./qualcope.db).",
        ),
        click.option(
            "--include-interviewer",
            is_flag=True,
            help="Also count codings that lie within an interviewer turn (left out by default).",
        ),
        click.option("--role", "roles", multiple=True, metavar="ROLE", help="Only these roles."),
        click.option("--case", "cases", multiple=True, metavar="NAME", help="Only these cases."),
        click.option(
            "--coder", "coders", multiple=True, metavar="NAME", help="Only these coders' codings."
        ),
        click.option(
            "--codes",
            "codes",
            multiple=True,
            metavar="GROUP_OR_CODE",
            help="Codes to show (a group gives its codes; repeatable). Default: the whole tree.",
        ),
    ]
    for option in options:
        func = option(func)
    return func


def output_options(func: F, formats: list[str] | None = None) -> F:
    func = click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to FILE (atomically) instead of stdout; the extension gives the format.",
    )(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats or TABLE_FORMATS),
        help="Output format (default: table on stdout, else from the file's extension).",
    )(func)


def make_filters(
    codes: tuple[str, ...],
    coders: tuple[str, ...],
    cases: tuple[str, ...],
    roles: tuple[str, ...],
    include_interviewer: bool,
) -> Any:
    from qualcope.report.model import Filters

    return Filters(
        codes=codes,
        coders=coders,
        cases=cases,
        roles=roles,
        include_interviewer=include_interviewer,
    )


def emit(tables: list[Any], fmt: str | None, output: Path | None) -> None:
    from qualcope.report import export, matrix_limits

    if output is not None:
        fmt = export.format_for(output, fmt)
        export.write(tables, fmt, output, provenance=fmt not in ("csv", "table"))
        err_console_print(f"wrote {output} ({fmt}, unit: {tables[0].unit})")
    else:
        fmt = fmt or "table"
        if fmt in BINARY:
            raise ReportError(f"{fmt} is a binary format; write it to a file with -o FILE.{fmt}")
        width = max(80, shutil.get_terminal_size((120, 24)).columns)
        data = export.render(tables, fmt, provenance=fmt not in ("csv", "table"), width=width)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    cut = matrix_limits.cut_note(tables)
    if fmt == "csv" and cut:  # a bare CSV has no room for the note: said on stderr instead
        err_console_print(cut)


class Dimension(click.ParamType):
    """A report dimension: code, role, case, participant, document, coder, or attr:NAME (a
    document's, else its participant's, attribute; checked against the project later)."""

    name = "dimension"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(DIMENSIONS) + "|attr:NAME]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text in DIMENSIONS or (text.startswith("attr:") and text[5:].strip()):
            return text
        self.fail(f"{text!r} is not one of {', '.join(map(repr, DIMENSIONS))} or attr:NAME", param)


DIMENSION = Dimension()


def crosstab_options(func: F) -> F:
    func = click.option(
        "--bins",
        metavar="N|EDGES",
        help="Bin numeric attribute dimensions: N equal-width bins, or edges like 20,30,40.",
    )(func)
    func = click.option("--no-margins", is_flag=True, help="Leave out the totals.")(func)
    func = click.option(
        "--percent",
        type=click.Choice(PERCENTS),
        default="none",
        show_default=True,
        help="Show each cell also as a percent of its row, column or the grand total.",
    )(func)
    func = click.option(
        "--unit",
        type=click.Choice(UNITS),
        default="codings",
        show_default=True,
        help="What a cell counts: codings, distinct coded segments, documents, or participants "
        "who mention it at least once.",
    )(func)
    func = click.option("--by", type=DIMENSION, help="One table per value (and the pooled table).")(
        func
    )
    func = click.option("--cols", type=DIMENSION, default="role", show_default=True)(func)
    return click.option(
        "--rows",
        type=DIMENSION,
        default="code",
        show_default=True,
        help="Dimensions: code, role, case, participant, document, coder, or attr:NAME (a "
        "document's attribute, else its participant's; see `qualcope documents --attributes`).",
    )(func)


def crosstab_request(options: dict[str, Any], stats: bool = False) -> Any:
    from qualcope.report.model import CrosstabRequest

    return CrosstabRequest(
        rows=options["rows"],
        cols=options["cols"],
        by=options["by"],
        unit=options["unit"],
        percent=options["percent"],
        margins=not options["no_margins"],
        stats=stats,
        bins=options.get("bins"),
        filters=make_filters(
            options["codes"],
            options["coders"],
            options["cases"],
            options["roles"],
            options["include_interviewer"],
        ),
    )

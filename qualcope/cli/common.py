"""Shared pieces of the CLI: project options, error handling, output formats."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from qualcope.errors import QualcopeError
from qualcope.ingest.metadata_cells import UNSAFE_POINTS

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES: dict[str, str] = {
    "main": """\b
Examples:
  qualcope demo                       build the demo project and open it
  qualcope init --codebook codebooks/icvc.yaml
  qualcope import interviews/ --case "urban mobility planning"
  qualcope --coder ana               open the coding workspace as coder 'ana'
  qualcope --coder ben --blind       ben codes without seeing anyone else's codings
""",
}


class QualcopeGroup(click.Group):
    """A group that turns QualcopeError into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcopeError as exc:
            err_console_print(f"qualcope: error: {exc}")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err_console_print("qualcope: interrupted; nothing was half-saved")
            ctx.exit(130)


def err_console_print(message: str) -> None:
    click.echo(message, err=True)


def _set_obj(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        root = ctx.find_root()
        root.ensure_object(dict)
        if value is not None:
            root.obj[key] = value
        return value

    return callback


def _set_flag(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    # Only a flag that is given counts: the same option on the subcommand, left out, must not
    # undo `qualcope --blind tui`.
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        root = ctx.find_root()
        root.ensure_object(dict)
        if value:
            root.obj[key] = True
        return value

    return callback


def common_options(func: F) -> F:
    """--db, --coder and --blind, accepted before or after the subcommand name."""
    func = click.option(
        "--blind",
        is_flag=True,
        expose_value=False,
        callback=_set_flag("blind"),
        help="Code blind: see and learn from only your own codings in the workspace and in "
        "suggestions (also $QUALCOPE_BLIND=1, or for everyone: `qualcope blind on`). "
        "Reports and agreement still see every coder.",
    )(func)
    func = click.option(
        "--coder",
        metavar="NAME",
        expose_value=False,
        callback=_set_obj("coder"),
        help="Who is coding (default: $QUALCOPE_CODER, else your login name).",
    )(func)
    func = click.option(
        "--db",
        metavar="PATH_OR_URL",
        expose_value=False,
        callback=_set_obj("db"),
        help="Project file or SQLAlchemy URL (default: $QUALCOPE_DB, else ./qualcope.db).",
    )(func)
    return func


def project_location(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj or {}
    return obj.get("db")


def coder_name(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj or {}
    return obj.get("coder")


def blind_option(ctx: click.Context) -> bool:
    """True when --blind or $QUALCOPE_BLIND asks for blind coding."""
    from qualcope.config import blind_from_env

    obj = ctx.find_root().obj or {}
    return bool(obj.get("blind")) or blind_from_env()


def apply_blind(ctx: click.Context, project: Any) -> None:
    """Make the session blind when the options or the project's setting ask for it."""
    from qualcope.services.blind import is_blind_project

    project.blind = blind_option(ctx) or is_blind_project(project)


@contextmanager
def open_project(ctx: click.Context) -> Iterator[Any]:
    """Open the project named by the options (imports the service layer lazily)."""
    from qualcope.services.project import Project

    project = Project.open(project_location(ctx), coder_name(ctx))
    warn_about_storage(project.path)
    try:
        apply_blind(ctx, project)
        yield project
    finally:
        project.close()


_WARNED: set[str] = set()


def warn_about_storage(path: Any) -> None:
    """Once per process: a SQLite project on a network share or in a cloud-sync folder
    (``qualcope.db.storage_location``); before the TUI starts, this is its warning too."""
    if path is None or str(path) in _WARNED:
        return
    from qualcope.db.storage_location import storage_warning

    _WARNED.add(str(path))
    try:
        warning = storage_warning(path)
    except OSError:  # a warning must never keep a project from opening
        return
    if warning:
        err_console_print(f"qualcope: {warning}")


def run_tui_or_help(ctx: click.Context) -> None:
    try:
        from qualcope.tui.launch import launch  # noqa: PLC0415 - Textual loads only here
    except ModuleNotFoundError:
        click.echo(ctx.get_help())
        return
    with open_project(ctx) as project:
        launch(project)


FORMAT_CHOICE = click.Choice(["table", "csv", "json"])


def format_option(func: F) -> F:
    """--format table|csv|json (passed as ``fmt``), the same on every listing command."""
    return click.option(
        "--format",
        "fmt",
        type=FORMAT_CHOICE,
        default="table",
        show_default=True,
        help="Output format.",
    )(func)


def emit_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, title: str | None = None
) -> None:
    """Print rows as a rich table, CSV or JSON (stdout)."""
    if fmt == "json":
        click.echo(
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    if fmt == "csv":
        from qualcope.interchange.safe_csv import neutralise

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(_cell(row.get(c))) for c in columns])
        click.echo(buffer.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(visible(_cell(row.get(c)))) for c in columns))
    # Piped output is for reading or grepping: do not fold cells into 80 columns.
    width = None if sys.stdout.isatty() else 200
    Console(file=sys.stdout, soft_wrap=False, width=width).print(table)


# Control characters and direction overrides a stored value may hold from an older import:
# shown as a visible mark in the terminal, never run (C8-2); CSV and JSON keep data exact.
_VISIBLE = str.maketrans(dict.fromkeys((*UNSAFE_POINTS, 0x0D), "\ufffd"))


def visible(text: str) -> str:
    """Text fit for the terminal: every control character a visible mark."""
    return text.translate(_VISIBLE)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def label_options(interviewer_help: str, speaker_help: str) -> Callable[[F], F]:
    """``--interviewer NAME`` and ``--speaker LABEL`` (repeatable), as import, document set
    and document resegment take them (into ``interviewers`` and ``speakers``)."""

    def decorate(func: F) -> F:
        func = click.option(
            "--speaker", "speakers", metavar="LABEL", multiple=True, help=speaker_help
        )(func)
        return click.option(
            "--interviewer", "interviewers", metavar="NAME", multiple=True, help=interviewer_help
        )(func)

    return decorate

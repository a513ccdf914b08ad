"""`qualcope agreement`: intercoder agreement per code and pooled, for a paper.

Thin over ``services.agreement``; the table goes to stdout (or -o FILE), notes to stderr.
``--coders A B``, ``--codes X Y`` and ``--documents 1 2`` take several values after one
flag, as well as the flag repeated.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import click

from qualcope.cli.common import common_options, err_console_print, open_project

LIST_OPTIONS = ("--coders", "--codes", "--documents")


class ListOptionsCommand(click.Command):
    """Reads ``--coders A B C`` as ``--coders A --coders B --coders C``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        waiting = False  # the list flag has had no value yet
        for arg in args:
            if arg in LIST_OPTIONS:
                if waiting:
                    out.append(current or arg)
                current, waiting = arg, True
            elif current is not None and not arg.startswith("-"):
                out += [current, arg]
                waiting = False
            else:
                if waiting:
                    out.append(current or arg)  # a flag without a value: click says so
                current, waiting = None, False
                out.append(arg)
        if waiting and current is not None:
            out.append(current)
        return super().parse_args(ctx, out)


@click.command(
    "agreement",
    cls=ListOptionsCommand,
    epilog="""\b
Examples:
  qualcope agreement                              coders who finished documents, every code
  qualcope agreement --coders ana ben --codes "Coping strategies" --ci 0.95
  qualcope agreement --coders ana model           the suggester as a coder
  qualcope agreement --unit character --metric krippendorff -o agreement.tex
""",
)
@click.option("--coders", multiple=True, metavar="NAME...", help="Coders to compare (or 'model').")
@click.option("--codes", multiple=True, metavar="PATH...", help="Codes (a group: its codes).")
@click.option("--documents", multiple=True, metavar="ID...", help="Documents (id or name).")
@click.option(
    "--unit",
    type=click.Choice(["sentence", "turn", "character"]),
    default="sentence",
    show_default=True,
    help="What one unit of comparison is.",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    type=click.Choice(["percent", "cohen", "fleiss", "krippendorff", "all"]),
    help="Coefficients (repeatable; default all that apply).",
)
@click.option(
    "--by",
    type=click.Choice(["code", "pooled"]),
    default="code",
    show_default=True,
    help="A row per code and the pooled row, or the pooled row only.",
)
@click.option("--ci", type=float, metavar="LEVEL", help="Bootstrap interval, e.g. 0.95.")
@click.option("--include-interviewer", is_flag=True, help="Also interviewer turns and preambles.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "md", "tex", "json"]), help="Format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to FILE (atomically); the extension gives the format.",
)
@common_options
@click.pass_context
def agreement(ctx: click.Context, **options: Any) -> None:
    """Intercoder agreement per code and pooled: percent agreement, Cohen's kappa (two
    coders), Fleiss' kappa and Krippendorff's alpha, on the documents every compared coder
    marked finished.

    For each unit (a respondent sentence by default) and code, a coder applied the code (1)
    or not (0): one of their codings of it shares a character with the unit. Interviewer
    turns and preambles are left out unless asked for. The unit and the data used are stated
    under every table.
    """
    from qualcope.cli.import_output import progress_bar
    from qualcope.interchange.atomic import write_text_atomic
    from qualcope.report.agreement_table import format_for, render
    from qualcope.services import agreement as service
    from qualcope.services.documents import find_document

    output: Path | None = options["output"]
    fmt = format_for(output.name, options["fmt"]) if output else options["fmt"] or "table"
    with open_project(ctx) as project:
        document_ids = [find_document(project, key) for key in options["documents"]]
        with progress_bar("agreement") as on_progress:
            result = service.agreement(
                project,
                coders=options["coders"],
                codes=options["codes"],
                documents=document_ids,
                unit=options["unit"],
                metrics=options["metrics"] or ("all",),
                by_code=options["by"] == "code",
                ci=options["ci"],
                include_interviewer=options["include_interviewer"],
                on_progress=on_progress,
            )
    table = service.as_table(result)
    width = max(80, shutil.get_terminal_size((120, 24)).columns)
    text = render(table, fmt, width=width)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_text_atomic(output, text)
    err_console_print(f"wrote {output} ({fmt}; unit: {service.UNIT_MEANING[result.unit]})")


def register(group: click.Group) -> None:
    group.add_command(agreement)

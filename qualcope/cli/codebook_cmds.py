"""`qualcope codebook ...`: import, export and show the codebook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qualcope.cli.common import common_options, err_console_print, open_project


@click.group(
    epilog="""\b
Examples:
  qualcope codebook show
  qualcope codebook import codebooks/icvc.yaml
  qualcope codebook export appendix.md
  qualcope codebook export codebook.qdc      (REFI-QDA, for NVivo, ATLAS.ti, MAXQDA)
"""
)
def codebook() -> None:
    """The code tree: show it, import a file into it, export it."""


@codebook.command(
    "import",
    epilog="""\b
Examples:
  qualcope codebook import codebooks/icvc.yaml
  qualcope codebook import revised.csv --prune
  qualcope codebook import from-nvivo.qdc      (a REFI-QDA codebook)
  qualcope codebook import taguette-tags.csv   (another tool's list of codes)
  qualcope codebook import codes.txt           (QualCoder's plain-text code list)
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--prune", is_flag=True, help="Remove codes that are not in the file and have no codings."
)
@common_options
@click.pass_context
def import_(ctx: click.Context, file: Path, prune: bool) -> None:
    """Merge a codebook file (.yaml/.yml/.csv/.qdc) into the project by GUID, else by path.

    Another tool's list of codes is read too: a CSV with a code, name or tag column
    (Taguette, qcoder, NVivo), or QualCoder's plain-text list (.txt); what was made of it and
    what was left out is printed.

    A code the file knows by its GUID under another name or parent (renamed or moved in
    another tool) is renamed or moved here, with its codings. New codes are added and changed
    fields updated; a code with codings is never deleted.
    """
    from qualcope.services import codebook as service

    spec, notes = service.read_codebook_with_notes(file)
    with open_project(ctx) as project:
        changes = service.import_codebook(project, spec, source=str(file), prune=prune)
    shown = [c for c in changes if c.action != "kept" or c.detail]
    for change in shown:
        detail = f" ({change.detail})" if change.detail else ""
        click.echo(f"{change.action:8} {change.path}{detail}")
    actions = ("added", "moved", "updated", "deleted")
    counts = {a: sum(1 for c in changes if c.action == a) for a in actions}
    for note in notes:  # what reading a .qdc tolerated or skipped
        err_console_print(f"{file}: {note}")
    done = [f"{counts[a]} {a}" for a in actions if counts[a] or a != "moved"]
    err_console_print(f"{file}: {', '.join(done)}")


@codebook.command(
    "export",
    epilog="""\b
Examples:
  qualcope codebook export codebooks/mine.yaml
  qualcope codebook export codes.csv
  qualcope codebook export appendix.md      (a readable document for a paper)
  qualcope codebook export codebook.qdc     (REFI-QDA codebook exchange)
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@common_options
@click.pass_context
def export(ctx: click.Context, file: Path) -> None:
    """Write the codebook to FILE (.yaml/.yml, .csv, .md or .qdc, from the extension)."""
    from qualcope.services import codebook as service

    with open_project(ctx) as project:
        spec = service.export_codebook(project, file)
    n = len(spec.walk())
    err_console_print(f"wrote {n} codes to {file}")
    for note in service.export_notes(spec, file):  # what .qdc folded into Descriptions
        err_console_print(f"{file}: {note}")


@codebook.command(
    "show",
    epilog="""\b
Examples:
  qualcope codebook show
  qualcope --db study.db codebook show
""",
)
@common_options
@click.pass_context
def show(ctx: click.Context) -> None:
    """Print the code tree with shortcuts and coding counts.

    A code shows its codings (all coders); a group the codings of all its codes ("312 in its
    codes"); a code with subcodes its own and theirs together ("5, 12 with its subcodes").
    """
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    from qualcope.services import codebook as service

    with open_project(ctx) as project:
        nodes = service.tree(project)
        title = service.current_spec(project).name
    totals = service.subtree_counts(nodes)
    root = Tree(Text(title, style="bold"))
    branches: dict[int | None, Tree] = {None: root}
    for node in nodes:
        label = Text()
        label.append("\u25a0 ", style=node.colour or "")
        label.append(node.name, style="bold" if node.is_group else "")
        if node.shortcut:
            label.append(f" [{node.shortcut}]", style="cyan")
        count = _count_label(node.is_group, node.coding_count, totals[node.id])
        if count:
            label.append(f"  {count}", style="dim")
        parent = branches.get(node.parent_id, root)
        branches[node.id] = parent.add(label)
    if not nodes:
        err_console_print("the codebook is empty; add one with `qualcope codebook import FILE`")
    Console(file=sys.stdout).print(root)


def _count_label(is_group: bool, own: int, total: int) -> str:
    """'12' for a code; '312 in its codes' for a group; '5, 12 with its subcodes' for a
    code with subcodes; '' when nothing is coded."""
    if not total:
        return ""
    if is_group:
        return f"{total} in its codes" if not own else f"{total} with its codes"
    return f"{own}, {total} with its subcodes" if total != own else f"{own}"


def register(group: click.Group) -> None:
    group.add_command(codebook)

"""Exchange commands: `qualcope export project FILE.qdpx`, and the project side of
`qualcope import` (`qualcope import project FILE.qdpx|NAME.qda|NAME.sqlite3 [--into NEW.db]`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcope.cli.common import coder_name, common_options, err_console_print, open_project
from qualcope.cli.import_output import interviewer_hint, speaker_summary
from qualcope.wording import plural

if TYPE_CHECKING:
    from qualcope.interchange.project_snapshot import ExchangeProject
    from qualcope.services.exchange import ExchangeImport


@click.group(
    epilog="""\b
Examples:
  qualcope export project study.qdpx       for NVivo, ATLAS.ti, MAXQDA, QualCoder
"""
)
def export() -> None:
    """Export the whole project for other tools."""


@export.command(
    "project",
    epilog="""\b
Examples:
  qualcope export project study.qdpx
  qualcope --db team.db export project /media/usb/team.qdpx

\b
The file is a REFI-QDA project (QDA-XML 1.0): coders as users, the codebook (criteria,
examples, cues and shortcuts folded into each code's Description), participants as cases
with their role, case and attributes as variables, documents as UTF-8 text sources with
every coding and coder, memos as notes, coping links as links. qualcope's own details
(turns, sentences, finished marks) travel in a part other tools ignore.
""",
)
@click.argument("file", type=click.Path(path_type=Path))
@common_options
@click.pass_context
def export_project(ctx: click.Context, file: Path) -> None:
    """Write the whole project as a REFI-QDA .qdpx file (written atomically)."""
    from qualcope.services.exchange import export_project as service

    if file.suffix.lower() != ".qdpx":
        raise click.UsageError(f"{file}: a REFI-QDA project file ends in .qdpx")
    with open_project(ctx) as project:
        summary = service(project, file)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in summary.counts.items())
    err_console_print(f"wrote {file}: {counts}")


def import_project(ctx: click.Context, path: Path, into: Path | None, lenient: bool) -> None:
    """`qualcope import project PATH`: another tool's project, into an empty or new project."""
    from qualcope.services import exchange

    if into is not None:
        snapshot, report = exchange.import_into_new(into, path, coder_name(ctx), lenient=lenient)
        target = str(into)
    else:
        with open_project(ctx) as project:
            snapshot, report = exchange.import_project_file(project, path, lenient=lenient)
            target = project.location
    _summarise(path, target, snapshot, report)


def _summarise(path: Path, target: str, snapshot: ExchangeProject, report: ExchangeImport) -> None:
    origin = f" (written by {snapshot.origin})" if snapshot.origin else ""
    order = ("sources", "codes", "codings", "coders", "cases", "links", "memos")
    counts = [_count(report.counts[k], k) for k in order if report.counts.get(k)]
    click.echo(f"imported {path}{origin} into {target}: {', '.join(counts) or 'nothing'}")
    for kind, count in sorted(report.counts.items()):
        if kind not in order and count:
            click.echo(f"  {_detail(count, kind)}")
    for name, speakers in report.speakers:
        if any(speaker for speaker, _, _ in speakers):
            click.echo(f"  {name}: speakers: {speaker_summary(speakers)}")
        hint = interviewer_hint(name, speakers)
        if hint:
            err_console_print(f"warning: {name}: {hint}")
    unlabelled = [name for name, speakers in report.speakers if not any(s for s, _, _ in speakers)]
    if unlabelled:
        shown = ", ".join(unlabelled[:3]) + (", ..." if len(unlabelled) > 3 else "")
        err_console_print(
            f"note: {plural(len(unlabelled), 'source')} with no speaker label ({shown}): their "
            "turns count as respondents' words; to name their speakers: qualcope document "
            "resegment DOC --speaker LABEL"
        )
    for note in report.notes:
        err_console_print(f"note: {note}")


def _count(count: int, kinds: str) -> str:
    return plural(count, kinds[:-1], kinds)


def _detail(count: int, phrase: str) -> str:
    """``N phrase``, the phrase's first plural noun made singular for one ('1 span widened')."""
    if count == 1:
        phrase = re.sub(r"\b(coding|span|annotation|memo|source)s\b", r"\1", phrase, count=1)
    return f"{count:,} {phrase}"


def register(group: click.Group) -> None:
    group.add_command(export)

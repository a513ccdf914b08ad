"""What `qualcope import` prints, and the rich progress bar every long command shares.

Owns the import's output: per file what landed (stdout: words, turns, speakers, preamble,
changes to the text) and what to look at (stderr: skips, new roles and cases, warnings,
failures), the batch's summary line and its exit code; and ``progress_bar``, which feeds
ProgressUpdates to a rich bar on stderr.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualcope.cli.common import err_console_print
from qualcope.domain import ProgressCallback, ProgressUpdate, no_progress
from qualcope.wording import plural

if TYPE_CHECKING:
    from rich.console import Console

    from qualcope.services.import_store import FileOutcome
    from qualcope.services.importing import ImportReport
    from qualcope.services.inline_codings import InlineStored


@contextmanager
def progress_bar(label: str, console: Console | None = None) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr (files done and words/second) fed by ProgressUpdates.

    Nothing is drawn when stderr is not a terminal, so piped output and logs stay clean.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield no_progress
        return

    class WordsPerSecond(ProgressColumn):
        def render(self, task: Any) -> Text:
            words = int(task.fields.get("words", 0))
            elapsed = task.elapsed or 0.0
            rate = words / elapsed if elapsed > 0 else 0.0
            return Text(f"{words:,} words, {rate:,.0f} words/s", style="progress.data.speed")

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        WordsPerSecond(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None, words=0)

        def update(event: ProgressUpdate) -> None:
            # Messages carry file names: the column shows them as plain text, never markup.
            progress.update(
                task,
                completed=event.done,
                total=event.total,
                description=f"{label} {event.message}"[:60],
                words=event.words,
            )

        yield update


def summarise(ctx: click.Context, report: ImportReport) -> None:
    """Per file what happened, then the batch's summary line (also when every file failed);
    a single file that failed is one error line."""
    if len(report.outcomes) == 1 and report.failed:
        err_console_print(f"qualcope: error: {_where(report.failed[0])}")
        ctx.exit(1)
    for outcome in report.outcomes:
        if outcome.status == "imported":
            _imported(outcome)
        elif outcome.status == "skipped":
            err_console_print(f"skipped {outcome.path}: {outcome.message}")
    for kind, values in report.new_values.items():
        plural = {"role": "roles", "case": "cases", "attribute": "attributes"}[kind]
        err_console_print(f"new {plural}: {', '.join(values)}")
    for ignored in report.ignored:
        err_console_print(f"ignored {ignored}")
    for outcome in report.failed:
        err_console_print(f"qualcope: error: {_where(outcome)}")
    rate = report.words / report.seconds if report.seconds > 0 else 0.0
    summary = (
        f"{len(report.imported)} imported ({report.words:,} words, {rate:,.0f} words/s), "
        f"{len(report.skipped)} skipped, {len(report.failed)} failed"
    )
    if report.stopped:
        summary += ", stopped before the end"
    err_console_print(summary)
    if report.failed:
        names = ", ".join(Path(o.path).name for o in report.failed)
        err_console_print(f"not imported: {names}")
        ctx.exit(1)
    if report.stopped:
        ctx.exit(1)


def _imported(outcome: FileOutcome) -> None:
    """The facts of one imported file (stdout) and what the user should look at (stderr)."""
    interviewer = f", {outcome.interviewer_turns} by the interviewer"
    notes = f" ({outcome.message})" if outcome.message else ""
    click.echo(
        f"imported {outcome.name}: {plural(outcome.words, 'word')}, {plural(outcome.turns, 'turn')}"
        f"{interviewer if outcome.interviewer_turns else ''}, "
        f"{plural(outcome.sentences, 'sentence')}, {outcome.language}{notes}"
    )
    if any(name for name, _, _ in outcome.speakers):
        click.echo(f"  speakers: {speaker_summary(outcome.speakers)}")
    if outcome.preambles:
        blocks = "block" if outcome.preambles == 1 else "blocks"
        click.echo(f"  preamble (no speaker, not counted): {outcome.preambles} {blocks}")
    if outcome.changes:
        click.echo(f"  changed in the text: {outcome.changes}")
    if outcome.marked.codings:
        click.echo(f"  {marked_summary(outcome.marked)}")
    hint = interviewer_hint(str(outcome.document_id), outcome.speakers)
    if hint:
        err_console_print(f"warning: {outcome.path}: {hint}")
    hint = no_labels_hint(outcome)
    if hint:
        err_console_print(f"note: {outcome.path}: {hint}")
    for note in outcome.label_notes:
        err_console_print(f"warning: {outcome.path}, {note}")
    if outcome.left_out:
        err_console_print(f"warning: {outcome.path}: not imported: {', '.join(outcome.left_out)}")


def marked_summary(marked: InlineStored) -> str:
    """'codings from the qcoder marks: 8, by ana; new codes at the top …: twitter'."""
    said = f"codings from the qcoder marks: {marked.codings:,}, by {marked.coder}"
    if marked.duplicates:
        said += f" ({marked.duplicates} marked twice, stored once)"
    if marked.new_codes:
        said += f"; new codes at the top of the codebook: {', '.join(marked.new_codes)}"
    return said


def speaker_summary(speakers: Sequence[tuple[str, int, bool]]) -> str:
    """'Interviewer (interviewer, 20 turns), Marleen (19 turns)'."""
    parts = []
    for name, turns, interviewer in speakers:
        count = plural(turns, "turn")
        role = "interviewer, " if interviewer else ""
        parts.append(f"{name or '(no label)'} ({role}{count})")
    return ", ".join(parts)


def interviewer_hint(document: str, speakers: Sequence[tuple[str, int, bool]]) -> str | None:
    """What to do when several speakers are named and none is the interviewer: every turn
    then counts as a respondent's, the interviewer's questions too (in words, reports and
    suggestions), which a name qualcope does not know as a role word ('Anna:') causes."""
    named = [name for name, _, _ in speakers if name]
    if len(named) < 2 or any(interviewer for _, _, interviewer in speakers):
        return None
    shown = ", ".join(named[:4]) + (f" and {len(named) - 4} more" if len(named) > 4 else "")
    return (
        f"no speaker was taken as the interviewer ({shown}), so every turn counts as a "
        f"respondent's; if one of them is: qualcope document set {shlex.quote(document)} "
        f"--interviewer {shlex.quote(named[0])}"
    )


# Transcript formats whose speakers come from labels or voice tags (not a sheet's column).
_LABELLED_FORMATS = frozenset({".txt", ".md", ".docx", ".odt", ".rtf", ".vtt", ".srt"})
_SUBTITLES = frozenset({".vtt", ".srt"})


def no_labels_hint(outcome: FileOutcome) -> str | None:
    """What a transcript in which no speaker was found means, and how to name its speakers:
    every turn of it counts as a respondent's words, the interviewer's questions too."""
    if outcome.document_id is None or any(name for name, _, _ in outcome.speakers):
        return None
    suffix = Path(outcome.path).suffix.lower()
    if suffix not in _LABELLED_FORMATS or not outcome.turns:
        return None
    document = str(outcome.document_id)
    fix = (
        f"qualcope document delete {document}, then import it again with --speaker LABEL"
        if suffix in _SUBTITLES
        else f"qualcope document resegment {document} --speaker LABEL"
    )
    turns = plural(outcome.turns, "turn")
    return (
        f"no speaker label found, so its {turns} without a speaker count as respondents' words; "
        f"if it names its speakers in a way qualcope does not know: {fix}"
    )


def _where(outcome: FileOutcome) -> str:
    line = f", line {outcome.line}" if outcome.line is not None else ""
    return f"{outcome.path}{line}: {outcome.message}"

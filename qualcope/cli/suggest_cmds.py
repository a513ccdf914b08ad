"""`qualcope suggest`, `qualcope suggest evaluate`, `qualcope suggestions`.

Thin over ``qualcope.services.suggestions``; spaCy loads only when a command runs.
Lists go to stdout; summaries, warnings and progress to stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qualcope.cli.common import (
    common_options,
    emit_rows,
    err_console_print,
    format_option,
    open_project,
)

if TYPE_CHECKING:
    from qualcope.nlp.results import SuggestRun


@click.group(
    "suggest",
    invoke_without_command=True,
    epilog="""\b
Examples:
  qualcope suggest                                   every code, every document
  qualcope suggest --code "Coping strategies"        the codes of one group
  qualcope suggest --document 3 --retrain            retrain the classifier first
  qualcope suggest evaluate --folds 5                how far to trust the suggestions
""",
)
@click.option("--code", metavar="PATH", help="Only this code (a group: every code in it).")
@click.option("--document", metavar="ID", help="Only this document (id or name).")
@click.option("--retrain", is_flag=True, help="Retrain the classifier before suggesting.")
@click.option(
    "--negatives",
    type=click.Choice(["coded-through", "finished"]),
    default="coded-through",
    show_default=True,
    help="Which documents teach what a code is not: finished ones and those coded from start "
    "to end (their uncoded sentences), or finished ones only.",
)
@common_options
@click.pass_context
def suggest(
    ctx: click.Context, code: str | None, document: str | None, retrain: bool, negatives: str
) -> None:
    """Compute and store pending suggestions: candidate segments for codes, with reasons.

    Cue phrases of the codebook (and their inflected forms) propose segments; a classifier
    trained on the project's codings, rejected suggestions and finished documents scores
    them (and, unless `--negatives finished`, documents coded from start to end: their
    uncoded sentences are taken as negatives). A segment with fewer than three content words
    is never suggested. Review them with `qualcope suggestions` or in the coding workspace.

    Coding blind (`--blind`, `qualcope blind on`), suggestions learn from your own codings,
    rejections and finished marks only, with a classifier trained for this run and not stored.
    """
    if ctx.invoked_subcommand is not None:
        return
    from qualcope.cli.import_output import progress_bar
    from qualcope.services import documents as documents_service
    from qualcope.services import suggestions as service

    with open_project(ctx) as project:
        document_id = documents_service.find_document(project, document) if document else None
        if project.blind:
            err_console_print("blind: learning from your own codings and decisions only")
        with progress_bar("suggest") as on_progress:
            run = service.suggest(
                project,
                code=code,
                document_id=document_id,
                retrain=retrain,
                negatives=negatives,
                on_progress=on_progress,
            )
    _report_run(run)


def _report_run(run: SuggestRun) -> None:
    for warning in run.warnings:
        err_console_print(f"qualcope: warning: {warning}")
    if run.message and not run.created and not run.updated:
        err_console_print(run.message)
        if not run.units:
            return
    for note in run.notes:
        err_console_print(note)
    for info in run.models:
        err_console_print(
            f"classifier ({info.lang}): {len(info.labels)} codes learnt from "
            f"{info.examples} examples"
        )
    if not run.models:
        err_console_print("classifier: not enough labelled segments yet; cue phrases only")
    if run.held_back:
        from qualcope.nlp.units import MIN_CONTENT_WORDS

        err_console_print(
            f"{run.held_back} segments scored for a code but were not suggested: fewer than "
            f'{MIN_CONTENT_WORDS} content words ("Yes.", "Uh, okay.")'
        )
    err_console_print(
        f"{run.created} new suggestions, {run.updated} updated, {run.removed} removed "
        f"({run.units} segments of {run.documents} documents, {run.codes} codes); "
        "review them with `qualcope suggestions`"
    )


@suggest.command(
    "evaluate",
    epilog="""\b
Examples:
  qualcope suggest evaluate
  qualcope suggest evaluate --unit passage
  qualcope suggest evaluate --folds 3 --format csv > evaluation.csv
  qualcope suggest evaluate --only-coder "Reference coder"
""",
)
@click.option(
    "--folds", "-k", default=5, show_default=True, type=int, help="Cross-validation folds."
)
@click.option(
    "--only-coder",
    metavar="NAME",
    help="Labels from this coder's codings, decisions and finished marks only.",
)
@click.option(
    "--unit",
    type=click.Choice(["sentence", "passage", "both"]),
    default="both",
    show_default=True,
    help="Evaluate respondent sentences, passages (respondent turns), or both.",
)
@format_option
@common_options
@click.pass_context
def evaluate(ctx: click.Context, folds: int, only_coder: str | None, unit: str, fmt: str) -> None:
    """Cross-validate suggestions on the project's codings: precision, recall and F1 per code,
    per group and macro-averaged, for cue-only, classifier-only and combined, per unit
    (sentence, passage), with 95% bootstrap intervals over documents, the calibration of the
    combined score and F1 by how many codings a code has. Folds are whole documents."""
    from qualcope.cli import evaluation_output as output
    from qualcope.cli.import_output import progress_bar
    from qualcope.services import suggestions as service

    with open_project(ctx) as project, progress_bar("evaluate") as on_progress:
        result = service.evaluate(
            project, folds=folds, only_coder=only_coder, unit=unit, on_progress=on_progress
        )
    if result is None:
        return
    if result.message:
        err_console_print(result.message)
        return
    for note in output.notes_of(result):
        err_console_print(f"note: {note}")
    if fmt == "table":
        output.print_evaluation(result)
        return
    emit_rows(output.evaluation_rows(result), output.COLUMNS, fmt, title=output.title(result))


@click.command(
    "suggestions",
    epilog="""\b
Examples:
  qualcope suggestions                               open suggestions, most likely first
  qualcope suggestions --code Avoidance --order uncertainty
  qualcope suggestions --status rejected --format csv > rejected.csv
""",
)
@click.option("--code", metavar="PATH", help="Only this code (a group: every code in it).")
@click.option("--document", metavar="ID", help="Only this document (id or name).")
@click.option(
    "--status",
    type=click.Choice(["open", "pending", "skipped", "accepted", "rejected", "all"]),
    default="open",
    show_default=True,
    help="Which suggestions (open = pending and skipped).",
)
@click.option(
    "--order",
    type=click.Choice(["score", "uncertainty", "document"]),
    default="score",
    show_default=True,
    help="score: most likely first; uncertainty: least sure first.",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@format_option
@common_options
@click.pass_context
def suggestions(
    ctx: click.Context,
    code: str | None,
    document: str | None,
    status: str,
    order: str,
    limit: int | None,
    fmt: str,
) -> None:
    """List this coder's suggestions with score, reason and the suggested text."""
    from qualcope.services import documents as documents_service
    from qualcope.services import suggestions as service

    statuses: tuple[str, ...] = {"open": service.OPEN, "all": service.STATUSES}.get(
        status, (status,)
    )
    with open_project(ctx) as project:
        document_id = documents_service.find_document(project, document) if document else None
        views = service.list_suggestions(
            project,
            code=code,
            document_id=document_id,
            status=statuses,
            order=order,
            limit=limit,
        )
    rows = [
        {
            "id": v.id,
            "document": v.document_id,
            "start": v.start,
            "end": v.end,
            "code": v.code_path,
            "score": round(v.score, 3),
            "status": v.status,
            "reason": v.reason,
            "text": v.text if fmt != "table" else _short(v.text),
        }
        for v in views
    ]
    columns = ["id", "document", "start", "end", "code", "score", "status", "reason", "text"]
    if fmt == "table":
        columns = [c for c in columns if c not in ("start", "end")]
    emit_rows(rows, columns, fmt)
    if fmt == "table":
        err_console_print(f"{len(rows)} suggestions")


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def register(group: click.Group) -> None:
    group.add_command(suggest)
    group.add_command(suggestions)

"""`qualcope suggest`, `qualcope suggest evaluate`, `qualcope suggestions`.

Thin over ``qualcope.services.suggestions``; spaCy loads only when a command runs.
Lists go to stdout; summaries, warnings and progress to stderr.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from qualcope.cli.common import (
    common_options,
    emit_rows,
    err_console_print,
    format_option,
    open_project,
)

if TYPE_CHECKING:
    from qualcope.nlp.results import Evaluation, SuggestRun

METHODS = ("cue", "classifier", "combined")


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
@common_options
@click.pass_context
def suggest(ctx: click.Context, code: str | None, document: str | None, retrain: bool) -> None:
    """Compute and store pending suggestions: candidate segments for codes, with reasons.

    Cue phrases of the codebook (and their inflected forms) propose segments; a classifier
    trained on the project's codings, rejected suggestions and finished documents scores
    them. Review them with `qualcope suggestions` or in the coding workspace.

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
    for info in run.models:
        err_console_print(
            f"classifier ({info.lang}): {len(info.labels)} codes learnt from "
            f"{info.examples} examples"
        )
    if not run.models:
        err_console_print("classifier: not enough labelled segments yet; cue phrases only")
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
@format_option
@common_options
@click.pass_context
def evaluate(ctx: click.Context, folds: int, only_coder: str | None, fmt: str) -> None:
    """Cross-validate suggestions on the project's codings: precision, recall and F1 per code,
    per group and macro-averaged, for cue-only, classifier-only and combined."""
    from qualcope.cli.import_output import progress_bar
    from qualcope.services import suggestions as service

    with open_project(ctx) as project, progress_bar("evaluate") as on_progress:
        result = service.evaluate(
            project, folds=folds, only_coder=only_coder, on_progress=on_progress
        )
    if result is None:
        return
    if result.message:
        err_console_print(result.message)
        return
    for note in result.notes:
        err_console_print(f"note: {note}")
    if fmt == "table":
        _print_evaluation(result)
        return
    columns = ["code", "positives"] + [f"{m}_{s}" for m in METHODS for s in ("p", "r", "f1")]
    emit_rows(_evaluation_rows(result), columns, fmt, title=_title(result))


def _print_evaluation(result: Evaluation) -> None:
    """A compact table: one row per code (leaf name), a macro row per group, then overall."""
    import sys

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_title(result), caption="P R F1 = precision, recall, F1")
    table.add_column("code", overflow="fold")
    table.add_column("n", justify="right")
    for method in METHODS:
        table.add_column(f"{method}\nP    R    F1", justify="right", no_wrap=True)

    def cells(scores: dict[str, Any]) -> list[Text]:
        return [
            Text(f"{s.precision:.2f} {s.recall:.2f} {s.f1:.2f}")
            for s in (scores[m] for m in METHODS)
        ]

    for group, macro in result.groups.items():
        members = [c for c in result.codes if c.code_path.split("/", 1)[0] == group]
        for code in members:
            name = code.code_path.split("/", 1)[-1]
            table.add_row(Text(name), Text(str(code.positives)), *cells(code.by_method))
        support = sum(c.positives for c in members)
        label = Text(f"macro: {group}", style="bold")
        table.add_row(label, Text(str(support)), *cells(macro), end_section=True)
    total = sum(c.positives for c in result.codes)
    table.add_row(Text("macro: all codes", style="bold"), Text(str(total)), *cells(result.macro))
    Console(file=sys.stdout, soft_wrap=False).print(table)


def _title(result: Evaluation) -> str:
    return (
        f"{result.folds}-fold cross-validation by {result.split} "
        f"({result.units} segments, {result.documents} documents)"
    )


def _evaluation_rows(result: Evaluation) -> list[dict[str, Any]]:
    def row(name: str, positives: int, scores: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"code": name, "positives": positives}
        for method in METHODS:
            s = scores[method]
            out.update({f"{method}_p": s.precision, f"{method}_r": s.recall, f"{method}_f1": s.f1})
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}

    rows = [row(c.code_path, c.positives, c.by_method) for c in result.codes]
    for group, scores in result.groups.items():
        support = sum(c.positives for c in result.codes if c.code_path.startswith(f"{group}/"))
        rows.append(row(f"macro: {group}", support, scores))
    rows.append(row("macro: all codes", sum(c.positives for c in result.codes), result.macro))
    return rows


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

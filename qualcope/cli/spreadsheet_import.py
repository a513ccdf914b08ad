"""`qualcope import` of a spreadsheet: a table of turns, or a survey's open answers."""

from __future__ import annotations

from pathlib import Path

import click

from qualcope.cli.common import open_project
from qualcope.cli.import_output import progress_bar, summarise
from qualcope.errors import ImportFileError


def import_turn_table(
    ctx: click.Context,
    paths: tuple[Path, ...],
    table: dict[str, str | None],
    case: str | None,
    role: str | None,
    participant: str | None,
    lang: str | None,
    encoding: str | None,
    interviewers: tuple[str, ...],
    allow_similar: bool,
) -> None:
    """``qualcope import turns.csv --document-column ...``: one spreadsheet of turns."""
    from qualcope.ingest.turn_table import TurnColumns
    from qualcope.services.table_import import import_turn_table as import_turns

    needed = ("document_column", "speaker_column", "text_column")
    missing = ["--" + name.replace("_", "-") for name in needed if not table.get(name)]
    if missing:
        raise ImportFileError(f"a spreadsheet of turns also needs {', '.join(missing)}")
    if len(paths) != 1:
        raise ImportFileError("give one spreadsheet of turns at a time")
    columns = TurnColumns(
        document=str(table["document_column"]),
        speaker=str(table["speaker_column"]),
        text=str(table["text_column"]),
        time=table.get("time_column"),
        interviewer=table.get("interviewer_column"),
        case=table.get("case_column"),
        role=table.get("role_column"),
        participant=table.get("participant_column"),
    )
    with open_project(ctx) as project, progress_bar("importing") as on_progress:
        report = import_turns(
            project,
            paths[0],
            columns,
            case=case,
            role=role,
            participant=participant,
            lang=lang,
            encoding=encoding,
            sheet=table.get("sheet"),
            interviewers=interviewers,
            allow_similar=allow_similar,
            on_progress=on_progress,
        )
    summarise(ctx, report)


def import_survey_table(
    ctx: click.Context,
    paths: tuple[Path, ...],
    respondent: str | None,
    answers: tuple[str, ...],
    table: dict[str, str | None],
    case: str | None,
    role: str | None,
    lang: str | None,
    encoding: str | None,
    allow_similar: bool,
) -> None:
    """``qualcope import survey.csv --respondent-column ID --answer-column Q1``."""
    from qualcope.ingest.survey_table import SurveyColumns
    from qualcope.services.survey_import import import_survey

    if not respondent or not answers:
        raise ImportFileError("a survey needs --respondent-column and at least one --answer-column")
    turn_only = [
        name
        for name in (
            "document_column",
            "speaker_column",
            "text_column",
            "time_column",
            "interviewer_column",
            "participant_column",
        )
        if table.get(name)
    ]
    if turn_only:
        names = ", ".join("--" + name.replace("_", "-") for name in turn_only)
        raise ImportFileError(f"{names} are for a spreadsheet of turns, not a survey")
    if len(paths) != 1:
        raise ImportFileError("give one survey at a time")
    columns = SurveyColumns(
        respondent, answers, case=table.get("case_column"), role=table.get("role_column")
    )
    with open_project(ctx) as project, progress_bar("importing") as on_progress:
        report = import_survey(
            project,
            paths[0],
            columns,
            case=case,
            role=role,
            lang=lang,
            encoding=encoding,
            sheet=table.get("sheet"),
            allow_similar=allow_similar,
            on_progress=on_progress,
        )
    summarise(ctx, report)

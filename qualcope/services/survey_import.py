"""Importing a survey's open answers: one document a respondent (``ingest.survey_table``).

``qualcope import survey.csv --respondent-column ID --answer-column Q1 [--answer-column Q2]``:
each respondent with at least one answer becomes a document named after the file and the
respondent (``survey456 ID4``), their participant; its text is written as an interview, each
question (the column's header) a ``Question:`` turn, marked the interviewer's, and the answer
the respondent's turn, so answers are counted, coded, suggested and reported like any
respondent's words, and questions never are. The other columns become the respondent's
attributes, checked against the project's vocabulary like a manifest's; case and role come
from their columns or the flags. A respondent without any answer gets no document, and is
listed. Each document is its own transaction, as with files of a folder.
"""

from __future__ import annotations

import time
from pathlib import Path

from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.base import Piece, Transcript
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.pieces import assemble
from qualcope.ingest.prepare import Prepared
from qualcope.ingest.survey_table import Respondent, SurveyColumns, read_survey
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.services.importing import ImportReport
from qualcope.services.project import Project
from qualcope.services.table_import import checked_flags, store_written

QUESTION = "Question"


def import_survey(
    project: Project,
    path: Path,
    columns: SurveyColumns,
    *,
    case: str | None = None,
    role: str | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    allow_similar: bool = False,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> ImportReport:
    """Import the answers of one survey table (see the module docstring)."""
    began = time.perf_counter()
    path = Path(path)
    flags = checked_flags(project, lang, role, case, allow_similar)
    vocabulary, lang, role, case = flags.vocabulary, flags.lang, flags.role, flags.case
    survey = read_survey(path, columns, encoding=encoding, sheet=sheet)
    read: list[tuple[ImportItem, Transcript | Prepared]] = []
    silent: list[str] = []
    for respondent in survey.respondents:
        if not respondent.answers:
            silent.append(respondent.label)
            continue
        item = _item(path, respondent, vocabulary, case, role, lang)
        read.append(
            (item, _transcript(path, respondent, survey.encoding, survey.encoding_detected))
        )
    ignored: tuple[str, ...] = ()
    if silent:
        answers = ", ".join(columns.answers)
        ignored = (f"{len(silent)} respondent(s) with no answer in {answers}: {', '.join(silent)}",)
    return store_written(project, read, vocabulary, began, on_progress, should_stop, ignored)


def _item(
    path: Path,
    respondent: Respondent,
    vocabulary: Vocabulary,
    case: str | None,
    role: str | None,
    lang: str | None,
) -> ImportItem:
    """A respondent's import item; a near-duplicate case, role or attribute names the row."""
    try:
        chosen_case, chosen_role = respondent.case or case, respondent.role or role
        return ImportItem(
            path=path,
            case=vocabulary.check("case", chosen_case) if chosen_case else None,
            role=vocabulary.check("role", chosen_role) if chosen_role else None,
            participant=respondent.label,
            lang=lang,
            interviewers=(QUESTION,),
            attributes={
                vocabulary.check("attribute", name): value
                for name, value in respondent.attributes.items()
            },
            name=f"{path.stem} {respondent.label}",
        )
    except QualcopeError as exc:
        raise ImportFileError(str(exc), path=path, line=respondent.row) from exc


def _transcript(path: Path, respondent: Respondent, encoding: str, detected: bool) -> Transcript:
    """The respondent's answers written as an interview: question, answer, question, ..."""
    pieces: list[Piece] = []
    for question, answer in respondent.answers:
        pieces.append(Piece(QUESTION, question, {"interviewer": True}))
        pieces.append(Piece(respondent.label, answer, {"interviewer": False}))
    done = assemble(pieces, joiner="\n", interviewers=(QUESTION,), merge=False)
    return Transcript(
        text=done.text,
        turns=tuple(done.turns),
        source_format=path.suffix.lower().lstrip("."),
        encoding=encoding,
        encoding_detected=detected,
        offsets=done.offsets,
        changes=done.changes,
    )

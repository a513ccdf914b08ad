"""Importing transcripts kept as a spreadsheet: one row per turn, one document per interview.

``qualcope import turns.csv|.xlsx --document-column C --speaker-column S --text-column T``:
the rows of each value of C become one document whose text is written from them, one
paragraph per row, ``Speaker: text`` (``ingest.pieces``), so ``show`` reads like a
transcript. The interviewer is who the interviewer column says, else a role word or a name
given with ``--interviewer``. Case, role and participant come from their columns or the
flags, checked against the project's vocabulary like a manifest's. Each document is its own
transaction, like a file of a folder; a document already in the project is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcope.domain import ProgressCallback, StopCallback, never_stop, no_progress
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.base import Piece, Transcript
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.pieces import assemble
from qualcope.ingest.prepare import Prepared, prepare_transcripts
from qualcope.ingest.turn_table import TableDocument, TurnColumns, read_turn_table
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.services.importing import (
    ImportReport,
    landed,
    project_vocabulary,
    store_batch,
)
from qualcope.services.project import Project

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def import_turn_table(
    project: Project,
    path: Path,
    columns: TurnColumns,
    *,
    case: str | None = None,
    role: str | None = None,
    participant: str | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    interviewers: Sequence[str] = (),
    allow_similar: bool = False,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> ImportReport:
    """Import the documents of one spreadsheet of turns (see the module docstring)."""
    began = time.perf_counter()
    path = Path(path)
    flags = checked_flags(project, lang, role, case, allow_similar)
    vocabulary, lang, role, case = flags.vocabulary, flags.lang, flags.role, flags.case
    documents = read_turn_table(path, columns, encoding=encoding, sheet=sheet)
    if not documents:
        raise ImportFileError("has no rows with a document", path=path)
    read: list[tuple[ImportItem, Transcript | Prepared]] = []
    for document in documents:
        item = _item(path, document, vocabulary, case, role, participant, lang, interviewers)
        read.append((item, _transcript(path, document, item)))
    return store_written(project, read, vocabulary, began, on_progress, should_stop)


@dataclass(frozen=True)
class Flags:
    """An import's flags checked: the project's vocabulary with the role and case given."""

    vocabulary: Vocabulary
    lang: str | None
    role: str | None
    case: str | None


def checked_flags(
    project: Project, lang: str | None, role: str | None, case: str | None, allow_similar: bool
) -> Flags:
    """The language, role and case flags of a spreadsheet import, checked like a manifest's."""
    from qualcope.nlp.sentences import check_language

    vocabulary = project_vocabulary(project, allow_similar=allow_similar)
    return Flags(
        vocabulary,
        check_language(lang) if lang else None,
        vocabulary.check("role", role) if role and role.strip() else None,
        vocabulary.check("case", case) if case and case.strip() else None,
    )


def store_written(
    project: Project,
    read: list[tuple[ImportItem, Transcript | Prepared]],
    vocabulary: Vocabulary,
    began: float,
    on_progress: ProgressCallback,
    should_stop: StopCallback,
    ignored: tuple[str, ...] = (),
) -> ImportReport:
    """Store documents written from a spreadsheet, each in its own transaction; the report."""
    items = [item for item, _ in read]
    outcomes, stopped = store_batch(
        project,
        items,
        lambda known: prepare_transcripts(read, known),
        on_progress=on_progress,
        should_stop=should_stop,
    )
    return ImportReport(
        outcomes=tuple(outcomes),
        seconds=time.perf_counter() - began,
        ignored=ignored,
        stopped=stopped,
        new_values=landed(vocabulary, items, outcomes),
    )


def _item(
    path: Path,
    document: TableDocument,
    vocabulary: Vocabulary,
    case: str | None,
    role: str | None,
    participant: str | None,
    lang: str | None,
    interviewers: Sequence[str],
) -> ImportItem:
    """The import item of one document; a near-duplicate case or role from a column names
    the document's first row."""
    try:
        chosen_case = document.case or case
        chosen_role = document.role or role
        return ImportItem(
            path=path,
            case=vocabulary.check("case", chosen_case) if chosen_case else None,
            role=vocabulary.check("role", chosen_role) if chosen_role else None,
            participant=document.participant or participant,
            lang=lang,
            interviewers=tuple(interviewers),
            name=document.name,
        )
    except QualcopeError as exc:
        raise ImportFileError(str(exc), path=path, line=document.first_row) from exc


def _transcript(path: Path, document: TableDocument, item: ImportItem) -> Transcript | Prepared:
    """The document's text written from its rows, or why it cannot be imported."""
    pieces = [
        Piece(
            turn.speaker,
            turn.text,
            {
                key: value
                for key, value in (("start", turn.start), ("interviewer", turn.interviewer))
                if value is not None
            },
        )
        for turn in document.turns
    ]
    done = assemble(pieces, joiner="\n", interviewers=item.interviewers, merge=False)
    if not done.text.strip():
        return Prepared(item, problem=f"document {document.name!r} has no rows with text")
    notes = []
    if document.skipped_rows:
        rows = "row" if document.skipped_rows == 1 else "rows"
        notes.append(f"{document.skipped_rows} {rows} without text left out")
    return Transcript(
        text=done.text,
        turns=tuple(done.turns),
        source_format=path.suffix.lower().lstrip("."),
        encoding=document.encoding,
        encoding_detected=document.encoding_detected,
        offsets=done.offsets,
        changes=done.changes,
        warnings=tuple(notes),
    )

"""Storing one prepared transcript: the document row, its case, participant and turns.

Owns what happens to a single file once it is read, checked and segmented
(``ingest.prepare``): its outcome (``FileOutcome``), the skip when its canonical text is
already in the project, the case and participant created on demand, a clean unique display
name, and the document row written with one Core insert plus its turns. The batch around it
(planning, one transaction per file, progress) is ``services.importing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from qualcope.db.history import Change, row_values, summarised
from qualcope.db.models import Case, Document, Participant, new_guid, utcnow
from qualcope.domain import SegmentSpec
from qualcope.errors import ConflictError, ImportFileError, QualcopeError
from qualcope.ingest import Transcript
from qualcope.ingest.manifest import ImportItem
from qualcope.ingest.normalise import clean_line, describe_changes
from qualcope.ingest.prepare import Prepared, problem_text
from qualcope.services.documents import store_turns
from qualcope.services.inline_codings import InlineStored, store_inline_codings
from qualcope.services.project import Project

MAX_NAME = 200
_INSERT_DOCUMENT = insert(Document).returning(Document.id)
# Bidi overrides and isolates could make a listed name read as something else (C1-14).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file of a batch."""

    path: str
    status: str  # 'imported', 'skipped', 'failed' or 'stopped'
    message: str = ""
    line: int | None = None  # where in the file the problem is, when known
    document_id: int | None = None
    name: str = ""
    words: int = 0
    turns: int = 0
    interviewer_turns: int = 0
    sentences: int = 0
    language: str = ""
    encoding: str = ""
    removed_controls: int = 0
    warnings: tuple[str, ...] = ()
    # (speaker, turns, interviewer?) in order of first turn; '' for turns without a label
    speakers: tuple[tuple[str, int, bool], ...] = ()
    preambles: int = 0
    label_notes: tuple[str, ...] = ()  # lines that look like labels but were not taken
    changes: str = ""  # what normalising changed ("CRLF -> LF in 1,204 places")
    left_out: tuple[str, ...] = ()  # what a reader sees that was not imported
    marked: InlineStored = InlineStored()  # codings the file carried as marks (qcoder)


def source_of(item: ImportItem) -> str:
    """Where a document comes from, for messages: its file, and its name in a spreadsheet."""
    return f"{item.path} [{item.name}]" if item.name else str(item.path)


def store_prepared(
    project: Project,
    ready: Prepared,
    known: dict[str, tuple[int, str]],
    names: set[str],
) -> FileOutcome:
    """Store one prepared file in its own transaction; or say why not.

    ``known`` (content hash -> document) and ``names`` (document names) are the batch's
    view of the project, updated as files land, so each file costs no extra queries.
    """
    item, transcript = ready.item, ready.transcript
    if ready.problem is not None or transcript is None:
        return FileOutcome(source_of(item), "failed", ready.problem or "", line=ready.line)
    if ready.digest in known:
        return _skipped(item, known[ready.digest], transcript)
    marked = InlineStored()
    try:
        with project.write(f"import {item.path.name}", undoable=False) as session:
            document_id, name = _store(session, ready, names)
            if transcript.inline_codings:
                marked = store_inline_codings(
                    session,
                    document_id,
                    (project.coder_id(session), project.coder),
                    transcript.text,
                    transcript.inline_codings,
                    item.path,
                )
    except ConflictError as exc:  # the unique content hash: imported meanwhile elsewhere
        with project.read() as session:
            existing = _existing(session, ready.digest)
        if existing is not None:
            return _skipped(item, existing, transcript)
        return FileOutcome(source_of(item), "failed", problem_text(exc, item.path), line=exc.line)
    except QualcopeError as exc:
        return FileOutcome(source_of(item), "failed", problem_text(exc, item.path), line=exc.line)
    names.add(name)
    known[ready.digest] = (document_id, name)
    return FileOutcome(
        path=source_of(item),
        status="imported",
        document_id=document_id,
        name=name,
        words=transcript.words,
        turns=len(transcript.turns),
        interviewer_turns=sum(1 for t in transcript.turns if t.is_interviewer),
        sentences=ready.sentences,
        language=ready.language,
        encoding=transcript.encoding,
        removed_controls=transcript.removed_controls,
        warnings=transcript.warnings,
        message=_notes(transcript, ready.language_guessed, ready.language),
        speakers=transcript.speakers,
        preambles=len(transcript.preambles),
        label_notes=transcript.label_notes,
        changes=describe_changes(transcript.changes),
        left_out=transcript.left_out,
        marked=marked,
    )


def _notes(transcript: Transcript, guessed: bool, lang: str) -> str:
    notes = []
    if transcript.encoding_detected:
        notes.append(f"encoding detected as {transcript.encoding}")
    if guessed:
        notes.append(f"language guessed as {lang}")
    notes.extend(transcript.warnings)
    return "; ".join(notes)


def _existing(session: Session, digest: str) -> tuple[int, str] | None:
    row = session.execute(
        select(Document.id, Document.name).where(Document.content_hash == digest)
    ).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def _skipped(
    item: ImportItem, existing: tuple[int, str], transcript: Transcript | None = None
) -> FileOutcome:
    marked = len(transcript.inline_codings) if transcript is not None else 0
    passages = "passage" if marked == 1 else "passages"
    codings = f"; nor the codings of its {marked} qcoder-marked {passages}" if marked else ""
    return FileOutcome(
        source_of(item),
        "skipped",
        f"already in the project as document {existing[0]} ({existing[1]}); not imported "
        f"again{codings}",
        document_id=existing[0],
        name=existing[1],
    )


def _store(session: Session, ready: Prepared, names: set[str]) -> tuple[int, str]:
    return store_document(session, ready, names)


def store_document(
    session: Session,
    ready: Prepared,
    names: set[str],
    *,
    overrides: Mapping[str, Any] | None = None,
    segments: Sequence[SegmentSpec] | None = None,
) -> tuple[int, str]:
    """Store one prepared document in the session's unit of work; (id, name).

    ``overrides`` replace columns of the row (an exchange import restores a document's GUID,
    import report, sentences and offset map); ``segments`` replace its turns and preambles.
    """
    item, transcript = ready.item, ready.transcript
    assert transcript is not None
    case_id = _case_id(session, item.case) if item.case else None
    participant_id = None
    if item.participant or item.role:
        label = item.participant or item.name or item.path.stem
        participant_id, participant_case = _participant(session, label, item, case_id)
        case_id = case_id or participant_case
    name = _unique_name(names, display_name(item.name or item.path.name))
    values: dict[str, Any] = {
        "guid": new_guid(),
        "name": name,
        "original_filename": str(item.path),
        "source_format": transcript.source_format,
        "content_hash": ready.digest,
        "text": transcript.text,
        "language": ready.language,
        "encoding": transcript.encoding or "",
        "word_count": transcript.words,
        "participant_id": participant_id,
        "case_id": case_id,
        "attributes": dict(item.attributes),
        "import_report": {
            "encoding": transcript.encoding,
            "encoding_detected": transcript.encoding_detected,
            "removed_controls": transcript.removed_controls,
            "warnings": list(transcript.warnings),
            "turns": len(transcript.turns),
            "sentences": ready.sentences,
            "language_guessed": ready.language_guessed,
            # File positions convert exactly (offset_map); what the text lost or changed.
            "offsets": {"file_positions": True, "bom": transcript.bom},
            "changes": dict(transcript.changes),
            "speakers": [list(entry) for entry in transcript.speakers],
            "preambles": len(transcript.preambles),
            "label_notes": list(transcript.label_notes),
            "left_out": list(transcript.left_out),
            "settings": {
                "interviewers": list(item.interviewers),
                "speakers": list(item.speakers),
            },
            "label_hints": [[h.start, h.content, h.label, h.timestamp] for h in transcript.hints],
        },
        "imported_at": utcnow(),
        "sentence_bounds": ready.sentence_bounds,
        "offset_map": transcript.offsets.pack(),
    }
    values.update(overrides or {})
    # One Core statement (no unit-of-work flush); the event log gets the row with its text
    # summarised (sha256 and length): an import is never undone, so the log need not hold a
    # second copy of the text to restore it from.
    values["id"] = session.connection().execute(_INSERT_DOCUMENT, values).scalar_one()
    row = summarised(row_values("documents", values), "text", "sentence_bounds", "offset_map")
    session.info["recorder"].add([Change("documents", "insert", None, row)])
    if segments is None:
        segments = transcript.turns
        if transcript.preambles:
            segments = tuple(sorted([*segments, *transcript.preambles], key=lambda s: s.start))
    store_turns(session, values["id"], segments)
    return int(values["id"]), str(values["name"])


def _case_id(session: Session, name: str) -> int:
    found = session.scalar(select(Case.id).where(func.lower(Case.name) == name.lower()))
    if found is not None:
        return int(found)
    case = Case(name=name)
    session.add(case)
    session.flush()
    return case.id


def _participant(
    session: Session, label: str, item: ImportItem, case_id: int | None
) -> tuple[int, int | None]:
    """The participant's id (created with the role and case) and its case id."""
    found = session.scalar(select(Participant).where(Participant.label == label))
    if found is None:
        found = Participant(
            label=label, role=item.role, case_id=case_id, attributes=dict(item.attributes)
        )
        session.add(found)
        session.flush()
        return found.id, case_id
    if item.role and found.role and found.role != item.role:
        raise ImportFileError(
            f"participant {label!r} is a {found.role} already, not a {item.role}", path=item.path
        )
    if item.role and not found.role:
        found.role = item.role
    if case_id and not found.case_id:
        found.case_id = case_id
    if item.attributes:
        merged: dict[str, Any] = {**(found.attributes or {}), **item.attributes}
        if merged != found.attributes:
            found.attributes = merged
    session.flush()
    return found.id, found.case_id


def display_name(file_name: str) -> str:
    """A file name fit to show: no control or bidi-override characters, at most 200 long."""
    cleaned, _ = clean_line(_BIDI.sub("", file_name))
    cleaned = " ".join(cleaned.split()) or "unnamed"
    return cleaned if len(cleaned) <= MAX_NAME else cleaned[: MAX_NAME - 1] + "…"


def _unique_name(taken: set[str], name: str) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"

"""Importing transcripts: files and folders (with ``manifest.csv``), one transaction per file.

A batch never half-imports a file: each file is read, checked and segmented first, then
stored in its own unit of work (document, case and participant created on demand, turns
with one Core bulk insert, sentences packed on the document row). A bad file is reported
and the others still land; a file whose canonical text is already in the project is
skipped. A bad manifest stops the batch before anything is imported (``ingest.manifest``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from qualcope.db import engine as engines
from qualcope.db.history import Change, row_values, summarised
from qualcope.db.models import Case, Document, Participant, new_guid, utcnow
from qualcope.domain import (
    DEFAULT_ROLES,
    ProgressCallback,
    ProgressUpdate,
    SegmentSpec,
    StopCallback,
    never_stop,
    no_progress,
)
from qualcope.errors import ConflictError, ImportFileError, QualcopeError
from qualcope.ingest import SUPPORTED_SUFFIXES, Transcript
from qualcope.ingest.manifest import ImportItem, plan
from qualcope.ingest.normalise import clean_line, describe_changes
from qualcope.ingest.prepare import Prepared, prepare_all, problem_text
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.services.documents import store_turns
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


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import command."""

    outcomes: tuple[FileOutcome, ...]
    seconds: float
    ignored: tuple[str, ...] = ()
    stopped: bool = False
    # Roles, cases and attribute names the import brought (kind -> values), if any landed.
    new_values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self._with("imported")

    @property
    def skipped(self) -> list[FileOutcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    @property
    def words(self) -> int:
        return sum(o.words for o in self.imported)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped


def source_of(item: ImportItem) -> str:
    """Where a document comes from, for messages: its file, and its name in a spreadsheet."""
    return f"{item.path} [{item.name}]" if item.name else str(item.path)


def known_roles(project: Project) -> list[str]:
    """The default roles and every role participants of the project already have."""
    with project.read() as session:
        used = session.scalars(select(Participant.role).where(Participant.role.is_not(None)))
        roles = list(DEFAULT_ROLES)
        roles.extend(r for r in sorted(set(used)) if r and r not in roles)
    return roles


def project_vocabulary(project: Project, *, allow_similar: bool = False) -> Vocabulary:
    """The roles, cases and attribute names a project knows (see ``ingest.vocabulary``)."""
    roles = known_roles(project)
    with project.read() as session:
        cases = sorted(session.scalars(select(Case.name)))
        keys: set[str] = set()
        for attributes in session.scalars(select(Document.attributes)):
            keys.update(attributes or {})
        for attributes in session.scalars(select(Participant.attributes)):
            keys.update(attributes or {})
    return Vocabulary.of(allow_similar, role=roles, case=cases, attribute=sorted(keys))


# ----------------------------------------------------------------- importing
def import_paths(
    project: Project,
    paths: Sequence[Path | str],
    *,
    case: str | None = None,
    role: str | None = None,
    participant: str | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
    allow_similar: bool = False,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> ImportReport:
    """Import files and folders; each file is its own transaction (see the module docstring).

    New roles, cases and attribute names (from the flags or a manifest) are created; one that
    is a near-duplicate of a known one is refused before anything is imported, unless
    ``allow_similar`` (typos only; case and spacing variants are always refused).
    """
    from qualcope.nlp.sentences import check_language

    began = time.perf_counter()
    if lang:
        lang = check_language(lang)
    vocabulary = project_vocabulary(project, allow_similar=allow_similar)
    role = vocabulary.check("role", role) if role and role.strip() else None
    case = vocabulary.check("case", case) if case and case.strip() else None
    defaults = ImportItem(
        Path("."),
        case=case,
        role=role,
        participant=participant,
        lang=lang,
        encoding=encoding,
        interviewers=tuple(interviewers),
        speakers=tuple(speakers),
    )
    items, ignored = plan(
        [Path(p) for p in paths],
        vocabulary=vocabulary,
        defaults=defaults,
        language_check=check_language,
    )
    if not items:
        known_types = " ".join(SUPPORTED_SUFFIXES)
        where = ", ".join(str(p) for p in paths)
        raise ImportFileError(f"{where}: no transcripts to import (qualcope reads {known_types})")
    outcomes, stopped = store_batch(
        project,
        items,
        lambda known: prepare_all(items, known),
        on_progress=on_progress,
        should_stop=should_stop,
    )
    return ImportReport(
        outcomes=tuple(outcomes),
        seconds=time.perf_counter() - began,
        ignored=tuple(ignored),
        stopped=stopped,
        new_values=landed(vocabulary, items, outcomes),
    )


def store_batch(
    project: Project,
    items: Sequence[ImportItem],
    prepared: Callable[[set[str]], Iterable[Prepared]],
    *,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> tuple[list[FileOutcome], bool]:
    """Store what ``prepared(known hashes)`` yields, one transaction per document, in order;
    (outcomes, whether it stopped early)."""
    outcomes: list[FileOutcome] = []
    words = 0
    on_progress(ProgressUpdate(0, len(items), "reading", 0))
    with _batch(project) as batch:
        known, names = _known_documents(batch)
        for done, ready in enumerate(prepared(set(known)), start=1):
            if should_stop():
                outcomes.extend(FileOutcome(source_of(i), "stopped") for i in items[done - 1 :])
                return outcomes, True
            outcome = store_prepared(batch, ready, known, names)
            outcomes.append(outcome)
            if outcome.status == "imported":
                words += outcome.words
            message = f"{ready.item.name or ready.item.path.name}: {outcome.status}"
            on_progress(ProgressUpdate(done, len(items), message, words))
    return outcomes, False


def landed(
    vocabulary: Vocabulary, items: Sequence[ImportItem], outcomes: Sequence[FileOutcome]
) -> dict[str, tuple[str, ...]]:
    """The new roles, cases and attribute names of the files that were imported."""
    imported = {o.path for o in outcomes if o.status == "imported"}
    used: dict[str, set[str]] = {"role": set(), "case": set(), "attribute": set()}
    for item in items:
        if source_of(item) in imported:
            used["role"].add(item.role or "")
            used["case"].add(item.case or "")
            used["attribute"].update(item.attributes)
    found = {kind: tuple(v for v in vocabulary.new[kind] if v in used[kind]) for kind in used}
    return {kind: values for kind, values in found.items() if values}


@contextmanager
def _batch(project: Project) -> Iterator[Project]:
    """The project on one SQLite connection for a whole batch (still a transaction per file).

    Each unit of work otherwise opens a connection (a schema parse) and closing the last
    one checkpoints the WAL: a few ms per file that a 500-file import does not need to pay.
    """
    if engines.sqlite_path(project.url) is None:  # in-memory or a server database
        yield project
        return
    engine = engines.make_engine(project.url, one_connection=True)
    batch = Project(engine, project.url, project.coder)
    try:
        yield batch
    finally:
        batch.close()


def _known_documents(project: Project) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """Content hash -> (document id, name), and the names, of the project's documents."""
    with project.read() as session:
        rows = session.execute(select(Document.content_hash, Document.id, Document.name)).all()
    return {digest: (int(doc_id), str(name)) for digest, doc_id, name in rows}, {
        str(name) for _, _, name in rows
    }


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
        return _skipped(item, known[ready.digest])
    try:
        with project.write(f"import {item.path.name}", undoable=False) as session:
            document_id, name = _store(session, ready, names)
    except ConflictError as exc:  # the unique content hash: imported meanwhile elsewhere
        with project.read() as session:
            existing = _existing(session, ready.digest)
        if existing is not None:
            return _skipped(item, existing)
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


def _skipped(item: ImportItem, existing: tuple[int, str]) -> FileOutcome:
    return FileOutcome(
        source_of(item),
        "skipped",
        f"already in the project as document {existing[0]} ({existing[1]}); not imported again",
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

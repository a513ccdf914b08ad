"""Fixing a document after import: its facts (``set_document``), finished marks of several
documents at once, and the attribute table. Re-detecting its turns is ``resegment``.

Each edit is one transaction and one undoable action. The document's row and its segments
are written with Core and recorded as explicit ``Change``s (see ``row_changes``): a
document's event holds only the columns that changed, so the log never keeps a copy of a
transcript's text. Cases, participants and finished marks are ORM objects, recorded by the
session's recorder. The text and the codings never change: codings are spans of the text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import (
    Case,
    Document,
    DocumentStatus,
    Participant,
    utcnow,
)
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.ingest.labels import base_of, is_interviewer, label_key
from qualcope.ingest.vocabulary import Vocabulary, loose_key
from qualcope.services.document_listing import merged_attributes
from qualcope.services.import_store import display_name
from qualcope.services.importing import project_vocabulary
from qualcope.services.project import Project
from qualcope.services.resegment import TEXT_FORMATS
from qualcope.services.row_changes import (
    DOCUMENTS,
    NONE,
    SEGMENTS,
    as_json,
    configured,
    document_row,
    segment_rows,
    setting,
    speaker_counts,
    turn_marks,
    update_row,
)


@dataclass(frozen=True)
class DocumentEdit:
    """What ``set_document`` changed (one line each) and what the user should know."""

    document_id: int
    name: str
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FinishMark:
    """A document's finished mark as set; ``changed`` False when it already was so."""

    document_id: int
    name: str
    changed: bool


@dataclass
class _Edit:
    """One ``set_document`` unit of work: the row as read, the values to write, what changed."""

    session: Session
    doc: dict[str, Any]
    vocabulary: Vocabulary
    values: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def said(self, what: str, old: Any, new: Any, created: bool = False) -> None:
        old = NONE if old is None else old
        self.lines.append(f"{what}: {old} -> {new}{' (new)' if created else ''}")

    def get(self, key: str) -> Any:
        return self.values.get(key, self.doc[key])

    @property
    def hint(self) -> str:
        return f"`qualcope document resegment {self.doc['id']}` re-detects turns and sentences"


def parse_attribute(text: str) -> tuple[str, str | None]:
    """'KEY=VALUE' -> (key, value); 'KEY=' -> (key, None), which removes the attribute."""
    key, sep, value = text.partition("=")
    key = " ".join(key.split())
    if not sep or not key:
        raise QualcopeError(f"attribute {text!r}: write KEY=VALUE (KEY= removes it)")
    return key, value.strip() or None


# ---------------------------------------------------------------------- set
def set_document(
    project: Project,
    document_id: int,
    *,
    name: str | None = None,
    case: str | None = None,
    participant: str | None = None,
    role: str | None = None,
    language: str | None = None,
    attributes: Mapping[str, str | None] | None = None,
    interviewers: Sequence[str] | None = None,
    speakers: Sequence[str] | None = None,
    allow_similar: bool = False,
) -> DocumentEdit:
    """Change a document's facts in one undoable action; None leaves a fact as it is.

    ``role`` is the role of the document's participant (one named after the document is made
    when it has none); ``interviewers`` replaces the names whose turns are the interviewer's
    and re-marks the turns at once; ``speakers`` the labels ``resegment`` takes as speakers.
    A new role, case or attribute key close to a known one is refused unless ``allow_similar``.
    """
    if language is not None:
        from qualcope.nlp.sentences import check_language

        language = check_language(language)
    # New roles, cases and attribute keys are checked as an import checks them: one that
    # differs from a known one only by case, spacing or a typo is refused ("did you mean").
    vocabulary = project_vocabulary(project, allow_similar=allow_similar)
    with project.write(f"edit document {_name_of(project, document_id)}") as session:
        edit = _Edit(session, document_row(session, document_id), vocabulary)
        if name is not None:
            _rename(edit, name)
        if case is not None:
            _set_case(edit, case)
        if participant is not None:
            _set_participant(edit, participant)
        if role is not None:
            if edit.get("participant_id") is None:  # as `import --role`: one named after it
                _set_participant(edit, display_name(Path(edit.get("name")).stem), typed=False)
            _set_role(edit, role)
        if language is not None and language != edit.doc["language"]:
            edit.values["language"] = language
            edit.said("language", edit.doc["language"], language)
            edit.notes.append(f"the sentences are split as {edit.doc['language']}; {edit.hint}")
        if attributes:
            _set_attributes(edit, attributes)
        report = as_json(edit.doc["import_report"] or {})
        # Marks are recomputed only when the names change: a spreadsheet's interviewer
        # column may have set them otherwise.
        if interviewers is not None and setting(edit.lines, report, "interviewers", interviewers):
            _remark(edit, configured(report, "interviewers"), report)
        if speakers is not None and setting(edit.lines, report, "speakers", speakers):
            edit.notes.append(f"speaker labels are taken when turns are re-detected; {edit.hint}")
        if report != edit.doc["import_report"]:
            edit.values["import_report"] = report
        update_row(session, DOCUMENTS, edit.doc, edit.values)
        return DocumentEdit(document_id, edit.get("name"), tuple(edit.lines), tuple(edit.notes))


def _rename(edit: _Edit, name: str) -> None:
    cleaned = display_name(name) if name.strip() else ""
    if not cleaned:
        raise QualcopeError("a document name cannot be empty")
    if cleaned == edit.doc["name"]:
        return
    # find_document looks names up in both columns: another document's must not match.
    taken = edit.session.scalar(
        select(Document.id).where(
            Document.id != edit.doc["id"],
            (Document.name == cleaned) | (Document.original_filename == cleaned),
        )
    )
    if taken is not None:
        raise QualcopeError(f"document {taken} is already called {cleaned!r}; choose another name")
    edit.values["name"] = cleaned
    edit.said("name", edit.doc["name"], cleaned)


def _set_case(edit: _Edit, name: str) -> None:
    name = _required(name, "a case name")
    # Matched case-insensitively, as the import does: "Urban Mobility" is the same case.
    found = edit.session.scalar(select(Case).where(func.lower(Case.name) == name.lower()))
    created = found is None
    if found is None:
        found = Case(name=edit.vocabulary.check("case", name))
        edit.session.add(found)
        edit.session.flush()
    if found.id != edit.doc["case_id"]:
        old = edit.session.scalar(select(Case.name).where(Case.id == edit.doc["case_id"]))
        edit.values["case_id"] = found.id
        edit.said("case", old, found.name, created)


def _set_participant(edit: _Edit, label: str, typed: bool = True) -> None:
    label = _required(label, "a participant label")
    session = edit.session
    found = session.scalar(select(Participant).where(Participant.label == label))
    created = found is None
    if found is None and typed:  # a typed "ec-c1" is a slip for EC-C1, not a new person
        key = loose_key(label)
        for other in session.scalars(select(Participant.label)):
            if loose_key(other) == key:
                raise QualcopeError(f"participant {label!r} is new; did you mean {other!r}?")
    if found is None:
        found = Participant(label=label, case_id=edit.get("case_id"), attributes={})
        session.add(found)
        session.flush()
    old = session.get(Participant, edit.get("participant_id") or 0)
    if old is not found:
        edit.values["participant_id"] = found.id
        edit.said("participant", old.label if old else None, label, created)


def _set_role(edit: _Edit, role: str) -> None:
    role = _required(role, "a role")
    # A role typed with other capitals is the known one (as `import --role` does).
    known = edit.vocabulary.known["role"]
    found = next((r for r in known if r.casefold() == role.casefold()), None)
    role = found or edit.vocabulary.check("role", role)
    person = edit.session.get(Participant, edit.get("participant_id"))
    assert person is not None
    if person.role == role:
        return
    edit.said(f"role of participant {person.label}", person.role, role)
    others = edit.session.scalars(
        select(Document.name)
        .where(Document.participant_id == person.id, Document.id != edit.doc["id"])
        .order_by(Document.name)
    ).all()
    if others:
        listed = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        edit.notes.append(f"the role of {person.label}'s other documents changes too: {listed}")
    person.role = role
    edit.session.flush()


def _set_attributes(edit: _Edit, attributes: Mapping[str, str | None]) -> None:
    current = dict(edit.doc["attributes"] or {})
    for key, value in attributes.items():
        if key not in current:
            edit.vocabulary.check("attribute", key)
        old = current.get(key)
        if value is None and key in current:
            del current[key]
            edit.said(f"attribute {key}", old, "(removed)")
        elif value is not None and old != value:
            current[key] = value
            edit.said(f"attribute {key}", old, value)
    if current != (edit.doc["attributes"] or {}):
        edit.values["attributes"] = current


def _required(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise QualcopeError(f"{what} cannot be empty")
    return cleaned


def _remark(edit: _Edit, names: list[str], report: dict[str, Any]) -> None:
    """Re-mark the turns whose speaker is an interviewer (role words always count)."""
    rows = segment_rows(edit.session, edit.doc["id"], ("turn",))
    before = sum(1 for row in rows if row["is_interviewer"])
    for row in rows:
        mark = is_interviewer(row["speaker"], names)
        if update_row(edit.session, SEGMENTS, row, {"is_interviewer": mark}):
            row["is_interviewer"] = mark
    after = sum(1 for row in rows if row["is_interviewer"])
    if before != after:
        edit.said("interviewer turns", before, after)
        if edit.doc["source_format"] not in TEXT_FORMATS | {"vtt", "srt"}:  # a spreadsheet
            edit.notes.append(
                "the marks of the spreadsheet's interviewer column, if it had one, "
                "are replaced: the names and role words mark the turns now"
            )
    report["speakers"] = [list(e) for e in speaker_counts(turn_marks(rows))]
    said = [str(row["speaker"]) for row in rows if row["speaker"]]
    labels = {label_key(s) for s in said} | {label_key(base_of(s)) for s in said}
    for name in names:
        if label_key(name) not in labels:
            edit.notes.append(
                f"no turn is labelled {name!r}; if its label was not taken, run "
                f"`qualcope document resegment {edit.doc['id']} --interviewer {name!r}`"
            )


# ------------------------------------------------------------ finished marks
def set_finished_many(
    project: Project, document_ids: Sequence[int], finished: bool = True
) -> list[FinishMark]:
    """This coder's finished mark on several documents, in one action; which ones changed."""
    ids = list(dict.fromkeys(document_ids))
    label = f"mark {len(ids)} document{'s' if len(ids) != 1 else ''} "
    with project.write(label + ("finished" if finished else "unfinished")) as session:
        query = select(Document.id, Document.name).where(Document.id.in_(ids))
        names = {int(i): str(n) for i, n in session.execute(query)}
        missing = [str(i) for i in ids if i not in names]
        if missing:
            raise NotFoundError(f"no document {', '.join(missing)} (see `qualcope documents`)")
        coder_id = project.coder_id(session)
        marks: list[FinishMark] = []
        for document_id in ids:
            status = session.get(DocumentStatus, (document_id, coder_id))
            changed = (status is not None and status.finished) != finished
            if changed and status is None:  # no mark yet means unfinished
                session.add(
                    DocumentStatus(document_id=document_id, coder_id=coder_id, finished=True)
                )
            elif changed and status is not None:
                status.finished, status.updated_at = finished, utcnow()
            marks.append(FinishMark(document_id, names[document_id], changed))
        return marks


# ---------------------------------------------------------------- attributes
def document_attributes(project: Project) -> tuple[list[str], dict[int, dict[str, str]]]:
    """Every attribute key of the project's documents and participants, and each document's
    values (its own attribute wins over its participant's of the same key)."""
    with project.read() as session:
        rows = session.execute(
            select(Document.id, Document.attributes, Participant.attributes).outerjoin(
                Participant, Participant.id == Document.participant_id
            )
        ).all()
    return merged_attributes(rows)


# ------------------------------------------------------------------ helpers
def _name_of(project: Project, document_id: int) -> str:
    with project.read() as session:
        name = session.scalar(select(Document.name).where(Document.id == document_id))
    if name is None:
        raise NotFoundError(f"no document {document_id}")
    return str(name)

"""Fixing a document after import: its facts (``set_document``), its turns and sentences
(``resegment``), finished marks of several documents at once, and the attribute table.

Each edit is one transaction and one undoable action. The document's row, its segments and
the suggestions pointing at them are written with Core and recorded as explicit ``Change``s
(the recorder does not track segments: imports write them with Core); a document's event
holds only the columns that changed, so the log never keeps a copy of a transcript's text.
Cases, participants and finished marks are ORM objects, recorded by the session's recorder.
The text and the codings never change: codings are spans of the text.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from qualcope import sentence_bounds
from qualcope.db.history import Change, row_values
from qualcope.db.models import (
    Case,
    Document,
    DocumentStatus,
    Participant,
    Segment,
    Suggestion,
    utcnow,
)
from qualcope.domain import SegmentSpec
from qualcope.errors import ConflictError, NotFoundError, QualcopeError
from qualcope.ingest.labels import base_of, is_interviewer, label_key
from qualcope.ingest.vocabulary import Vocabulary, loose_key
from qualcope.services.importing import display_name, project_vocabulary
from qualcope.services.project import Project

DOCUMENTS = cast(Table, Document.__table__)
SEGMENTS = cast(Table, Segment.__table__)
SUGGESTIONS = cast(Table, Suggestion.__table__)
_ROW = (
    "id name case_id participant_id language source_format word_count attributes import_report"
).split()
# Formats whose turns come from labels in the text; subtitle turns come from their cues.
TEXT_FORMATS = frozenset({"txt", "md", "rtf", "docx", "odt"})
NONE = "(none)"

Speakers = tuple[tuple[str, int, bool], ...]  # (speaker, turns, interviewer?), as imports say


@dataclass(frozen=True)
class DocumentEdit:
    """What ``set_document`` changed (one line each) and what the user should know."""

    document_id: int
    name: str
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resegmented:
    """A document's turns re-detected: settings changed, speakers and counts before/after."""

    document_id: int
    name: str
    changes: tuple[str, ...]  # settings changed, one line each
    speakers: tuple[Speakers, Speakers]
    counts: dict[str, tuple[int, int]]  # turns, sentences, words, preambles: before, after
    label_notes: tuple[str, ...]  # lines that look like labels but were not taken
    repointed: int  # suggestions now pointing at another turn (or none)
    changed: bool  # False: the same turns and sentences, nothing was written


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
        edit = _Edit(session, _document_row(session, document_id), vocabulary)
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
        report = _json(edit.doc["import_report"] or {})
        # Marks are recomputed only when the names change: a spreadsheet's interviewer
        # column may have set them otherwise.
        if interviewers is not None and _setting(edit.lines, report, "interviewers", interviewers):
            _remark(edit, _configured(report, "interviewers"), report)
        if speakers is not None and _setting(edit.lines, report, "speakers", speakers):
            edit.notes.append(f"speaker labels are taken when turns are re-detected; {edit.hint}")
        if report != edit.doc["import_report"]:
            edit.values["import_report"] = report
        _update(session, DOCUMENTS, edit.doc, edit.values)
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


def _configured(report: Mapping[str, Any], key: str) -> list[str]:
    """The labels of an import setting ('interviewers', 'speakers') kept with the document."""
    return list((report.get("settings") or {}).get(key) or [])


def _setting(lines: list[str], report: dict[str, Any], key: str, given: Sequence[str]) -> bool:
    """Replace the labels of an import setting (spaces collapsed, repeats left out); whether
    they changed (a document without settings gets them only then)."""
    names: list[str] = []
    for name in (" ".join(n.split()) for n in given):
        if name and label_key(name) not in {label_key(n) for n in names}:
            names.append(name)
    old = _configured(report, key)
    if old != names:
        report.setdefault("settings", {})[key] = names
        what = "interviewers" if key == "interviewers" else "speakers to take"
        lines.append(f"{what}: {', '.join(old) or NONE} -> {', '.join(names) or NONE}")
    return old != names


def _remark(edit: _Edit, names: list[str], report: dict[str, Any]) -> None:
    """Re-mark the turns whose speaker is an interviewer (role words always count)."""
    rows = _segment_rows(edit.session, edit.doc["id"], ("turn",))
    before = sum(1 for row in rows if row["is_interviewer"])
    for row in rows:
        mark = is_interviewer(row["speaker"], names)
        if _update(edit.session, SEGMENTS, row, {"is_interviewer": mark}):
            row["is_interviewer"] = mark
    after = sum(1 for row in rows if row["is_interviewer"])
    if before != after:
        edit.said("interviewer turns", before, after)
        if edit.doc["source_format"] not in TEXT_FORMATS | {"vtt", "srt"}:  # a spreadsheet
            edit.notes.append(
                "the marks of the spreadsheet's interviewer column, if it had one, "
                "are replaced: the names and role words mark the turns now"
            )
    report["speakers"] = [list(e) for e in _speakers(_marks(rows))]
    said = [str(row["speaker"]) for row in rows if row["speaker"]]
    labels = {label_key(s) for s in said} | {label_key(base_of(s)) for s in said}
    for name in names:
        if label_key(name) not in labels:
            edit.notes.append(
                f"no turn is labelled {name!r}; if its label was not taken, run "
                f"`qualcope document resegment {edit.doc['id']} --interviewer {name!r}`"
            )


# ---------------------------------------------------------------- resegment
def resegment(
    project: Project,
    document_id: int,
    *,
    interviewers: Sequence[str] | None = None,
    speakers: Sequence[str] | None = None,
) -> Resegmented:
    """Re-detect a document's turns in its stored text with its settings (given ones replace
    them first, as ``set_document`` does), re-split its sentences, and point its suggestions
    at the turns now holding them; one undoable action."""
    from qualcope.ingest.base import LabelHint
    from qualcope.ingest.turns import find_turns
    from qualcope.nlp.sentences import sentence_bounds_of_documents

    with project.read() as session:
        doc = _document_row(session, document_id)
        text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
    if doc["source_format"] not in TEXT_FORMATS:
        raise QualcopeError(
            f"the turns of {doc['name']} are the cues or rows of its .{doc['source_format']} "
            "file, not labels in its text: they cannot be re-detected (`document set "
            "--interviewer` re-marks them)"
        )
    report = _json(doc["import_report"] or {})
    lines: list[str] = []
    for key, given in (("interviewers", interviewers), ("speakers", speakers)):
        if given is not None:
            _setting(lines, report, key, given)
    hints = [
        LabelHint(int(start), int(content), str(label), None if stamp is None else float(stamp))
        for start, content, label, stamp in report.get("label_hints") or []
    ]
    # The slow part (tokenising) runs before the write lock is taken.
    names = [_configured(report, key) for key in ("interviewers", "speakers")]
    layout = find_turns(text, names[0], names[1], hints)
    found = next(sentence_bounds_of_documents([(text, layout.turns)], doc["language"]), None)
    packed = sentence_bounds.pack_array(found) if found is not None else b""
    specs = sorted([*layout.turns, *layout.preambles], key=lambda s: (s.start, s.kind))
    marks = [(t.speaker, t.is_interviewer) for t in layout.turns]
    report.update(
        turns=len(layout.turns),
        sentences=sentence_bounds.count(packed),
        speakers=[list(e) for e in _speakers(marks)],
        preambles=len(layout.preambles),
        label_notes=[str(note) for note in layout.notes],
    )
    words = sum(len(text[t.start : t.end].split()) for t in layout.turns)
    with project.write(f"resegment {doc['name']}") as session:
        now = _document_row(session, document_id)
        if now["import_report"] != doc["import_report"] or now["language"] != doc["language"]:
            raise ConflictError(f"{doc['name']} changed meanwhile; run resegment again")
        recorded = len(session.info["recorder"].changes)
        bounds = session.scalar(select(Document.sentence_bounds).where(Document.id == document_id))
        now["sentence_bounds"] = None if bounds is None else bytes(bounds)
        old = _segment_rows(session, document_id, ("turn", "preamble"))
        turns, gone = _replace_segments(session, document_id, old, specs)
        repointed = _repoint(session, document_id, turns)
        # Deleted only once no suggestion points at them: the foreign key would null the
        # pointers behind the event log's back, and undo could not restore them.
        for first in range(0, len(gone), 500):
            ids = [row["id"] for row in gone[first : first + 500]]
            session.execute(delete(SEGMENTS).where(SEGMENTS.c.id.in_(ids)))
        _record(
            session, [Change("segments", "delete", row_values("segments", r), None) for r in gone]
        )
        values: dict[str, Any] = {"word_count": words, "import_report": _json(report)}
        if now["sentence_bounds"] != (packed or None):
            values["sentence_bounds"] = packed
        _update(session, DOCUMENTS, now, values)
        old_turns = [row for row in old if row["kind"] == "turn"]
        counts = {
            "turns": (len(old_turns), len(layout.turns)),
            "sentences": (sentence_bounds.count(bounds), sentence_bounds.count(packed)),
            "words": (int(now["word_count"]), words),
            "preambles": (len(old) - len(old_turns), len(layout.preambles)),
        }
        return Resegmented(
            document_id,
            doc["name"],
            tuple(lines),
            (_speakers(_marks(old_turns)), _speakers(marks)),
            counts,
            tuple(str(note) for note in layout.notes),
            repointed,
            changed=len(session.info["recorder"].changes) > recorded,
        )


def _replace_segments(
    session: Session, document_id: int, old: list[dict[str, Any]], specs: Sequence[SegmentSpec]
) -> tuple[list[tuple[int, int, int]], list[dict[str, Any]]]:
    """Make the document's turn and preamble rows the specs; the (start, end, id) of its turns,
    and the old rows no longer wanted (the caller deletes them).

    A turn that starts where a stored one of its kind starts keeps that row (only what changed
    is updated: its end, speaker, index), so undo and the suggestions pointing at it see as
    little change as possible.
    """
    by_start = {(row["kind"], row["start"]): row for row in old}
    kept: set[int] = set()
    fresh: list[dict[str, Any]] = []
    turns: list[tuple[int, int, int]] = []
    for spec in specs:
        values = {
            "document_id": document_id,
            "kind": spec.kind,
            "start": spec.start,
            "end": spec.end,
            "speaker": spec.speaker,
            "is_interviewer": spec.is_interviewer,
            "turn_index": spec.turn_index,
            "meta": _json(spec.meta),
        }
        row = by_start.get((spec.kind, spec.start))
        if row is None:
            fresh.append(values)
            continue
        kept.add(row["id"])
        _update(session, SEGMENTS, row, values)
        if spec.kind == "turn":
            turns.append((spec.start, spec.end, int(row["id"])))
    if fresh:
        statement = insert(SEGMENTS).returning(SEGMENTS.c.id, sort_by_parameter_order=True)
        for values, new_id in zip(fresh, session.execute(statement, fresh).scalars(), strict=True):
            values["id"] = int(new_id)
            if values["kind"] == "turn":
                turns.append((values["start"], values["end"], int(new_id)))
        _record(
            session, [Change("segments", "insert", None, row_values("segments", v)) for v in fresh]
        )
    return sorted(turns), [row for row in old if row["id"] not in kept]


def _repoint(session: Session, document_id: int, turns: list[tuple[int, int, int]]) -> int:
    """Point the document's suggestions at the turn holding their start (or none); how many
    moved. A decided suggestion that points at no turn stays so."""
    starts = [start for start, _, _ in turns]
    moved = 0
    rows = session.execute(
        select(Suggestion.id, Suggestion.start, Suggestion.segment_id, Suggestion.status).where(
            Suggestion.document_id == document_id
        )
    )
    for row in [dict(r) for r in rows.mappings()]:
        if row["segment_id"] is None and row["status"] != "pending":
            continue
        index = bisect_right(starts, row["start"]) - 1
        target = turns[index][2] if index >= 0 and row["start"] < turns[index][1] else None
        moved += _update(session, SUGGESTIONS, row, {"segment_id": target})
    return moved


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
    values: dict[int, dict[str, str]] = {}
    for document_id, own, person in rows:
        merged = {**(person or {}), **(own or {})}
        values[int(document_id)] = {str(k): str(v) for k, v in merged.items() if v is not None}
    keys = sorted({k for found in values.values() for k in found}, key=lambda k: (k.casefold(), k))
    return keys, values


# ------------------------------------------------------------------ helpers
def _name_of(project: Project, document_id: int) -> str:
    with project.read() as session:
        name = session.scalar(select(Document.name).where(Document.id == document_id))
    if name is None:
        raise NotFoundError(f"no document {document_id}")
    return str(name)


def _document_row(session: Session, document_id: int) -> dict[str, Any]:
    columns = [DOCUMENTS.c[name] for name in _ROW]
    found = session.execute(select(*columns).where(DOCUMENTS.c.id == document_id)).mappings()
    row = found.first()
    if row is None:
        raise NotFoundError(f"no document {document_id}")
    return dict(row)


def _segment_rows(session: Session, document_id: int, kinds: Sequence[str]) -> list[dict[str, Any]]:
    query = select(SEGMENTS).where(
        SEGMENTS.c.document_id == document_id, SEGMENTS.c.kind.in_(kinds)
    )
    return [dict(row) for row in session.execute(query.order_by(SEGMENTS.c.start)).mappings()]


def _speakers(turns: Iterable[tuple[str | None, bool]]) -> Speakers:
    """(speaker, turns, interviewer?) of (speaker, interviewer?) turns, in order of first turn,
    unlabelled turns as ''."""
    counts: dict[str, list[Any]] = {}
    for speaker, mark in turns:
        counts.setdefault(speaker or "", [0, bool(mark)])[0] += 1
    return tuple((name, int(n), bool(mark)) for name, (n, mark) in counts.items())


def _marks(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str | None, bool]]:
    return [(row["speaker"], bool(row["is_interviewer"])) for row in rows if row["kind"] == "turn"]


def _json(value: Any) -> Any:
    """A value as a JSON column gives it back (lists, not tuples), so that what is written
    compares equal with what is stored (undo checks rows so)."""
    return None if value is None else json.loads(json.dumps(value))


def _update(
    session: Session, table: Table, before: Mapping[str, Any], values: Mapping[str, Any]
) -> bool:
    """Update the columns of one row that change, with Core, and record them: the event holds
    the row's id and those columns only (undo checks and restores just them)."""
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        return False
    session.execute(update(table).where(table.c.id == before["id"]).values(**changed))
    keys = {"id", *changed}

    def partial(row: Mapping[str, Any]) -> dict[str, Any]:
        full = row_values(table.name, {k: row[k] for k in keys})
        return {k: v for k, v in full.items() if k in keys}

    change = Change(table.name, "update", partial(before), partial({**before, **changed}))
    _record(session, [change])
    return True


def _record(session: Session, changes: list[Change]) -> None:
    """Add changes made with Core statements to the unit of work's event log."""
    if changes:
        session.info["recorder"].add(changes)

"""A qualcope project as an ``ExchangeProject``, and ``qualcope export project FILE.qdpx``.

Coders become users, the codebook keeps its GUIDs, each participant becomes a case (its
role, its qualcope case and its attributes as variables), each document a text source (its
stored text, so every position is exact) with a selection per coded span holding one coding
per code and coder; memos become notes and coping links become links. What REFI-QDA has no
element for travels in the extension: turns and preambles, sentences, the offset map to the
original file, language and import settings, finished marks, favoured values, and every
memo as it was, so a qualcope -> qualcope round trip loses nothing.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session

from qualcope import __version__
from qualcope.db.models import (
    Case,
    Code,
    Coder,
    Coding,
    CodingLink,
    Document,
    DocumentStatus,
    Memo,
    Participant,
    Segment,
)
from qualcope.interchange.project_snapshot import (
    ExchangeCase,
    ExchangeCoding,
    ExchangeLink,
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
    ExchangeUser,
)
from qualcope.interchange.refi_write import derived_guid, write_qdpx
from qualcope.services import codebook
from qualcope.services.project import Project

EXTENSION_FORMAT = 1

CODINGS = cast(Table, Coding.__table__)


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, per kind."""

    path: Path
    counts: dict[str, int]


def _b64(value: bytes | None) -> str | None:
    return base64.b64encode(bytes(value)).decode("ascii") if value else None


def export_project(project: Project, path: Path) -> ExportSummary:
    """Write the whole project as a REFI-QDA ``.qdpx`` file (atomically)."""
    snapshot = snapshot_of(project)
    write_qdpx(snapshot, Path(path), created=datetime.now(UTC))
    selections = [sel for source in snapshot.sources for sel in source.selections]
    counts = {
        "users": len(snapshot.users),
        "codes": _count_codes(snapshot),
        "sources": len(snapshot.sources),
        "selections": len(selections),
        "codings": sum(len(sel.codings) for sel in selections),
        "cases": len(snapshot.cases),
        "links": len(snapshot.links),
        "notes": len(snapshot.notes),
    }
    return ExportSummary(Path(path), counts)


def _count_codes(snapshot: ExchangeProject) -> int:
    stack, count = list(snapshot.codebook.codes), 0
    while stack:
        code = stack.pop()
        count += 1
        stack.extend(code.children)
    return count


def snapshot_of(project: Project) -> ExchangeProject:
    """The project as exchange values (see the module docstring)."""
    spec = codebook.current_spec(project)
    with project.read() as session:
        coders = {c.id: c for c in session.scalars(select(Coder).order_by(Coder.id))}
        code_guids = dict(session.execute(select(Code.id, Code.guid)).all())
        cases = {c.id: c for c in session.scalars(select(Case).order_by(Case.id))}
        participants = {
            p.id: p for p in session.scalars(select(Participant).order_by(Participant.id))
        }
        documents = list(session.scalars(select(Document).order_by(Document.id)))
        # Rows, not ORM objects: 10,000 codings load in a third of the time (no identity
        # map, no joined code and coder); the rows answer the same attribute names.
        codings = list(
            session.execute(
                select(*CODINGS.c).order_by(Coding.document_id, Coding.start, Coding.id)
            )
        )
        memos = list(session.scalars(select(Memo).order_by(Memo.id)))
        extension = _extension(session, documents, cases, participants, coders, code_guids)
        extension["memos"] = [
            {
                "guid": memo.guid,
                "document": _guid_of(documents, memo.document_id),
                "code": code_guids.get(memo.code_id) if memo.code_id else None,
                "coder": coders[memo.coder_id].guid,
                "text": memo.text,
            }
            for memo in memos
        ]
        links = [
            ExchangeLink(link.guid, sources, targets, "copes with")
            for link, sources, targets in _links(session)
        ]
        extension["links"] = {
            link.guid: {
                "favoured": code_guids.get(link.favoured_code_id)
                if link.favoured_code_id
                else None,
                "coder": coders[link.coder_id].guid,
            }
            for link in session.scalars(select(CodingLink).order_by(CodingLink.id))
        }
    by_document: dict[int, list[Row[Any]]] = defaultdict(list)
    for coding in codings:
        by_document[coding.document_id].append(coding)
    document_memos: dict[int, list[str]] = defaultdict(list)
    notes: list[ExchangeNote] = []
    for memo in memos:
        who = coders[memo.coder_id].name
        if memo.document_id is not None and memo.code_id is None:
            document_memos[memo.document_id].append(f"{who}: {memo.text}")
        elif memo.document_id is None:
            about = "the project" if memo.code_id is None else _code_path(spec, code_guids, memo)
            notes.append(
                ExchangeNote(
                    memo.guid,
                    memo.text,
                    f"memo on {about} ({who})",
                    coders[memo.coder_id].guid,
                    memo.created_at,
                )
            )
    sources = tuple(
        _source(
            doc,
            by_document[doc.id],
            coders,
            code_guids,
            cases,
            participants,
            "\n\n".join(document_memos[doc.id]),
        )
        for doc in documents
    )
    exchange_cases = tuple(
        ExchangeCase(
            guid=person.guid,
            name=person.label,
            variables=_variables(person.role, cases.get(person.case_id), person.attributes),
            source_guids=tuple(d.guid for d in documents if d.participant_id == person.id),
        )
        for person in participants.values()
    )
    return ExchangeProject(
        name=project.path.stem if project.path is not None else "qualcope project",
        origin=f"qualcope {__version__}",
        users=tuple(ExchangeUser(c.guid, c.name) for c in coders.values()),
        codebook=spec,
        sources=sources,
        cases=exchange_cases,
        links=tuple(links),
        notes=tuple(notes),
        extension=extension,
    )


def _guid_of(documents: list[Document], document_id: int | None) -> str | None:
    if document_id is None:
        return None
    return next((d.guid for d in documents if d.id == document_id), None)


def _code_path(spec: Any, code_guids: dict[int, str], memo: Memo) -> str:
    wanted = code_guids.get(memo.code_id or 0)
    for path, item in spec.walk():
        if item.guid == wanted:
            return f"code {path}"
    return "a code"


def _variables(
    role: str | None, case: Case | None, attributes: dict[str, Any] | None
) -> dict[str, str]:
    values = {str(k): str(v) for k, v in (attributes or {}).items() if v is not None}
    if role:
        values["role"] = role
    if case is not None:
        values["case"] = case.name
    return values


def _source(
    doc: Document,
    codings: list[Row[Any]],
    coders: dict[int, Coder],
    code_guids: dict[int, str],
    cases: dict[int, Case],
    participants: dict[int, Participant],
    memo: str,
) -> ExchangeSource:
    spans: dict[tuple[int, int], list[Row[Any]]] = defaultdict(list)
    for coding in codings:
        spans[(coding.start, coding.end)].append(coding)
    selections = []
    for (start, end), group in spans.items():
        first = min(group, key=lambda c: (c.created_at, c.id))
        selections.append(
            ExchangeSelection(
                guid=derived_guid("selection", doc.guid, str(start), str(end)),
                start=start,
                end=end,
                quote=doc.text[start:end],
                user_guid=coders[first.coder_id].guid,
                created=first.created_at,
                codings=tuple(
                    ExchangeCoding(
                        guid=c.guid,
                        code_guid=code_guids[c.code_id],
                        user_guid=coders[c.coder_id].guid,
                        created=c.created_at,
                        memo=c.memo,
                    )
                    for c in group
                ),
            )
        )
    person = participants.get(doc.participant_id or 0)
    case = cases.get(doc.case_id or 0) or (cases.get(person.case_id or 0) if person else None)
    return ExchangeSource(
        guid=doc.guid,
        name=doc.name,
        text=doc.text,
        selections=tuple(selections),
        variables=_variables(person.role if person else None, case, doc.attributes),
        memo=memo,
        created=doc.imported_at,
    )


def _links(session: Session) -> list[tuple[CodingLink, str, str]]:
    guids = dict(session.execute(select(Coding.id, Coding.guid)).all())
    return [
        (link, guids[link.source_coding_id], guids[link.target_coding_id])
        for link in session.scalars(select(CodingLink).order_by(CodingLink.id))
    ]


def _extension(
    session: Session,
    documents: list[Document],
    cases: dict[int, Case],
    participants: dict[int, Participant],
    coders: dict[int, Coder],
    code_guids: dict[int, str],
) -> dict[str, Any]:
    """What only qualcope reads back: the exact state REFI-QDA has no element for."""
    segments: dict[int, list[list[Any]]] = defaultdict(list)
    rows = session.execute(
        select(
            Segment.document_id,
            Segment.kind,
            Segment.start,
            Segment.end,
            Segment.speaker,
            Segment.is_interviewer,
            Segment.turn_index,
            Segment.meta,
        ).order_by(Segment.document_id, Segment.start, Segment.id)
    )
    for doc_id, *row in rows:
        segments[doc_id].append(list(row))
    bounds = dict(session.execute(select(Document.id, Document.sentence_bounds)).all())
    maps = dict(session.execute(select(Document.id, Document.offset_map)).all())
    finished = session.execute(
        select(DocumentStatus.document_id, DocumentStatus.coder_id, DocumentStatus.finished)
    ).all()
    guid_of = {d.id: d.guid for d in documents}
    return {
        "format": EXTENSION_FORMAT,
        "qualcope": __version__,
        "documents": {
            doc.guid: {
                "language": doc.language,
                "source_format": doc.source_format,
                "encoding": doc.encoding,
                "original_filename": doc.original_filename,
                "import_report": doc.import_report,
                "attributes": doc.attributes,
                "case": cases[doc.case_id].guid if doc.case_id in cases else None,
                "participant": (
                    participants[doc.participant_id].guid
                    if doc.participant_id in participants
                    else None
                ),
                "segments": segments[doc.id],
                "sentence_bounds": _b64(bounds.get(doc.id)),
                "offset_map": _b64(maps.get(doc.id)),
            }
            for doc in documents
        },
        "cases": [
            {"guid": c.guid, "name": c.name, "description": c.description} for c in cases.values()
        ],
        "participants": [
            {
                "guid": p.guid,
                "label": p.label,
                "role": p.role,
                "case": cases[p.case_id].guid if p.case_id in cases else None,
                "attributes": p.attributes,
            }
            for p in participants.values()
        ],
        "finished": [
            [guid_of[doc_id], coders[coder_id].guid, bool(done)]
            for doc_id, coder_id, done in finished
        ],
        "codings": {
            guid: {"origin": origin, "quote_checked": checked}
            for guid, origin, checked in session.execute(
                select(Coding.guid, Coding.origin, Coding.quote_checked)
            )
        },
    }

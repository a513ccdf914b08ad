"""Codings, links, memos and finished marks of an exchange import (``exchange_import``).

Every selection is converted from the other tool's positions to stored positions through
its source's offset map, and its quote, when the tool gives one, is checked there. A quote
found a few characters away means the positions were counted differently: the import stops
(``lenient``: the selection is left out, and said so), except when the positions read as
UTF-16 units (as Qt-based tools such as QualCoder count them with emoji in the text) put the
quote exactly in place: then they are taken so, and counted. A "quote" that is no quote (qc
writes ``line:6``) leaves the coding marked unchecked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from qualcope.db.engine import insert_many
from qualcope.db.history import Change, row_values
from qualcope.db.models import (
    Code,
    Coding,
    CodingLink,
    DocumentStatus,
    Memo,
    new_guid,
    utcnow,
)
from qualcope.errors import QualcopeError
from qualcope.ingest.normalise import normalise
from qualcope.ingest.offsets import utf16_to_code_points
from qualcope.interchange.project_snapshot import (
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
)
from qualcope.services.exchange_prepare import ExchangeImport, Ready
from qualcope.services.positions import SEARCH_WINDOW
from qualcope.services.project import Project

# Said of codings whose selection quotes no text (qc writes ``line:6``): nothing checked them.
UNCHECKED = "codings placed by position alone (the file quotes no text to check against)"
CODINGS = cast(Table, Coding.__table__)


# ---------------------------------------------------------------- codings
def store_codings(
    session: Session,
    snapshot: ExchangeProject,
    documents: dict[str, tuple[int, Ready]],
    codes: dict[str, int],
    users: dict[str, int],
    project: Project,
    report: ExchangeImport,
    lenient: bool,
) -> dict[str, int]:
    """Coding GUID -> coding id; every selection converted to stored positions and its
    quote checked (see the module docstring)."""
    importer = project.coder_id(session)
    saved = (snapshot.extension or {}).get("codings") or {}
    groups = set(session.scalars(select(Code.id).where(Code.kind == "group")))
    taken: set[str] = set()
    keys: set[tuple[int, int, int, int, int]] = set()
    rows: list[dict[str, Any]] = []
    guids: list[str] = []  # each row's GUID as the file gave it (links point at those)
    now = utcnow()
    annotations: dict[tuple[int, int], list[str]] = defaultdict(list)
    for source in snapshot.sources:
        if source.guid not in documents:
            report.counts["codings left out"] += sum(len(s.codings) for s in source.selections)
            continue
        document_id, ready = documents[source.guid]
        text = ready.prepared.transcript.text  # type: ignore[union-attr]
        for selection in source.selections:
            span = _span(source, selection, ready, text, report, lenient)
            if span is None:
                continue
            start, end, checked = span
            if not selection.codings and selection.notes:
                coder = users.get(selection.user_guid or "", importer)
                quote = " ".join(text[start:end].split())[:80]
                annotations[(document_id, coder)].extend(
                    f"“{quote}” ({start}-{end}): {note}" for note in selection.notes
                )
            for coding in selection.codings:
                code_id = codes[coding.code_guid]
                coder_id = users.get(coding.user_guid or selection.user_guid or "", importer)
                if code_id in groups:
                    report.notes.append(
                        f"a coding of the group {coding.code_guid} in {source.name!r} is left "
                        "out: qualcope codes with codes, groups hold them"
                    )
                    continue
                key = (document_id, start, end, code_id, coder_id)
                if key in keys:
                    report.counts["duplicate codings merged"] += 1
                    continue
                keys.add(key)
                meta = saved.get(coding.guid) or {}
                guid = coding.guid if coding.guid and coding.guid not in taken else new_guid()
                taken.add(guid)
                rows.append(
                    {
                        "guid": guid,
                        "document_id": document_id,
                        "start": start,
                        "end": end,
                        "snippet": text[start:end],
                        "code_id": code_id,
                        "coder_id": coder_id,
                        "created_at": coding.created or now,
                        "memo": "\n\n".join(m for m in (coding.memo, *selection.notes) if m),
                        "origin": str(meta.get("origin") or "import"),
                        "quote_checked": bool(meta.get("quote_checked", checked)),
                        "suggestion_id": None,
                        "version": 1,
                    }
                )
                guids.append(coding.guid)
    ids = insert_codings(session, rows)
    report.counts["codings"] += len(rows)
    report.counts[UNCHECKED] += sum(1 for row in rows if not row["quote_checked"])
    for (document_id, coder_id), lines in annotations.items():
        session.add(Memo(document_id=document_id, coder_id=coder_id, text="\n".join(lines)))
        report.counts["annotations kept as document memos"] += len(lines)
    return dict(zip(guids, ids, strict=True))


def insert_codings(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows with one executemany and record them in the event log; their ids.

    Through the ORM, 10,000 codings took 1.4 s (an object, a flush and an event row built per
    coding); written at once, 0.4 s with the quote checks and the log. Every row has its own
    GUID, so the ids are read back by GUID.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    insert_many(session.connection(), CODINGS, columns, [tuple(row.values()) for row in rows])
    documents = {row["document_id"] for row in rows}
    found = session.execute(
        select(CODINGS.c.guid, CODINGS.c.id).where(CODINGS.c.document_id.in_(documents))
    )
    id_of: dict[str, int] = {guid: int(id_) for guid, id_ in found}
    for row in rows:
        row["id"] = id_of[row["guid"]]
    session.info["recorder"].add(
        [Change("codings", "insert", None, row_values("codings", row)) for row in rows]
    )
    return [row["id"] for row in rows]


def _span(
    source: ExchangeSource,
    selection: ExchangeSelection,
    ready: Ready,
    text: str,
    report: ExchangeImport,
    lenient: bool,
) -> tuple[int, int, bool] | None:
    """A selection's stored span and whether its quote was checked, or None (left out)."""
    if ready.extension is not None:  # qualcope wrote the text: positions are stored ones
        start, end, exact = selection.start, selection.end, True
    else:
        start, end, exact = ready.offsets.span_to_stored(selection.start, selection.end)
    if not exact:
        report.counts["spans widened to whole characters"] += 1
    if start >= end:
        report.notes.append(
            f"an empty selection in {source.name!r} at {selection.start}-{selection.end} "
            "is left out"
        )
        return None
    if not selection.quote:
        return start, end, False
    wanted = normalise(selection.quote).text
    if text[start:end] == wanted:
        return start, end, True
    utf16 = _as_utf16(source, selection, ready, text, wanted)
    if utf16 is not None:
        report.counts["spans counted in UTF-16 units"] += 1
        return utf16[0], utf16[1], True
    near = text.find(wanted, max(0, start - SEARCH_WINDOW), end + SEARCH_WINDOW) if wanted else -1
    if near < 0 or len(wanted) < 3:
        return start, end, False  # a name, not a quote ('line:6'): kept, unchecked
    shift = near - start
    message = (
        f"source {source.name!r}: the selection at {selection.start}-{selection.end} quotes "
        f"text found {abs(shift)} characters {'after' if shift > 0 else 'before'} it: the "
        "positions were counted differently"
    )
    if not lenient:
        raise QualcopeError(
            message + "; nothing was imported (--lenient leaves such selections out)"
        )
    report.notes.append(message + ": left out")
    return None


def _as_utf16(
    source: ExchangeSource, selection: ExchangeSelection, ready: Ready, text: str, wanted: str
) -> tuple[int, int] | None:
    """The stored span when the positions count UTF-16 units and put the quote in place."""
    if ready.extension is not None or source.text.isascii():
        return None
    first = utf16_to_code_points(source.text, selection.start)
    last = utf16_to_code_points(source.text, selection.end)
    if first is None or last is None or (first, last) == (selection.start, selection.end):
        return None
    start, end, _ = ready.offsets.span_to_stored(first, last)
    return (start, end) if text[start:end] == wanted else None


def store_links(
    session: Session,
    snapshot: ExchangeProject,
    codings: dict[str, int],
    codes: dict[str, int],
    users: dict[str, int],
    report: ExchangeImport,
) -> None:
    """Links between two codings of one document become coping links; others are listed."""
    saved = (snapshot.extension or {}).get("links") or {}
    document_of = dict(
        session.execute(
            select(Coding.id, Coding.document_id).where(Coding.id.in_(list(codings.values())))
        ).all()
    )
    skipped = 0
    for link in snapshot.links:
        source, target = codings.get(link.origin_guid), codings.get(link.target_guid)
        if source is None or target is None or document_of.get(source) != document_of.get(target):
            skipped += 1
            continue
        meta = saved.get(link.guid) or {}
        favoured = codes.get(meta.get("favoured") or "")
        coder = users.get(meta.get("coder") or "") or session.info["coder_id"]
        row = CodingLink(
            source_coding_id=source,
            target_coding_id=target,
            favoured_code_id=favoured,
            coder_id=coder,
        )
        if session.scalar(select(CodingLink.id).where(CodingLink.guid == link.guid)) is None:
            row.guid = link.guid
        session.add(row)
        report.counts["links"] += 1
    if skipped:
        report.notes.append(
            f"not imported: {skipped} link{'s' if skipped != 1 else ''} that join other things "
            "than two codings of one document"
        )


def store_memos(
    session: Session,
    snapshot: ExchangeProject,
    documents: dict[str, tuple[int, Ready]],
    codes: dict[str, int],
    users: dict[str, int],
    project: Project,
    report: ExchangeImport,
) -> None:
    importer = project.coder_id(session)
    saved = (snapshot.extension or {}).get("memos")
    if saved is not None:  # qualcope wrote it: every memo as it was
        for item in saved:
            document = documents.get(item.get("document") or "")
            session.add(
                Memo(
                    guid=item["guid"],
                    document_id=document[0] if document else None,
                    code_id=codes.get(item.get("code") or ""),
                    coder_id=users.get(item.get("coder") or "", importer),
                    text=item.get("text") or "",
                )
            )
            report.counts["memos"] += 1
        return
    for source in snapshot.sources:
        if source.memo and source.guid in documents:
            coder = users.get(source.user_guid or "", importer)
            session.add(
                Memo(document_id=documents[source.guid][0], coder_id=coder, text=source.memo)
            )
            report.counts["memos"] += 1
    for note in snapshot.notes:
        title = f"{note.name}\n\n" if note.name else ""
        session.add(
            Memo(coder_id=users.get(note.user_guid or "", importer), text=title + note.text)
        )
        report.counts["memos"] += 1


def store_finished(
    session: Session,
    snapshot: ExchangeProject,
    documents: dict[str, tuple[int, Ready]],
    users: dict[str, int],
) -> None:
    for document, user, done in (snapshot.extension or {}).get("finished") or []:
        if document in documents and user in users:
            session.add(
                DocumentStatus(
                    document_id=documents[document][0], coder_id=users[user], finished=bool(done)
                )
            )

"""Rows written with Core and recorded as explicit ``Change``s, for the document edits.

Owns the document, segment and suggestion tables as Core tables, reading a document's row
and its segment rows, updating one row's changed columns (``update_row``) and adding the
``Change``s to the unit of work's event log (``record``), and the import settings a
document keeps in its import report (``configured``, ``setting``).

Why Core and explicit Changes: imports write segments with Core, so the ORM recorder never
sees them, and a document's event must hold only the columns that changed, never the text
(the log must not keep a copy of a transcript). Used by ``document_edit`` and ``resegment``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from qualcope.db.history import Change, row_values
from qualcope.db.models import Document, Segment, Suggestion
from qualcope.errors import NotFoundError
from qualcope.ingest.labels import label_key

DOCUMENTS = cast(Table, Document.__table__)
SEGMENTS = cast(Table, Segment.__table__)
SUGGESTIONS = cast(Table, Suggestion.__table__)
_ROW = (
    "id name case_id participant_id language source_format word_count attributes import_report"
).split()
NONE = "(none)"

Speakers = tuple[tuple[str, int, bool], ...]  # (speaker, turns, interviewer?), as imports say


def document_row(session: Session, document_id: int) -> dict[str, Any]:
    columns = [DOCUMENTS.c[name] for name in _ROW]
    found = session.execute(select(*columns).where(DOCUMENTS.c.id == document_id)).mappings()
    row = found.first()
    if row is None:
        raise NotFoundError(f"no document {document_id}")
    return dict(row)


def segment_rows(session: Session, document_id: int, kinds: Sequence[str]) -> list[dict[str, Any]]:
    query = select(SEGMENTS).where(
        SEGMENTS.c.document_id == document_id, SEGMENTS.c.kind.in_(kinds)
    )
    return [dict(row) for row in session.execute(query.order_by(SEGMENTS.c.start)).mappings()]


def speaker_counts(turns: Iterable[tuple[str | None, bool]]) -> Speakers:
    """(speaker, turns, interviewer?) of (speaker, interviewer?) turns, in order of first turn,
    unlabelled turns as ''."""
    counts: dict[str, list[Any]] = {}
    for speaker, mark in turns:
        counts.setdefault(speaker or "", [0, bool(mark)])[0] += 1
    return tuple((name, int(n), bool(mark)) for name, (n, mark) in counts.items())


def turn_marks(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str | None, bool]]:
    return [(row["speaker"], bool(row["is_interviewer"])) for row in rows if row["kind"] == "turn"]


def as_json(value: Any) -> Any:
    """A value as a JSON column gives it back (lists, not tuples), so that what is written
    compares equal with what is stored (undo checks rows so)."""
    return None if value is None else json.loads(json.dumps(value))


def update_row(
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
    record(session, [change])
    return True


def record(session: Session, changes: list[Change]) -> None:
    """Add changes made with Core statements to the unit of work's event log."""
    if changes:
        session.info["recorder"].add(changes)


# ------------------------------------------------------------ import settings
def configured(report: Mapping[str, Any], key: str) -> list[str]:
    """The labels of an import setting ('interviewers', 'speakers') kept with the document."""
    return list((report.get("settings") or {}).get(key) or [])


def setting(lines: list[str], report: dict[str, Any], key: str, given: Sequence[str]) -> bool:
    """Replace the labels of an import setting (spaces collapsed, repeats left out); whether
    they changed (a document without settings gets them only then)."""
    names: list[str] = []
    for name in (" ".join(n.split()) for n in given):
        if name and label_key(name) not in {label_key(n) for n in names}:
            names.append(name)
    old = configured(report, key)
    if old != names:
        report.setdefault("settings", {})[key] = names
        what = "interviewers" if key == "interviewers" else "speakers to take"
        lines.append(f"{what}: {', '.join(old) or NONE} -> {', '.join(names) or NONE}")
    return old != names

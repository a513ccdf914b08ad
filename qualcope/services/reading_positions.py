"""Where each coder left each document, so that it reopens there.

The coding screen remembers the selection (start and end offsets) when the coder leaves a
document, and selects it again when they open the document next time, also after a restart.
A position is not a change to the study: it is written with Core statements, which the event
log does not record (``db.history.ChangeRecorder`` sees ORM flushes only), so moving around
adds no action to the history, never becomes the thing ``u`` undoes and never makes an undo
of a coding conflict with it. It lives in its own table (``reading_positions``), not on
``document_status``, whose rows are the undoable 'finished' marks.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update

from qualcope.db.models import Coder, Document, ReadingPosition
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services.project import Project

_POSITIONS = ReadingPosition.__table__


def remember_position(project: Project, document_id: int, start: int, end: int) -> None:
    """Remember this coder's selection [start, end) in a document (not undoable, not logged)."""
    if not 0 <= start <= end:
        raise QualcopeError(f"not a span of a document: {start}-{end}")
    with project.write("remember reading position", undoable=False) as session:
        length = session.scalar(
            select(func.length(Document.text)).where(Document.id == document_id)
        )
        if length is None:
            raise NotFoundError(f"no document {document_id}")
        if end > length:
            raise QualcopeError(f"the span {start}-{end} ends after the document ({length})")
        coder_id = project.coder_id(session)
        values = {"start": start, "end": end, "updated_at": datetime.now(UTC)}
        mine = (_POSITIONS.c.document_id == document_id) & (_POSITIONS.c.coder_id == coder_id)
        # Update, else insert: portable (SQLite and PostgreSQL) and, inside the write
        # transaction, no other writer can insert the row in between.
        changed = session.execute(update(_POSITIONS).where(mine).values(**values)).rowcount
        if not changed:
            session.execute(
                insert(_POSITIONS).values(document_id=document_id, coder_id=coder_id, **values)
            )


def remembered_position(project: Project, document_id: int) -> tuple[int, int] | None:
    """The selection this coder left the document at, or None (never opened, or a new coder)."""
    with project.read() as session:
        found = session.execute(
            select(ReadingPosition.start, ReadingPosition.end)
            .join(Coder, Coder.id == ReadingPosition.coder_id)
            .where(ReadingPosition.document_id == document_id, Coder.name == project.coder)
        ).first()
    return (int(found.start), int(found.end)) if found is not None else None

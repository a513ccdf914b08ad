"""Undo and redo, per coder, across sessions: replayed from the event log.

The undo stack of a coder is their actions (``do`` and ``redo``) not yet
undone, newest first. Undo applies the inverse of the newest one; redo
re-applies the action behind the newest ``undo`` made since the coder's last
new action. Each undo and redo is itself an action with its own events, so
the log stays append-only and a redone change can be undone again.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.history import Change, apply_changes, load_changes, write_action
from qualcope.db.models import Action, Coder, Event
from qualcope.domain import ActionSummary
from qualcope.errors import NothingToDoError, StaleEditError
from qualcope.services.project import Project


def _last_undoable(session: Session, coder_id: int) -> Action | None:
    return session.scalar(
        select(Action)
        .where(
            Action.coder_id == coder_id,
            Action.kind.in_(("do", "redo")),
            Action.undoable.is_(True),
            Action.undone.is_(False),
        )
        .order_by(Action.id.desc())
        .limit(1)
    )


def _last_redoable(session: Session, coder_id: int) -> Action | None:
    last_do = (
        session.scalar(
            select(func.max(Action.id)).where(
                Action.coder_id == coder_id, Action.kind == "do", Action.undoable.is_(True)
            )
        )
        or 0
    )
    return session.scalar(
        select(Action)
        .where(
            Action.coder_id == coder_id,
            Action.kind == "undo",
            Action.undone.is_(False),
            Action.id > last_do,
        )
        .order_by(Action.id.desc())
        .limit(1)
    )


def last_change(session: Session, table: str, row_id: int) -> tuple[str | None, datetime | None]:
    """Who changed a row last and when, from the event log: (coder name, time), or
    (None, None) when the log has no event of the row. Used to say who made an edit stale."""
    key = json.dumps({"id": row_id})
    found = session.execute(
        select(Coder.name, Event.created_at)
        .join(Action, Action.id == Event.action_id)
        .outerjoin(Coder, Coder.id == Action.coder_id)
        .where(Event.table_name == table, Event.row_id == key)
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None, None
    return found[0], found[1]


def stale_edit(session: Session, what: str, table: str, row_id: int) -> StaleEditError:
    """The error for an edit of a row someone changed since the editor read it, naming who
    changed it last and when (``what``: "this coding", "'Avoidance'")."""
    by, at = last_change(session, table, row_id)
    return StaleEditError(what, by=by, at=at)


def stale_edit_after(project: Project, what: str, table: str, row_id: int) -> StaleEditError:
    """``stale_edit`` read in a session of its own: for a unit of work that failed (its
    session is rolled back and unusable)."""
    with project.read() as session:
        return stale_edit(session, what, table, row_id)


def can_undo(project: Project) -> str | None:
    """The label of what undo would revert, or None."""
    with project.read() as session:
        coder_id = _coder(project, session)
        action = _last_undoable(session, coder_id) if coder_id is not None else None
        return action.label if action else None


def can_redo(project: Project) -> str | None:
    with project.read() as session:
        coder_id = _coder(project, session)
        action = _last_redoable(session, coder_id) if coder_id is not None else None
        if action is None:
            return None
        return action.label.removeprefix("undo ")


def _coder(project: Project, session: Session) -> int | None:
    return session.scalar(select(Coder.id).where(Coder.name == project.coder))


def undo(project: Project) -> ActionSummary:
    """Revert this coder's most recent action (one transaction)."""
    with project.write("undo", undoable=False) as session:
        coder_id = project.coder_id(session)
        action = _last_undoable(session, coder_id)
        if action is None:
            raise NothingToDoError("nothing to undo")
        changes = [change.inverse() for change in reversed(load_changes(session, action.id))]
        applied = apply_changes(session, changes)
        action.undone = True
        _record(session, applied, f"undo {action.label}", "undo", action.id, coder_id)
        return ActionSummary(action.id, action.label, "undo")


def redo(project: Project) -> ActionSummary:
    """Re-apply the action this coder undid most recently."""
    with project.write("redo", undoable=False) as session:
        coder_id = project.coder_id(session)
        undo_action = _last_redoable(session, coder_id)
        if undo_action is None or undo_action.target_id is None:
            raise NothingToDoError("nothing to redo")
        target = session.get(Action, undo_action.target_id)
        assert target is not None
        applied = apply_changes(session, load_changes(session, target.id))
        undo_action.undone = True
        _record(session, applied, target.label, "redo", undo_action.id, coder_id)
        return ActionSummary(target.id, target.label, "redo")


def _record(
    session: Session, applied: list[Change], label: str, kind: str, target: int, coder_id: int
) -> None:
    write_action(
        session, applied, label, coder_id, kind=kind, target_id=target, undoable=kind == "redo"
    )

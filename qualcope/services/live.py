"""What other coders changed since a point of the event log: the coding screen's live view.

Every change is an ``Event`` row of the log (``qualcope.db.history``), numbered in commit order
on SQLite. On PostgreSQL ids are handed out when a row is written, not when its transaction
commits, so a slow transaction can commit an id lower than one already seen: there each call
reads again the RECHECK ids below its start and leaves out the ones it was told of before
(``LiveChanges.seen``, passed back as ``seen``). A screen remembers the newest event id it has
seen (``live_start``) and asks, on a beat, ``changes_since`` that id: one range read on the
events' primary key, of the few tables the coding screen shows (codings, their links, codes).
The answer names, for one document, each coding added, recoded, moved, removed or with a
changed memo (its span, the code, who), whether the codebook changed, and which other
documents' codings changed. The caller's own actions (by id) are left out: it already shows
them. A blind coder is told only of their own codings (made in another window), as the coding
screen shows them nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Action, Code, Coder, Event
from qualcope.services.project import Project

# The tables whose changes the coding screen shows.
CODINGS, LINKS, CODES, DOCUMENTS = "codings", "coding_links", "codes", "documents"
WATCHED = (CODINGS, LINKS, CODES)
# At most this many events in one answer; more (a large import, a merge) and the caller is
# told to read the whole document again (``LiveChanges.truncated``).
LIMIT = 2000
# On PostgreSQL: how many ids below the last one seen are read again (late commits).
RECHECK = 500


@dataclass(frozen=True)
class CodingChange:
    """One coding of the document changed by someone else."""

    kind: str  # added | removed | recoded | memo | moved | changed
    coding_id: int
    start: int
    end: int
    code: str  # the code's name (after the change)
    coder: str  # who made the change
    old_code: str = ""  # before a recode
    old_span: tuple[int, int] | None = None  # before a move

    @property
    def spans(self) -> list[tuple[int, int]]:
        """The text the change touches (both places when the coding moved)."""
        return [(self.start, self.end)] + ([self.old_span] if self.old_span else [])

    def describe(self) -> str:
        """'ana added Avoidance', 'ana recoded Avoidance to Coping', ..."""
        what = {
            "added": f"added {self.code}",
            "removed": f"removed {self.code}",
            "recoded": f"recoded {self.old_code} to {self.code}",
            "memo": f"changed the memo on {self.code}",
            "moved": f"moved {self.code}",
        }.get(self.kind, f"changed {self.code}")
        return f"{self.coder} {what}"


@dataclass
class LiveChanges:
    """What changed after ``after`` (exclusive) up to ``last_event_id`` (inclusive)."""

    last_event_id: int
    codings: list[CodingChange] = field(default_factory=list)
    linked_codings: set[int] = field(default_factory=set)  # codings whose links changed
    codebook_changed: bool = False
    codebook_coders: list[str] = field(default_factory=list)
    documents: set[int] = field(default_factory=set)  # documents whose codings changed
    # Documents deleted (``document delete``): id -> (name, who), told even when truncated.
    deleted_documents: dict[int, tuple[str, str]] = field(default_factory=dict)
    truncated: bool = False  # too many to list: read the document again
    own_actions: set[int] = field(default_factory=set)  # undos and redos of ignored actions
    # Event ids of the re-read window already reported (PostgreSQL): pass back as ``seen``.
    seen: frozenset[int] = frozenset()

    @property
    def any(self) -> bool:
        return bool(
            self.codings
            or self.linked_codings
            or self.codebook_changed
            or self.documents
            or self.deleted_documents
            or self.truncated
        )


def latest_event_id(project: Project) -> int:
    """The newest event of the log (0 for an empty log): where a live view starts."""
    with project.read() as session:
        return int(session.scalar(select(func.max(Event.id))) or 0)


def live_start(project: Project) -> tuple[int, frozenset[int]]:
    """Where a live view starts: the newest event id, and (PostgreSQL) the ids of the
    re-read window below it, already part of what the view shows."""
    if project.url.get_backend_name() != "postgresql":
        return latest_event_id(project), frozenset()
    with project.read() as session:
        newest = int(session.scalar(select(func.max(Event.id))) or 0)
        ids = session.scalars(select(Event.id).where(Event.id > newest - RECHECK))
        return newest, frozenset(int(i) for i in ids)


def changes_since(
    project: Project,
    after: int,
    document_id: int | None = None,
    *,
    ignore_actions: frozenset[int] | set[int] = frozenset(),
    seen: frozenset[int] = frozenset(),
) -> LiveChanges:
    """The changes of other actions than ``ignore_actions`` logged after event ``after``
    (on PostgreSQL also late commits of the RECHECK ids below it not in ``seen``)."""
    recheck = RECHECK if project.url.get_backend_name() == "postgresql" else 0
    with project.read() as session:
        # The newest first, then the rows up to it: a change committed between the two reads
        # is left for the next call, never skipped.
        newest = int(session.scalar(select(func.max(Event.id))) or after)
        rows = session.execute(
            select(
                Event.id,
                Event.action_id,
                Event.table_name,
                Event.op,
                Event.before,
                Event.after,
                Coder.name,
                Action.kind,
                Action.target_id,
            )
            .join(Action, Action.id == Event.action_id)
            .outerjoin(Coder, Coder.id == Action.coder_id)
            .where(Event.id > after - recheck, Event.id <= newest, Event.table_name.in_(WATCHED))
            .order_by(Event.id)
            .limit(LIMIT + 1 + len(seen))
        ).all()
        rows = [r for r in rows if r[0] not in seen]
        result = LiveChanges(last_event_id=max(newest, after))
        result.deleted_documents = _deleted_documents(session, after - recheck, newest, seen)
        if recheck:
            floor = result.last_event_id - recheck
            result.seen = frozenset(
                {i for i in seen if i > floor} | {int(r[0]) for r in rows if r[0] > floor}
            )
        if len(rows) > LIMIT:
            result.last_event_id = int(rows[LIMIT - 1][0])
            result.truncated = True
            return result
        own_coder = (
            session.scalar(select(Coder.id).where(Coder.name == project.coder))
            if project.blind
            else None
        )
        own = set(ignore_actions)
        wanted = []
        for r in rows:
            # An undo or redo of one's own action is one's own too (its id is not known to the
            # caller: the undo service writes it itself).
            if r[7] in ("undo", "redo") and r[8] in own:
                own.add(r[1])
                result.own_actions.add(r[1])
            if r[1] not in own:
                wanted.append(r)
        code_ids = {row["code_id"] for r in wanted if r[2] == CODINGS for row in r[4:6] if row}
        found = session.execute(select(Code.id, Code.name).where(Code.id.in_(code_ids)))
        names = {int(code_id): str(name) for code_id, name in found}
    for _id, _action, table, op, before, after_row, coder, _kind, _target in wanted:
        who = coder or "someone"
        if table == CODES:
            result.codebook_changed = True
            if who not in result.codebook_coders:
                result.codebook_coders.append(who)
        elif table == LINKS:
            row = after_row or before or {}
            result.linked_codings.update(
                int(row[k]) for k in ("source_coding_id", "target_coding_id") if row.get(k)
            )
        else:
            row = after_row or before or {}
            if project.blind and row.get("coder_id") != own_coder:
                continue
            result.documents.add(int(row["document_id"]))
            if document_id is not None and int(row["document_id"]) == document_id:
                result.codings.append(_coding_change(op, before, after_row, who, names))
    return result


def _deleted_documents(
    session: Session, after: int, newest: int, seen: frozenset[int]
) -> dict[int, tuple[str, str]]:
    """The documents deleted in the events after ``after`` up to ``newest``: id -> (name, who).

    Read apart from the watched tables: a deletion comes after all its codings' events, past
    the LIMIT of a large document's, and a screen showing it must learn of it all the same."""
    found = session.execute(
        select(Event.id, Event.before, Coder.name)
        .join(Action, Action.id == Event.action_id)
        .outerjoin(Coder, Coder.id == Action.coder_id)
        .where(
            Event.id > after,
            Event.id <= newest,
            Event.table_name == DOCUMENTS,
            Event.op == "delete",
        )
    ).all()
    return {
        int(before["id"]): (str(before.get("name") or ""), who or "someone")
        for event_id, before, who in found
        if event_id not in seen and before
    }


def _coding_change(
    op: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    who: str,
    names: dict[int, str],
) -> CodingChange:
    row = after or before or {}
    code = names.get(row["code_id"], "a code")
    common = {"coding_id": int(row["id"]), "start": int(row["start"]), "end": int(row["end"])}
    if op == "insert":
        return CodingChange("added", code=code, coder=who, **common)
    if op == "delete":
        return CodingChange("removed", code=code, coder=who, **common)
    old = before or {}
    span = None
    if (old.get("start"), old.get("end")) != (row["start"], row["end"]) and "start" in old:
        span = (int(old["start"]), int(old["end"]))
    if old.get("code_id") != row.get("code_id"):
        old_code = names.get(old.get("code_id"), "a code")  # type: ignore[arg-type]
        return CodingChange(
            "recoded", code=code, coder=who, old_code=old_code, old_span=span, **common
        )
    if span is not None:
        return CodingChange("moved", code=code, coder=who, old_span=span, **common)
    if old.get("memo") != row.get("memo"):
        return CodingChange("memo", code=code, coder=who, **common)
    return CodingChange("changed", code=code, coder=who, **common)

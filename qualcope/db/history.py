"""The event log: record every row change of a unit of work, and replay it.

A ``ChangeRecorder`` listens to one session's flushes and keeps, for each
inserted, updated or deleted row, its full column values before and after.
At the end of the unit of work they are written as one ``Action`` with its
``Event`` rows (append-only). ``apply_changes`` replays events forwards
(redo) or backwards (undo) through Core statements, in an order that keeps
foreign keys valid, after checking that the rows are still as the events
left them (so one coder's undo never overwrites another's later edit).

An action that is never undone may record a row with a long text column summarised
(``summarised``: the text's sha256 and length instead of a second copy of it; an import
records its documents so). ``apply_changes`` refuses to replay such a row.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, LargeBinary, Table, and_, event, insert, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Session, object_mapper
from sqlalchemy.orm.attributes import instance_state

from qualcope.db.models import Action, Base, Event
from qualcope.errors import ConflictError, QualcopeError

# Tables whose changes are not part of the undoable history.
# model_artifacts: a trained model is derived data, replaced on every retrain (and
# megabytes of bytes that an event's JSON cannot hold); undo never restores one.
# reading_positions: where each coder left each document, screen state rather than study data.
UNTRACKED = {
    "actions",
    "events",
    "project_info",
    "segments",
    "coders",
    "model_artifacts",
    "reading_positions",
}
VERSION_COLUMN = "version"
# The key of an event row that lists its summarised columns (see ``summarised``).
SUMMARISED = "_summarised"


@dataclass(frozen=True)
class Change:
    table: str
    op: str  # insert | update | delete
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def inverse(self) -> Change:
        op = {"insert": "delete", "delete": "insert", "update": "update"}[self.op]
        return Change(self.table, op, self.after, self.before)

    @property
    def row(self) -> dict[str, Any]:
        return self.after if self.after is not None else self.before or {}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):  # packed sentence offsets, stored models
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def row_values(table_name: str, values: dict[str, Any]) -> dict[str, Any]:
    """An event row of a row written with Core: every column of the table, as JSON values."""
    get = values.get
    return {name: _jsonable(get(name)) for name in _column_names(table_name)}


@cache
def _column_names(table_name: str) -> tuple[str, ...]:
    """The table's column names, looked up once: an import records rows by the ten thousand."""
    return tuple(column.name for column in _table(table_name).c)


def summarised(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    """The event row with each text column replaced by ``{"sha256": ..., "length": ...}``.

    For actions that are never undone (``undoable=False``), such as an import, whose log entry
    must say what was written but need not hold a second copy of a whole document text.
    ``apply_changes`` refuses to replay a summarised row.
    """
    out = dict(row)
    for name in columns:
        value = out[name]
        if value is None:
            continue
        if isinstance(value, dict) and "base64" in value:  # bytes, as _jsonable gives them
            data = base64.b64decode(value["base64"])
            length = len(data)
        else:
            data = str(value).encode("utf-8")
            length = len(str(value))  # characters, for a text
        out[name] = {"sha256": hashlib.sha256(data).hexdigest(), "length": length}
    out[SUMMARISED] = sorted(columns)
    return out


def is_summarised(change: Change) -> bool:
    """True when the change's row holds a summary of a column instead of its value."""
    return SUMMARISED in (change.before or {}) or SUMMARISED in (change.after or {})


def _row_of(obj: Any, *, before: bool) -> dict[str, Any]:
    mapper = object_mapper(obj)
    state = instance_state(obj)
    row: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        value = getattr(obj, attr.key) if not before else None
        if before:
            history = state.attrs[attr.key].history
            if history.deleted:
                value = history.deleted[0]
            elif history.unchanged:
                value = history.unchanged[0]
            else:
                value = getattr(obj, attr.key)
        row[column.name] = _jsonable(value)
    return row


class ChangeRecorder:
    """Collects the row changes of one session until ``write`` is called."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changes: list[Change] = []
        event.listen(session, "after_flush", self._after_flush)

    def close(self) -> None:
        if event.contains(self.session, "after_flush", self._after_flush):
            event.remove(self.session, "after_flush", self._after_flush)

    def _after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            table = object_mapper(obj).local_table.name
            if table not in UNTRACKED:
                self.changes.append(Change(table, "insert", None, _row_of(obj, before=False)))
        for obj in session.dirty:
            table = object_mapper(obj).local_table.name
            if table in UNTRACKED or not session.is_modified(obj, include_collections=False):
                continue
            before = _row_of(obj, before=True)
            after = _row_of(obj, before=False)
            if _strip_version(before) != _strip_version(after):
                self.changes.append(Change(table, "update", before, after))
        for obj in session.deleted:
            table = object_mapper(obj).local_table.name
            if table not in UNTRACKED:
                self.changes.append(Change(table, "delete", _row_of(obj, before=True), None))

    def add(self, changes: list[Change]) -> None:
        """Record changes made with Core statements (bulk operations)."""
        self.changes.extend(changes)

    def write(
        self,
        label: str,
        coder_id: int | None,
        *,
        kind: str = "do",
        target_id: int | None = None,
        undoable: bool = True,
    ) -> int | None:
        """Write the action and its events; returns the action id (None when nothing changed)."""
        self.session.flush()
        if not self.changes and kind == "do":
            return None
        return write_action(
            self.session,
            self.changes,
            label,
            coder_id,
            kind=kind,
            target_id=target_id,
            undoable=undoable,
        )


# Built once: a statement built per call costs more than SQLite's write of the row.
_INSERT_ACTION = insert(Action).returning(Action.id)
_INSERT_EVENT = insert(Event)


def write_action(
    session: Session,
    changes: list[Change],
    label: str,
    coder_id: int | None,
    *,
    kind: str = "do",
    target_id: int | None = None,
    undoable: bool = True,
) -> int:
    """Append one action and its events to the log; returns the action id."""
    conn = session.connection()
    action_id = conn.execute(
        _INSERT_ACTION,
        {
            "label": label[:300],
            "coder_id": coder_id,
            "kind": kind,
            "target_id": target_id,
            "undoable": undoable and bool(changes),
            "undone": False,
        },
    ).scalar_one()
    if changes:
        conn.execute(
            _INSERT_EVENT,
            [
                {
                    "action_id": action_id,
                    "seq": seq,
                    "table_name": change.table,
                    "row_id": json.dumps(_pk_values(change.table, change.row)),
                    "op": change.op,
                    "before": change.before,
                    "after": change.after,
                }
                for seq, change in enumerate(changes)
            ],
        )
    return int(action_id)


def _strip_version(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != VERSION_COLUMN}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _pk_values(table_name: str, row: dict[str, Any]) -> dict[str, Any]:
    return {col.name: row.get(col.name) for col in _table(table_name).primary_key.columns}


def _python_values(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if isinstance(column.type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif isinstance(column.type, LargeBinary) and isinstance(value, dict):
            value = base64.b64decode(value["base64"])
        values[column.name] = value
    return values


def _pk_clause(table: Table, row: dict[str, Any]) -> Any:
    return and_(*(col == row[col.name] for col in table.primary_key.columns))


def load_changes(session: Session, action_id: int) -> list[Change]:
    rows = session.execute(
        select(Event.table_name, Event.op, Event.before, Event.after)
        .where(Event.action_id == action_id)
        .order_by(Event.seq)
    ).all()
    return [Change(t, op, before, after) for t, op, before, after in rows]


def _table_order() -> dict[str, int]:
    return {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}


def _parents_first(changes: list[Change]) -> list[Change]:
    """Order inserts so a parent row (same table, parent_id) comes before its children."""
    order = _table_order()
    pending = sorted(changes, key=lambda c: order.get(c.table, 0))
    result: list[Change] = []
    placed: set[tuple[str, Any]] = set()
    waiting_ids = {(c.table, c.row.get("id")) for c in pending}
    while pending:
        progressed = False
        rest: list[Change] = []
        for change in pending:
            parent = change.row.get("parent_id")
            if (
                parent is None
                or (change.table, parent) not in waiting_ids
                or (change.table, parent) in placed
            ):
                result.append(change)
                placed.add((change.table, change.row.get("id")))
                progressed = True
            else:
                rest.append(change)
        if not progressed:  # a cycle cannot be stored; keep table order
            result.extend(rest)
            break
        pending = rest
    # Stable: tables stay in foreign-key order, rows of one table parents first.
    return sorted(result, key=lambda c: order.get(c.table, 0))


def apply_changes(session: Session, changes: list[Change]) -> list[Change]:
    """Apply changes with Core, checking each row is as expected; returns what was applied."""
    summary = next((c for c in changes if is_summarised(c)), None)
    if summary is not None:  # the log holds a digest, not the value: nothing to restore from
        raise QualcopeError(
            f"the history keeps only a summary of this {_label(summary.table)}; "
            "it cannot be replayed"
        )
    conn = session.connection()
    inserts = _parents_first([c for c in changes if c.op == "insert"])
    updates = [c for c in changes if c.op == "update"]
    deletes = list(reversed(_parents_first([c for c in changes if c.op == "delete"])))
    applied: list[Change] = []
    for change in inserts:
        table = _table(change.table)
        row = change.after or {}
        existing = conn.execute(select(table).where(_pk_clause(table, row))).first()
        if existing is not None:
            raise ConflictError(f"cannot restore a {change.table} row: it exists again")
        conn.execute(insert(table).values(**_python_values(table, row)))
        applied.append(change)
    for change in updates:
        table = _table(change.table)
        current = _current(conn, table, change.before or {})
        if current is None or not _matches(table, current, change.before or {}):
            raise ConflictError(f"a {_label(change.table)} changed since; it cannot be reverted")
        values = _python_values(table, _strip_version(change.after or {}))
        if VERSION_COLUMN in table.c:
            values[VERSION_COLUMN] = int(current.get(VERSION_COLUMN) or 0) + 1
        conn.execute(update(table).where(_pk_clause(table, change.after or {})).values(**values))
        after = dict(change.after or {})
        if VERSION_COLUMN in values:
            after[VERSION_COLUMN] = values[VERSION_COLUMN]
        applied.append(Change(change.table, "update", current, after))
    for change in deletes:
        table = _table(change.table)
        current = _current(conn, table, change.before or {})
        if current is None:
            continue  # already gone (e.g. removed by a cascade of an earlier delete)
        if not _matches(table, current, change.before or {}):
            raise ConflictError(f"a {_label(change.table)} changed since; it cannot be removed")
        conn.execute(sql_delete(table).where(_pk_clause(table, change.before or {})))
        applied.append(Change(change.table, "delete", current, None))
    session.expire_all()
    return applied


def _label(table: str) -> str:
    return table.rstrip("s").replace("_", " ")


def _current(conn: Any, table: Table, row: dict[str, Any]) -> dict[str, Any] | None:
    found = conn.execute(select(table).where(_pk_clause(table, row))).mappings().first()
    if found is None:
        return None
    return {key: _jsonable(value) for key, value in found.items()}


def _matches(table: Table, current: dict[str, Any], expected: dict[str, Any]) -> bool:
    for column in table.columns:
        name = column.name
        if name == VERSION_COLUMN or name not in expected:
            continue
        a, b = current.get(name), expected.get(name)
        if isinstance(column.type, DateTime):
            a = _normalise_time(a)
            b = _normalise_time(b)
        if a != b:
            return False
    return True


def _normalise_time(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    return value

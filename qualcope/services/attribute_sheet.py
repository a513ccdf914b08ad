"""Attributes from a sheet: ``qualcope attributes import FILE`` and ``attributes export FILE``.

Researchers keep what they know about each participant (age, gender, organisation, years in
the job) in a spreadsheet, as NVivo's classification sheets, QualCoder's attribute tables and
MAXQDA's document variables do. One row a participant (or, with ``documents``, a document),
named in the key column (the first, or the one given); each other column an attribute, except
``role`` and ``case``, which set the participant's role and case (a document's case).

The sheet says what is true: a value sets the attribute, an empty cell removes it, and every
change is returned to be listed, including the copies of an old value that the participant's
documents hold (``_follow``); a sheet exported and imported again changes nothing. The import
is one undoable action, and all or nothing: a row naming no participant, a key given twice, a
column without a name or twice, or a new attribute, role or case one typo away from a known
one (unless ``allow_similar``) stops it with the file and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Case, Document, Participant
from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.metadata_cells import checked_cell
from qualcope.ingest.turn_table_cells import Rows, cell_text, read_table
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.interchange.atomic import write_text_atomic
from qualcope.interchange.safe_csv import neutralise, unneutralise
from qualcope.services.importing import project_vocabulary
from qualcope.services.project import Project

ROLE, CASE = "role", "case"
MAX_LISTED = 5


@dataclass(frozen=True)
class AttributeChange:
    """One value changed: of whom, which attribute (or role, case), from what, to what."""

    who: str
    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AttributeImport:
    """What an attribute sheet did to the project."""

    kind: str  # 'participant' or 'document'
    key: str  # the key column's name
    rows: int
    changes: tuple[AttributeChange, ...] = ()
    new: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> new values
    notes: tuple[str, ...] = ()  # values a document keeps of its own


@dataclass(frozen=True)
class _Sheet:
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (spreadsheet row, cells)


def import_attributes(
    project: Project,
    path: Path,
    *,
    documents: bool = False,
    key: str | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    allow_similar: bool = False,
) -> AttributeImport:
    """Set the attributes a sheet gives (see the module docstring); one undoable action."""
    path = Path(path)
    table = read_table(path, lambda rows, _u, _d: _read(rows, path), encoding=encoding, sheet=sheet)
    if not table.rows:
        raise ImportFileError("the sheet has a header but no rows", path=path)
    key_at = _key_column(table.columns, key, path)
    kind = "document" if documents else "participant"
    vocabulary = project_vocabulary(project, allow_similar=allow_similar)
    names = []
    for at, column in enumerate(table.columns):
        if at != key_at and column.casefold() not in (ROLE, CASE):
            names.append((at, _vocabulary_checked(vocabulary, "attribute", column, path, 1)))
    special = {c.casefold(): at for at, c in enumerate(table.columns) if at != key_at}
    special = {name: at for name, at in special.items() if name in (ROLE, CASE)}
    if documents and ROLE in special:
        raise ImportFileError(
            "a 'role' column belongs to a participants' sheet (a document has no role)",
            path=path,
            line=1,
        )
    changes: list[AttributeChange] = []
    notes: list[str] = []
    with project.write(f"attributes import {path.name}") as session:
        targets = _targets(session, table, key_at, documents, path)
        for (line, cells), target in zip(table.rows, targets, strict=True):
            # Named as the project names it (a row may spell it in another case).
            who = target.label if isinstance(target, Participant) else target.name
            mine = len(changes)
            stored = dict(target.attributes or {})
            for at, name in names:
                after = cells[at] or None
                before = None if stored.get(name) is None else str(stored[name])
                if after != before:
                    changes.append(AttributeChange(who, name, before, after))
                    if after is None:
                        del stored[name]
                    else:
                        stored[name] = after
            if stored != (target.attributes or {}):
                target.attributes = stored  # a new dict: the JSON column sees the change
            if ROLE in special:
                role = cells[special[ROLE]] or None
                if role is not None:
                    role = _vocabulary_checked(vocabulary, "role", role, path, line)
                changes.extend(_set(target, "role", role, who))
            if CASE in special:
                changes.extend(
                    _set_case(session, vocabulary, target, cells[special[CASE]], path, line)
                )
            if isinstance(target, Participant):
                _follow(session, target, changes[mine:], changes, notes)
    new = {k: tuple(v) for k, v in vocabulary.new.items() if v}
    return AttributeImport(
        kind, table.columns[key_at], len(table.rows), tuple(changes), new, tuple(notes)
    )


def export_attributes(project: Project, path: Path, *, documents: bool = False) -> int:
    """Write the sheet ``import_attributes`` reads back unchanged; the number of rows."""
    with project.read() as session:
        if documents:
            found = session.execute(
                select(Document.name, Case.name, Document.attributes)
                .outerjoin(Case, Case.id == Document.case_id)
                .order_by(Document.name)
            ).all()
            fixed = ["document", CASE]
            rows = [([name, case or ""], attributes or {}) for name, case, attributes in found]
        else:
            people = session.execute(
                select(Participant.label, Participant.role, Case.name, Participant.attributes)
                .outerjoin(Case, Case.id == Participant.case_id)
                .order_by(Participant.label)
            ).all()
            fixed = ["participant", ROLE, CASE]
            rows = [
                ([label, role or "", case or ""], attributes or {})
                for label, role, case, attributes in people
            ]
    names = sorted({str(name) for _, attributes in rows for name in attributes}, key=str.casefold)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in [*fixed, *names]])
    for values, attributes in rows:
        cells = [*values, *("" if attributes.get(n) is None else str(attributes[n]) for n in names)]
        writer.writerow([neutralise(cell) for cell in cells])
    write_text_atomic(Path(path), buffer.getvalue(), encoding="utf-8-sig")  # Excel reads it
    return len(rows)


# ------------------------------------------------------------------ reading
def _read(rows: Rows, path: Path) -> _Sheet:
    columns: tuple[str, ...] | None = None
    found: list[tuple[int, tuple[str, ...]]] = []
    for number, row in enumerate(rows, start=1):
        cells = tuple(unneutralise(cell_text(value).strip()) for value in row)
        if not any(cells):
            continue
        if columns is None:
            columns = _header(cells, path, number)
            for column in columns:
                checked_cell(column, column, path, number)
            continue
        for column, cell in zip(columns, cells, strict=False):
            checked_cell(cell, column, path, number)
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            raise ImportFileError(
                f"this row has {len(cells)} cells, the header {len(columns)}",
                path=path,
                line=number,
            )
        found.append((number, (cells + ("",) * len(columns))[: len(columns)]))
    if columns is None:
        raise ImportFileError("the file is empty", path=path)
    return _Sheet(columns, tuple(found))


def _header(cells: tuple[str, ...], path: Path, line: int) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    seen: dict[str, int] = {}
    for at, name in enumerate(cells):
        if not name:
            raise ImportFileError(
                f"column {at + 1} of the header has no name", path=path, line=line
            )
        if name.casefold() in seen:
            raise ImportFileError(f"the header names {name!r} twice", path=path, line=line)
        seen[name.casefold()] = at
    if len(cells) < 2:
        raise ImportFileError(
            "the header has one column: a key and at least one attribute are needed "
            "(is the file separated by something other than commas, semicolons or tabs?)",
            path=path,
            line=line,
        )
    return cells


def _key_column(columns: Sequence[str], key: str | None, path: Path) -> int:
    if key is None:
        return 0
    for at, column in enumerate(columns):
        if column.casefold() == key.strip().casefold():
            return at
    raise ImportFileError(f"no column {key!r} (columns: {', '.join(columns)})", path=path, line=1)


def _vocabulary_checked(
    vocabulary: Vocabulary, kind: str, value: str, path: Path, line: int
) -> str:
    try:
        return vocabulary.check(kind, value)
    except QualcopeError as exc:
        raise ImportFileError(str(exc), path=path, line=line) from exc


# ------------------------------------------------------------------ writing
def _targets(
    session: Session, table: _Sheet, key_at: int, documents: bool, path: Path
) -> list[Participant | Document]:
    """The participant (document) of each row, in row order: by its exact name, else by its
    name in any case (a document also without its extension); every miss in one error."""
    if documents:
        listed: list[Participant | Document] = list(session.scalars(select(Document)))
        names = {id(d): [d.name, Path(d.name).stem] for d in listed}  # type: ignore[union-attr]
    else:
        listed = list(session.scalars(select(Participant)))
        names = {id(p): [p.label] for p in listed}  # type: ignore[union-attr]
    exact: dict[str, list[Participant | Document]] = {}
    loose: dict[str, list[Participant | Document]] = {}
    for target in listed:
        for name in names[id(target)]:
            for index, value in ((exact, name), (loose, name.casefold())):
                if target not in index.setdefault(value, []):
                    index[value].append(target)
    kind = "document" if documents else "participant"
    found: list[Participant | Document] = []
    missing: list[str] = []
    first: dict[int, int] = {}
    for line, cells in table.rows:
        name = cells[key_at]
        matches = exact.get(name) or loose.get(name.casefold()) or []
        if len(matches) > 1:
            raise ImportFileError(
                f"{name!r} names {len(matches)} {kind}s; use the exact name", path=path, line=line
            )
        if not matches:
            missing.append(f"line {line} {name!r}")
            continue
        if id(matches[0]) in first:
            raise ImportFileError(
                f"{name!r} is given twice (also line {first[id(matches[0])]})", path=path, line=line
            )
        first[id(matches[0])] = line
        found.append(matches[0])
    if missing:
        known = sorted((names[id(t)][0] for t in listed), key=str.casefold)
        shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
        rows = ", ".join(missing[:MAX_LISTED]) + (" …" if len(missing) > MAX_LISTED else "")
        raise ImportFileError(
            f"{len(missing)} row(s) name no {kind} of the project: {rows}; "
            f"its {kind}s: {shown or 'none yet'}; nothing was changed",
            path=path,
        )
    return found


def _follow(
    session: Session,
    participant: Participant,
    made: list[AttributeChange],
    changes: list[AttributeChange],
    notes: list[str],
) -> None:
    """Carry a participant's changes to its documents where they hold a copy of the old value.

    An import gives a manifest row's attributes and case to the document and to its
    participant alike, and a document's own value wins in every report: left alone, the copy
    would keep the old value in every table without a word. A document whose value differs
    from the participant's old one has its own on purpose: it keeps it, and a note says so.
    """
    if not made:
        return
    documents = session.scalars(select(Document).where(Document.participant_id == participant.id))
    for document in documents:
        attributes = dict(document.attributes or {})
        for change in made:
            if change.name == ROLE:
                continue  # a document has no role of its own
            if change.name == CASE:
                held = session.get(Case, document.case_id).name if document.case_id else None
                if held is None:
                    continue
                if held == change.before:
                    document.case_id = participant.case_id
                    changes.append(AttributeChange(document.name, CASE, held, change.after))
                else:
                    notes.append(f"{document.name} keeps its own case {held!r}")
                continue
            own = attributes.get(change.name)
            if own is None:
                continue  # the participant's value shows through
            if str(own) == change.before:
                if change.after is None:
                    del attributes[change.name]
                else:
                    attributes[change.name] = change.after
                changes.append(AttributeChange(document.name, change.name, str(own), change.after))
            else:
                notes.append(
                    f"{document.name} keeps its own {change.name} {str(own)!r}, which reports "
                    "use for its codings"
                )
        if attributes != (document.attributes or {}):
            document.attributes = attributes


def _set(
    target: Participant | Document, name: str, value: str | None, who: str
) -> list[AttributeChange]:
    before = getattr(target, name)
    if before == value:
        return []
    setattr(target, name, value)
    return [AttributeChange(who, name, before, value)]


def _set_case(
    session: Session,
    vocabulary: Vocabulary,
    target: Participant | Document,
    value: str,
    path: Path,
    line: int,
) -> list[AttributeChange]:
    who = target.label if isinstance(target, Participant) else target.name
    before = session.get(Case, target.case_id).name if target.case_id else None
    if not value:
        if before is None:
            return []
        target.case_id = None
        return [AttributeChange(who, CASE, before, None)]
    if before is not None and before.casefold() == value.casefold():
        return []
    name = _vocabulary_checked(vocabulary, "case", value, path, line)
    case = session.scalar(select(Case).where(func.lower(Case.name) == name.lower()))
    if case is None:
        case = Case(name=name)
        session.add(case)
        session.flush()
    target.case_id = case.id
    return [AttributeChange(who, CASE, before, name)]

"""Steps shared by the codebook edits, inside an open unit of work.

Lookups and checks on the code tree (paths, siblings, free names, depth) and
the one way a code changes place (``place``: re-parent and renumber siblings).
Used by ``codebook_edit`` and ``codebook_merge``; every change is an ORM change
followed by a flush, so the event log records it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, Coder, Coding
from qualcope.domain import PATH_SEPARATOR, CodeNode, name_key
from qualcope.errors import CodebookError, ConflictError, NotFoundError
from qualcope.interchange import codebook_rules as rules
from qualcope.services import codetree
from qualcope.services.project import Project


def get_code(session: Session, code_id: int, expected_version: int | None = None) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise NotFoundError(f"no code {code_id} (it may have been removed)")
    if expected_version is not None and code.version != expected_version:
        raise ConflictError(f"{code.name!r} changed since it was shown; reload and try again")
    return code


def checked(check: Any, *args: Any) -> Any:
    try:
        return check(*args)
    except ValueError as exc:
        raise CodebookError(str(exc)) from exc


def code_path(session: Session, code: Code | None) -> str:
    names: list[str] = []
    seen: set[int] = set()
    while code is not None and code.id not in seen and len(names) <= rules.MAX_DEPTH:
        seen.add(code.id)
        names.append(code.name)
        code = session.get(Code, code.parent_id) if code.parent_id is not None else None
    return PATH_SEPARATOR.join(reversed(names))


def children_of(session: Session, parent_id: int | None) -> list[Code]:
    where = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return list(session.scalars(select(Code).where(where).order_by(Code.sort_order, Code.id)))


def place(session: Session, code: Code, parent_id: int | None, index: int | None) -> None:
    """Put code at index among the children of parent_id, renumbering the siblings."""
    siblings = [c for c in children_of(session, parent_id) if c.id != code.id]
    index = len(siblings) if index is None else max(0, min(index, len(siblings)))
    siblings.insert(index, code)
    if code.parent_id != parent_id:
        code.parent_id = parent_id
    for position, sibling in enumerate(siblings):
        if sibling.sort_order != position:
            sibling.sort_order = position
    session.flush()


def check_free_name(
    session: Session, name: str, parent_id: int | None, exclude: Iterable[int] = ()
) -> None:
    key, skip = name_key(name), set(exclude)
    for sibling in children_of(session, parent_id):
        if sibling.name_key == key and sibling.id not in skip:
            where = (
                f"under {code_path(session, session.get(Code, parent_id))!r}"
                if parent_id
                else ("at the top level")
            )
            raise CodebookError(f"there is already a code {sibling.name!r} {where}")


def depth_of(session: Session, code_id: int | None) -> int:
    """How many levels a code is deep (a top-level code is 1; None, the top, is 0)."""
    depth, seen = 0, set()
    while code_id is not None and code_id not in seen and depth <= rules.MAX_DEPTH:
        seen.add(code_id)
        depth += 1
        code_id = session.scalar(select(Code.parent_id).where(Code.id == code_id))
    return depth


def subtree_height(session: Session, code_id: int) -> int:
    """Levels in the subtree of a code (a code without sub-codes is 1)."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in session.execute(select(Code.id, Code.parent_id)):
        children.setdefault(parent, []).append(cid)
    level, height, seen = [code_id], 0, set()
    while level and height <= rules.MAX_DEPTH:
        seen.update(level)
        height += 1
        level = [c for p in level for c in children.get(p, []) if c not in seen]
    return height


def check_depth(session: Session, code_id: int | None, parent_id: int | None) -> None:
    height = subtree_height(session, code_id) if code_id is not None else 1
    if depth_of(session, parent_id) + height > rules.MAX_DEPTH:
        raise CodebookError(f"the code tree cannot be deeper than {rules.MAX_DEPTH} levels")


def node(project: Project, session: Session, code: Code) -> CodeNode:
    session.flush()
    path = code_path(session, code)
    counts = {code.id: count_codings(session, [code.id])}
    coder = session.scalar(select(Coder.id).where(Coder.name == project.coder))
    mine = {code.id: count_codings(session, [code.id], coder)} if coder is not None else {}
    return codetree.to_node(code, path, path.count(PATH_SEPARATOR), counts, mine)


def count_codings(session: Session, code_ids: Iterable[int], coder_id: int | None = None) -> int:
    query = select(func.count()).select_from(Coding).where(Coding.code_id.in_(list(code_ids)))
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return int(session.scalar(query) or 0)


def code_name(project: Project, code_id: int) -> str:
    """The code's name, for the label of the action (shown by undo)."""
    with project.read() as session:
        return str(session.scalar(select(Code.name).where(Code.id == code_id)) or code_id)


def move(session: Session, code: Code, parent_id: int | None, position: int | None) -> None:
    if parent_id is not None:
        parent = get_code(session, parent_id)
        if parent.id in codetree.descendant_ids(session, code.id):
            raise CodebookError(f"cannot move {code.name!r} under itself or one of its sub-codes")
    if parent_id != code.parent_id:
        check_free_name(session, code.name, parent_id, exclude=[code.id])
        check_depth(session, code.id, parent_id)
    place(session, code, parent_id, position)

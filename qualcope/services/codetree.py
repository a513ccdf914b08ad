"""Reading the code tree: paths, nodes and lookups shared by every service."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, Coding
from qualcope.domain import PATH_SEPARATOR, CodeNode, name_key, split_path
from qualcope.errors import NotFoundError


def all_codes(session: Session) -> list[Code]:
    return list(session.scalars(select(Code).order_by(Code.sort_order, Code.id)))


def ordered(codes: Sequence[Code]) -> list[tuple[Code, str, int]]:
    """Depth-first (code, path, depth), siblings by sort order; iterative, cycle-safe."""
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.sort_order, c.id))
    out: list[tuple[Code, str, int]] = []
    seen: set[int] = set()
    stack: list[tuple[Code, str, int]] = [(c, c.name, 0) for c in reversed(children.get(None, []))]
    while stack:
        code, path, depth = stack.pop()
        if code.id in seen:
            continue
        seen.add(code.id)
        out.append((code, path, depth))
        stack.extend(
            (child, f"{path}{PATH_SEPARATOR}{child.name}", depth + 1)
            for child in reversed(children.get(code.id, []))
        )
    return out


def paths_by_id(session: Session) -> dict[int, str]:
    return {code.id: path for code, path, _ in ordered(all_codes(session))}


def to_node(
    code: Code,
    path: str,
    depth: int,
    counts: dict[int, int] | None = None,
    mine: dict[int, int] | None = None,
) -> CodeNode:
    return CodeNode(
        id=code.id,
        guid=code.guid,
        parent_id=code.parent_id,
        name=code.name,
        path=path,
        kind=code.kind,
        definition=code.definition,
        inclusion=code.inclusion,
        exclusion=code.exclusion,
        example=code.example,
        colour=code.colour,
        shortcut=code.shortcut,
        cues={lang: tuple(phrases) for lang, phrases in (code.cues or {}).items()},
        sort_order=code.sort_order,
        depth=depth,
        version=code.version,
        coding_count=(counts or {}).get(code.id, 0),
        my_coding_count=(mine or {}).get(code.id, 0),
    )


def coding_counts(session: Session, coder_id: int | None = None) -> dict[int, int]:
    query = select(Coding.code_id, func.count()).group_by(Coding.code_id)
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return {code_id: int(n) for code_id, n in session.execute(query)}


def find_code(session: Session, path: str) -> Code:
    """The code at a path such as 'Coping strategies/Avoidance' (case-insensitive).

    A bare name that is unique in the tree also works ('Avoidance').
    """
    names = split_path(path)
    if not names:
        raise NotFoundError(f"no code {path!r}")
    parent: int | None = None
    code: Code | None = None
    for name in names:
        code = session.scalar(
            select(Code).where(
                Code.parent_id.is_(parent) if parent is None else Code.parent_id == parent,
                Code.name_key == name_key(name),
            )
        )
        if code is None:
            break
        parent = code.id
    if code is not None:
        return code
    if len(names) == 1:
        matches = list(session.scalars(select(Code).where(Code.name_key == name_key(names[0]))))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFoundError(f"code name {path!r} is ambiguous; give its full path")
    raise NotFoundError(f"no code {path!r} in the codebook")


def descendant_ids(session: Session, code_id: int) -> set[int]:
    """The code and every code below it."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in session.execute(select(Code.id, Code.parent_id)):
        children.setdefault(parent, []).append(cid)
    found: set[int] = set()
    stack = [code_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found

"""Merging and deleting codes without losing or orphaning a coding.

Merge A into B: A's codings move to B; a coding of A on the same span by the same
coder as a coding of B collapses into it (its links are re-pointed to B's coding,
its memo appended); A's sub-codes and code memos move under B (refused when a
sub-code of A has the name of a sub-code of B: merge or rename those first); B
keeps its own definition, colour, shortcut and cues; A is removed.

Delete removes a code with its sub-codes; it is refused while any of them has
codings unless ``mode='merge_into'`` (the codings go to a target code, collapsing
as in a merge) or ``mode='delete_codings'`` (codings and their links go too).
``delete_preview`` gives the numbers the user confirms.

What a database cascade would do silently (links of removed codings, memos of a
removed code, a link's favoured value) is done here through the ORM, so the
event log records it and undo restores it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db.models import Base, Code, Coder, Coding, CodingLink
from qualcope.errors import CodebookError
from qualcope.services import codetree
from qualcope.services.codebook_treeops import (
    check_depth,
    children_of,
    code_name,
    code_path,
    count_codings,
    get_code,
    place,
)
from qualcope.services.project import Project

DeleteMode = Literal["refuse", "merge_into", "delete_codings"]


@dataclass(frozen=True)
class MergeSummary:
    """What a merge did (or, for a delete with ``merge_into``, what moved)."""

    source_path: str
    target_path: str
    moved: int = 0  # codings re-pointed to the target
    collapsed: int = 0  # duplicates folded into the target's coding of the same span and coder
    links_repointed: int = 0
    children_moved: int = 0

    def message(self) -> str:
        parts = [f"{self.moved} codings moved", f"{self.collapsed} duplicates collapsed"]
        if self.children_moved:
            parts.append(f"{self.children_moved} sub-codes moved")
        return f"merged {self.source_path!r} into {self.target_path!r}: {', '.join(parts)}"


@dataclass(frozen=True)
class DeletePreview:
    """The numbers a user confirms before deleting a code."""

    code_id: int
    path: str
    codes: int  # the code and its sub-codes
    codings: int  # all coders, the code and its sub-codes
    my_codings: int
    coders: tuple[tuple[str, int], ...]  # (coder, codings), most first
    links: int  # links from or to those codings
    memos: int  # memos on those codes

    @property
    def sub_codes(self) -> int:
        return self.codes - 1

    def message(self) -> str:
        """The question a user answers before deleting."""
        what = f"{self.path!r}" + (f" and its {self.sub_codes} sub-codes" if self.sub_codes else "")
        if not self.codings:
            return f"Delete {what}? It has no codings."
        by = ", ".join(f"{name}: {n}" for name, n in self.coders)
        return (
            f"Delete {what}? {self.codings} codings ({by}; {self.my_codings} yours), "
            f"{self.links} links and {self.memos} memos go with it, unless the codings "
            "are merged into another code."
        )


@dataclass(frozen=True)
class DeleteSummary:
    path: str
    codes_deleted: int
    codings_deleted: int = 0
    merge: MergeSummary | None = None

    def message(self) -> str:
        text = f"deleted {self.path!r} ({self.codes_deleted} codes"
        if self.merge is not None:
            return (
                f"{text}); {self.merge.moved} codings moved to {self.merge.target_path!r}, "
                f"{self.merge.collapsed} duplicates collapsed"
            )
        return f"{text}, {self.codings_deleted} codings)"


def _other_references() -> list[tuple[type[Any], str, str | None]]:
    """(mapped class, column, ondelete) of rows pointing at a code, beyond the tree and codings."""
    handled = {("codes", "parent_id"), ("codings", "code_id"), ("coding_links", "favoured_code_id")}
    classes = {m.local_table.name: m.class_ for m in Base.registry.mappers}
    found: list[tuple[type[Any], str, str | None]] = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "codes" and (table.name, fk.parent.name) not in handled:
                found.append((classes[table.name], fk.parent.name, fk.ondelete))
    return found


def _repoint_references(session: Session, old_ids: set[int], target: Code | None) -> int:
    """Re-point what refers to the codes in old_ids to target (None: as the foreign key says)."""
    changed = 0
    for link in session.scalars(select(CodingLink).where(CodingLink.favoured_code_id.in_(old_ids))):
        link.favoured_code_id = target.id if target is not None else None
        changed += 1
    for cls, column, ondelete in _other_references():
        for row in session.scalars(select(cls).where(getattr(cls, column).in_(old_ids))):
            if target is not None:
                setattr(row, column, target.id)
            elif (ondelete or "").upper() == "CASCADE":
                session.delete(row)
            elif (ondelete or "").upper() == "SET NULL":
                setattr(row, column, None)
            else:
                raise CodebookError(f"the code is still used by a {cls.__tablename__} row")
            changed += 1
    session.flush()
    return changed


def _move_codings(session: Session, code_ids: Iterable[int], target: Code) -> tuple[int, int, int]:
    """Move the codings of code_ids to target, collapsing duplicates; (moved, collapsed, links)."""
    if target.kind == "group":
        raise CodebookError(f"{target.name!r} is a group; codings can only go to a code")
    kept = {
        key_of(c): c for c in session.scalars(select(Coding).where(Coding.code_id == target.id))
    }
    moving = list(
        session.scalars(
            select(Coding).where(Coding.code_id.in_(list(code_ids))).order_by(Coding.id)
        )
    )
    moved, collapsed, relinked = 0, 0, 0
    doomed: list[Coding] = []
    for coding in moving:
        twin = kept.get(key_of(coding))
        if twin is None:
            coding.code_id = target.id
            kept[key_of(coding)] = coding
            moved += 1
            continue
        relinked += _relink(session, coding, twin)
        if coding.memo and coding.memo not in twin.memo:
            twin.memo = f"{twin.memo}\n{coding.memo}".strip()
        doomed.append(coding)
        collapsed += 1
    session.flush()  # links leave the doomed codings before those go (no silent cascade)
    for coding in doomed:
        session.delete(coding)
    session.flush()
    return moved, collapsed, relinked


def key_of(coding: Coding) -> tuple[int, int, int, int]:
    """Codings with the same key on one code are duplicates (same span, same coder)."""
    return coding.document_id, coding.start, coding.end, coding.coder_id


def _relink(session: Session, old: Coding, new: Coding) -> int:
    """Re-point old's links to new; a link that would duplicate one or loop is removed."""
    links = list(
        session.scalars(
            select(CodingLink).where(
                (CodingLink.source_coding_id == old.id) | (CodingLink.target_coding_id == old.id)
            )
        )
    )
    existing = {
        (link.source_coding_id, link.target_coding_id)
        for link in session.scalars(
            select(CodingLink).where(
                (CodingLink.source_coding_id == new.id) | (CodingLink.target_coding_id == new.id)
            )
        )
    }
    count = 0
    for link in links:
        pair = tuple(
            new.id if i == old.id else i for i in (link.source_coding_id, link.target_coding_id)
        )
        if pair[0] == pair[1] or pair in existing:
            session.delete(link)
        else:
            link.source_coding_id, link.target_coding_id = pair
            existing.add(pair)
            count += 1
        session.flush()
    return count


def _delete_tree(session: Session, code: Code) -> int:
    """Delete code and its sub-codes, deepest first (one flush each: the tree FK is RESTRICT)."""
    order = [c for c, _, _ in codetree.ordered(codetree.all_codes(session))]
    ids = codetree.descendant_ids(session, code.id)
    doomed = [c for c in reversed(order) if c.id in ids]
    for item in doomed:
        session.delete(item)
        session.flush()
    return len(doomed)


def merge_codes(project: Project, source_id: int, target_id: int) -> MergeSummary:
    """Merge code A (source) into B (target); see the module docstring."""
    label = f"codebook: merge {code_name(project, source_id)} into {code_name(project, target_id)}"
    with project.write(label) as session:
        source, target = get_code(session, source_id), get_code(session, target_id)
        if source.id == target.id:
            raise CodebookError("a code cannot be merged into itself")
        if target.id in codetree.descendant_ids(session, source.id):
            raise CodebookError(f"cannot merge {source.name!r} into its own sub-code")
        source_path, target_path = code_path(session, source), code_path(session, target)
        children = children_of(session, source.id)
        taken = {c.name_key for c in children_of(session, target.id) if c.id != source.id}
        for child in children:
            if child.name_key in taken:
                raise CodebookError(
                    f"{source.name!r} and {target.name!r} both have a sub-code {child.name!r}: "
                    "merge or rename one of them first"
                )
            check_depth(session, child.id, target.id)
        moved, collapsed, links = 0, 0, 0
        if count_codings(session, [source.id]):
            moved, collapsed, links = _move_codings(session, [source.id], target)
        _repoint_references(session, {source.id}, target)
        if any(child.name_key == source.name_key for child in children):
            # Frees the name for its sub-code: a real key is trimmed, so none starts with a tab
            # (not NUL, which PostgreSQL's text refuses).
            source.name_key = f"\tmerged {source.id}"
            session.flush()
        for child in children:
            place(session, child, target.id, None)
        session.delete(source)
        session.flush()
        return MergeSummary(source_path, target_path, moved, collapsed, links, len(children))


def delete_preview(project: Project, code_id: int) -> DeletePreview:
    with project.read() as session:
        code = get_code(session, code_id)
        ids = codetree.descendant_ids(session, code_id)
        coders = session.execute(
            select(Coder.name, func.count())
            .join(Coding, Coding.coder_id == Coder.id)
            .where(Coding.code_id.in_(ids))
            .group_by(Coder.name)
            .order_by(func.count().desc(), Coder.name)
        ).all()
        coding_ids = select(Coding.id).where(Coding.code_id.in_(ids))
        links = session.scalar(
            select(func.count())
            .select_from(CodingLink)
            .where(
                CodingLink.source_coding_id.in_(coding_ids)
                | CodingLink.target_coding_id.in_(coding_ids)
            )
        )
        memos = sum(
            int(
                session.scalar(
                    select(func.count()).select_from(cls).where(getattr(cls, column).in_(ids))
                )
                or 0
            )
            for cls, column, _ in _other_references()
        )
        mine = dict((name, int(n)) for name, n in coders).get(project.coder, 0)
        return DeletePreview(
            code_id=code.id,
            path=code_path(session, code),
            codes=len(ids),
            codings=sum(int(n) for _, n in coders),
            my_codings=mine,
            coders=tuple((name, int(n)) for name, n in coders),
            links=int(links or 0),
            memos=memos,
        )


def delete_code(
    project: Project, code_id: int, mode: DeleteMode = "refuse", target_id: int | None = None
) -> DeleteSummary:
    """Delete a code and its sub-codes; what happens to their codings depends on mode."""
    if mode not in ("refuse", "merge_into", "delete_codings"):
        raise CodebookError(f"unknown delete mode {mode!r}")
    with project.write(f"codebook: delete {code_name(project, code_id)}") as session:
        code = get_code(session, code_id)
        path = code_path(session, code)
        ids = codetree.descendant_ids(session, code.id)
        codings = count_codings(session, ids)
        merge: MergeSummary | None = None
        target: Code | None = None
        if mode == "merge_into":
            if target_id is None:
                raise CodebookError("choose the code that receives the codings")
            target = get_code(session, target_id)
            if target.id in ids:
                raise CodebookError("the codings cannot go to the code being deleted")
            moved, collapsed, links = (
                _move_codings(session, sorted(ids), target) if codings else (0, 0, 0)
            )
            merge = MergeSummary(path, code_path(session, target), moved, collapsed, links)
        elif codings and mode == "refuse":
            where = " (with its sub-codes)" if len(ids) > 1 else ""
            raise CodebookError(
                f"{path!r}{where} has {codings} codings: merge them into another code "
                "or delete them too"
            )
        elif codings:
            _delete_codings(session, ids)
        _repoint_references(session, ids, target)
        removed = _delete_tree(session, code)
        return DeleteSummary(path, removed, codings if mode == "delete_codings" else 0, merge)


def _delete_codings(session: Session, code_ids: set[int]) -> None:
    doomed = list(session.scalars(select(Coding).where(Coding.code_id.in_(code_ids))))
    ids = [c.id for c in doomed]
    for link in session.scalars(
        select(CodingLink).where(
            CodingLink.source_coding_id.in_(ids) | CodingLink.target_coding_id.in_(ids)
        )
    ):
        session.delete(link)
    session.flush()
    for coding in doomed:
        session.delete(coding)
    session.flush()

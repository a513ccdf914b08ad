"""Coding operations: apply, remove, recode, memo, link; and reading codings back.

Each function is one user action: one transaction, one undoable entry in the
event log. Spans are checked against the document text; the snippet stored
with a coding is exactly ``text[start:end]`` (reliability.md C4-7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qualcope.db.models import Code, Coder, Coding, CodingLink, Document
from qualcope.domain import CodingView, LinkView
from qualcope.errors import ConflictError, NotFoundError, QualcopeError
from qualcope.services import codetree, history
from qualcope.services.ownership import check_change
from qualcope.services.project import Project

SNIPPET_LIMIT = 300


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def _code(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise NotFoundError(f"no code {code_id}")
    if code.kind == "group":
        raise QualcopeError(f"{code.name!r} is a group; apply one of the codes inside it")
    return code


def _coding(session: Session, coding_id: int, project: Project | None = None) -> Coding:
    """The coding; with ``project`` working blind, only one of the coder's own (a blind coder
    is never shown another's coding, so an id of one is as good as unknown)."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError(f"no coding {coding_id} (it may have been removed)")
    if project is not None and project.blind and coding.coder_id != project.coder_id(session):
        raise NotFoundError(f"no coding {coding_id} of yours (you are coding blind)")
    return coding


def check_span(text: str, start: int, end: int) -> None:
    if not (0 <= start < end <= len(text)):
        raise QualcopeError(f"span {start}-{end} is outside the document (0-{len(text)}) or empty")
    if not text[start:end].strip():
        raise QualcopeError("the selection is only white space")


def create_coding(
    session: Session,
    coder_id: int,
    document: Document,
    start: int,
    end: int,
    code: Code,
    *,
    memo: str = "",
    origin: str = "manual",
    suggestion_id: int | None = None,
) -> Coding:
    """Insert one coding inside an open unit of work (used by several services)."""
    check_span(document.text, start, end)
    duplicate = session.scalar(
        select(Coding.id).where(
            Coding.document_id == document.id,
            Coding.start == start,
            Coding.end == end,
            Coding.code_id == code.id,
            Coding.coder_id == coder_id,
        )
    )
    if duplicate is not None:
        raise ConflictError(f"this span is already coded {code.name!r} by you")
    coding = Coding(
        document_id=document.id,
        start=start,
        end=end,
        snippet=document.text[start:end],
        code_id=code.id,
        coder_id=coder_id,
        memo=memo,
        origin=origin,
        suggestion_id=suggestion_id,
    )
    session.add(coding)
    session.flush()
    return coding


def add_coding(
    project: Project,
    document_id: int,
    start: int,
    end: int,
    code_id: int,
    *,
    memo: str = "",
    origin: str = "manual",
    suggestion_id: int | None = None,
) -> CodingView:
    """Code the span [start, end) of a document with a code.

    The hot path of several coders at once: run with ``Project.run_write``, so a race lost to
    another writer (PostgreSQL serialization failure or deadlock, a duplicate inserted between
    the check and the insert, SQLite still locked) runs the whole action again."""

    def action(session: Session) -> CodingView:
        document = _document(session, document_id)
        code = _code(session, code_id)
        coding = create_coding(
            session,
            project.coder_id(session),
            document,
            start,
            end,
            code,
            memo=memo,
            origin=origin,
            suggestion_id=suggestion_id,
        )
        return _views(session, [coding])[0]

    return project.run_write("apply code", action)


def remove_coding(project: Project, coding_id: int, *, others_confirmed: bool = False) -> None:
    """Remove a coding (and its links). Another coder's coding only when the coder confirmed
    it (``others_confirmed``) and the project does not protect it (``services.ownership``).
    Run with ``Project.run_write`` (see ``add_coding``)."""

    def action(session: Session) -> None:
        coding = _coding(session, coding_id, project)
        check_change(session, project, coding, "remove", others_confirmed=others_confirmed)
        for found in session.scalars(
            select(CodingLink).where(
                (CodingLink.source_coding_id == coding_id)
                | (CodingLink.target_coding_id == coding_id)
            )
        ):
            session.delete(found)
        session.flush()
        session.delete(coding)
        session.flush()

    project.run_write("remove coding", action)


def recode(
    project: Project,
    coding_id: int,
    code_id: int,
    *,
    others_confirmed: bool = False,
    expected_version: int | None = None,
    overwrite: bool = False,
) -> CodingView:
    """Move a coding to another code (a split of a code is a series of recodes). Another
    coder's coding only as ``remove_coding`` allows. With ``expected_version`` (the coding's
    version when it was shown) a coding changed since raises ``StaleEditError`` naming who
    changed it, unless ``overwrite``."""

    def change(session: Session, coding: Coding) -> CodingView:
        code = _code(session, code_id)
        if coding.code_id == code.id:
            return _views(session, [coding])[0]
        check_change(session, project, coding, "recode", others_confirmed=others_confirmed)
        clash = session.scalar(
            select(Coding.id).where(
                Coding.document_id == coding.document_id,
                Coding.start == coding.start,
                Coding.end == coding.end,
                Coding.code_id == code.id,
                Coding.coder_id == coding.coder_id,
            )
        )
        if clash is not None:
            raise ConflictError(f"this span is already coded {code.name!r}")
        coding.code_id = code.id
        session.flush()
        return _views(session, [coding])[0]

    return _edit_coding(project, "recode", coding_id, expected_version, overwrite, change)


def set_memo(
    project: Project,
    coding_id: int,
    memo: str,
    expected_version: int | None = None,
    *,
    overwrite: bool = False,
) -> CodingView:
    """Replace a coding's memo. With ``expected_version`` (the coding's version when it was
    shown) a coding changed since raises ``StaleEditError`` naming who changed it, unless
    ``overwrite``."""

    def change(session: Session, coding: Coding) -> CodingView:
        coding.memo = memo.strip()
        session.flush()
        return _views(session, [coding])[0]

    return _edit_coding(project, "edit memo", coding_id, expected_version, overwrite, change)


def _edit_coding(
    project: Project,
    label: str,
    coding_id: int,
    expected_version: int | None,
    overwrite: bool,
    change: Callable[[Session, Coding], CodingView],
) -> CodingView:
    """One edit of a coding, optimistic: refused with ``StaleEditError`` when the coding is no
    longer at ``expected_version``, or when another writer commits a change of it between this
    action's read and its write (the version column makes that UPDATE match no row:
    ``StaleDataError``). Without a check (no version, or ``overwrite``) such a race runs the
    edit again on the fresh row (``Project.run_write``)."""
    check = expected_version is not None and not overwrite

    def action(session: Session) -> CodingView:
        coding = _coding(session, coding_id, project)
        if check and coding.version != expected_version:
            raise history.stale_edit(session, "this coding", "codings", coding.id)
        try:
            return change(session, coding)
        except StaleDataError as exc:
            if not check:
                raise
            raise history.stale_edit_after(project, "this coding", "codings", coding_id) from exc

    return project.run_write(label, action)


def link(
    project: Project,
    source_coding_id: int,
    target_coding_id: int,
    favoured_code_id: int | None = None,
) -> LinkView:
    """Link a coping-strategy coding to the value-conflict coding it copes with."""
    with project.write("link codings") as session:
        source = _coding(session, source_coding_id, project)
        target = _coding(session, target_coding_id, project)
        if source.id == target.id:
            raise QualcopeError("a coding cannot be linked to itself")
        if source.document_id != target.document_id:
            raise QualcopeError("linked codings must be in the same document")
        if favoured_code_id is not None:
            _code(session, favoured_code_id)
        existing = session.scalar(
            select(CodingLink).where(
                CodingLink.source_coding_id == source.id, CodingLink.target_coding_id == target.id
            )
        )
        if existing is None:
            existing = CodingLink(
                source_coding_id=source.id,
                target_coding_id=target.id,
                favoured_code_id=favoured_code_id,
                coder_id=project.coder_id(session),
            )
            session.add(existing)
        else:
            existing.favoured_code_id = favoured_code_id
        session.flush()
        return _link_views(session, [existing])[0]


def unlink(project: Project, link_id: int) -> None:
    with project.write("remove link") as session:
        found = session.get(CodingLink, link_id)
        if found is None:
            raise NotFoundError(f"no link {link_id}")
        session.delete(found)


# ---------------------------------------------------------------- reading
def codings_for_document(
    project: Project, document_id: int, coder: str | None = None
) -> list[CodingView]:
    """All codings of a document (of one coder when given), by position."""
    with project.read() as session:
        query = select(Coding).where(Coding.document_id == document_id)
        if coder is not None:
            query = query.join(Coder, Coder.id == Coding.coder_id).where(Coder.name == coder)
        codings = list(session.scalars(query.order_by(Coding.start, Coding.end, Coding.id)))
        return _views(session, codings)


def codings_at(
    project: Project, document_id: int, start: int, end: int, coder: str | None = None
) -> list[CodingView]:
    """Codings overlapping [start, end) (a point when start == end), of one coder when given
    (the coding screen passes ``project.visible_coder``: the coder's own when blind)."""
    with project.read() as session:
        end = max(end, start + 1)
        query = select(Coding).where(
            Coding.document_id == document_id, Coding.start < end, Coding.end > start
        )
        if coder is not None:
            query = query.join(Coder, Coder.id == Coding.coder_id).where(Coder.name == coder)
        codings = list(session.scalars(query.order_by(Coding.start, Coding.id)))
        return _views(session, codings)


def count_codings(project: Project) -> int:
    with project.read() as session:
        return int(session.scalar(select(func.count()).select_from(Coding)) or 0)


def _views(session: Session, codings: Iterable[Coding]) -> list[CodingView]:
    codings = list(codings)
    if not codings:
        return []
    paths = codetree.paths_by_id(session)
    ids = [c.id for c in codings]
    links: dict[int, list[CodingLink]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for row in session.scalars(
            select(CodingLink).where(CodingLink.source_coding_id.in_(chunk))
        ):
            links.setdefault(row.source_coding_id, []).append(row)
    out: list[CodingView] = []
    for coding in codings:
        out.append(
            CodingView(
                id=coding.id,
                guid=coding.guid,
                document_id=coding.document_id,
                start=coding.start,
                end=coding.end,
                snippet=coding.snippet[:SNIPPET_LIMIT],
                code_id=coding.code_id,
                code_path=paths.get(coding.code_id, "?"),
                colour=coding.code.colour,
                coder=coding.coder.name,
                memo=coding.memo,
                origin=coding.origin,
                created_at=coding.created_at,
                version=coding.version,
                links=tuple(_link_views(session, links.get(coding.id, []), paths)),
            )
        )
    return out


def _link_views(
    session: Session, rows: Iterable[CodingLink], paths: dict[int, str] | None = None
) -> list[LinkView]:
    rows = list(rows)
    if not rows:
        return []
    paths = paths if paths is not None else codetree.paths_by_id(session)
    targets = {
        c.id: c.code_id
        for c in session.scalars(
            select(Coding).where(Coding.id.in_([r.target_coding_id for r in rows]))
        )
    }
    return [
        LinkView(
            id=r.id,
            source_coding_id=r.source_coding_id,
            target_coding_id=r.target_coding_id,
            target_code_path=paths.get(targets.get(r.target_coding_id, -1), "?"),
            favoured_code_id=r.favoured_code_id,
            favoured_code_path=paths.get(r.favoured_code_id) if r.favoured_code_id else None,
        )
        for r in rows
    ]

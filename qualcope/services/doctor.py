"""`qualcope doctor`: check a project for anything that could lose or misplace a coding.

``check`` lists problems: storage integrity, foreign keys, every coding's span against its
document (0 <= start < end <= len(text), stored quote == text[start:end]), links within one
document, the code tree (no cycles, no orphans) (C4-7), and each document's sentences (in
order, inside the text, none crossing a turn). ``notices`` lists what is not wrong but was
never verified: codings imported by position without a quote to check them against, and
documents whose file positions are unknown (imported before qualcope recorded them).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcope.db import engine as engines
from qualcope.db.models import Code, Coding, CodingLink, Document
from qualcope.services.documents import segments_of_documents
from qualcope.services.project import Project


def check(project: Project) -> list[str]:
    """A list of problems, each one line; empty when the project is healthy."""
    problems = engines.integrity_problems(project.engine)
    with project.read() as session:
        parents = dict(session.execute(select(Code.id, Code.parent_id)).all())
        for code_id in parents:
            seen: set[int] = set()
            current: int | None = code_id
            while current is not None:
                if current in seen:
                    problems.append(f"code {code_id}: its parents form a cycle")
                    break
                seen.add(current)
                if current not in parents:
                    problems.append(f"code {code_id}: parent {current} does not exist")
                    break
                current = parents[current]
        lengths: dict[int, str] = {}
        rows = session.execute(
            select(
                Coding.id, Coding.document_id, Coding.start, Coding.end, Coding.snippet
            ).order_by(Coding.document_id)
        )
        for coding_id, document_id, start, end, snippet in rows:
            if document_id not in lengths:
                lengths[document_id] = (
                    session.scalar(select(Document.text).where(Document.id == document_id)) or ""
                )
            text = lengths[document_id]
            if not 0 <= start < end <= len(text):
                problems.append(f"coding {coding_id}: span {start}-{end} outside its document")
            elif text[start:end] != snippet:
                problems.append(
                    f"coding {coding_id}: stored quote {snippet[:30]!r} differs from the text "
                    f"at {start}-{end} ({text[start:end][:30]!r})"
                )
        docs = dict(session.execute(select(Coding.id, Coding.document_id)).all())
        for link_id, source, target in session.execute(
            select(CodingLink.id, CodingLink.source_coding_id, CodingLink.target_coding_id)
        ):
            if docs.get(source) != docs.get(target):
                problems.append(f"link {link_id}: links codings of different documents")
        problems.extend(_sentence_problems(session))
    return problems


def _sentence_problems(session: Session) -> list[str]:
    problems = []
    lengths = dict(session.execute(select(Document.id, func.length(Document.text))).all())
    for document_id, views in segments_of_documents(session).items():
        previous_end = 0
        for view in views:
            if view.kind != "sentence":
                continue
            where = f"document {document_id}: sentence {view.start}-{view.end}"
            if not previous_end <= view.start < view.end <= (lengths.get(document_id) or 0):
                problems.append(f"{where} is out of order or outside the text")
                break
            if view.parent_id is None:
                problems.append(f"{where} is not inside one turn")
                break
            previous_end = view.end
    return problems


def notices(project: Project) -> list[str]:
    """What a user should know but is not a fault (one line each)."""
    out: list[str] = []
    with project.read() as session:
        unchecked = session.execute(
            select(Document.name, func.count())
            .join(Coding, Coding.document_id == Document.id)
            .where(Coding.quote_checked.is_(False))
            .group_by(Document.name)
            .order_by(Document.name)
        ).all()
        for name, count in unchecked:
            out.append(
                f"{name}: {count} coding{'s' if count != 1 else ''} imported by position "
                "without a quote: their text was never checked against the source"
            )
        reports = session.execute(select(Document.name, Document.import_report)).all()
    unknown = sorted(
        str(name)
        for name, report in reports
        if not (report or {}).get("offsets", {}).get("file_positions")
    )
    if unknown:
        out.append(
            f"{len(unknown)} document(s) were imported before qualcope recorded file positions "
            f"({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}): their codings "
            "are exchanged in stored positions"
        )
    return out

"""`qualcope doctor`: check a project for anything that could lose or misplace a coding.

Checks storage integrity, foreign keys, every coding's span against its
document (0 <= start < end <= len(text), snippet == text[start:end]), links
within one document, and the code tree (no cycles, no orphans) (C4-7).
"""

from __future__ import annotations

from sqlalchemy import select

from qualcope.db import engine as engines
from qualcope.db.models import Code, Coding, CodingLink, Document
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
            elif not text[start:end].startswith(snippet):
                problems.append(f"coding {coding_id}: stored quote differs from the text")
        docs = dict(session.execute(select(Coding.id, Coding.document_id)).all())
        for link_id, source, target in session.execute(
            select(CodingLink.id, CodingLink.source_coding_id, CodingLink.target_coding_id)
        ):
            if docs.get(source) != docs.get(target):
                problems.append(f"link {link_id}: links codings of different documents")
    return problems

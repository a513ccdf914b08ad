"""Codings as CSV: ``qualcope codings export FILE`` (the columns ``coding_exchange`` reads).

Every coding, by document, position and id, in file or stored positions, with its code path,
coder, memo, the GUIDs of the codings it copes with and the quote; written atomically with
formula cells neutralised (``interchange.codings_csv``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from qualcope.db.models import Coder, Coding, CodingLink, Document
from qualcope.interchange.codings_csv import LIST_SEPARATOR, write_rows
from qualcope.services import codetree
from qualcope.services.positions import FILE, load_positions
from qualcope.services.project import Project


def export_rows(
    project: Project, coder: str | None = None, positions: str = FILE
) -> list[dict[str, str | int]]:
    """Every coding (of one coder when given) as a row, by document, position and id, its
    span in ``positions`` (file positions where the document's are known)."""
    with project.read() as session:
        documents = load_positions(session)
        paths = codetree.paths_by_id(session)
        query = (
            select(Coding, Document.name, Coder.name)
            .join(Document, Document.id == Coding.document_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(Document.name, Coding.start, Coding.end, Coding.id)
        )
        if coder is not None:
            query = query.where(Coder.name == coder)
        rows = session.execute(query).all()
        guids = dict(session.execute(select(Coding.id, Coding.guid)).all())
        links: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for link in session.scalars(select(CodingLink).order_by(CodingLink.id)):
            favoured = paths.get(link.favoured_code_id, "") if link.favoured_code_id else ""
            links[link.source_coding_id].append((guids.get(link.target_coding_id, ""), favoured))
        out: list[dict[str, str | int]] = []
        for coding, document_name, coder_name in rows:
            own = links.get(coding.id, [])
            start, end, kind = documents[coding.document_id].to_kind(
                coding.start, coding.end, positions
            )
            out.append(
                {
                    "guid": coding.guid,
                    "file": document_name,
                    "start": start,
                    "end": end,
                    "positions": kind,
                    "code": paths.get(coding.code_id, ""),
                    "coder": coder_name,
                    "memo": coding.memo,
                    "copes_with": LIST_SEPARATOR.join(t for t, _ in own),
                    "favoured_value": LIST_SEPARATOR.join(f for _, f in own)
                    if any(f for _, f in own)
                    else "",
                    "quote": coding.snippet,
                }
            )
    return out


def export_codings(
    project: Project, path: Path, *, coder: str | None = None, positions: str = FILE
) -> int:
    """Write the codings CSV atomically (formula cells neutralised); returns the row count."""
    rows = export_rows(project, coder, positions)
    write_rows(Path(path), rows)
    return len(rows)

"""Storing the codings a transcript carried as qcoder marks (``ingest.inline_codes``).

They land in the import's own transaction, as the importing coder's codings: a file's
document and its codings come in together or not at all. Each code is found by name
anywhere in the codebook (the marks name no parents); a name the codebook lacks is added as
a new code at the top level and listed, a name that is a group or is in two places is an
error naming the line, since either way the coding's code would be a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Code, new_guid, utcnow
from qualcope.domain import name_key
from qualcope.errors import ImportFileError
from qualcope.ingest.inline_codes import InlineCoding
from qualcope.interchange import codebook_rules as rules
from qualcope.services.codebook_treeops import code_path
from qualcope.services.exchange_codings import insert_codings


@dataclass(frozen=True)
class InlineStored:
    """What storing a file's marked codings did."""

    codings: int = 0
    duplicates: int = 0  # the same passage marked twice with one code: stored once
    new_codes: tuple[str, ...] = ()
    coder: str = ""


def store_inline_codings(
    session: Session,
    document_id: int,
    coder: tuple[int, str],
    text: str,
    codings: Sequence[InlineCoding],
    path: Path,
) -> InlineStored:
    """Store a document's marked codings for ``coder`` (id, name; see the module docstring)."""
    code_ids, created = _codes(session, codings, path)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, int, int]] = set()
    duplicates = 0
    for coding in codings:
        for name in coding.codes:
            key = (coding.start, coding.end, code_ids[name_key(name)])
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            rows.append(
                {
                    "guid": new_guid(),
                    "document_id": document_id,
                    "start": coding.start,
                    "end": coding.end,
                    "snippet": text[coding.start : coding.end],
                    "code_id": key[2],
                    "coder_id": coder[0],
                    "created_at": now,
                    "memo": "",
                    "origin": "import",
                    "quote_checked": True,  # the marks stood around exactly these characters
                    "suggestion_id": None,
                    "version": 1,
                }
            )
    insert_codings(session, rows)
    return InlineStored(len(rows), duplicates, created, coder[1])


def _codes(
    session: Session, codings: Sequence[InlineCoding], path: Path
) -> tuple[dict[str, int], tuple[str, ...]]:
    """Code id by name key for every code the marks name, and the names of codes added."""
    wanted: dict[str, tuple[str, int]] = {}  # key -> (name as first written, its line)
    for coding in codings:
        for name in coding.codes:
            try:
                clean = rules.check_name(name)
            except ValueError as exc:
                raise ImportFileError(f"qcoder marks: {exc}", path=path, line=coding.line) from exc
            wanted.setdefault(name_key(clean), (clean, coding.line))
    found: dict[str, list[Code]] = {}
    for code in session.scalars(select(Code).where(Code.name_key.in_(wanted))):
        found.setdefault(code.name_key, []).append(code)
    ids: dict[str, int] = {}
    created: list[str] = []
    top = session.scalars(select(Code.sort_order).where(Code.parent_id.is_(None))).all()
    order = max(top, default=-1) + 1
    for key, (name, line) in wanted.items():
        matches = found.get(key, [])
        if len(matches) > 1:
            places = ", ".join(sorted(code_path(session, code) for code in matches))
            raise ImportFileError(
                f"qcoder marks: code {name!r} is in {len(matches)} places in the codebook "
                f"({places}); rename one so the marks name one code",
                path=path,
                line=line,
            )
        if matches and matches[0].kind != "code":
            raise ImportFileError(
                f"qcoder marks: {code_path(session, matches[0])!r} is a group in the codebook; "
                "qualcope codes with codes, groups hold them",
                path=path,
                line=line,
            )
        if matches:
            ids[key] = matches[0].id
            continue
        code = Code(name=name, name_key=key, kind="code", sort_order=order, cues={})
        order += 1
        session.add(code)
        session.flush()
        ids[key] = code.id
        created.append(name)
    return ids, tuple(created)

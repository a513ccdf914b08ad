"""The document listing read straight from a current SQLite project (`qualcope documents`).

``services.documents.list_documents`` reads the same facts through SQLAlchemy, which costs
several times a bare command to import before the first query (issue 16). When the project
is a SQLite file at the newest schema (``db.sqlite_file.connect_current``), this module
reads it with ``sqlite3`` instead, on a connection that only reads; otherwise it answers None and
the command goes the ordinary way. The two must list exactly the same documents with the
same counts: ``tests/services/test_document_listing.py`` compares them field by field on
projects with cases, roles, attributes, finished marks and several coders. The counting of
coded turns is one function both use (``count_coded_turns``).
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcope.config import default_coder
from qualcope.db.sqlite_file import connect_current, sqlite_file_of
from qualcope.domain import DocumentRef


@dataclass(frozen=True)
class DocumentListing:
    """Documents as listed, and (when asked) every attribute key and each document's values."""

    refs: list[DocumentRef]
    attribute_keys: list[str] = field(default_factory=list)
    attributes: dict[int, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ListingCounts:
    """Per document: respondent and interviewer turns, turns coded by the listing coder and
    by anyone, and the listing coder's finished marks."""

    respondent: dict[int, int]
    interviewer: dict[int, int]
    coded: dict[int, int]
    coded_by_anyone: dict[int, int]
    finished: set[int]

    def refs(self, rows: Iterable[Sequence[Any]]) -> list[DocumentRef]:
        """A DocumentRef per (id, guid, name, case, role, participant, language, words,
        source format) row, with its counts."""
        return [
            DocumentRef(
                id=i,
                guid=g,
                name=n,
                case=c,
                role=r,
                participant=p,
                language=lang,
                words=w,
                respondent_turns=self.respondent.get(i, 0),
                interviewer_turns=self.interviewer.get(i, 0),
                coded_turns=self.coded.get(i, 0),
                coded_turns_all=self.coded_by_anyone.get(i, 0),
                finished=i in self.finished,
                source_format=fmt,
            )
            for i, g, n, c, r, p, lang, w, fmt in rows
        ]


def count_coded_turns(
    codings: Iterable[tuple[int, int, int]], turns: Iterable[tuple[int, int, int]]
) -> dict[int, int]:
    """Per document, how many of ``turns`` (document, start, end) overlap at least one of
    ``codings`` (document, start, end; ordered by document and start).

    One ordered pass over each (a SQL range join is turns x codings per document).
    """
    starts: dict[int, list[int]] = {}
    reach: dict[int, list[int]] = {}  # the largest end among codings starting up to here
    for doc, start, end in codings:
        starts.setdefault(doc, []).append(start)
        ends = reach.setdefault(doc, [])
        ends.append(max(end, ends[-1]) if ends else end)
    counts: dict[int, int] = {}
    for doc, start, end in turns:
        index = bisect_left(starts.get(doc, []), end) - 1  # codings starting before the turn ends
        if index >= 0 and reach[doc][index] > start:
            counts[doc] = counts.get(doc, 0) + 1
    return counts


def merged_attributes(
    rows: Iterable[tuple[int, dict[str, Any] | None, dict[str, Any] | None]],
) -> tuple[list[str], dict[int, dict[str, str]]]:
    """Every attribute key and each document's values from (document, its own attributes, its
    participant's): the document's own value wins over its participant's of the same key."""
    values: dict[int, dict[str, str]] = {}
    for document_id, own, person in rows:
        merged = {**(person or {}), **(own or {})}
        values[int(document_id)] = {str(k): str(v) for k, v in merged.items() if v is not None}
    keys = sorted({k for found in values.values() for k in found}, key=lambda k: (k.casefold(), k))
    return keys, values


def quick_document_listing(
    location: str,
    coder: str | None,
    *,
    case: str | None = None,
    role: str | None = None,
    with_attributes: bool = False,
) -> DocumentListing | None:
    """The listing of ``list_documents`` (and ``document_attributes``) for ``coder``, or None
    when the project is not a current SQLite file or cannot be read here."""
    path = sqlite_file_of(location)
    conn = connect_current(path) if path is not None else None
    if conn is None:
        return None
    try:
        # An empty filter is no filter, as in list_documents.
        refs = _refs(conn, (coder or "").strip() or default_coder(), case or None, role or None)
        keys, attributes = _attributes(conn) if with_attributes else ([], {})
    except sqlite3.Error:
        return None  # locked for longer than the busy timeout, damaged...: the ordinary way
    finally:
        conn.close()
    return DocumentListing(refs, keys, attributes)


_TURNS = "FROM segments WHERE kind = 'turn'"
_DOCUMENTS = """
SELECT d.id, d.guid, d.name, c.name, p.role, p.label, d.language, d.word_count,
       d.source_format
FROM documents AS d
LEFT OUTER JOIN cases AS c ON c.id = d.case_id
LEFT OUTER JOIN participants AS p ON p.id = d.participant_id
WHERE (? IS NULL OR c.name = ?) AND (? IS NULL OR p.role = ?)
ORDER BY c.name, d.name, d.id
"""


def _refs(
    conn: sqlite3.Connection, coder: str, case: str | None, role: str | None
) -> list[DocumentRef]:
    found = conn.execute("SELECT id FROM coders WHERE name = ?", (coder,)).fetchone()
    coder_id = found[0] if found else None
    respondent: dict[int, int] = {}
    interviewer: dict[int, int] = {}
    for doc, is_interviewer, count in conn.execute(
        f"SELECT document_id, is_interviewer, count(*) {_TURNS} GROUP BY 1, 2"
    ):
        counts = interviewer if is_interviewer else respondent
        counts[doc] = counts.get(doc, 0) + count
    coded: dict[int, int] = {}
    finished: set[int] = set()
    if coder_id is not None:
        coded = _coded_turns(conn, coder_id)
        finished = {
            row[0]
            for row in conn.execute(
                "SELECT document_id FROM document_status WHERE coder_id = ? AND finished",
                (coder_id,),
            )
        }
    counts = ListingCounts(respondent, interviewer, coded, _coded_turns(conn, None), finished)
    return counts.refs(conn.execute(_DOCUMENTS, (case, case, role, role)))


def _coded_turns(conn: sqlite3.Connection, coder_id: int | None) -> dict[int, int]:
    codings = conn.execute(
        'SELECT document_id, start, "end" FROM codings WHERE ? IS NULL OR coder_id = ? '
        "ORDER BY document_id, start",
        (coder_id, coder_id),
    )
    turns = conn.execute(f'SELECT document_id, start, "end" {_TURNS} AND NOT is_interviewer')
    return count_coded_turns(codings, turns)


def _attributes(conn: sqlite3.Connection) -> tuple[list[str], dict[int, dict[str, str]]]:
    rows = conn.execute(
        "SELECT d.id, d.attributes, p.attributes FROM documents AS d "
        "LEFT OUTER JOIN participants AS p ON p.id = d.participant_id"
    )
    return merged_attributes((doc, _json(own), _json(person)) for doc, own, person in rows)


def _json(value: str | None) -> dict[str, Any] | None:
    """A JSON column as SQLAlchemy's JSON type reads it (SQL NULL and JSON null are None)."""
    return json.loads(value) if value is not None else None

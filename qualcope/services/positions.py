"""A document's positions as other tools count them, and quotes checked against its text.

Exchange (codings CSV, REFI-QDA, QualCoder) speaks *file positions*: code points of the text
as read from the file, byte-order mark excluded. qualcope stores a canonical text and, per
document, the exact map between the two (``ingest.offsets``). This module is the one place
that loads the map and converts; a document imported before maps were kept has unknown
file positions, and its positions are taken as stored positions, with a message.

Quotes from elsewhere carry the file's line endings and accents: they are normalised like
the text before they are compared, and a mismatch is explained (the quote sits a few
characters away: positions counted differently; it differs only by white space).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcope.db.models import Document
from qualcope.ingest.normalise import normalise
from qualcope.ingest.offsets import OffsetMap

FILE, STORED = "file", "stored"
POSITION_KINDS = (FILE, STORED)
# How far from the given span a quote is looked for when it does not match there.
SEARCH_WINDOW = 2_000


@dataclass(frozen=True)
class DocumentPositions:
    """A document's stored text and its map to file positions (``known``: recorded)."""

    document_id: int
    name: str
    text: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    known: bool = True

    def to_stored(self, start: int, end: int, kind: str) -> tuple[int, int, bool]:
        """(stored start, stored end, exact) of a span given in ``kind`` positions."""
        if kind == STORED or not self.known:
            return start, end, True
        return self.offsets.span_to_stored(start, end)

    def to_kind(self, start: int, end: int, kind: str) -> tuple[int, int, str]:
        """A stored span in ``kind`` positions, and the kind it really is in (a document
        without a recorded map can only give stored positions)."""
        if kind == STORED or not self.known:
            return start, end, STORED
        file_start, file_end = self.offsets.span_to_file(start, end)
        return file_start, file_end, FILE

    def file_length(self) -> int:
        return self.offsets.to_file(len(self.text), end=True) if self.known else len(self.text)


def load_positions(
    session: Session, document_ids: Iterable[int] | None = None
) -> dict[int, DocumentPositions]:
    """The positions of documents (all when ``document_ids`` is None), by id."""
    query = select(
        Document.id, Document.name, Document.text, Document.offset_map, Document.import_report
    )
    if document_ids is not None:
        query = query.where(Document.id.in_(list(document_ids)))
    out: dict[int, DocumentPositions] = {}
    for doc_id, name, text, blob, report in session.execute(query):
        known = bool((report or {}).get("offsets", {}).get("file_positions"))
        out[int(doc_id)] = DocumentPositions(
            int(doc_id), str(name), str(text), OffsetMap.unpack(blob), known
        )
    return out


def quote_matches(quote: str, text: str, start: int, end: int) -> bool:
    """Whether a quote from elsewhere is the text at [start, end), once normalised like it."""
    return normalise(quote).text == text[start:end]


def explain_mismatch(quote: str, text: str, start: int, end: int, kind: str) -> str:
    """Why a quote does not match the text at a span, as precisely as can be told."""
    wanted = normalise(quote).text
    there = text[start:end]
    if wanted.strip() and wanted.strip() == there.strip():
        return (
            "the quote differs from the text only by white space at its ends "
            f"(the text there is {there[:40]!r})"
        )
    low = max(0, start - SEARCH_WINDOW)
    found = text.find(wanted, low, end + SEARCH_WINDOW) if wanted else -1
    if found < 0 and wanted.strip():
        found = text.find(wanted.strip(), low, end + SEARCH_WINDOW)
    if found >= 0 and found != start:
        shift = found - start
        side = "after" if shift > 0 else "before"
        advice = (
            "if they are qualcope's stored positions, use --positions stored"
            if kind == FILE
            else "if they count the characters of the file, use --positions file"
        )
        return (
            f"the quote is in the text {abs(shift)} characters {side} the given position "
            f"(at {found}-{found + len(wanted)} in stored positions): the positions were "
            "probably counted differently (line endings, leading blank lines, a byte-order "
            f"mark); {advice}"
        )
    return f"the quote does not match the text there (the text there is {there[:40]!r})"

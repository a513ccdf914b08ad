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


def explain_mismatch(quote: str, doc: DocumentPositions, start: int, end: int, kind: str) -> str:
    """Why a quote does not match the text at a span given in ``kind`` positions, as
    precisely as can be told: the other kind of positions fits, it sits a few characters
    away, or it differs only by white space."""
    text = doc.text
    wanted = normalise(quote).text
    low, high, _ = doc.to_stored(start, end, kind)
    there = text[low:high]
    if wanted.strip() and wanted.strip() == there.strip():
        return (
            "the quote differs from the text only by white space at its ends "
            f"(the text there is {there[:40]!r})"
        )
    other = STORED if kind == FILE else FILE
    if doc.known and other != kind:
        o_low, o_high, _ = doc.to_stored(start, end, other)
        if wanted and text[o_low:o_high] == wanted:
            return (
                f"the quote is there in {other} positions, not in {kind} positions "
                f"(they differ by line endings, leading blank lines or accents): "
                f"use --positions {other} or a positions column"
            )
    found = text.find(wanted, max(0, low - SEARCH_WINDOW), high + SEARCH_WINDOW) if wanted else -1
    if found >= 0 and found != low:
        shift = found - low
        side = "after" if shift > 0 else "before"
        return (
            f"the quote is in the text {abs(shift)} characters {side} the given position: the "
            "positions were probably counted differently (line endings, leading blank lines, "
            "a byte-order mark, characters counted in UTF-16)"
        )
    return f"the quote does not match the text there (the text there is {there[:40]!r})"

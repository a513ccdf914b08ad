"""Search: plain text or regex in one document or the whole project, and "next uncoded turn".

Owns the rules of a user's search (reliability.md C6): a regex runs under one
overall time limit with the ``regex`` module, so ``^(a|aa)+$`` cannot freeze
anything; an invalid pattern is a one-line ``SearchError``; the query and the
text are compared in NFC, and every hit is mapped back to offsets into the
document's stored (canonical) text. A plain search ignores case and treats any
run of white space in the query as any run of white space in the text.
"""

from __future__ import annotations

import time
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import regex
from sqlalchemy import select

from qualcope.db.models import Coder, Coding, Document, Segment
from qualcope.domain import SegmentView, StopCallback, never_stop
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services.project import Project

DEFAULT_TIMEOUT = 1.0
DEFAULT_LIMIT = 5000
CONTEXT = 40


class SearchError(QualcopeError):
    """A search that cannot run: empty query, invalid or too slow pattern."""


@dataclass(frozen=True)
class SearchHit:
    """One match: [start, end) of a document's canonical text, with some context."""

    document_id: int
    start: int
    end: int
    before: str = ""
    match: str = ""
    after: str = ""


# ------------------------------------------------------------------ patterns
def compile_query(
    query: str, *, use_regex: bool = False, case_sensitive: bool = False
) -> regex.Pattern:
    """The compiled pattern of a user's query (raises SearchError on a bad query)."""
    if not query.strip():
        raise SearchError("type something to search for")
    query = unicodedata.normalize("NFC", query)
    flags = regex.VERSION0 | (0 if case_sensitive else regex.IGNORECASE)
    if use_regex:
        try:
            return regex.compile(query, flags)
        except (regex.error, ValueError, OverflowError) as exc:
            raise SearchError(f"invalid regular expression {query!r}: {exc}") from exc
    words = query.split()
    return regex.compile(r"\s+".join(regex.escape(word) for word in words), flags)


# ------------------------------------------------------------ NFC offset map
class _NfcView:
    """The NFC form of a text with maps from NFC offsets back to the original offsets."""

    def __init__(self, text: str) -> None:
        self.original = text
        if unicodedata.is_normalized("NFC", text):
            self.text = text
            self._starts: list[int] | None = None
            return
        pieces: list[str] = []
        starts: list[int] = []  # original start of the cluster holding each NFC char
        ends: list[int] = []  # original end of the cluster holding each NFC char
        for begin, finish in _clusters(text):
            chunk = text[begin:finish]
            normal = unicodedata.normalize("NFC", chunk)
            pieces.append(normal)
            if normal == chunk:
                starts.extend(range(begin, finish))
                ends.extend(range(begin + 1, finish + 1))
            else:
                starts.extend([begin] * len(normal))
                ends.extend([finish] * len(normal))
        self.text = "".join(pieces)
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of a starter character followed by its combining marks."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for index in range(1, len(text)):
        if unicodedata.combining(text[index]) == 0 and not _is_jamo_follower(text[index]):
            spans.append((begin, index))
            begin = index
    if text:
        spans.append((begin, len(text)))
    return spans


def _is_jamo_follower(char: str) -> bool:
    # Hangul vowel and final jamo compose with the preceding jamo under NFC.
    return "\u1160" <= char <= "\u11ff"


# -------------------------------------------------------------------- search
def search_text(
    text: str,
    query: str,
    *,
    use_regex: bool = False,
    case_sensitive: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
) -> list[tuple[int, int]]:
    """(start, end) of every non-empty match in text, in original offsets."""
    pattern = compile_query(query, use_regex=use_regex, case_sensitive=case_sensitive)
    deadline = time.monotonic() + timeout
    return _matches(pattern, _NfcView(text), deadline, limit, query)


def _matches(
    pattern: regex.Pattern, view: _NfcView, deadline: float, limit: int, query: str
) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = 0
    length = len(view.text)
    while position <= length and len(found) < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _too_slow(query)
        try:
            match = pattern.search(view.text, position, timeout=remaining)
        except TimeoutError as exc:
            raise _too_slow(query) from exc
        if match is None:
            break
        start, end = match.span()
        if end > start:
            found.append(view.span(start, end))
            position = end
        else:
            position = end + 1
    return found


def _too_slow(query: str) -> SearchError:
    return SearchError(
        f"the search for {query!r} took too long and was stopped; simplify the pattern"
    )


def _hit(document_id: int, text: str, start: int, end: int) -> SearchHit:
    return SearchHit(
        document_id,
        start,
        end,
        before=text[max(0, start - CONTEXT) : start],
        match=text[start:end],
        after=text[end : end + CONTEXT],
    )


def search_document(
    project: Project,
    document_id: int,
    query: str,
    *,
    use_regex: bool = False,
    case_sensitive: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """Every match in one document, by position."""
    pattern = compile_query(query, use_regex=use_regex, case_sensitive=case_sensitive)
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        raise NotFoundError(f"no document {document_id}")
    deadline = time.monotonic() + timeout
    return [
        _hit(document_id, text, s, e)
        for s, e in _matches(pattern, _NfcView(text), deadline, limit, query)
    ]


def search_project(
    project: Project,
    query: str,
    *,
    use_regex: bool = False,
    case_sensitive: bool = False,
    timeout: float = DEFAULT_TIMEOUT * 3,
    limit: int = DEFAULT_LIMIT,
    should_stop: StopCallback = never_stop,
) -> list[SearchHit]:
    """Every match in every document (documents in the listing order), up to limit hits.

    The time limit covers the whole search; should_stop lets a caller cancel it.
    """
    pattern = compile_query(query, use_regex=use_regex, case_sensitive=case_sensitive)
    with project.read() as session:
        ids = list(session.scalars(select(Document.id).order_by(Document.name, Document.id)))
    deadline = time.monotonic() + timeout
    hits: list[SearchHit] = []
    for document_id in ids:
        if should_stop() or len(hits) >= limit:
            break
        with project.read() as session:
            text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
        spans = _matches(pattern, _NfcView(text), deadline, limit - len(hits), query)
        hits.extend(_hit(document_id, text, s, e) for s, e in spans)
    return hits


# ------------------------------------------------------- next uncoded turn
def next_uncoded_turn(
    project: Project,
    document_id: int,
    after: int,
    *,
    coder: str | None = None,
    wrap: bool = True,
) -> SegmentView | None:
    """The first respondent turn starting after offset ``after`` that this coder has not coded.

    With ``wrap`` the search continues from the top of the document. None when
    every respondent turn carries at least one coding of the coder.
    """
    coder = coder or project.coder
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.id == document_id))
        if text is None:
            raise NotFoundError(f"no document {document_id}")
        turns = session.execute(
            select(Segment.id, Segment.start, Segment.end, Segment.speaker, Segment.turn_index)
            .where(
                Segment.document_id == document_id,
                Segment.kind == "turn",
                Segment.is_interviewer.is_(False),
            )
            .order_by(Segment.start, Segment.id)
        ).all()
        coded = session.execute(
            select(Coding.start, Coding.end)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coding.document_id == document_id, Coder.name == coder)
            .order_by(Coding.start)
        ).all()
    starts = [int(s) for s, _ in coded]
    # Largest end among codings starting at or before each index: one pass, then bisect.
    max_end: list[int] = []
    best = -1
    for _, end in coded:
        best = max(best, int(end))
        max_end.append(best)

    def is_coded(start: int, end: int) -> bool:
        # A coding overlaps [start, end) when it starts before end and ends after start.
        index = bisect_right(starts, end - 1) - 1
        return index >= 0 and max_end[index] > start

    ordered = [t for t in turns if t.start > after]
    if wrap:
        ordered += [t for t in turns if t.start <= after]
    for row in ordered:
        if not is_coded(row.start, row.end):
            return SegmentView(
                id=row.id,
                document_id=document_id,
                kind="turn",
                start=row.start,
                end=row.end,
                speaker=row.speaker,
                is_interviewer=False,
                turn_index=row.turn_index,
                text=text[row.start : row.end],
            )
    return None

"""The codings of the open document, indexed by position for drawing and for the cursor panel.

Pure Python. Codings sit in fixed-size buckets of the text, so the view asks
"which codings touch this screen line" in time independent of how many
codings the document has, and one coding is added or removed without
rebuilding anything (key-to-screen time must not grow with document size).
"""

from __future__ import annotations

from collections.abc import Iterable

from qualcope.domain import CodingView

BUCKET = 256


class CodingIndex:
    """Codings by id and by the buckets of text they cover."""

    def __init__(self, codings: Iterable[CodingView] = ()) -> None:
        self._codings: dict[int, CodingView] = {}
        self._buckets: dict[int, set[int]] = {}
        for coding in codings:
            self.add(coding)

    def __len__(self) -> int:
        return len(self._codings)

    def __contains__(self, coding_id: int) -> bool:
        return coding_id in self._codings

    def get(self, coding_id: int) -> CodingView | None:
        return self._codings.get(coding_id)

    def all(self) -> list[CodingView]:
        return sorted(self._codings.values(), key=lambda c: (c.start, c.end, c.id))

    def add(self, coding: CodingView) -> None:
        if coding.id in self._codings:
            self.remove(coding.id)
        self._codings[coding.id] = coding
        for bucket in _buckets(coding.start, coding.end):
            self._buckets.setdefault(bucket, set()).add(coding.id)

    def remove(self, coding_id: int) -> CodingView | None:
        coding = self._codings.pop(coding_id, None)
        if coding is None:
            return None
        for bucket in _buckets(coding.start, coding.end):
            members = self._buckets.get(bucket)
            if members is not None:
                members.discard(coding_id)
                if not members:
                    del self._buckets[bucket]
        return coding

    def overlapping(self, start: int, end: int) -> list[CodingView]:
        """Codings overlapping [start, end) (the character at start when the range is empty),
        outermost first: by start, then longest first."""
        end = max(end, start + 1)
        ids: set[int] = set()
        for bucket in _buckets(start, end):
            ids.update(self._buckets.get(bucket, ()))
        found = [c for c in (self._codings[i] for i in ids) if c.start < end and c.end > start]
        found.sort(key=lambda c: (c.start, -c.end, c.id))
        return found

    def replace_region(self, start: int, end: int, fresh: Iterable[CodingView]) -> None:
        """Make the region [start, end) hold exactly the given codings (the project's truth)."""
        for coding in self.overlapping(start, end):
            self.remove(coding.id)
        for coding in fresh:
            self.add(coding)

    def next_of_code(self, code_id: int, after: int) -> CodingView | None:
        """The first coding of a code starting after an offset (wrapping to the top)."""
        mine = sorted(
            (c for c in self._codings.values() if c.code_id == code_id), key=lambda c: c.start
        )
        for coding in mine:
            if coding.start > after:
                return coding
        return mine[0] if mine else None


def _buckets(start: int, end: int) -> range:
    return range(start // BUCKET, (max(end, start + 1) - 1) // BUCKET + 1)

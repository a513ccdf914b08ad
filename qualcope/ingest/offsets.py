"""Offset maps: positions in a file's text <-> positions in the stored (canonical) text.

Other tools (QualCoder, NVivo, ATLAS.ti, REFI-QDA) count positions in code points of the
text as read from the file, byte-order mark excluded. qualcope stores a canonical text (line
breaks made LF, NFC, control characters out; see ``normalise``), so a document keeps the
exact map between the two. Where the texts agree the map is the identity plus a shift; it
records only the *regions* that changed, each as (file start, file end, stored start, stored
end): a CRLF made LF is ``(i, i + 2, j, j + 1)``, a removed control character
``(i, i + 1, j, j)``, an ``e`` + U+0301 composed to ``é`` ``(i, i + 2, j, j + 1)``.

A position at a region's edge converts exactly both ways. A position strictly inside a region
(between the CR and the LF of a pair) has no stored equivalent: a span's start moves to the
region's start and its end to the region's end, so a converted span never loses a character,
and the conversion says it was not exact. Across a removed region a span's start goes after
the removed characters and its end before them.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

_ITEM = "I" if array("I").itemsize == 4 else "L"  # 32-bit unsigned, as sentence_bounds

Region = tuple[int, int, int, int]  # file start, file end, stored start, stored end


@dataclass(frozen=True)
class OffsetMap:
    """The changed regions between a file's text and its stored text, in text order."""

    regions: tuple[Region, ...] = ()

    @property
    def is_identity(self) -> bool:
        return not self.regions

    @cached_property
    def _columns(self) -> tuple[list[int], list[int], list[int], list[int]]:
        fs: list[int] = []
        fe: list[int] = []
        ss: list[int] = []
        se: list[int] = []
        for a, b, c, d in self.regions:
            fs.append(a)
            fe.append(b)
            ss.append(c)
            se.append(d)
        return fs, fe, ss, se

    # ------------------------------------------------------------ file -> stored
    def to_stored(self, position: int, *, end: bool = False) -> int:
        """The stored position of a file position (as a span's start, or its ``end``)."""
        if not self.regions:
            return position
        fs, fe, ss, se = self._columns
        if end:
            i = bisect_left(fs, position) - 1  # the last region starting before the position
            if i < 0:
                return position
            return se[i] if position < fe[i] else se[i] + position - fe[i]
        i = bisect_right(fs, position) - 1  # the last region starting at or before it
        if i < 0:
            return position
        return ss[i] if position < fe[i] else se[i] + position - fe[i]

    def inside(self, position: int) -> bool:
        """Whether a file position falls strictly inside a changed region (no exact twin)."""
        fs, fe, _, _ = self._columns
        i = bisect_right(fs, position) - 1
        return i >= 0 and fs[i] < position < fe[i]

    def span_to_stored(self, start: int, end: int) -> tuple[int, int, bool]:
        """(stored start, stored end, exact) of a file span; widened when not exact."""
        exact = not (self.inside(start) or self.inside(end))
        return self.to_stored(start), self.to_stored(end, end=True), exact

    # ------------------------------------------------------------ stored -> file
    def to_file(self, position: int, *, end: bool = False) -> int:
        """The file position of a stored position (as a span's start, or its ``end``)."""
        if not self.regions:
            return position
        fs, fe, ss, se = self._columns
        if end:
            i = bisect_left(ss, position) - 1  # the last region starting before it
            if i < 0:
                return position
            return fe[i] if position < se[i] else fe[i] + position - se[i]
        i = bisect_right(ss, position) - 1  # the last region starting at or before it
        if i < 0:
            return position
        if ss[i] == position:  # a region starting here: a removal is skipped, else its start
            return fe[i] if se[i] == position else fs[i]
        return fs[i] if position < se[i] else fe[i] + position - se[i]

    def inside_stored(self, position: int) -> bool:
        """Whether a stored position falls strictly inside a changed region ('ö' + U+0301
        composed from three file characters into two has no file position between them)."""
        _, _, ss, se = self._columns
        i = bisect_right(ss, position) - 1
        return i >= 0 and ss[i] < position < se[i]

    def span_to_file(self, start: int, end: int) -> tuple[int, int]:
        """(file start, file end) of a stored span (an empty span stays before what was
        removed at its place)."""
        stop = self.to_file(end, end=True)
        return (stop, stop) if start == end else (self.to_file(start), stop)

    # ---------------------------------------------------------------- storage
    def pack(self) -> bytes | None:
        """The stored form (None for the identity): unsigned 32-bit little-endian integers,
        four per region."""
        if not self.regions:
            return None
        values = array(_ITEM, [value for region in self.regions for value in region])
        if sys.byteorder != "little":
            values.byteswap()
        return values.tobytes()

    @classmethod
    def unpack(cls, blob: bytes | None) -> OffsetMap:
        if not blob:
            return cls()
        values = array(_ITEM)
        values.frombytes(bytes(blob))
        if sys.byteorder != "little":
            values.byteswap()
        return cls(tuple(zip(values[0::4], values[1::4], values[2::4], values[3::4], strict=True)))

    def shifted(self, file_offset: int, stored_offset: int) -> OffsetMap:
        """This map for a text that starts ``file_offset``/``stored_offset`` into a longer one."""
        return OffsetMap(
            tuple(
                (a + file_offset, b + file_offset, c + stored_offset, d + stored_offset)
                for a, b, c, d in self.regions
            )
        )


def concatenate(parts: Sequence[tuple[OffsetMap, int, int]]) -> OffsetMap:
    """One map for texts joined end to end: each part is (its map, its file length, its
    stored length), in order."""
    regions: list[Region] = []
    file_at = stored_at = 0
    for part, file_length, stored_length in parts:
        regions.extend(part.shifted(file_at, stored_at).regions)
        file_at += file_length
        stored_at += stored_length
    return OffsetMap(tuple(regions))


def compose(first: OffsetMap, then: OffsetMap) -> OffsetMap:
    """One map for two steps: ``first`` maps the file to a middle text, ``then`` the middle
    text to the stored one (a text normalised, then marks taken out of it).

    Regions of the two steps that overlap inside the middle text become one region, so a
    span ending inside either still widens to whole characters; elsewhere each region keeps
    its extent, carried through the other step's shift.
    """
    if first.is_identity:
        return then
    if then.is_identity:
        return first
    # (middle start, middle end, file start, file end, stored start, stored end) of each.
    items = [
        (c, d, a, b, then.to_stored(c), then.to_stored(d, end=True)) for a, b, c, d in first.regions
    ]
    items += [
        (a, b, first.to_file(a), first.to_file(b, end=True), c, d) for a, b, c, d in then.regions
    ]
    items.sort(key=lambda item: (item[0], item[1]))
    groups: list[list[int]] = []
    for low, high, file_start, file_end, stored_start, stored_end in items:
        if groups and low < groups[-1][1]:  # overlapping inside the middle text: one region
            group = groups[-1]
            group[1] = max(group[1], high)
            group[2], group[3] = min(group[2], file_start), max(group[3], file_end)
            group[4], group[5] = min(group[4], stored_start), max(group[5], stored_end)
        else:
            groups.append([low, high, file_start, file_end, stored_start, stored_end])
    return OffsetMap(tuple((g[2], g[3], g[4], g[5]) for g in groups))


def utf16_to_code_points(text: str, position: int) -> int | None:
    """The code-point index of a position counted in UTF-16 units (as Qt and JavaScript
    count), or None when it falls inside a surrogate pair or beyond the text."""
    units = 0
    for index, char in enumerate(text):
        if units == position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > position:
            return None
    return len(text) if units == position else None


def code_points_to_utf16(text: str, position: int) -> int:
    """The UTF-16 position of a code-point index."""
    return position + sum(1 for char in text[:position] if ord(char) > 0xFFFF)

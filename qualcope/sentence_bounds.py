"""The stored form of a document's sentences: (start, end) offset pairs packed as bytes.

Sentences are fixed at import (the text never changes afterwards), there are many of them
(~90,000 in a million words) and nothing points at one by id, so they are kept as one value
per document, ``documents.sentence_bounds``, rather than a database row each: unsigned 32-bit
little-endian integers, start and end of each sentence one after another, in text order.
A sentence never crosses a turn; the turn that holds it is found from the offsets.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from typing import Any

_ITEM = "I" if array("I").itemsize == 4 else "L"  # 32-bit unsigned on every platform we know


def pack(pairs: Iterable[tuple[int, int]]) -> bytes:
    """Bytes of (start, end) pairs, as stored."""
    values = array(_ITEM, [offset for pair in pairs for offset in pair])
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def pack_array(pairs: Any) -> bytes:
    """Bytes of an (n, 2) numpy integer array of (start, end) pairs, as stored (no Python
    object per sentence; numpy is not imported here: the array converts itself)."""
    return bytes(pairs.astype("<u4").tobytes())


def unpack(blob: bytes | None) -> list[tuple[int, int]]:
    """The (start, end) pairs of stored bytes (none for ``None`` or empty bytes)."""
    if not blob:
        return []
    values = array(_ITEM)
    values.frombytes(bytes(blob))
    if sys.byteorder != "little":
        values.byteswap()
    return list(zip(values[0::2], values[1::2], strict=True))


def count(blob: bytes | None) -> int:
    """How many sentences stored bytes hold."""
    return len(blob) // 8 if blob else 0

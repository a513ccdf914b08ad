"""The stored form of sentence offsets (qualcope.sentence_bounds)."""

from __future__ import annotations

import numpy

from qualcope import sentence_bounds


def test_pairs_and_arrays_pack_alike_and_unpack_to_the_pairs() -> None:
    pairs = [(0, 12), (13, 70_000), (70_001, 2**32 - 1)]
    packed = sentence_bounds.pack(pairs)
    assert sentence_bounds.pack_array(numpy.array(pairs, dtype=numpy.int64)) == packed
    assert len(packed) == 8 * len(pairs) and packed[:8] == bytes([0, 0, 0, 0, 12, 0, 0, 0])
    assert sentence_bounds.unpack(packed) == pairs
    assert sentence_bounds.count(packed) == 3
    assert sentence_bounds.unpack(None) == sentence_bounds.unpack(b"") == []
    assert sentence_bounds.pack_array(numpy.zeros((0, 2), dtype=numpy.int64)) == b""

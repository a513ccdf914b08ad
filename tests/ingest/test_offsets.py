"""Offset maps: a span in a file's positions converts to stored positions and back exactly.

Property tests over random texts made of what real files hold: byte-order marks, leading and
trailing white space, CRLF, lone CR and other line breaks, decomposed accents, control
characters and escape sequences, astral characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualcope.ingest import read_transcript
from qualcope.ingest.normalise import normalise
from qualcope.ingest.offsets import OffsetMap, concatenate

MakeFile = Callable[[bytes | str, str], Path]

PIECES = [
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "  ",
    "\t",
    "e\u0301",  # NFD é
    "A\u030a",  # NFD Å
    "\u1100\u1161\u11a8",  # Hangul jamo: one syllable in NFC
    "o\u0308\u0301",
    "\u212b",  # Angstrom sign: NFC makes it Å (one for one)
    "\x00",
    "\x07",
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x9b31m",
    "\x85",
    "\u2028",
    "\ufeff",
    "👨‍👩‍👧",
    "🇫🇷",
    "café",
    "Interviewer: ",
    "R: ",
    "Well,",
    " we met.",
    "x",
    "\u0301",  # a combining mark at a piece's start
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def positions(text: str) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(
        lambda pair: (min(pair), max(pair))
    )


def test_a_sentence_after_leading_blank_lines_and_crlf_keeps_its_file_positions(
    make_file: MakeFile,
) -> None:
    raw = "\r\n\r\nInterviewer: So?\r\nRespondent: We met twice.\r\n"
    a = raw.index("We met")
    b = a + len("We met twice.")
    transcript = read_transcript(make_file(raw.encode(), "crlf.txt"))
    s, e, exact = transcript.offsets.span_to_stored(a, b)
    assert exact and transcript.text[s:e] == "We met twice."
    assert (s, e) == (a - 3, b - 3)  # three CRs before it
    assert transcript.offsets.span_to_file(s, e) == (a, b)
    assert transcript.text.startswith("\n\nInterviewer")  # never trimmed


@settings(max_examples=400, deadline=None)
@given(st.data(), texts)
def test_every_exact_file_span_holds_the_same_characters_in_the_stored_text(
    data: st.DataObject, raw: str
) -> None:
    done = normalise(raw)
    stored, offsets = done.text, done.offsets
    for a, b in [(0, len(raw))] + [data.draw(positions(raw)) for _ in range(5)]:
        s, e, exact = offsets.span_to_stored(a, b)
        assert 0 <= s <= e <= len(stored)
        if exact:
            assert stored[s:e] == normalise(raw[a:b]).text, (raw, a, b)
            # ... and back to the same file positions (up to removed characters at the edges).
            fa, fb = offsets.span_to_file(s, e)
            assert normalise(raw[fa:fb]).text == stored[s:e]
            assert a <= fa <= fb <= b or s == e  # (nothing kept: a removed run)
        else:  # widened to whole changed regions, never narrowed
            inner_a = next(p for p in range(a, len(raw) + 1) if not offsets.inside(p))
            inner_b = next(p for p in range(b, -1, -1) if not offsets.inside(p))
            if inner_a <= inner_b:  # the exact part of the span is inside the widened one
                s2, e2, exact2 = offsets.span_to_stored(inner_a, inner_b)
                assert exact2 and s <= s2 <= e2 <= e


@settings(max_examples=400, deadline=None)
@given(st.data(), texts)
def test_every_stored_span_goes_to_the_file_and_back_unchanged(
    data: st.DataObject, raw: str
) -> None:
    done = normalise(raw)
    s, e = data.draw(positions(done.text))
    fa, fb = done.offsets.span_to_file(s, e)
    assert 0 <= fa <= fb <= len(raw)
    back = done.offsets.span_to_stored(fa, fb)
    if done.offsets.inside_stored(s) or done.offsets.inside_stored(e):
        assert back[0] <= s <= e <= back[1] or s == e  # inside a composed cluster: widened
    else:
        assert back == (s, e, True)
        assert normalise(raw[fa:fb]).text == done.text[s:e]


@given(texts)
def test_the_map_packs_and_unpacks_and_its_ends_meet(raw: str) -> None:
    done = normalise(raw)
    assert OffsetMap.unpack(done.offsets.pack()) == done.offsets
    assert done.offsets.to_stored(len(raw), end=True) == len(done.text)
    assert done.offsets.to_file(len(done.text), end=True) <= len(raw)
    assert (
        unicodedata.is_normalized("NFC", done.text)
        or "\x00" in raw
        or "\x07" in raw
        or ("\x1b" in raw or "\x9b" in raw or "\ufeff" in raw)
    )  # only a removed character can keep two halves of an accent apart


def test_what_changed_is_counted() -> None:
    done = normalise("\r\n\r\nR: Cafe\u0301\x00 ok\rbye\u2028")
    assert done.text == "\n\nR: Café ok\nbye\n"
    assert done.changes == {
        "CRLF -> LF": 2,
        "accents composed (NFC)": 1,
        "control characters removed": 1,
        "CR -> LF": 1,
        "other line breaks -> LF": 1,
    }


def test_concatenated_maps_shift_each_part() -> None:
    first, second = normalise("a\r\nb"), normalise("x\x00y")
    joined = concatenate([(first.offsets, 4, 3), (second.offsets, 3, 2)])
    assert joined.to_stored(4 + 2) == 3 + 1  # 'y' of the second part
    assert joined.to_file(3) == 4  # 'x'


@settings(max_examples=150, deadline=None)
@given(data=st.data(), body=texts, bom=st.booleans(), codec=st.sampled_from(["utf-8", "utf-16"]))
def test_a_file_with_a_bom_and_crlf_round_trips_through_import(
    data: st.DataObject,
    body: str,
    bom: bool,
    codec: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    raw = "\n\n  Interviewer: How?\r\n\r\nRespondent: " + body + "  \r\n"
    assume(raw.count("\x00") < 2)  # more NULs in so short a file is refused as binary, rightly
    encoded = raw.encode(codec)  # the utf-16 codec writes a BOM itself
    if codec == "utf-8" and bom:
        encoded = codecs.BOM_UTF8 + encoded
    folder = tmp_path_factory.mktemp("bom")
    path = folder / "t.txt"
    path.write_bytes(encoded)
    transcript = read_transcript(path)
    # File positions count the file's code points without its byte-order mark.
    a, b = data.draw(positions(raw))
    s, e, exact = transcript.offsets.span_to_stored(a, b)
    if exact:
        assert transcript.text[s:e] == normalise(raw[a:b]).text
    assert transcript.bom == (bom or codec == "utf-16")


@given(st.text(alphabet=st.sampled_from(["a", "é", "👨", "\u200d", "🇫", "漢", "\n"]), max_size=40))
def test_utf16_positions_convert_both_ways_and_never_split_a_pair(text: str) -> None:
    from qualcope.ingest.offsets import code_points_to_utf16, utf16_to_code_points

    for index in range(len(text) + 1):
        units = code_points_to_utf16(text, index)
        assert units == len(text[:index].encode("utf-16-le")) // 2
        assert utf16_to_code_points(text, units) == index
    total = len(text.encode("utf-16-le")) // 2
    for units in range(total + 1):
        found = utf16_to_code_points(text, units)
        if found is None:  # inside a surrogate pair
            assert 0 < units < total
        else:
            assert code_points_to_utf16(text, found) == units

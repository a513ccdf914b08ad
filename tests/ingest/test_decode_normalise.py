"""Decoding and normalisation: what a researcher's odd files become (reliability.md C1-1..5, 8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcope.errors import EncodingError, ImportFileError
from qualcope.ingest import read_transcript
from qualcope.ingest.normalise import normalise

MakeFile = Callable[[bytes | str, str], Path]


def test_utf8_bom_is_removed_and_offset_zero_is_the_first_letter(make_file: MakeFile) -> None:
    transcript = read_transcript(make_file(b"\xef\xbb\xbfHi there", "bom.txt"))
    assert transcript.text == "Hi there"
    assert transcript.turns[0].start == 0


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(make_file: MakeFile, codec: str) -> None:
    data = "héllo wörld".encode(codec)
    if codec.endswith(("-le", "-be")):  # add the BOM the codec itself leaves out
        data = "\ufeffhéllo wörld".encode(codec)
    transcript = read_transcript(make_file(data, "wide.txt"))
    assert transcript.text == "héllo wörld"


def test_utf16_without_a_bom_is_refused_with_the_option_that_reads_it(
    make_file: MakeFile,
) -> None:
    path = make_file("Interviewer: hello there, how are you?".encode("utf-16-le"), "nobom.txt")
    with pytest.raises(ImportFileError, match="UTF-16 text without a byte-order mark.*utf-16-le"):
        read_transcript(path)
    assert read_transcript(path, encoding="utf-16-le").text.startswith("Interviewer: hello")


def test_cp1252_is_detected_when_confident_and_reported(make_file: MakeFile) -> None:
    data = "Caf\u00e9 talk: we don\u2019t meet on Mondays.\n".encode("cp1252")
    transcript = read_transcript(make_file(data, "old.txt"))
    assert transcript.text == "Café talk: we don’t meet on Mondays.\n"  # never trimmed
    assert (transcript.encoding, transcript.encoding_detected) == ("cp1252", True)
    assert "\ufffd" not in transcript.text


def test_undecodable_bytes_are_refused_naming_the_offset_never_stored_as_fffd(
    make_file: MakeFile,
) -> None:
    # Mostly non-ASCII bytes: not confidently cp1252 (nor UTF-8).
    data = b"ab" + bytes(range(0xC0, 0xFF)) * 3
    path = make_file(data, "mystery.txt")
    with pytest.raises(
        EncodingError, match=r"mystery\.txt: is not UTF-8 \(byte 0xc0 at offset 2\)"
    ):
        read_transcript(path)
    latin = read_transcript(path, encoding="latin-1")
    assert "\ufffd" not in latin.text and latin.encoding == "iso8859-1"


def test_explicit_encoding_that_does_not_fit_names_the_byte(make_file: MakeFile) -> None:
    with pytest.raises(EncodingError, match=r"cannot be decoded as utf-8 \(byte 0xe9 at offset 3"):
        read_transcript(make_file(b"caf\xe9", "x.txt"), encoding="utf-8")
    with pytest.raises(EncodingError, match="unknown encoding 'klingon'"):
        read_transcript(make_file(b"cafe", "y.txt"), encoding="klingon")


def test_explicit_cp1252_stores_cafe(make_file: MakeFile) -> None:
    transcript = read_transcript(make_file(b"caf\xe9 \x93ok\x94", "c.txt"), encoding="cp1252")
    assert transcript.text == "café “ok”"
    assert transcript.encoding == "cp1252" and not transcript.encoding_detected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"a\r\nb\rc\nd", "a\nb\nc\nd"),
        (b"Ana: one\r\n\r\nBen: two\r", "Ana: one\n\nBen: two\n"),
        ("a\u2028b\x85c\x0cd\u2029e".encode(), "a\nb\nc\nd\ne"),
    ],
)
def test_line_endings_become_lf_once(make_file: MakeFile, raw: bytes, expected: str) -> None:
    text = read_transcript(make_file(raw, "lines.txt")).text
    assert text == expected
    assert text.split("\n") == (text + "\n").splitlines()  # one line model everywhere


def test_control_characters_and_escape_sequences_are_removed_and_counted(
    make_file: MakeFile,
) -> None:
    raw = "Ana: hi\x00 there\x1b[2J now\x9b31m red\x1b]52;c;ZXZpbA==\x07 end\tok\x07".encode()
    transcript = read_transcript(make_file(raw, "esc.txt"))
    assert transcript.text == "Ana: hi there now red end\tok"
    assert transcript.removed_controls == 5
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in transcript.text)


def test_nfc_is_applied_once_at_import(make_file: MakeFile) -> None:
    transcript = read_transcript(make_file("Cafe\u0301 e\u0301n".encode(), "nfd.txt"))
    assert transcript.text == "Café én"


@given(st.text())
def test_normalise_is_idempotent_and_leaves_no_controls(text: str) -> None:
    once = normalise(text).text
    again = normalise(once)
    assert again.text == once and again.removed == 0 and again.offsets.is_identity
    assert once.split("\n") == (once + "\n").splitlines()
    assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in once)

"""Files that are not transcripts: refused before parsing, saying what they look like.

reliability.md C1-6, C1-7, C1-9, C1-10, C1-11.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from qualcope.errors import ImportFileError
from qualcope.ingest import read_transcript
from tests.conftest import fastest

MakeFile = Callable[[bytes | str, str], Path]


def _docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [(b"", "the file is empty"), (b" \n\t\r\n  ", r"the document is empty \(only white space\)")],
    ids=["empty", "white space"],
)
def test_empty_or_whitespace_file(make_file: MakeFile, content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_transcript(make_file(content, "blank.txt"))


@pytest.mark.parametrize(
    "content, looks_like",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old Word \\(.doc\\) file"),
        (b"PK\x03\x04" + b"\x00" * 60, "a zip archive"),
        (b"\x00\x01\x02\x00binary\x00\x00\x00\x00" * 50, "binary data \\(\\d+% NUL bytes\\)"),
    ],
    ids=["pdf", "png", "jpeg", "ole", "zip", "nul-heavy"],
)
def test_binary_with_a_text_extension_says_what_it_looks_like(
    make_file: MakeFile, content: bytes, looks_like: str
) -> None:
    with pytest.raises(ImportFileError, match=f"notes.txt: this looks like {looks_like}"):
        read_transcript(make_file(content, "notes.txt"))


def test_a_docx_renamed_txt_is_recognised_as_a_word_document(make_file: MakeFile) -> None:
    path = make_file(_docx_bytes("Interviewer: hello"), "interview.txt")
    with pytest.raises(ImportFileError, match="looks like a Word document \\(.docx\\)"):
        read_transcript(path)


def test_size_cap_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCOPE_MAX_FILE_MB", "50")
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: no disk used, nothing to read
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match="huge.txt: the file is 200 MB, over the 50 MB"):
            read_transcript(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20


def test_size_cap_is_configurable(make_file: MakeFile, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_file("Ana: " + "word " * 1000, "small.txt")
    monkeypatch.setenv("QUALCOPE_MAX_FILE_MB", "0.001")
    with pytest.raises(ImportFileError, match="over the 0 MB limit .*QUALCOPE_MAX_FILE_MB"):
        read_transcript(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not a zip at all", "is not a valid Word document \\(.docx\\)"),
        (b"", "the file is empty"),
        ("zip-without-content-types", "is not a valid Word document .*word/document.xml"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "is a password-protected or old"),
    ],
    ids=["not a zip", "empty", "no content types", "password-protected"],
)
def test_invalid_or_protected_docx_is_one_domain_error(
    make_file: MakeFile, content: bytes | str, message: str
) -> None:
    if content == "zip-without-content-types":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        content = buffer.getvalue()
    assert isinstance(content, bytes)
    with pytest.raises(ImportFileError, match=f"broken.docx: {message}"):
        read_transcript(make_file(content, "broken.docx"))


@pytest.mark.timeout(20)
def test_zip_bomb_docx_is_rejected_before_opening(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\x00" * 2**20
            for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
                member.write(chunk)
    assert bomb.stat().st_size < 2 * 2**20
    with pytest.raises(ImportFileError, match="bomb.docx: .*refusing a possible zip bomb"):
        read_transcript(bomb)
    ordinary = tmp_path / "ordinary.docx"
    document = docx.Document()
    document.add_paragraph("Interviewer: Hello.")
    document.save(str(ordinary))

    def refuse() -> None:
        with pytest.raises(ImportFileError):
            read_transcript(bomb)

    refused, read = fastest(3, refuse, lambda: read_transcript(ordinary))
    # Refused from the archive's header (0.2-0.3 ms against 14-60 ms for the one-line
    # document); inflating the 200 MB takes 1.4-2 s.
    assert refused < read, f"refused in {refused * 1e3:.1f} ms, read in {read * 1e3:.1f} ms"


def test_zip_with_too_many_parts_is_rejected(tmp_path: Path) -> None:
    many = tmp_path / "many.odt"
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(2_100):
            archive.writestr(f"p{index}", b"")
    with pytest.raises(ImportFileError, match="has 2100 parts .*zip bomb"):
        read_transcript(many)


def test_unsupported_extension(make_file: MakeFile) -> None:
    with pytest.raises(ImportFileError, match="unsupported file type .pdf; qualcope reads .txt"):
        read_transcript(make_file(b"%PDF-1.4", "paper.pdf"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="gone.txt: file not found"):
        read_transcript(tmp_path / "gone.txt")

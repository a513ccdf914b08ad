"""Readers for word-processor transcripts: .docx and .odt.

The zip limits are checked before any XML is read (reliability.md C1-11), and any failure
becomes one ``ImportFileError`` ("not a valid Word document"), never a traceback (C1-10).
``docx_text`` and ``odt_text`` give the document's whole text as a reader sees it, paragraph
by paragraph, with the speaker labels its structure shows (bold runs, speaker tables) and
what was left out (comments, footnotes); from there a Word transcript takes exactly the path
of a plain-text one (``plain.text_transcript``), so the same interview as .txt, .docx and
.odt gives the same text and the same turns.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.base import RawText, Transcript
from qualcope.ingest.plain import text_transcript
from qualcope.ingest.sniff import check_archive

WORD = "Word document (.docx)"
ODT = "OpenDocument text (.odt)"


def _transcript(
    raw: RawText, path: Path, fmt: str, interviewers: Sequence[str], speakers: Sequence[str]
) -> Transcript:
    if not raw.text.strip():
        raise ImportFileError("the document is empty (no text)", path=path)
    return text_transcript(
        raw.text,
        path,
        fmt,
        "",
        False,
        interviewers,
        speakers,
        hints=raw.hints,
        left_out=raw.left_out,
    )


def read_docx(
    path: Path, interviewers: Sequence[str] = (), speakers: Sequence[str] = ()
) -> Transcript:
    """A Word .docx file (bold speaker labels, plain labels, or a speaker/text table)."""
    from qualcope.ingest.docx_text import docx_raw_text

    check_archive(path, WORD)
    return _transcript(docx_raw_text(path), path, "docx", interviewers, speakers)


def read_odt(
    path: Path, interviewers: Sequence[str] = (), speakers: Sequence[str] = ()
) -> Transcript:
    """An OpenDocument text file."""
    from qualcope.ingest.odt_text import odt_raw_text

    check_archive(path, ODT)
    _refuse_encrypted_odt(path)
    return _transcript(odt_raw_text(path), path, "odt", interviewers, speakers)


def _refuse_encrypted_odt(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive, archive.open("META-INF/manifest.xml") as member:
            manifest = member.read(1_000_000)
    except KeyError as exc:
        raise ImportFileError(f"is not a valid {ODT} (no manifest)", path=path) from exc
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise ImportFileError(f"is not a valid {ODT}", path=path) from exc
    if b"encryption-data" in manifest:
        raise ImportFileError(
            "is a password-protected OpenDocument file; remove the password first", path=path
        )

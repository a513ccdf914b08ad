"""Readers for plain-text transcripts: .txt, .md and .rtf (through striprtf).

The canonical text is the file's text, normalised once; speaker turns are found in it by
``turns.detect_turns`` so every offset points into exactly the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from qualcope.errors import EncodingError, ImportFileError
from qualcope.ingest.base import Transcript
from qualcope.ingest.decode import bom_encoding, decode, is_wide
from qualcope.ingest.normalise import normalise
from qualcope.ingest.sniff import refuse_binary
from qualcope.ingest.turns import detect_turns

_RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")


def refuse_empty(data: bytes, path: Path) -> None:
    if not data:
        raise ImportFileError("the file is empty", path=path)


def text_transcript(
    raw: str,
    path: Path,
    source_format: str,
    encoding: str,
    detected: bool,
    interviewers: Sequence[str] = (),
) -> Transcript:
    """Normalise decoded text and find its turns."""
    text, removed = normalise(raw)
    if not text:
        what = "only white space" if not raw.strip() else "only control characters"
        raise ImportFileError(f"the document is empty ({what})", path=path)
    turns = detect_turns(text, interviewers)
    return Transcript(
        text=text,
        turns=tuple(turns),
        source_format=source_format,
        encoding=encoding,
        encoding_detected=detected,
        removed_controls=removed,
    )


def read_text(
    data: bytes,
    path: Path,
    source_format: str,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
) -> Transcript:
    """A .txt or .md file."""
    refuse_empty(data, path)
    wide = is_wide(encoding) or is_wide(bom_encoding(data))
    refuse_binary(data, path, path.suffix.lower(), wide_text=wide)
    raw, used, detected = decode(data, path, encoding)
    return text_transcript(raw, path, source_format, used, detected, interviewers)


def read_rtf(
    data: bytes, path: Path, encoding: str | None = None, interviewers: Sequence[str] = ()
) -> Transcript:
    """An .rtf file: its text through striprtf, then as plain text."""
    from striprtf.striprtf import rtf_to_text

    refuse_empty(data, path)
    refuse_binary(data, path, ".rtf")
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ImportFileError("is not an RTF document (it does not start with {\\rtf)", path=path)
    codepage = _RTF_CODEPAGE.search(data[:4096])
    # Raw 8-bit bytes and \'xx escapes in RTF are in the document's ANSI code page.
    chosen = encoding or (f"cp{int(codepage.group(1))}" if codepage else "cp1252")
    raw, used, _ = decode(data, path, chosen)
    try:
        plain = rtf_to_text(raw, encoding=used, errors="strict")
    except (UnicodeDecodeError, LookupError) as exc:
        raise EncodingError(
            f"RTF text cannot be decoded as {used}; give the right encoding with --encoding",
            path=path,
        ) from exc
    except (ValueError, IndexError) as exc:
        raise ImportFileError(f"is not a valid RTF document ({exc})", path=path) from exc
    return text_transcript(plain, path, "rtf", used, False, interviewers)

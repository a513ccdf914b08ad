"""Readers for plain-text transcripts: .txt, .md and .rtf (through striprtf).

The canonical text is the file's text, normalised once (``normalise``, with the map back to
the file's positions); speaker turns are found in it by ``turns.find_turns`` so every offset
points into exactly the stored text. ``text_transcript`` is the one path from a reader's text
to a transcript: .docx and .odt readers hand it their text and label hints too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from qualcope.errors import EncodingError, ImportFileError
from qualcope.ingest.base import LabelHint, Transcript
from qualcope.ingest.decode import bom_encoding, decode, is_wide
from qualcope.ingest.inline_codes import InlineCoding, has_inline_codes, take_inline_codes
from qualcope.ingest.normalise import INLINE_MARKS, normalise
from qualcope.ingest.offsets import compose
from qualcope.ingest.sniff import refuse_binary
from qualcope.ingest.turns import find_turns

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
    speakers: Sequence[str] = (),
    *,
    hints: Sequence[LabelHint] = (),
    left_out: Sequence[str] = (),
    bom: bool = False,
) -> Transcript:
    """Normalise a reader's text (recording the map) and find its turns and preambles."""
    done = normalise(raw)
    text, offsets, changes = done.text, done.offsets, done.changes
    codings: tuple[InlineCoding, ...] = ()
    if has_inline_codes(text):  # qcoder's codings are marks in the text: made codings
        taken = take_inline_codes(text, path)
        text, offsets = taken.text, compose(offsets, taken.offsets)
        changes, codings = {**changes, INLINE_MARKS: taken.marks}, taken.codings
        again = normalise(text)  # a mark between a letter and its accent kept them apart
        if again.text != text:
            text, offsets = again.text, compose(offsets, again.offsets)
            changes = {
                k: changes.get(k, 0) + again.changes.get(k, 0) for k in {*changes, *again.changes}
            }
            codings = tuple(
                replace(
                    coding,
                    start=again.offsets.to_stored(coding.start),
                    end=again.offsets.to_stored(coding.end, end=True),
                )
                for coding in codings
            )
    if not text.strip():
        what = "only white space" if not raw.strip() else "only control characters"
        raise ImportFileError(f"the document is empty ({what})", path=path)
    mapped = [
        LabelHint(offsets.to_stored(h.start), offsets.to_stored(h.content), h.label, h.timestamp)
        for h in hints
    ]
    layout = find_turns(text, interviewers, speakers, mapped)
    return Transcript(
        text=text,
        turns=tuple(layout.turns),
        source_format=source_format,
        encoding=encoding,
        encoding_detected=detected,
        offsets=offsets,
        changes=changes,
        inline_codings=codings,
        preambles=tuple(layout.preambles),
        label_notes=tuple(str(note) for note in layout.notes),
        left_out=tuple(left_out),
        bom=bom,
        hints=tuple(mapped),
    )


def read_text(
    data: bytes,
    path: Path,
    source_format: str,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
) -> Transcript:
    """A .txt or .md file."""
    refuse_empty(data, path)
    bom = bom_encoding(data)
    wide = is_wide(encoding) or is_wide(bom)
    refuse_binary(data, path, path.suffix.lower(), wide_text=wide)
    raw, used, detected = decode(data, path, encoding)
    return text_transcript(
        raw, path, source_format, used, detected, interviewers, speakers, bom=bom is not None
    )


def read_rtf(
    data: bytes,
    path: Path,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
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
    return text_transcript(plain, path, "rtf", used, False, interviewers, speakers)

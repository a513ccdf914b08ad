"""Readers for word-processor transcripts: .docx (python-docx) and .odt (odfpy).

The zip limits are checked before either library opens the file (reliability.md C1-11), and
any failure of the library becomes one ``ImportFileError`` ("not a valid Word document"),
never a traceback (C1-10). Each paragraph (or table row) is a piece; a bold leading
``Speaker:`` run is the usual label in Word transcripts, plain ``Speaker:`` text works too.
The canonical text is rebuilt as one paragraph per turn, ``Speaker: text``.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcope.errors import ImportFileError
from qualcope.ingest.base import Piece, Transcript
from qualcope.ingest.labels import MAX_LABEL_CHARS, MAX_LABEL_WORDS, label_key
from qualcope.ingest.pieces import apply_text_labels, assemble, inherit_speakers
from qualcope.ingest.sniff import check_archive
from qualcope.ingest.turns import seconds

WORD = "Word document (.docx)"
ODT = "OpenDocument text (.odt)"
_TIMESTAMP_CELL = re.compile(r"^\s*[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?\s*$")
_PLAUSIBLE_LABEL = re.compile(r"[^\W\d_][\w .'’\-]*")


def _finish(pieces: list[Piece], path: Path, fmt: str, interviewers: Sequence[str]) -> Transcript:
    apply_text_labels(pieces)
    inherit_speakers(pieces)
    done = assemble(pieces, joiner="\n", interviewers=interviewers)
    if not done.text:
        raise ImportFileError("the document is empty (no text)", path=path)
    return Transcript(
        text=done.text,
        turns=tuple(done.turns),
        source_format=fmt,
        encoding="",
        offsets=done.offsets,
        changes=done.changes,
    )


# ------------------------------------------------------------------ .docx
def read_docx(
    path: Path, interviewers: Sequence[str] = (), speakers: Sequence[str] = ()
) -> Transcript:
    """A Word .docx file (bold speaker labels, plain labels, or a speaker/text table)."""
    check_archive(path, WORD)
    try:
        import docx

        document = docx.Document(str(path))
        blocks = list(_docx_blocks(document))
    except ImportFileError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        raise ImportFileError(f"is not a valid {WORD} ({_reason(exc)})", path=path) from exc
    bold_counts = Counter(label_key(b.label) for b in blocks if b.label and not b.colon)
    pieces: list[Piece] = []
    for block in blocks:
        # A bold label without a colon counts only when it recurs (not a bold first word).
        if block.label and (block.colon or bold_counts[label_key(block.label)] >= 2):
            pieces.append(Piece(block.label, block.rest, block.meta))
        else:
            pieces.append(Piece(None, block.full, block.meta))
    return _finish(pieces, path, "docx", interviewers)


def _reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile | KeyError):
        return "a part of the document is missing"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


@dataclass
class _Block:
    """A paragraph or table row: its label (bold or a table cell), the text after it."""

    label: str | None
    rest: str
    colon: bool
    full: str
    meta: dict[str, object] = field(default_factory=dict)


def _docx_blocks(document: Any) -> Iterator[_Block]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_rows(block)
            continue
        text = block.text
        if not text.strip():
            continue
        label, rest, colon = _bold_label(block)
        yield _Block(label, rest, colon, text)


def _is_bold(run: Any) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    if run.element.style is None:  # no character style: skip python-docx's slow default lookup
        return False
    style = run.style
    return bool(style is not None and style.font is not None and style.font.bold)


def _bold_label(paragraph: Any) -> tuple[str | None, str, bool]:
    prefix = ""
    for run in paragraph.runs:
        if not run.text:
            continue
        if not _is_bold(run):
            break
        prefix += run.text
    full = paragraph.text
    if not prefix.strip() or not full.startswith(prefix):
        return None, full, False
    label = prefix.strip()
    rest = full[len(prefix) :]
    colon = label.endswith(":")
    if colon:
        label = label[:-1].strip()
    elif rest.lstrip().startswith(":"):
        rest = rest.lstrip()[1:]
        colon = True
    elif not rest.strip():
        return None, full, False  # a bold heading, not a label
    if (
        not label
        or len(label) > MAX_LABEL_CHARS
        or len(label.split()) > MAX_LABEL_WORDS
        or not _PLAUSIBLE_LABEL.fullmatch(label)
    ):
        return None, full, False
    return label, rest, colon


def _table_rows(table: Any) -> Iterator[_Block]:
    """Transcription services often deliver a table: speaker | (time) | text."""
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:  # merged cells repeat; keep each text once
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        meta: dict[str, object] = {}
        kept: list[str] = []
        for cell in cells:
            stamp = _TIMESTAMP_CELL.match(cell)
            if stamp and "start" not in meta:
                meta["start"] = seconds(stamp.group(1))
            else:
                kept.append(cell)
        if not kept:
            continue
        first = kept[0].rstrip(":").strip()
        full = " ".join(kept)
        if len(kept) >= 2 and len(first) <= MAX_LABEL_CHARS and _PLAUSIBLE_LABEL.fullmatch(first):
            yield _Block(first, " ".join(kept[1:]), True, full, meta)
        else:
            yield _Block(None, full, False, full, meta)


# ------------------------------------------------------------------- .odt
def read_odt(
    path: Path, interviewers: Sequence[str] = (), speakers: Sequence[str] = ()
) -> Transcript:
    """An OpenDocument text file (labels as plain ``Speaker:`` text)."""
    check_archive(path, ODT)
    _refuse_encrypted_odt(path)
    try:
        from odf import opendocument

        document = opendocument.load(str(path))
        texts = list(_odt_paragraphs(document.text))
    except Exception as exc:  # odfpy raises KeyError, xml.sax errors, ...
        raise ImportFileError(f"is not a valid {ODT} ({_reason(exc)})", path=path) from exc
    pieces = [Piece(None, text) for text in texts if text.strip()]
    return _finish(pieces, path, "odt", interviewers)


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


def _odt_paragraphs(node: Any) -> Iterator[str]:
    """Paragraph and heading texts in document order (inside lists, sections and tables too)."""
    from odf import teletype
    from odf.namespaces import TEXTNS

    stack = [node]
    while stack:
        current = stack.pop()
        if getattr(current, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            yield teletype.extractText(current)
            continue
        stack.extend(reversed(getattr(current, "childNodes", [])))

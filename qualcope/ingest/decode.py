"""Decoding bytes to text: BOMs, an explicit encoding, strict UTF-8, confident cp1252 detection.

Decoding is always strict: a byte that does not fit is an error naming its offset, never a
silent U+FFFD (reliability.md C1-3). Without a BOM or an ``--encoding``, UTF-8 is tried first;
when it fails, cp1252 is accepted only when the result looks like Western European text
(few non-ASCII characters, all of them letters or typographic punctuation). The encoding used
is returned so it can be reported and recorded with the document.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from qualcope.errors import EncodingError

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# cp1252 characters found in real Western European text besides letters.
_TYPOGRAPHIC = set("\u00a0’‘“”„–—…€«»°§©®™•·¿¡ºª´¨¸")
MAX_NON_ASCII_SHARE = 0.1


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, else None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def is_wide(encoding: str | None) -> bool:
    """Whether text in this encoding is full of NUL bytes (UTF-16/UTF-32)."""
    if not encoding:
        return False
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding used, whether it was detected rather than given or announced)."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError as exc:
            raise EncodingError(f"unknown encoding {encoding!r}", path=path) from exc
        codec = "utf-8-sig" if name == "utf-8" else name  # a BOM is never text
        return _strict(data, codec, path, shown=name), name, False
    announced = bom_encoding(data)
    if announced:
        return _strict(data, announced, path, shown=announced), announced, False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        guess = _cp1252_if_confident(data)
        if guess is not None:
            return guess, "cp1252", True
        raise EncodingError(
            f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "give its encoding with --encoding (for example cp1252 or latin-1)",
            path=path,
        ) from exc


def _strict(data: bytes, encoding: str, path: Path, *, shown: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"cannot be decoded as {shown} (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); give the right encoding with --encoding",
            path=path,
        ) from exc


def _cp1252_if_confident(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii or len(non_ascii) > MAX_NON_ASCII_SHARE * len(text):
        return None
    for ch in non_ascii:
        if ch in _TYPOGRAPHIC:
            continue
        if unicodedata.category(ch).startswith("L") and ord(ch) <= 0x24F:
            continue
        return None
    return text

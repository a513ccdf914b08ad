"""Checks before a file is parsed: size cap, magic bytes, NUL-heavy data, zip-bomb limits.

Each check runs before the expensive or dangerous step it protects: the size is taken with
``os.stat`` before reading (reliability.md C1-9), magic bytes and the NUL ratio before decoding
(C1-7), and the zip central directory before python-docx or odfpy open an archive (C1-11).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from qualcope.config import MAX_FILE_MB_ENV, max_file_bytes
from qualcope.errors import ImportFileError

# Zip limits: real transcripts (.docx/.odt) have tens of parts and a few MB of XML.
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # XML compresses 10-20x; a bomb of zeros ~1000x
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# NUL-heavy data is binary (or UTF-16 without a BOM); a stray NUL in text is only stripped.
SNIFF_BYTES = 64 * 1024
MAX_NUL_SHARE = 0.05

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Word (.doc) file or a password-protected Office document",
    ),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def check_size(path: Path) -> int:
    """The file's size; refuses a missing file, a folder, or a file over the size cap."""
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise ImportFileError("file not found", path=path) from exc
    except OSError as exc:
        raise ImportFileError(f"cannot read the file ({exc.strerror})", path=path) from exc
    if not path.is_file():
        raise ImportFileError("is not a file", path=path)
    cap = max_file_bytes()
    if stat.st_size > cap:
        raise ImportFileError(
            f"the file is {stat.st_size / 2**20:.0f} MB, over the {cap / 2**20:.0f} MB limit "
            f"(set {MAX_FILE_MB_ENV} to raise it)",
            path=path,
        )
    return stat.st_size


def read_capped(path: Path) -> bytes:
    """The file's bytes, never more than the size cap (it is checked again while reading)."""
    check_size(path)
    cap = max_file_bytes()
    try:
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    except OSError as exc:
        raise ImportFileError(f"cannot read the file ({exc.strerror})", path=path) from exc
    if len(data) > cap:  # it grew after the check
        raise ImportFileError(f"the file is over the {cap / 2**20:.0f} MB limit", path=path)
    return data


def looks_like(data: bytes) -> str | None:
    """What a binary file looks like from its first bytes ('a PDF document'), else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[4:8] == b"ftyp":
        return "an MP4/M4A media file"
    if data.startswith(b"RIFF") and data[8:12] in (b"WAVE", b"AVI "):
        return "a WAV audio file" if data[8:12] == b"WAVE" else "an AVI video file"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    return None


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:  # bounded: never unpack a whole part
                    mimetype = member.read(100)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return "a zip archive"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if b"opendocument.text" in mimetype:
        return "an OpenDocument text (.odt)"
    if "xl/workbook.xml" in names:
        return "an Excel workbook (.xlsx)"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint file (.pptx)"
    return "a zip archive"


def refuse_binary(data: bytes, path: Path, suffix: str, *, wide_text: bool = False) -> None:
    """Refuse bytes that are not text (for a text suffix); ``wide_text`` allows UTF-16/32 NULs."""
    what = looks_like(data)
    if what is not None:
        raise ImportFileError(f"this looks like {what}, not a {suffix} text file", path=path)
    if data.lstrip().startswith(b"{\\rtf") and suffix != ".rtf":
        raise ImportFileError("this looks like an RTF document; rename it to .rtf", path=path)
    if wide_text:
        return
    head = data[:SNIFF_BYTES]
    nuls = head.count(0)
    if not head or nuls / len(head) <= MAX_NUL_SHARE:
        return
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if nuls / len(head) > 0.3 and max(even, odd) > 0.9 * nuls:
        order = "utf-16-le" if odd > even else "utf-16-be"
        raise ImportFileError(
            "this looks like UTF-16 text without a byte-order mark; "
            f"import it with --encoding {order}",
            path=path,
        )
    raise ImportFileError(
        f"this looks like binary data ({nuls / len(head):.0%} NUL bytes), not a {suffix} text file",
        path=path,
    )


def check_archive(path: Path, what: str) -> None:
    """Refuse a file that is not a zip, or whose parts are too many, too big or too compressed."""
    head = b""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise ImportFileError(f"cannot read the file ({exc.strerror})", path=path) from exc
    if not head.startswith(b"PK"):
        kind = looks_like(head)
        if kind and "password-protected" in kind:
            raise ImportFileError(
                f"is a password-protected or old-format (.doc) file, not a valid {what}; "
                "remove the password or save it again as a current file",
                path=path,
            )
        hint = f" (it looks like {kind})" if kind else ""
        raise ImportFileError(f"is not a valid {what}{hint}", path=path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"is not a valid {what} (a damaged zip archive)", path=path) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            f"has {len(infos)} parts (limit {MAX_ZIP_MEMBERS}); refusing a possible zip bomb",
            path=path,
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise ImportFileError(
            f"would unpack to {total / 2**20:.0f} MB (limit {MAX_ZIP_TOTAL_BYTES / 2**20:.0f} MB);"
            " refusing a possible zip bomb",
            path=path,
        )
    for info in infos:
        if info.file_size < RATIO_CHECK_FROM_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_ZIP_RATIO:
            raise ImportFileError(
                f"part {info.filename!r} expands {ratio:.0f} times; refusing a possible zip bomb",
                path=path,
            )


def suffix_of(path: Path) -> str:
    return os.path.splitext(path.name)[1].lower()

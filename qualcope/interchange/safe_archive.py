"""Reading untrusted exchange files safely: zip archives in memory, XML without entities.

Archives are never extracted to disk (reliability.md C2-1): members are read in memory by
name, and only names without ``..``, an absolute path, a drive letter or a backslash are
accepted; symbolic links and names stored twice are refused. Limits on the number of members,
the total size, the compression ratio and each member's size are checked against the central
directory and again while reading, because a header may lie (C2-2): a member must unpack to
exactly the size its header gives, with its CRC, or it is refused (a header giving less, with
the CRC of that much, would otherwise cut a text short). What all reads unpack together is
counted too, so a document naming one member many times cannot multiply it.
XML is parsed by lxml with entity resolution, DTD loading and network access off, and a
document that declares a DTD is refused (C2-3, C2-4) before the parser sees it: no exchange
format uses one, and a DTD is how entity attacks start. Every failure is one
``ImportFileError`` naming the file.
"""

from __future__ import annotations

import copy
import re
import stat
import zipfile
import zlib
from pathlib import Path
from types import TracebackType

from lxml import etree

from qualcope.errors import ImportFileError

MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 2 * 1024**3  # a project with its media; text sources are read only
MAX_MEMBER_BYTES = 512 * 1024**2
MAX_RATIO = 200  # XML compresses 10-20x; a bomb of zeros ~1000x
RATIO_CHECK_FROM = 1024 * 1024
_BAD_NAME = re.compile(r"(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[A-Za-z]:|\\|\x00")
_PROLOG_LOOK = 1024 * 1024  # a prolog (declaration, comments) longer than this is refused
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile cannot read
    ValueError,
)


def size_text(count: int) -> str:
    """A byte count for a message: megabytes when large, bytes when small."""
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count:,} bytes"


def safe_name(name: str) -> bool:
    """Whether a member name stays inside the archive (no '..', no absolute path)."""
    return not _BAD_NAME.search(name)


class SafeArchive:
    """A zip archive opened for reading members in memory, within limits."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        try:
            self.archive = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise ImportFileError("file not found", path=path) from exc
        except zipfile.BadZipFile as exc:
            raise self.error("not a zip archive") from exc
        except _READ_ERRORS as exc:
            raise self.error(f"cannot open the archive: {first_line(exc)}") from exc
        infos = self.archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.error(f"{len(infos):,} members, over the limit of {MAX_MEMBERS:,}")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise self.error(f"it would unpack to {size_text(total)}, over the limit")
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.unpacked = 0  # bytes all reads have unpacked so far
        for info in infos:
            if info.filename in self.members:
                # Two members of one name: tools disagree on which one counts, so neither does.
                raise self.error(f"member {info.filename[:80]!r} is stored twice")
            if not safe_name(info.filename):
                raise self.error(f"member {info.filename[:80]!r} points outside the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self.error(f"member {info.filename[:80]!r} is a symbolic link")
            packed = max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_FROM and info.file_size / packed > MAX_RATIO:
                raise self.error(f"member {info.filename[:80]!r} is compressed suspiciously well")
            self.members[info.filename] = info
        # Tools write 'Project.qde' or 'project.qde', 'Sources/' or 'sources/'.
        self._folded = {name.casefold(): info for name, info in self.members.items()}

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.archive.close()

    def error(self, reason: str) -> ImportFileError:
        return ImportFileError(f"is not a valid {self.kind} ({reason})", path=self.path)

    def find(self, name: str) -> str | None:
        """The member's name as stored, matched exactly or else case-insensitively."""
        if name in self.members:
            return name
        info = self._folded.get(name.casefold())
        return info.filename if info is not None else None

    def read(self, name: str, limit: int | None = None) -> bytes:
        """A member's bytes, never more than ``limit`` (default ``MAX_MEMBER_BYTES``) however
        its header lies, nor more than ``MAX_TOTAL_BYTES`` over all reads of this archive."""
        # Looked up at call time, not bound as a default, so the limits can be changed.
        limit = MAX_MEMBER_BYTES if limit is None else limit
        found = self.find(name)
        if found is None:
            raise self.error(f"no {name} in the archive")
        budget = max(0, MAX_TOTAL_BYTES - self.unpacked)  # never below 0: read(-1) reads all
        info = self.members[found]
        if info.flag_bits & 0x1:
            raise self.error(f"{name} is encrypted (a password-protected archive)")
        cap = min(limit, budget) + 1
        # zipfile stops where the header's size says and checks the CRC of what it read: a
        # header declaring less than the member holds, with the CRC of that much, would cut
        # the text short without a word. So the member is read as far as its compressed data
        # goes (up to the cap), its length compared with the header's, then its CRC checked.
        unbounded = copy.copy(info)
        unbounded.file_size = max(info.file_size, cap)
        del unbounded.CRC  # zipfile checks no CRC without one: checked below, after the size
        try:
            with self.archive.open(unbounded) as member:
                data = member.read(cap)
        except _READ_ERRORS as exc:
            raise self.error(f"cannot read {name}: {first_line(exc)}") from exc
        if len(data) > limit:
            raise self.error(f"{name} is larger than {size_text(limit)}")
        if len(data) > budget:
            raise self.error(
                f"reading {name} would unpack more than {size_text(MAX_TOTAL_BYTES)} in all"
            )
        if len(data) != info.file_size:
            raise self.error(
                f"the header of {name} gives {info.file_size:,} bytes, but it holds {len(data):,}"
            )
        if zlib.crc32(data) != info.CRC:
            raise self.error(f"cannot read {name}: its CRC-32 does not match (a damaged archive)")
        self.unpacked += len(data)
        return data


def parser() -> etree.XMLParser:
    """An lxml parser that expands no entity, loads no DTD and reaches no network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, path: Path, what: str) -> etree._Element:
    """The root of an XML document read safely; malformed XML or a DTD is an error naming
    the line."""
    prolog = _prolog(data)
    if prolog == "dtd":
        raise ImportFileError(f"{what} declares a DTD, which is refused for safety", path=path)
    if prolog == "long":
        raise ImportFileError(
            f"{what} has more than {size_text(_PROLOG_LOOK)} before its first element",
            path=path,
        )
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        if "Excessive depth" in str(exc):  # libxml2's own limit; the codebook reader words it
            raise ImportFileError(
                f"{what} nests elements too deep (Excessive depth: more than 256 levels)",
                path=path,
                line=line,
            ) from exc
        raise ImportFileError(
            f"{what} is not well-formed XML ({first_line(exc)})", path=path, line=line
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ImportFileError(f"{what} declares a DTD, which is refused for safety", path=path)
    return root


def _prolog(data: bytes) -> str | None:
    """'dtd' when the document declares a DTD, 'long' when its prolog is too long to look
    through, else None: found by reading the prolog, before the parser reads a byte.

    Refusing here means no entity is ever declared, so the safety does not rest on the
    amplification limits of one libxml2 version (C2-4). The prolog is ASCII markup in every
    encoding; UTF-16 is decoded for the look, anything else read as Latin-1.
    """
    head = data[:_PROLOG_LOOK]
    if head.startswith((b"\xfe\xff", b"\x00<")):
        text = head.decode("utf-16-be", errors="replace")
    elif head.startswith((b"\xff\xfe", b"<\x00")):
        text = head.decode("utf-16-le", errors="replace")
    else:
        text = head.decode("latin-1").removeprefix("\xef\xbb\xbf")
    # Running out of the look is 'long' when there is more (padding cannot hide a DTD), and
    # nothing when the document ends there (the parser reports what is wrong with it).
    cut_off = "long" if len(data) > len(head) else None
    at = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n\ufeff":
            at += 1
        if at >= len(text):
            return cut_off
        for opening, closing in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opening, at):
                end = text.find(closing, at + len(opening))
                if end < 0:
                    return cut_off
                at = end + len(closing)
                break
        else:
            return "dtd" if text.startswith("<!DOCTYPE", at) else None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]

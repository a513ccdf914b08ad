"""Reading an office package (.docx, .odt) safely: zip members with a size cap, XML without
entities, DTDs or network.

Every failure becomes an ``ImportFileError`` "is not a valid <kind> (<reason>)" naming the
file. The caller checks the zip limits and encryption first (``sniff.check_archive``); a part
that declares a DTD is refused (office formats never use one, and a DTD is how entity
attacks start).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from types import TracebackType

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.sniff import MAX_ZIP_TOTAL_BYTES

# One part is never larger than the whole archive may be; the cap is re-checked while
# reading because a zip header may lie about a member's size.
MAX_PART_BYTES = MAX_ZIP_TOTAL_BYTES
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile cannot read
    ValueError,
)


class Package:
    """A zip package (.docx, .odt) opened for reading its XML parts safely.

    Every failure becomes an ``ImportFileError`` "is not a valid <kind> (<reason>)" naming
    the file; ``with Package(...) as package`` closes the archive.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        try:
            self.archive = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise ImportFileError("file not found", path=path) from exc
        except zipfile.BadZipFile as exc:
            raise self.error("not a zip archive") from exc
        except _ZIP_READ_ERRORS as exc:
            raise self.error(f"cannot open the archive: {first_line(exc)}") from exc
        infos = self.archive.infolist()
        self._members = {info.filename: info for info in infos}
        # Some generators write part names in another case; Office itself reads them
        # case-insensitively.
        self._folded = {info.filename.casefold(): info for info in infos}

    def __enter__(self) -> Package:
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

    def names(self) -> list[str]:
        return list(self._members)

    def has(self, name: str) -> bool:
        return self._info(name) is not None

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        return self._members.get(name) or self._folded.get(name.casefold())

    def read(self, name: str) -> bytes | None:
        """The bytes of a member (None when there is none), never more than the part cap."""
        info = self._info(name)
        if info is None:
            return None
        try:
            with self.archive.open(info) as member:
                data = member.read(MAX_PART_BYTES + 1)
        except _ZIP_READ_ERRORS as exc:
            raise self.error(f"cannot read {name}: {first_line(exc)}") from exc
        if len(data) > MAX_PART_BYTES:
            raise self.error(f"{name} is larger than {MAX_PART_BYTES // 2**20} MB")
        return data

    def xml(self, name: str) -> etree._Element | None:
        """A side part parsed safely; None when it is missing or malformed (a broken side
        part, such as comments, must not stop the import of the text).
        """
        return self._parse(name, required=False)

    def main_xml(self, name: str) -> etree._Element:
        """The main part parsed safely; missing or malformed, it is an ``ImportFileError``."""
        root = self._parse(name, required=True)
        if root is None:  # _parse raises instead; this satisfies the type
            raise self.error(f"no {name} in the archive")
        return root

    def _parse(self, name: str, *, required: bool) -> etree._Element | None:
        # Any part that declares a DTD is refused: office formats never use one.
        data = self.read(name)
        if data is None:
            if required:
                raise self.error(f"no {name} in the archive")
            return None
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            if required:
                raise self.error(f"{name} is not well-formed XML: {first_line(exc)}") from exc
            return None
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
            raise self.error(f"{name} declares a DTD, which is refused for safety")
        return root


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, libxml2's default size/depth limits.
    # Comments and processing instructions are dropped so that every child has a str tag.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]

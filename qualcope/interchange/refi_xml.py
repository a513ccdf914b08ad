"""The state of one REFI-QDA project read and the readers of its XML values (``refi_read``).

``ReadState`` holds what one read has found (GUIDs, users, codes, notes, texts) and decides
what a defect does: an error, or with ``lenient`` an entry in ``skipped``. Tools disagree on
namespaces, GUID spelling and colour forms; the value helpers read those the tolerant way the
reader promises, and read positions the strict way: only whole numbers written as XML Schema
integers, never what Python's ``int`` also accepts.
"""

from __future__ import annotations

import codecs
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import ExchangeNote
from qualcope.interchange.safe_archive import SafeArchive

# xsd:integer: ASCII digits with an optional sign (int() would also take '1_0' and '٣').
_INTEGER = re.compile(r"[ \t\r\n]*[+-]?[0-9]{1,18}[ \t\r\n]*")
# Fixed, so a selection the reader makes up (a whole-source coding) has the same GUID each time.
_MADE_UP = uuid.UUID("5d1c3a64-2f0e-4b7a-9c55-0f6a3e8b2d17")


def local(element: etree._Element) -> str:
    """An element's name without its namespace (tools disagree on namespaces)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Child elements of that name in any namespace or none (lxml's ``{*}``, at C speed)."""
    return element.iterchildren("{*}" + name)


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next(element.iterchildren("{*}" + name), None)  # find() parses its path each call


def ref(value: str | None) -> str:
    """A GUID as stored: lower case, without the braces some tools write."""
    if value is None:
        return ""
    if len(value) == 36 and value.islower():  # already so (nearly always): no copies
        return value
    return value.strip().strip("{}").lower()


def made_up_guid(*parts: str) -> str:
    """A valid GUID for something the file has no element for, stable across reads."""
    return str(uuid.uuid5(_MADE_UP, "/".join(parts)))


def integer(value: str | None) -> int | None:
    """A position written as an xsd:integer, or None (missing, a fraction, words, '1_0')."""
    if value is None or not _INTEGER.fullmatch(value):
        return None
    return int(value)


def timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def colour_of(value: str | None) -> str | None:
    """'#RGB' or '#RRGGBB' as '#rrggbb'; anything else: no colour."""
    if not value or not value.startswith("#"):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return None
    return "#" + digits.lower()


@dataclass
class ReadState:
    """The state of one read: the archive, the XML, what was found and what was skipped."""

    archive: SafeArchive
    path: Path
    lenient: bool
    skipped: list[str] = field(default_factory=list)
    # Every GUID read, in reading order: counted only at the end (a Counter per GUID costs).
    guids: list[str] = field(default_factory=list)
    notes: dict[str, ExchangeNote] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    code_guids: set[str] = field(default_factory=set)
    user_guids: set[str] = field(default_factory=set)
    # Each member read and decoded once, however many sources name it (a bomb by reference).
    texts: dict[str, str | UnicodeDecodeError] = field(default_factory=dict)
    # The members that began with a UTF-8 byte-order mark (left out of their text).
    with_bom: set[str] = field(default_factory=set)

    def fail(self, message: str, element: etree._Element | None = None) -> None:
        """A defect that would misplace data: an error, or (lenient) a skipped item."""
        line = element.sourceline if element is not None else None
        if self.lenient:
            self.skipped.append(f"line {line}: {message}" if line else message)
            return
        raise ImportFileError(message, path=self.path, line=line)

    def guid(self, element: etree._Element, *, required: bool = True) -> str:
        value = ref(element.get("guid"))
        if not value and required:
            raise ImportFileError(
                f"a <{local(element)}> has no guid", path=self.path, line=element.sourceline
            )
        if value:
            self.guids.append(value)  # lines are looked up only when one is used twice
        return value

    def twice(self) -> list[str]:
        """The GUIDs read more than once, in the order they were first read."""
        if len(set(self.guids)) == len(self.guids):
            return []
        return [guid for guid, n in Counter(self.guids).items() if n > 1]

    def note_texts(self, element: etree._Element) -> tuple[str, ...]:
        """The texts of the notes the element's NoteRefs point at."""
        return tuple(text for ref_ in children(element, "NoteRef") for text in self.note_text(ref_))

    def note_text(self, note_ref: etree._Element) -> tuple[str, ...]:
        """The text of the note a NoteRef points at (none, and a defect, when it points at
        none)."""
        target = ref(note_ref.get("targetGUID"))
        note = self.notes.get(target)
        if note is None:
            self.fail(f"a NoteRef points at no note ({target})", note_ref)
            return ()
        self.used_notes.add(target)
        return (note.text,)

    def user(self, element: etree._Element, what: str) -> tuple[bool, str | None]:
        """Whether the element's creatingUser is absent or known, and that user's GUID.

        An unknown user would silently become the importing coder: a defect like any
        dangling reference (C2-7).
        """
        user = ref(element.get("creatingUser")) or None
        if user is None or user in self.user_guids:
            return True, user
        self.fail(f"{what} was made by an unknown user ({user})", element)
        return False, None

    def text_of(self, element: etree._Element, what: str, *, required: bool) -> str | None:
        """The plain text of a source or note: inline, or the archive member it names."""
        inline = child(element, "PlainTextContent")
        if inline is not None:
            return inline.text or ""
        target = element.get("plainTextPath")
        if not target:
            if required:
                self.fail(f"{what} has no text (no plainTextPath, no PlainTextContent)", element)
            return None
        member = self._member(target)
        if member is None:
            where = " (relative:// is never read)" if target.startswith("relative://") else ""
            self.fail(f"{what}: its text {target!r} is not in the archive{where}", element)
            return None
        if member not in self.texts:
            self.texts[member] = self._decode(member)
        text = self.texts[member]
        if isinstance(text, UnicodeDecodeError):
            self.fail(f"{what}: {member} is not UTF-8 (byte offset {text.start})", element)
            return None
        return text

    def bom_before(self, element: etree._Element) -> bool:
        """Whether the source's text file began with a byte-order mark (read as no text)."""
        member = self._member(element.get("plainTextPath") or "")
        return member is not None and member in self.with_bom

    def _decode(self, member: str) -> str | UnicodeDecodeError:
        data = self.archive.read(member)
        if data.startswith(codecs.BOM_UTF8):
            self.with_bom.add(member)
        try:
            return data.decode("utf-8-sig")  # a byte-order mark is no text
        except UnicodeDecodeError as exc:
            return exc

    def _member(self, target: str) -> str | None:
        if target.startswith("relative://"):
            return None  # outside the archive (basePath): never read
        name = target.removeprefix("internal://").lstrip("/")
        for candidate in (f"sources/{name}", name):
            found = self.archive.find(candidate)
            if found is not None:
                return found
        return None

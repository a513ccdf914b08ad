"""Reading a REFI-QDA project (``.qdpx``) into an ``ExchangeProject``.

A ``.qdpx`` is a zip holding ``project.qde`` (``urn:QDA-XML:project:1.0``) and the sources
(``sources/<guid>.txt``). Tools write it with small differences, and the reader is tolerant
where the field is sloppy: any namespace or none, ``Project.qde`` or ``project.qde``,
``Sources/`` or ``sources/``, ``internal://`` paths or bare file names, UTF-8 texts with a
byte-order mark, an empty ``<Sets/>``. It is strict where a mistake would misplace a coding:
duplicate GUIDs, a reference to nothing (a code, a user, a source file), or a selection
outside its text stop the import with a one-line error naming the element and its line;
``lenient`` skips such an item and lists it instead. Nothing is ever clamped. What qualcope
cannot take (pictures, PDFs, audio, video, sets, graphs) is listed in ``skipped``.

The archive is read in memory (``safe_archive``); nothing is extracted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import (
    ExchangeCase,
    ExchangeCoding,
    ExchangeLink,
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
    ExchangeUser,
)
from qualcope.interchange.safe_archive import SafeArchive, parse_xml

QDPX = "REFI-QDA project (.qdpx)"
EXTENSION_MEMBER = "qualcope/extension.json"
MAX_DEPTH = 200
_MEDIA = {
    "PictureSource": "picture source",
    "PDFSource": "PDF source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
}


def local(element: etree._Element) -> str:
    """An element's name without its namespace (tools disagree on namespaces)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if local(child) == name)


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next(children(element, name), None)


def ref(value: str | None) -> str:
    """A GUID as stored: lower case, without the braces some tools write."""
    return (value or "").strip().strip("{}").lower()


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
class _Reader:
    """The state of one read: the archive, the XML, what was found and what was skipped."""

    archive: SafeArchive
    path: Path
    lenient: bool
    skipped: list[str] = field(default_factory=list)
    guids: Counter[str] = field(default_factory=Counter)
    guid_lines: dict[str, int] = field(default_factory=dict)
    notes: dict[str, ExchangeNote] = field(default_factory=dict)
    used_notes: set[str] = field(default_factory=set)
    code_guids: set[str] = field(default_factory=set)
    user_guids: set[str] = field(default_factory=set)

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
            self.guids[value] += 1
            self.guid_lines.setdefault(value, element.sourceline or 0)
        return value

    def text_of(self, element: etree._Element, what: str) -> str | None:
        """The plain text of a source or note: inline, or the archive member it names."""
        inline = child(element, "PlainTextContent")
        if inline is not None:
            return inline.text or ""
        target = element.get("plainTextPath")
        if not target:
            return None
        member = self._member(target)
        if member is None:
            self.fail(f"{what}: its text {target!r} is not in the archive", element)
            return None
        data = self.archive.read(member)
        try:
            return data.decode("utf-8-sig")  # a byte-order mark is not text
        except UnicodeDecodeError as exc:
            self.fail(f"{what}: {member} is not UTF-8 (byte offset {exc.start})", element)
            return None

    def _member(self, target: str) -> str | None:
        if target.startswith("relative://"):
            return None  # outside the archive (basePath): never read
        name = target.removeprefix("internal://").lstrip("/")
        for candidate in (f"sources/{name}", name):
            found = self.archive.find(candidate)
            if found is not None:
                return found
        return None


def read_qdpx(path: Path, *, lenient: bool = False) -> ExchangeProject:
    """The project in a ``.qdpx`` file (see the module docstring)."""
    path = Path(path)
    with SafeArchive(path, QDPX) as archive:
        names = [n for n in archive.members if "/" not in n and n.lower().endswith(".qde")]
        if not names:
            raise archive.error("no project.qde in the archive")
        root = parse_xml(archive.read(names[0]), path, names[0])
        if local(root) != "Project":
            raise archive.error(f"{names[0]} holds a <{local(root)}>, not a <Project>")
        reader = _Reader(archive, path, lenient)
        extension = _extension(archive)
        return _project(reader, root, extension)


def _extension(archive: SafeArchive) -> dict[str, Any]:
    found = archive.find(EXTENSION_MEMBER)
    if found is None:
        return {}
    try:
        value = json.loads(archive.read(found).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}  # another tool's file of that name, or a damaged one: ignored
    return value if isinstance(value, dict) else {}


def _project(reader: _Reader, root: etree._Element, extension: dict[str, Any]) -> ExchangeProject:
    users = tuple(
        ExchangeUser(reader.guid(user), user.get("name") or user.get("id") or "user")
        for users in children(root, "Users")
        for user in children(users, "User")
    )
    reader.user_guids = {user.guid for user in users}
    for notes in children(root, "Notes"):
        for note in children(notes, "Note"):
            guid = reader.guid(note)
            text = reader.text_of(note, f"note {note.get('name') or guid}") or ""
            reader.notes[guid] = ExchangeNote(
                guid,
                text,
                note.get("name") or "",
                ref(note.get("creatingUser")) or None,
                timestamp(note.get("creationDateTime")),
            )
    codebook = _codebook(reader, root)
    variables = {
        reader.guid(variable): variable.get("name") or "variable"
        for block in children(root, "Variables")
        for variable in children(block, "Variable")
    }
    sources = tuple(_sources(reader, root, variables))
    cases = tuple(_cases(reader, root, variables))
    links = tuple(
        ExchangeLink(
            reader.guid(link),
            ref(link.get("originGUID")),
            ref(link.get("targetGUID")),
            link.get("name") or "",
        )
        for block in children(root, "Links")
        for link in children(block, "Link")
    )
    for kind, label in (("Sets", "set"), ("Graphs", "graph")):
        for block in children(root, kind):
            items = [item for item in block if isinstance(item.tag, str)]
            if items:
                reader.skipped.append(f"{len(items)} {label}{'s' if len(items) != 1 else ''}")
            elif kind == "Sets":
                reader.skipped.append("an empty <Sets/> (not valid REFI-QDA; ignored)")
    _check_guids(reader)
    free = [note for guid, note in reader.notes.items() if guid not in reader.used_notes]
    return ExchangeProject(
        name=root.get("name") or reader.path.stem,
        origin=root.get("origin") or "",
        users=users,
        codebook=codebook,
        sources=sources,
        cases=cases,
        links=links,
        notes=tuple(free),
        skipped=tuple(reader.skipped),
        extension=extension,
    )


def _note_texts(reader: _Reader, element: etree._Element) -> tuple[str, ...]:
    texts = []
    for note_ref in children(element, "NoteRef"):
        target = ref(note_ref.get("targetGUID"))
        note = reader.notes.get(target)
        if note is None:
            reader.fail(f"a NoteRef points at no note ({target})", note_ref)
            continue
        reader.used_notes.add(target)
        texts.append(note.text)
    return tuple(texts)


def _codebook(reader: _Reader, root: etree._Element) -> CodebookSpec:
    from qualcope.interchange.refi_codebook import description_fields

    book = child(root, "CodeBook")
    codes = child(book, "Codes") if book is not None else None
    if codes is None:
        return CodebookSpec(name="Codebook")
    # Iterative: a hostile file may nest codes thousands deep.
    order: list[tuple[etree._Element, int]] = []
    stack = [(code, 1) for code in reversed(list(children(codes, "Code")))]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ImportFileError(
                f"codes are nested more than {MAX_DEPTH} deep",
                path=reader.path,
                line=element.sourceline,
            )
        order.append((element, depth))
        stack.extend((c, depth + 1) for c in reversed(list(children(element, "Code"))))
    specs: dict[int, CodeSpec] = {}
    for element, _depth in reversed(order):  # children before their parents
        guid = reader.guid(element)
        name = (element.get("name") or "").strip()
        if not name:
            raise ImportFileError("a <Code> has no name", path=reader.path, line=element.sourceline)
        description = child(element, "Description")
        fields = description_fields(description.text or "" if description is not None else "")
        memo = "\n\n".join(_note_texts(reader, element))
        if memo:
            fields["definition"] = "\n\n".join(x for x in (fields.get("definition"), memo) if x)
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
        specs[id(element)] = CodeSpec(
            name=name,
            kind="code" if codable else "group",
            colour=colour_of(element.get("color")),
            children=tuple(specs[id(c)] for c in children(element, "Code")),
            guid=guid,
            **fields,
        )
    reader.code_guids = {spec.guid or "" for spec in specs.values()}
    top = tuple(specs[id(code)] for code in children(codes, "Code"))
    return CodebookSpec(name="Codebook", codes=top)


def _variable_values(
    reader: _Reader, element: etree._Element, variables: dict[str, str]
) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in children(element, "VariableValue"):
        variable = child(value, "VariableRef")
        target = ref(variable.get("targetGUID")) if variable is not None else ""
        if target not in variables:
            reader.fail(f"a VariableValue points at no variable ({target})", value)
            continue
        found = [v for v in value if isinstance(v.tag, str) and local(v).endswith("Value")]
        values[variables[target]] = (found[0].text or "").strip() if found else ""
    return values


def _sources(
    reader: _Reader, root: etree._Element, variables: dict[str, str]
) -> Iterator[ExchangeSource]:
    media: Counter[str] = Counter()
    for block in children(root, "Sources"):
        for element in block:
            kind = local(element)
            if kind in _MEDIA:
                reader.guid(element, required=False)
                media[_MEDIA[kind]] += 1
                continue
            if kind != "TextSource":
                continue
            source = _text_source(reader, element, variables)
            if source is not None:
                yield source
    for label, count in sorted(media.items()):
        reader.skipped.append(f"{count} {label}{'s' if count != 1 else ''} (only text is imported)")


def _text_source(
    reader: _Reader, element: etree._Element, variables: dict[str, str]
) -> ExchangeSource | None:
    guid = reader.guid(element)
    path = (element.get("plainTextPath") or "").rsplit("/", 1)[-1]
    fallback = path if path and not path.lower().startswith(guid) else guid
    name = element.get("name") or fallback  # qc writes no name, only its file's name
    text = reader.text_of(element, f"source {name!r}")
    if text is None:
        if element.get("plainTextPath", "").startswith("relative://"):
            reader.skipped.append(f"source {name!r}: its text lies outside the archive")
        return None
    selections = []
    for selection in children(element, "PlainTextSelection"):
        found = _selection(reader, selection, text, name)
        if found is not None:
            selections.append(found)
    whole = _codings(reader, element, name)  # codings of the whole source
    if whole:
        selections.append(
            ExchangeSelection(guid=f"{guid}-whole", start=0, end=len(text), codings=whole)
        )
    return ExchangeSource(
        guid=guid,
        name=name,
        text=text,
        selections=tuple(selections),
        variables=_variable_values(reader, element, variables),
        memo="\n\n".join(_note_texts(reader, element)),
        user_guid=ref(element.get("creatingUser")) or None,
        created=timestamp(element.get("creationDateTime")),
    )


def _selection(
    reader: _Reader, element: etree._Element, text: str, source: str
) -> ExchangeSelection | None:
    guid = reader.guid(element)
    try:
        start = int(element.get("startPosition", ""))
        end = int(element.get("endPosition", ""))
    except ValueError:
        reader.fail(f"selection {guid} in {source!r}: positions are not whole numbers", element)
        return None
    if not 0 <= start <= end <= len(text):
        reader.fail(
            f"selection {guid} in {source!r}: positions {start}-{end} are outside its text "
            f"(0-{len(text)})",
            element,
        )
        return None
    description = child(element, "Description")
    notes = _note_texts(reader, element)
    if description is not None and (description.text or "").strip():
        notes = (description.text or "", *notes)
    return ExchangeSelection(
        guid=guid,
        start=start,
        end=end,
        quote=element.get("name") or "",
        user_guid=ref(element.get("creatingUser")) or None,
        created=timestamp(element.get("creationDateTime")),
        codings=_codings(reader, element, source),
        notes=notes,
    )


def _codings(reader: _Reader, element: etree._Element, source: str) -> tuple[ExchangeCoding, ...]:
    """The codings of a selection (or a whole source); each must name a known code, and a
    known user when it names one."""
    found = []
    for coding in children(element, "Coding"):
        guid = reader.guid(coding)
        code_ref = child(coding, "CodeRef")
        target = ref(code_ref.get("targetGUID")) if code_ref is not None else ""
        if target not in reader.code_guids:
            reader.fail(
                f"coding {guid} in {source!r} refers to no code ({target or 'none given'})",
                coding,
            )
            continue
        user = ref(coding.get("creatingUser")) or None
        if user is not None and user not in reader.user_guids:
            reader.fail(f"coding {guid} in {source!r} was made by an unknown user ({user})", coding)
            continue
        found.append(
            ExchangeCoding(
                guid=guid,
                code_guid=target,
                user_guid=user,
                created=timestamp(coding.get("creationDateTime")),
                memo="\n\n".join(_note_texts(reader, coding)),
            )
        )
    return tuple(found)


def _cases(
    reader: _Reader, root: etree._Element, variables: dict[str, str]
) -> Iterator[ExchangeCase]:
    for block in children(root, "Cases"):
        for element in children(block, "Case"):
            description = child(element, "Description")
            yield ExchangeCase(
                guid=reader.guid(element),
                name=element.get("name") or "case",
                variables=_variable_values(reader, element, variables),
                source_guids=tuple(
                    ref(source.get("targetGUID")) for source in children(element, "SourceRef")
                ),
                description=(description.text or "") if description is not None else "",
            )


def _check_guids(reader: _Reader) -> None:
    twice = [guid for guid, n in reader.guids.items() if n > 1]
    if twice:
        listed = ", ".join(f"{g} (line {reader.guid_lines[g]})" for g in twice[:5])
        more = f" and {len(twice) - 5} more" if len(twice) > 5 else ""
        raise ImportFileError(
            f"GUIDs used twice: {listed}{more}; nothing was imported", path=reader.path
        )

"""Writing an ``ExchangeProject`` as a REFI-QDA project (``.qdpx``).

``project.qde`` follows ``Project.xsd`` (QDA-XML 1.0) in element order and types, so any
REFI-QDA tool (NVivo, ATLAS.ti, MAXQDA, QualCoder) opens it: users, the codebook (what REFI
has no element for folded into each code's Description, see ``refi_codebook``), variables,
cases, text sources as UTF-8 ``internal://<guid>.txt`` files with their selections and
codings, notes and links. What only qualcope reads (turns, sentences, finished marks, a
link's favoured value) is ``qualcope/extension.json``, a part other tools ignore.

Output is deterministic: the same project gives the same bytes, zip member times included,
except the project's own ``creationDateTime``. Positions are code points of the written
source text, end-exclusive, as the standard's annex shows them. Whatever a string holds, the
output is valid: characters XML 1.0 forbids are left out of names and memos, and a lone
surrogate (which UTF-8 cannot encode) becomes U+FFFD in texts, quotes, names and memos, one
character for one, so every position still holds; qualcope's own part escapes it instead,
so it comes back as it was.
"""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from qualcope.interchange.atomic import atomic_file
from qualcope.interchange.project_snapshot import (
    ExchangeNote,
    ExchangeProject,
    ExchangeSource,
)
from qualcope.interchange.refi_codebook import add_codes
from qualcope.interchange.refi_read import EXTENSION_MEMBER

NS = "urn:QDA-XML:project:1.0"
_Q = "{" + NS + "}"
# Fixed: the GUIDs qualcope derives (variables, notes) are the same in every export.
GUID_NAMESPACE = uuid.UUID("8f0f3f8e-6b6e-4f59-9a4a-2f2d1c7e3b11")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 forbids (the stored text has none, but names and memos may).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Surrogate code points (a str may hold them alone): XML forbids them, UTF-8 cannot encode them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(value: str) -> str:
    """The text with each lone surrogate as U+FFFD: the same length, so positions hold."""
    return _SURROGATE.sub("\ufffd", value)


_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    if _UNSAFE.search(value) is None:  # nearly always: one scan, no copies
        return value
    return _NOT_XML.sub("", encodable(value))


def _escaped(text: str) -> str:
    """Each surrogate as its \\u escape: JSON reads that back, and UTF-8 can encode it."""
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _json_text(value: object) -> str:
    """JSON of qualcope's own part; a surrogate is written as its \\u escape, so it encodes as
    UTF-8 and reads back as it was (two in a row that make a pair read back as one, as JSON
    has it)."""
    return _escaped(json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1))


def derived_guid(*parts: str) -> str:
    # A surrogate is named by its escape (uuid5 hashes UTF-8): names that differ only there
    # keep different GUIDs, and every other name keeps the GUID earlier exports gave it.
    return str(uuid.uuid5(GUID_NAMESPACE, _escaped("/".join(parts))))


def _element(parent: etree._Element, tag: str, **attributes: str | None) -> etree._Element:
    return etree.SubElement(
        parent,
        _Q + tag,
        {key: xml_text(str(value)) for key, value in attributes.items() if value},
    )


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def project_xml(project: ExchangeProject, *, created: datetime | None = None) -> bytes:
    """The ``project.qde`` document of a project."""
    root = etree.Element(_Q + "Project", nsmap={None: NS})
    root.set("name", xml_text(project.name or "qualcope project"))
    root.set("origin", xml_text(project.origin or "qualcope"))
    if created is not None:
        root.set("creationDateTime", _when(created) or "")
    if project.users:
        users = _element(root, "Users")
        for user in project.users:
            _element(users, "User", guid=user.guid, name=user.name)
    if project.codebook.codes:
        book = _element(root, "CodeBook")
        add_codes(_element(book, "Codes"), project.codebook.codes, _Q)
    names = sorted(
        {n for s in project.sources for n in s.variables}
        | {n for c in project.cases for n in c.variables}
    )
    variables = {name: derived_guid("variable", name) for name in names}
    if variables:
        block = _element(root, "Variables")
        for name, guid in variables.items():
            _element(block, "Variable", guid=guid, name=name, typeOfVariable="Text")
    if project.cases:
        block = _element(root, "Cases")
        for case in project.cases:
            element = _element(block, "Case", guid=case.guid, name=case.name)
            if case.description:
                _element(element, "Description").text = xml_text(case.description)
            _values(element, case.variables, variables)
            for source in case.source_guids:
                _element(element, "SourceRef", targetGUID=source)
    notes: list[ExchangeNote] = list(project.notes)
    if project.sources:
        block = _element(root, "Sources")
        for source in project.sources:
            notes.extend(_source(block, source, variables))
    if notes:
        block = _element(root, "Notes")
        for note in notes:
            element = _element(
                block,
                "Note",
                guid=note.guid,
                name=note.name or None,
                creatingUser=note.user_guid,
                creationDateTime=_when(note.created),
            )
            _element(element, "PlainTextContent").text = xml_text(note.text)
    if project.links:
        block = _element(root, "Links")
        for link in project.links:
            _element(
                block,
                "Link",
                guid=link.guid,
                name=link.name or None,
                direction="OneWay",
                originGUID=link.origin_guid,
                targetGUID=link.target_guid,
            )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _values(element: etree._Element, values: dict[str, str], guids: dict[str, str]) -> None:
    for name in sorted(values):
        value = _element(element, "VariableValue")
        _element(value, "VariableRef", targetGUID=guids[name])
        _element(value, "TextValue").text = xml_text(values[name])


def _note(owner: str, kind: str, text: str, user: str | None = None) -> ExchangeNote:
    return ExchangeNote(derived_guid("note", owner, kind), text, user_guid=user)


def _source(
    block: etree._Element, source: ExchangeSource, variables: dict[str, str]
) -> list[ExchangeNote]:
    """The TextSource element of a source; the notes its memos became."""
    notes: list[ExchangeNote] = []
    element = _element(
        block,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
        creationDateTime=_when(source.created),
    )
    for selection in source.selections:
        item = _element(
            element,
            "PlainTextSelection",
            guid=selection.guid,
            name=selection.quote or None,
            startPosition=str(selection.start),
            endPosition=str(selection.end),
            creatingUser=selection.user_guid,
            creationDateTime=_when(selection.created),
        )
        for coding in selection.codings:
            coded = _element(
                item,
                "Coding",
                guid=coding.guid,
                creatingUser=coding.user_guid,
                creationDateTime=_when(coding.created),
            )
            _element(coded, "CodeRef", targetGUID=coding.code_guid)
            if coding.memo:
                note = _note(coding.guid, "memo", coding.memo, coding.user_guid)
                notes.append(note)
                _element(coded, "NoteRef", targetGUID=note.guid)
        for index, text in enumerate(selection.notes):
            note = _note(selection.guid, f"note{index}", text, selection.user_guid)
            notes.append(note)
            _element(item, "NoteRef", targetGUID=note.guid)
    if source.memo:
        note = _note(source.guid, "memo", source.memo, source.user_guid)
        notes.append(note)
        _element(element, "NoteRef", targetGUID=note.guid)
    _values(element, source.variables, variables)
    return notes


def write_qdpx(project: ExchangeProject, path: Path, *, created: datetime | None = None) -> None:
    """Write the project to ``path`` atomically (nothing changes there on failure)."""
    members: list[tuple[str, bytes]] = [("project.qde", project_xml(project, created=created))]
    members.extend(
        (f"sources/{source.guid}.txt", encodable(source.text).encode("utf-8"))
        for source in project.sources
    )
    if project.extension:
        members.append((EXTENSION_MEMBER, _json_text(project.extension).encode("utf-8")))
    with atomic_file(Path(path)) as handle, zipfile.ZipFile(handle, "w") as archive:
        for name, data in _ordered(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=1)  # text: fast, still ~4x smaller


def _ordered(members: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return list(members)

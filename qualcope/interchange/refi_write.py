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
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from qualcope.domain import CodeSpec
from qualcope.interchange.atomic import atomic_file
from qualcope.interchange.project_snapshot import (
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
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


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The document is written as text, as libxml2 serialises it with pretty_print (two spaces a
# level, an element without content as <X/>, text inline): building an lxml tree of tens of
# thousands of elements to serialise it took several times as long as writing the text.
# libxml2 escapes <, >, & in text, and there CR too; in an attribute also " and TAB, LF, CR.
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]')
_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _attribute(value: str) -> str:
    """An attribute value as written between double quotes (after ``xml_text``)."""
    if _ATTRIBUTE_SPECIAL.search(value) is None:  # nearly always: no copy
        return value
    return (
        xml_text(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _text(value: str) -> str:
    """Element text as written (after ``xml_text``)."""
    if _TEXT_SPECIAL.search(value) is None:
        return value
    return (
        xml_text(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _attributes(**attributes: object) -> str:
    """The attributes given a value, as the old tree writer set them: ' key="value"' each."""
    return "".join(
        f' {key}="{_attribute(str(value))}"' for key, value in attributes.items() if value
    )


def _empty(indent: str, tag: str, **attributes: object) -> str:
    return f"{indent}<{tag}{_attributes(**attributes)}/>\n"


def _with_text(indent: str, tag: str, text: str) -> str:
    return f"{indent}<{tag}>{_text(text)}</{tag}>\n"


def _block(out: list[str], indent: str, tag: str, inner: list[str], **attributes: object) -> None:
    """An element holding the lines ``inner`` (one line ending '/>' when there are none)."""
    if inner:
        out.append(f"{indent}<{tag}{_attributes(**attributes)}>\n")
        out.extend(inner)
        out.append(f"{indent}</{tag}>\n")
    else:
        out.append(f"{indent}<{tag}{_attributes(**attributes)}/>\n")


def project_xml(project: ExchangeProject, *, created: datetime | None = None) -> bytes:
    """The ``project.qde`` document of a project."""
    head = (
        f'<Project xmlns="{NS}" name="{_attribute(project.name or "qualcope project")}" '
        f'origin="{_attribute(project.origin or "qualcope")}"'
    )
    if created is not None:
        head += f' creationDateTime="{_when(created)}"'
    body: list[str] = []
    if project.users:
        lines = [_empty("    ", "User", guid=user.guid, name=user.name) for user in project.users]
        _block(body, "  ", "Users", lines)
    if project.codebook.codes:
        body.append(_codebook(project.codebook.codes))
    names = sorted(
        {n for s in project.sources for n in s.variables}
        | {n for c in project.cases for n in c.variables}
    )
    variables = {name: derived_guid("variable", name) for name in names}
    if variables:
        lines = [
            _empty("    ", "Variable", guid=guid, name=name, typeOfVariable="Text")
            for name, guid in variables.items()
        ]
        _block(body, "  ", "Variables", lines)
    if project.cases:
        lines = []
        for case in project.cases:
            inner = []
            if case.description:
                inner.append(_with_text("      ", "Description", case.description))
            _values(inner, "      ", case.variables, variables)
            inner.extend(
                _empty("      ", "SourceRef", targetGUID=source) for source in case.source_guids
            )
            _block(lines, "    ", "Case", inner, guid=case.guid, name=case.name)
        _block(body, "  ", "Cases", lines)
    notes: list[ExchangeNote] = list(project.notes)
    if project.sources:
        lines = []
        made = _Made()
        for source in project.sources:
            notes.extend(_source(lines, source, variables, made))
        _block(body, "  ", "Sources", lines)
    if notes:
        lines = []
        for note in notes:
            _block(
                lines,
                "    ",
                "Note",
                [_with_text("      ", "PlainTextContent", note.text)],
                guid=note.guid,
                name=note.name or None,
                creatingUser=note.user_guid,
                creationDateTime=_when(note.created),
            )
        _block(body, "  ", "Notes", lines)
    if project.links:
        lines = [
            _empty(
                "    ",
                "Link",
                guid=link.guid,
                name=link.name or None,
                direction="OneWay",
                originGUID=link.origin_guid,
                targetGUID=link.target_guid,
            )
            for link in project.links
        ]
        _block(body, "  ", "Links", lines)
    close = ">\n" + "".join(body) + "</Project>\n" if body else "/>\n"
    return (_DECLARATION + head + close).encode("utf-8")


_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def _codebook(codes: Sequence[CodeSpec]) -> str:
    """The <CodeBook> lines, written by ``add_codes`` (shared with the .qdc writer) with lxml:
    a few hundred elements, so the tree costs little and the rules live in one place."""
    root = etree.Element(_Q + "Project", nsmap={None: NS})
    add_codes(etree.SubElement(etree.SubElement(root, _Q + "CodeBook"), _Q + "Codes"), codes, _Q)
    text = etree.tostring(root, encoding="utf-8", pretty_print=True).decode("utf-8")
    start = text.index(">\n") + 2  # after the bare root's start tag; it ends '</Project>\n'
    return text[start : text.rindex("</Project>")]


def _values(out: list[str], indent: str, values: dict[str, str], guids: dict[str, str]) -> None:
    deeper = indent + "  "
    for name in sorted(values):
        out.append(f"{indent}<VariableValue>\n")
        out.append(_empty(deeper, "VariableRef", targetGUID=guids[name]))
        out.append(_with_text(deeper, "TextValue", values[name]))
        out.append(f"{indent}</VariableValue>\n")


def _note(owner: str, kind: str, text: str, user: str | None = None) -> ExchangeNote:
    return ExchangeNote(derived_guid("note", owner, kind), text, user_guid=user)


class _Made:
    """The attribute texts of values that repeat (users, times, codes), each made once."""

    def __init__(self) -> None:
        self.users: dict[str | None, str] = {}
        self.times: dict[datetime | None, str] = {}
        self.code_refs: dict[str, str] = {}

    def user(self, guid: str | None) -> str:
        found = self.users.get(guid)
        if found is None:
            found = self.users[guid] = _attributes(creatingUser=guid)
        return found

    def time(self, when: datetime | None) -> str:
        found = self.times.get(when)
        if found is None:
            found = self.times[when] = _attributes(creationDateTime=_when(when))
        return found

    def code_ref(self, guid: str) -> str:
        found = self.code_refs.get(guid)
        if found is None:
            found = self.code_refs[guid] = _empty("          ", "CodeRef", targetGUID=guid)
        return found


def _source(
    out: list[str], source: ExchangeSource, variables: dict[str, str], made: _Made
) -> list[ExchangeNote]:
    """The TextSource element of a source; the notes its memos became."""
    notes: list[ExchangeNote] = []
    inner: list[str] = []
    add = inner.append
    users, times, code_refs = made.users, made.times, made.code_refs
    plain = _ATTRIBUTE_SPECIAL.search
    for selection in source.selections:
        # Nearly every selection: GUIDs, a quote, whole-number positions, one coding without
        # a memo, no notes. Written in one piece; any other through _selection.
        guid, start, end, quote, codings = (
            selection.guid,
            selection.start,
            selection.end,
            selection.quote,
            selection.codings,
        )
        if not (
            len(codings) == 1
            and type(start) is int
            and type(end) is int
            and type(guid) is str
            and type(quote) is str
            and guid
            and not selection.notes
            and not codings[0].memo
            and type(codings[0].guid) is str
            and codings[0].guid
        ):
            _selection(add, selection, made, notes)
            continue
        coding = codings[0]
        coding_guid = coding.guid
        user = users.get(selection.user_guid)
        if user is None:
            user = made.user(selection.user_guid)
        when = times.get(selection.created)
        if when is None:
            when = made.time(selection.created)
        coding_user = users.get(coding.user_guid)
        if coding_user is None:
            coding_user = made.user(coding.user_guid)
        coding_when = times.get(coding.created)
        if coding_when is None:
            coding_when = made.time(coding.created)
        code_ref = code_refs.get(coding.code_guid)
        if code_ref is None:
            code_ref = made.code_ref(coding.code_guid)
        if plain(guid) is not None:
            guid = _attribute(guid)
        if plain(coding_guid) is not None:
            coding_guid = _attribute(coding_guid)
        if quote:
            quote = f' name="{quote if plain(quote) is None else _attribute(quote)}"'
        add(
            f'      <PlainTextSelection guid="{guid}"{quote} startPosition="{start}" '
            f'endPosition="{end}"{user}{when}>\n'
            f'        <Coding guid="{coding_guid}"{coding_user}{coding_when}>\n'
            f"{code_ref}        </Coding>\n      </PlainTextSelection>\n"
        )
    if source.memo:
        note = _note(source.guid, "memo", source.memo, source.user_guid)
        notes.append(note)
        add(_empty("      ", "NoteRef", targetGUID=note.guid))
    _values(inner, "      ", source.variables, variables)
    _block(
        out,
        "    ",
        "TextSource",
        inner,
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
        creationDateTime=_when(source.created),
    )
    return notes


def _selection(
    add: Callable[[str], None], selection: ExchangeSelection, made: _Made, notes: list[ExchangeNote]
) -> None:
    """The lines of a PlainTextSelection element; the notes its memos became go to ``notes``."""
    line = "      <PlainTextSelection" + _attributes(
        guid=selection.guid,
        name=selection.quote or None,
        startPosition=str(selection.start),
        endPosition=str(selection.end),
    )
    line += made.user(selection.user_guid) + made.time(selection.created)
    if not selection.codings and not selection.notes:
        add(line + "/>\n")
        return
    add(line + ">\n")
    for coding in selection.codings:
        add(
            f"        <Coding{_attributes(guid=coding.guid)}{made.user(coding.user_guid)}"
            f"{made.time(coding.created)}>\n{made.code_ref(coding.code_guid)}"
        )
        if coding.memo:
            note = _note(coding.guid, "memo", coding.memo, coding.user_guid)
            notes.append(note)
            add(_empty("          ", "NoteRef", targetGUID=note.guid))
        add("        </Coding>\n")
    for index, text in enumerate(selection.notes):
        note = _note(selection.guid, f"note{index}", text, selection.user_guid)
        notes.append(note)
        add(_empty("        ", "NoteRef", targetGUID=note.guid))
    add("      </PlainTextSelection>\n")


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

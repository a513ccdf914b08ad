"""Reading a REFI-QDA project (``.qdpx``) into an ``ExchangeProject``.

A ``.qdpx`` is a zip holding ``project.qde`` (``urn:QDA-XML:project:1.0``) and the sources
(``sources/<guid>.txt``). Tools write it with small differences, and the reader is tolerant
where the field is sloppy: any namespace or none, ``Project.qde`` or ``project.qde``,
``Sources/`` or ``sources/``, ``internal://`` paths or bare file names, UTF-8 texts with a
byte-order mark, an empty ``<Sets/>``. It is strict where a mistake would misplace a coding:
duplicate GUIDs, a reference to nothing (a code, a user, a source file), a source without
text, or a selection outside its text stop the import with a one-line error naming the
element and its line; ``lenient`` skips such an item (a source or note by an unknown user
only loses its user) and lists it instead. Nothing is ever clamped. What qualcope cannot take
(pictures, PDFs, audio, video, sets, graphs) is listed in ``skipped``.

The archive is read in memory (``safe_archive``); nothing is extracted, and a member several
sources name is read once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from qualcope.domain import CodebookSpec, CodeSpec
from qualcope.errors import ImportFileError
from qualcope.interchange.project_snapshot import (
    ExchangeCase,
    ExchangeLink,
    ExchangeNote,
    ExchangeProject,
    ExchangeSelection,
    ExchangeSource,
    ExchangeUser,
)
from qualcope.interchange.refi_selections import read_selections, whole_source_codings
from qualcope.interchange.refi_xml import (
    ReadState,
    child,
    children,
    colour_of,
    integer,
    local,
    made_up_guid,
    ref,
    timestamp,
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
        reader = ReadState(archive, path, lenient)
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


def _project(reader: ReadState, root: etree._Element, extension: dict[str, Any]) -> ExchangeProject:
    users = tuple(
        ExchangeUser(reader.guid(user), user.get("name") or user.get("id") or "user")
        for users in children(root, "Users")
        for user in children(users, "User")
    )
    reader.user_guids = {user.guid for user in users}
    for notes in children(root, "Notes"):
        for note in children(notes, "Note"):
            guid = reader.guid(note)
            what = f"note {note.get('name') or guid}"
            text = reader.text_of(note, what, required=False) or ""
            reader.notes[guid] = ExchangeNote(
                guid,
                text,
                note.get("name") or "",
                reader.user(note, what)[1],
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
    _check_guids(reader, root)
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


def _codebook(reader: ReadState, root: etree._Element) -> CodebookSpec:
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
        memo = "\n\n".join(reader.note_texts(element))
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
    reader: ReadState, element: etree._Element, variables: dict[str, str]
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
    reader: ReadState, root: etree._Element, variables: dict[str, str]
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
    reader: ReadState, element: etree._Element, variables: dict[str, str]
) -> ExchangeSource | None:
    guid = reader.guid(element)
    path = (element.get("plainTextPath") or "").rsplit("/", 1)[-1]
    fallback = path if path and not path.lower().startswith(guid) else guid
    name = element.get("name") or fallback  # qc writes no name, only its file's name
    text = reader.text_of(element, f"source {name!r}", required=True)
    if text is None:
        return None
    bom_counted = reader.bom_before(element) and _counts_the_bom(element, text)
    if bom_counted:  # the mark is the text's first character: normalising takes it out
        text = "\ufeff" + text
    _, user = reader.user(element, f"source {name!r}")
    selections = read_selections(reader, element, text, name)
    whole = whole_source_codings(reader, element, name)
    if whole:  # a selection of the whole text, with a GUID a REFI writer can write again
        selections.append(
            ExchangeSelection(
                guid=made_up_guid("whole", guid), start=0, end=len(text), codings=whole
            )
        )
    return ExchangeSource(
        guid=guid,
        name=name,
        text=text,
        selections=tuple(selections),
        variables=_variable_values(reader, element, variables),
        memo="\n\n".join(reader.note_texts(element)),
        user_guid=user,
        created=timestamp(element.get("creationDateTime")),
        bom_counted=bom_counted,
    )


def _counts_the_bom(element: etree._Element, text: str, look: int = 20) -> bool:
    """Whether the selections' positions count the text file's byte-order mark as its first
    character: their quotes (up to ``look`` of them) are in place one character further on
    and none where the positions say. Tools differ; reading the mark as no text would move
    every coding of such a source by one character."""
    as_is = counted = 0
    for selection in element.iterchildren("{*}PlainTextSelection"):
        start, end = integer(selection.get("startPosition")), integer(selection.get("endPosition"))
        quote = " ".join((selection.get("name") or "").split())
        if start is None or end is None or len(quote) < 3:
            continue
        as_is += " ".join(text[start:end].split()) == quote
        counted += start >= 1 and " ".join(text[start - 1 : end - 1].split()) == quote
        look -= 1
        if look == 0 or as_is:
            break
    return counted > 0 and as_is == 0


def _cases(
    reader: ReadState, root: etree._Element, variables: dict[str, str]
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


def _check_guids(reader: ReadState, root: etree._Element) -> None:
    twice = reader.twice()
    if twice:
        lines: dict[str, int] = {}
        for element in root.iter():  # only on this error path: find where each first stands
            found = ref(element.get("guid")) if isinstance(element.tag, str) else ""
            if found in twice:
                lines.setdefault(found, element.sourceline or 0)
        listed = ", ".join(f"{g} (line {lines.get(g, 0)})" for g in twice[:5])
        more = f" and {len(twice) - 5} more" if len(twice) > 5 else ""
        raise ImportFileError(
            f"GUIDs used twice: {listed}{more}; nothing was imported", path=reader.path
        )

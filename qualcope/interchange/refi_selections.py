"""Reading the selections of a REFI-QDA text source and their codings (``refi_read``).

A selection must lie within its text, by whole-number positions, and be made by a known user
or none; a coding must point at a known code. Each defect is an error naming the element and
its line, or with ``lenient`` an entry in ``skipped`` (the selection or coding left out).

The common selection is read inline and any other by ``_selection`` and ``_coding``, which
word each defect; both ways take the same steps in the same order.
"""

from __future__ import annotations

from lxml import etree

from qualcope.interchange.project_snapshot import ExchangeCoding, ExchangeSelection
from qualcope.interchange.refi_xml import ReadState, child, children, integer, ref, timestamp


def _stored(value: str | None) -> bool:
    """Whether a GUID is written as ``ref`` stores it (nearly always), so it needs no copy."""
    return value is not None and len(value) == 36 and value.islower()


def read_selections(
    reader: ReadState, element: etree._Element, text: str, source: str
) -> list[ExchangeSelection]:
    """The selections of a text source, in document order.

    The common selection (a GUID as stored, whole-number positions inside the text, a known or
    no user, codings each of one CodeRef to a known code) is read inline, with no copies; any
    other goes through ``_selection`` and ``_coding``, which check and word every defect. Both
    take the same steps in the same order: the GUIDs counted, the errors raised and what
    ``lenient`` skips are the same whichever way a selection goes.
    """
    prefix = element.tag[: element.tag.rfind("}") + 1]  # the source's namespace, as '{...}'
    coding_tag, code_ref_tag = prefix + "Coding", prefix + "CodeRef"
    length = len(text)
    users, codes = reader.user_guids, reader.code_guids
    seen = reader.guids.append
    found: list[ExchangeSelection] = []
    for selection in element.iterchildren("{*}PlainTextSelection"):
        get = selection.get
        guid, user = get("guid"), get("creatingUser")
        start, end = get("startPosition") or "", get("endPosition") or ""
        if not (
            _stored(guid)
            and start.isdigit()
            and end.isdigit()
            and start.isascii()
            and end.isascii()
            and len(start) <= 18
            and len(end) <= 18
            and int(start) <= int(end) <= length
            and (user is None or (user in users and _stored(user)))
        ):
            general = _selection(reader, selection, text, source)
            if general is not None:
                found.append(general)
            continue
        seen(guid)
        codings: list[ExchangeCoding] = []
        notes: list[str] = []
        for item in selection:
            if item.tag != coding_tag or len(item) != 1:
                _selection_child(reader, item, source, codings, notes)
                continue
            code_ref = item[0]
            target = code_ref.get("targetGUID")
            made_by = item.get("guid"), item.get("creatingUser")
            if not (
                code_ref.tag == code_ref_tag
                and target in codes
                and _stored(target)
                and _stored(made_by[0])
                and (made_by[1] is None or (made_by[1] in users and _stored(made_by[1])))
            ):
                _selection_child(reader, item, source, codings, notes)
                continue
            seen(made_by[0])
            created = item.get("creationDateTime")
            codings.append(
                ExchangeCoding(
                    made_by[0], target, made_by[1], timestamp(created) if created else None
                )
            )
        created = get("creationDateTime")
        found.append(
            ExchangeSelection(
                guid,  # type: ignore[arg-type]  # _stored: not None
                int(start),
                int(end),
                get("name") or "",
                user,
                timestamp(created) if created else None,
                tuple(codings),
                tuple(notes),
            )
        )
    return found


def _selection_child(
    reader: ReadState,
    item: etree._Element,
    source: str,
    codings: list[ExchangeCoding],
    notes: list[str],
) -> None:
    """One child of a selection: a coding, a note it points at, or its description."""
    tag = item.tag
    if not isinstance(tag, str):
        return
    name = tag[tag.rfind("}") + 1 :]
    if name == "Coding":
        coding = _coding(reader, item, source)
        if coding is not None:
            codings.append(coding)
    elif name == "NoteRef":
        notes.extend(reader.note_text(item))
    elif name == "Description" and (item.text or "").strip():
        notes.insert(0, item.text or "")


def _selection(
    reader: ReadState, element: etree._Element, text: str, source: str
) -> ExchangeSelection | None:
    guid = reader.guid(element)
    start, end = integer(element.get("startPosition")), integer(element.get("endPosition"))
    if start is None or end is None:
        found = f"{element.get('startPosition')!r}-{element.get('endPosition')!r}"
        reader.fail(
            f"selection {guid} in {source!r}: positions {found} are not whole numbers", element
        )
        return None
    if not 0 <= start <= end <= len(text):
        reader.fail(
            f"selection {guid} in {source!r}: positions {start}-{end} are outside its text "
            f"(0-{len(text)})",
            element,
        )
        return None
    known, user = reader.user(element, f"selection {guid} in {source!r}")
    if not known:
        return None
    # One pass over the children (a selection has few): its description, notes, codings.
    notes: list[str] = []
    codings: list[ExchangeCoding] = []
    for item in element:
        _selection_child(reader, item, source, codings, notes)
    created = element.get("creationDateTime")
    return ExchangeSelection(
        guid=guid,
        start=start,
        end=end,
        quote=element.get("name") or "",
        user_guid=user,
        created=timestamp(created) if created else None,
        codings=tuple(codings),
        notes=tuple(notes),
    )


def whole_source_codings(
    reader: ReadState, element: etree._Element, source: str
) -> tuple[ExchangeCoding, ...]:
    """The codings of a whole source (Coding children of the TextSource itself)."""
    found = (_coding(reader, coding, source) for coding in children(element, "Coding"))
    return tuple(coding for coding in found if coding is not None)


def _coding(reader: ReadState, coding: etree._Element, source: str) -> ExchangeCoding | None:
    """A coding; it must name a known code, and a known user when it names one."""
    guid = reader.guid(coding)
    code_ref = child(coding, "CodeRef")
    target = ref(code_ref.get("targetGUID")) if code_ref is not None else ""
    if target not in reader.code_guids:
        reader.fail(
            f"coding {guid} in {source!r} refers to no code ({target or 'none given'})", coding
        )
        return None
    known, user = reader.user(coding, f"coding {guid} in {source!r}")
    if not known:
        return None
    created = coding.get("creationDateTime")
    return ExchangeCoding(
        guid=guid,
        code_guid=target,
        user_guid=user,
        created=timestamp(created) if created else None,
        memo="\n\n".join(reader.note_texts(coding)),
    )

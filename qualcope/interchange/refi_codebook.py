"""The codebook as a REFI-QDA codebook file (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``).

REFI-QDA gives a code a GUID, a name, ``isCodable`` (false: a qualcope group), a colour and a
``<Description>``. The rest of a qualcope code is folded into the Description, below a marker
line, as a block that NVivo or ATLAS.ti users can read and qualcope parses back exactly::

    The definition: the Description's main text, as many lines as it has.

    -- qualcope --
    Inclusion: first line of the inclusion criteria
      each further line of a value is indented by two spaces (an empty line stays empty)
    Exclusion: ...
    Example: ...
    Cues (en): stop going; drop out
    Cues (nl): afhaken; niet meer gaan
    Shortcut: a

Fields come in that order, only when they have a value; a ``;`` or ``\\`` inside a cue phrase
is written ``\\;`` or ``\\\\``. The block starts at the *last* line that is exactly the marker,
and a definition holding such a line always gets a block (maybe empty) after it, so the two
are never confused. A Description without the marker is wholly the definition; a block that
cannot be read is kept whole as the definition, with a note.

The codebook's own name and description have no REFI element: they ride in a comment before
the root (``<!-- qualcope codebook: {"name": ..., "description": ...} -->``), which the schema
allows and other tools ignore. Without it, the file's stem names the codebook.

Reading is tolerant where exports in the field are sloppy (the project namespace or none, an
empty ``<Sets/>``, ``#rgb`` colours, ``1``/``0``) and says so in notes; it is strict where data
would be lost or mixed up (duplicate GUIDs, a code without a name, names qualcope refuses
elsewhere). Trees are walked with a stack, never recursion. Writing is deterministic.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from lxml import etree

from qualcope.domain import PATH_SEPARATOR, CodebookSpec, CodeSpec
from qualcope.errors import CodebookError
from qualcope.interchange import codebook_rules as rules

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "qualcope"
MARKER = "-- qualcope --"
COMMENT_PREFIX = " qualcope codebook: "
GUID_RE = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})"
)
# A fixed namespace, so a code without a GUID gets the same one on every export.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualcope:code-path")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
COLOUR_RE = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_FIELD_RE = re.compile(
    r"^(?P<key>inclusion|exclusion|example|shortcut|cues \((?P<lang>[a-z]{2,3})\))"
    r":(?: (?P<value>.*))?$",
    re.IGNORECASE,
)
_TEXT_FIELDS = (("Inclusion", "inclusion"), ("Exclusion", "exclusion"), ("Example", "example"))
BOOLEANS = {"true": "code", "1": "code", "false": "group", "0": "group"}


# ------------------------------------------------------------------ writing
def codebook_to_qdc(spec: CodebookSpec) -> str:
    """A REFI-QDA codebook document (valid against Codebook.xsd), deterministic."""
    if not spec.codes:
        raise CodebookError("the codebook has no codes; a REFI-QDA codebook needs at least one")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    # No <Sets>: the schema wants at least one <Set> in it, and qualcope has none.
    add_codes(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), spec.codes)
    header = {"name": _xml_text(spec.name), "description": _xml_text(spec.description)}
    # JSON escapes nothing that could end a comment, so '--' is written as '-\u002d'.
    payload = json.dumps(header, ensure_ascii=False).replace("--", "-\\u002d")
    root.addprevious(etree.Comment(f"{COMMENT_PREFIX}{payload} "))
    body = etree.tostring(root.getroottree(), encoding="utf-8", pretty_print=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body.decode("utf-8")


def add_codes(
    codes_el: etree._Element, codes: Sequence[CodeSpec], prefix: str = f"{{{CODEBOOK_NS}}}"
) -> dict[str, str]:
    """Write ``codes`` as <Code> elements under ``codes_el`` (``prefix``: ``{namespace}``).

    Shared with the project writer, whose <CodeBook> is in the project namespace. Returns the
    GUID written for each code path: the code's own when it is a valid GUID, else a stable one.
    """
    written: dict[str, str] = {}
    used: set[str] = set()
    stack = [(codes_el, code.name, code) for code in reversed(codes)]
    while stack:
        parent, path, code = stack.pop()
        element = etree.SubElement(parent, f"{prefix}Code")
        element.set("guid", _export_guid(code.guid, path, used))
        element.set("name", _xml_text(code.name))
        element.set("isCodable", "false" if code.kind == "group" else "true")
        colour = (code.colour or "").strip().lower()
        if COLOUR_RE.match(colour):
            element.set("color", colour)
        description = _xml_text(fold_description(code))
        if description:
            etree.SubElement(element, f"{prefix}Description").text = description
        written[path] = element.get("guid") or ""
        stack.extend(
            (element, f"{path}{PATH_SEPARATOR}{child.name}", child)
            for child in reversed(code.children)
        )
    return written


def fold_description(code: CodeSpec) -> str:
    """The Description of a code: its definition, then the folded block when needed."""
    lines: list[str] = []
    for label, attribute in _TEXT_FIELDS:
        value = getattr(code, attribute)
        if value:
            first, *rest = value.split("\n")
            lines.append(f"{label}: {first}")
            lines.extend(f"  {line}" if line else "" for line in rest)
    for lang, phrases in sorted(code.cues.items()):
        if phrases:
            escaped = (p.replace("\\", "\\\\").replace(";", "\\;") for p in phrases)
            lines.append(f"Cues ({lang}): " + "; ".join(escaped))
    if code.shortcut:
        lines.append(f"Shortcut: {code.shortcut}")
    definition = code.definition
    if not lines and all(line.rstrip() != MARKER for line in definition.split("\n")):
        return definition
    block = "\n".join([MARKER, *lines])
    return f"{definition}\n\n{block}" if definition else block


def has_folded(code: CodeSpec) -> bool:
    return bool(code.inclusion or code.exclusion or code.example or code.cues or code.shortcut)


def export_notes(spec: CodebookSpec) -> list[str]:
    """What a user should know about a .qdc written from ``spec``."""
    count = sum(has_folded(code) for _, code in spec.walk())
    if not count:
        return []
    return [
        f"inclusion/exclusion criteria, examples, cues and shortcuts of {count} codes are in "
        f"their Description blocks (below '{MARKER}'); qualcope reads them back"
    ]


def _export_guid(guid: str | None, path: str, used: set[str]) -> str:
    candidate = (guid or "").strip()
    if not GUID_RE.fullmatch(candidate) or guid_key(candidate) in used:
        candidate = str(uuid.uuid5(GUID_NAMESPACE, path))
        attempt = 1
        while guid_key(candidate) in used:  # only if a stored GUID happens to equal it
            candidate = str(uuid.uuid5(GUID_NAMESPACE, f"{path}#{attempt}"))
            attempt += 1
    used.add(guid_key(candidate))
    return candidate


def guid_key(guid: str) -> str:
    return guid.strip().strip("{}").lower()


def _xml_text(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text)


def _split_cues(value: str) -> list[str]:
    phrases: list[str] = []
    current: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ";":
            phrases.append("".join(current))
            current = []
        else:
            current.append(char)
    phrases.append("".join(current))
    return [phrase.strip() for phrase in phrases if phrase.strip()]


# ------------------------------------------------------------------ reading
def unfold_description(text: str) -> tuple[dict[str, object], str | None]:
    """The fields held by a Description, and a problem when its block cannot be read.

    Returns ``{"definition": ...}`` plus the folded fields found (raw, not yet checked).
    """
    lines = text.split("\n")
    marks = [index for index, line in enumerate(lines) if line.rstrip() == MARKER]
    if not marks:
        return {"definition": text.strip()}, None
    start = marks[-1]
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines[start + 1 :]:
        match = _FIELD_RE.match(line)
        if match:
            key = match["key"].lower()
            key = f"cues:{match['lang'].lower()}" if key.startswith("cues") else key
            if key in found:
                return {"definition": text.strip()}, f"field {match['key']!r} appears twice"
            found[key] = [match["value"] or ""]
            current = key
        elif current is not None and (line.startswith("  ") or not line.strip()):
            found[current].append(line[2:])
        elif line.strip():
            return {"definition": text.strip()}, f"cannot read the line {line.strip()[:60]!r}"
    fields: dict[str, object] = {"definition": "\n".join(lines[:start]).strip()}
    cues: dict[str, list[str]] = {}
    for key, parts in found.items():
        value = "\n".join(parts).strip()
        if key.startswith("cues:"):
            if phrases := _split_cues(value):
                cues[key[5:]] = phrases
        elif value:
            fields[key] = value
    if cues:
        fields["cues"] = cues
    return fields, None


def description_fields(text: str) -> dict[str, Any]:
    """CodeSpec fields from a Description, checked; never raises (for the project reader).

    A block that cannot be read, or holds a value qualcope refuses, leaves the whole text as
    the definition, so nothing the other tool wrote is lost.
    """
    fields, problem = unfold_description(text)
    if problem is None:
        try:
            return checked_fields(fields)
        except ValueError:
            pass
    return {"definition": text.strip()}


def checked_fields(fields: dict[str, object]) -> dict[str, Any]:
    """The Description's fields after the rules every codebook format applies."""
    texts = ("definition", "inclusion", "exclusion", "example")
    return {
        **{key: rules.check_text(fields.get(key), key) for key in texts},
        "shortcut": rules.check_shortcut(fields.get("shortcut")),
        "cues": rules.check_cues(fields.get("cues")),
    }

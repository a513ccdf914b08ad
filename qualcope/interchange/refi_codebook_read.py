"""Reading a REFI-QDA codebook (``.qdc``, ``urn:QDA-XML:codebook:1.0``, or the CodeBook of a
project file) into a ``CodebookSpec`` (the writing half and the Description folding are in
``refi_codebook``): namespace variants tolerated, what was skipped or folded back noted, every
value checked by the codebook rules, a defect a one-line error with its line.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from lxml import etree

from qualcope.domain import PATH_SEPARATOR, CodebookSpec, CodeSpec, name_key
from qualcope.errors import CodebookError, ImportFileError
from qualcope.interchange import codebook_rules as rules
from qualcope.interchange.codebook_rules import read_codebook_bytes
from qualcope.interchange.refi_codebook import (
    BOOLEANS,
    CODEBOOK_NS,
    COLOUR_RE,
    COMMENT_PREFIX,
    GUID_RE,
    MARKER,
    PROJECT_NS,
    checked_fields,
    guid_key,
    has_folded,
    unfold_description,
)
from qualcope.interchange.safe_archive import parse_xml


class _Reader:
    """One reading of one file: the namespace in use, what was skipped, what was noted."""

    def __init__(self, path: Path, ns: str | None) -> None:
        self.path = path
        self.ns = ns
        self.skipped: Counter[str] = Counter()
        self.tally: Counter[str] = Counter()
        self.notes: list[str] = []

    def error(self, message: str, line: int | None = None) -> CodebookError:
        return CodebookError(message, path=self.path, line=line)

    def children(self, element: etree._Element, *wanted: str) -> dict[str, list[etree._Element]]:
        """Child elements by local name; others (and other namespaces) counted as skipped."""
        found: dict[str, list[etree._Element]] = {name: [] for name in wanted}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            qname = etree.QName(child)
            if qname.namespace == self.ns and qname.localname in found:
                found[qname.localname].append(child)
            else:
                self.skipped[f"<{qname.localname}>"] += 1
        return found

    def codes(self, codes_el: etree._Element) -> tuple[CodeSpec, ...]:
        """The code tree under <Codes>, walked with a stack (depth never reaches Python)."""
        specs: list[CodeSpec] = []  # preorder
        kids: list[list[int]] = []  # indices into specs, per spec
        top: list[int] = []
        guids: dict[str, list[int]] = {}
        siblings: dict[int, dict[str, str]] = {}
        first = self.children(codes_el, "Code")["Code"]
        stack = [(element, "", 1, -1) for element in reversed(first)]
        while stack:
            element, parent_path, depth, parent = stack.pop()
            line = element.sourceline
            if depth > rules.MAX_DEPTH:
                raise self.error(f"codes nested deeper than {rules.MAX_DEPTH} levels", line)
            spec, parts = self.code(element)
            path = f"{parent_path}{PATH_SEPARATOR}{spec.name}" if parent_path else spec.name
            names = siblings.setdefault(parent, {})
            if name_key(spec.name) in names:
                same = names[name_key(spec.name)]
                raise self.error(f"duplicate code {path!r} (same name as {same!r})", line)
            names[name_key(spec.name)] = spec.name
            if spec.guid:
                guids.setdefault(guid_key(spec.guid), []).append(line or 0)
            (top if parent < 0 else kids[parent]).append(len(specs))
            stack.extend((el, path, depth + 1, len(specs)) for el in reversed(parts["Code"]))
            specs.append(spec)
            kids.append([])
        duplicates = sorted((key, lines) for key, lines in guids.items() if len(lines) > 1)
        if duplicates:
            listed = "; ".join(f"{key} (lines {', '.join(map(str, n))})" for key, n in duplicates)
            raise self.error(f"duplicate GUIDs: {listed[:400]}")
        # Preorder puts every child after its parent: fill in children from the end.
        for index in range(len(specs) - 1, -1, -1):
            if kids[index]:
                children = tuple(specs[k] for k in kids[index])
                specs[index] = replace(specs[index], children=children)
        return tuple(specs[index] for index in top)

    def code(self, element: etree._Element) -> tuple[CodeSpec, dict[str, list[etree._Element]]]:
        line = element.sourceline
        name = element.get("name")
        if name is None or not name.strip():
            raise self.error("a code without a name", line)
        parts = self.children(element, "Description", "Code")
        fields: dict[str, object] = {}
        if parts["Description"]:
            text = "".join(parts["Description"][0].itertext())
            fields, problem = unfold_description(text)
            if problem:
                self.notes.append(f"{name.strip()!r}: {problem} after {MARKER!r}; kept whole")
        codable = (element.get("isCodable") or "true").strip().lower()
        if codable not in BOOLEANS:
            raise self.error(f"isCodable {element.get('isCodable')!r} is not true or false", line)
        colour = (element.get("color") or "").strip().lower()
        if colour and not COLOUR_RE.match(colour):
            self.tally["colour"] += 1
            colour = ""
        elif len(colour) == 4:
            colour = "#" + "".join(char * 2 for char in colour[1:])
        guid = (element.get("guid") or "").strip()
        if not GUID_RE.fullmatch(guid):
            self.tally["guid"] += 1
            guid = ""
        try:
            spec = CodeSpec(
                name=rules.check_name(name),
                kind=BOOLEANS[codable],
                colour=colour or None,
                guid=guid or None,
                **checked_fields(fields),
            )
        except ValueError as exc:
            raise self.error(str(exc), line) from exc
        self.tally["folded"] += has_folded(spec)
        return spec, parts


def read_codebook_qdc(path: Path) -> tuple[CodebookSpec, list[str]]:
    """Read a REFI-QDA codebook; returns the spec and notes on what was tolerated or skipped."""
    data = read_codebook_bytes(path)
    root = _parse(data, path)
    qname = etree.QName(root)
    reader = _Reader(path, qname.namespace)
    if qname.localname == "Project" and reader.ns == PROJECT_NS:
        raise reader.error("is a REFI-QDA project (.qde), not a codebook (.qdc)")
    if qname.localname != "CodeBook" or reader.ns not in (CODEBOOK_NS, PROJECT_NS, None):
        raise reader.error(
            f"is not a REFI-QDA codebook (its root element is <{root.tag}>)", root.sourceline
        )
    if reader.ns == PROJECT_NS:
        reader.notes.append("a <CodeBook> in the REFI-QDA project namespace (cut from a .qde)")
    elif reader.ns is None:
        reader.notes.append("a <CodeBook> without the REFI-QDA namespace")
    parts = reader.children(root, "Codes", "Sets")
    if not parts["Codes"]:
        raise reader.error("no <Codes> in the codebook", root.sourceline)
    for sets in parts["Sets"]:
        count = sum(isinstance(child.tag, str) for child in sets)
        reader.notes.append(
            f"{count} code set(s) skipped: qualcope has no code sets"
            if count
            else "an empty <Sets/> accepted (the REFI schema wants a <Set> in it)"
        )
    codes = reader.codes(parts["Codes"][0])
    tally, skipped = reader.tally, reader.skipped
    if not codes:
        reader.notes.append("the codebook has no codes")
    if tally["folded"]:
        reader.notes.append(f"read the qualcope Description blocks of {tally['folded']} codes")
    if tally["guid"]:
        reader.notes.append(f"{tally['guid']} code(s) without a valid GUID get a new one")
    if tally["colour"]:
        reader.notes.append(f"{tally['colour']} colour(s) not like '#rgb' or '#rrggbb' skipped")
    if skipped:
        listed = ", ".join(f"{tag} x{count}" for tag, count in sorted(skipped.items()))
        reader.notes.append(f"skipped elements qualcope does not read: {listed}")
    name, description = _header(data, path, reader.notes)
    spec = CodebookSpec(name=name, description=description, codes=codes)
    problems = rules.check_codebook(spec)
    if problems:
        raise reader.error(problems[0])
    return spec, reader.notes


def _header(data: bytes, path: Path, notes: list[str]) -> tuple[str, str]:
    """The codebook name and description from qualcope's comment, else the file's stem."""
    if COMMENT_PREFIX.strip().encode() not in data:
        return path.stem, ""
    # parse_xml dropped comments; the document has already passed its checks (no DTD,
    # well-formed), so a second parse that keeps comments is as safe as the first.
    keep = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_pis=True)
    root = etree.fromstring(data, keep)
    for node in root.itersiblings(preceding=True):
        text = node.text or ""
        if isinstance(node, etree._Comment) and text.startswith(COMMENT_PREFIX):
            try:
                header = json.loads(text[len(COMMENT_PREFIX) :])
                name = rules.check_text(header.get("name"), "codebook name")
                description = rules.check_text(header.get("description"), "description")
            except (ValueError, AttributeError):
                notes.append("the qualcope comment naming the codebook cannot be read")
                return path.stem, ""
            return name or path.stem, description
    return path.stem, ""


def _parse(data: bytes, path: Path) -> etree._Element:
    try:
        return parse_xml(data, path, "the codebook")
    except ImportFileError as exc:
        message = str(exc)
        prefix = f"{exc.path}, line {exc.line}: " if exc.line is not None else f"{exc.path}: "
        message = message.removeprefix(prefix)
        if "Excessive depth" in message:
            message = (
                "elements nested more than 256 deep; codes may nest at most "
                f"{rules.MAX_DEPTH} levels"
            )
        raise CodebookError(message, path=path, line=exc.line) from exc

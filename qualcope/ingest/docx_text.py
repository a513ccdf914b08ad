"""The complete text of a Word .docx, as a reader of the document sees it (``docx_raw_text``).

This module owns reading WordprocessingML for import: every paragraph a reader sees, in
document order, including text that python-docx's ``paragraph.text`` does not reach (content
controls such as Google Docs' ``goog_rdk_*`` tags, hyperlinks, smart tags, fields, tracked
insertions, text boxes, tables), with tracked deletions, instruction text, comments, notes
and page headers/footers left out and the latter reported in ``RawText.left_out``.

The package is read safely by ``office_package``; lines and speaker labels follow the rules
of ``office_layout``, shared with ``odt_text``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import RawText
from qualcope.ingest.docx_walker import (
    BASED_ON,
    BODY,
    COMMENT,
    OFF,
    R_PR,
    RELS,
    STYLE,
    STYLE_ID,
    STYLE_TYPE,
    VAL,
    W_STRICT,
    B,
    Walker,
)
from qualcope.ingest.office_layout import (
    assemble,
    has_words,
    header_footer_phrase,
)
from qualcope.ingest.office_package import Package
from qualcope.wording import plural

WORD = "Word document (.docx)"
_MAX_STYLE_DEPTH = 32  # basedOn chains followed at most this far (a cycle must not loop)


def docx_raw_text(path: Path) -> RawText:
    """The text a reader of a .docx sees, paragraph by paragraph, with speaker hints.

    Raises ``ImportFileError`` naming the file when it is not a zip, has no main document
    part, or its XML is malformed or declares a DTD. The caller checks zip limits and
    encryption first.
    """
    with Package(path, WORD) as package:
        main = _main_part(package)
        root = package.main_xml(main)
        if root.tag.startswith(W_STRICT):
            raise ImportFileError(
                "is a Strict Open XML document; save it as an ordinary Word document (.docx)",
                path=path,
            )
        body = root.find(BODY)
        if body is None:
            raise package.error(f"{main} has no document body")
        related = _related_parts(package, main)
        styles = _bold_styles(package.xml(related.get("styles", ["word/styles.xml"])[0]))
        try:
            walker = Walker(styles)
            walker.blocks(body)
            if walker.fields:
                # A field that never ends would hide everything after it: read again with the
                # field structure ignored (instruction text is still never shown).
                walker = Walker(styles, ignore_fields=True)
                walker.blocks(body)
        except RecursionError as exc:
            raise package.error("the document is nested too deeply") from exc
        left_out = _docx_left_out(package, related, walker, styles)
    return assemble(walker.lines, left_out)


def _main_part(package: Package) -> str:
    """The main document part named by the package relationships (word/document.xml)."""
    rels = package.xml("_rels/.rels")
    if rels is not None:
        for rel in rels.iter(RELS + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
                target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                if package.has(target):
                    return target
    return "word/document.xml"


def _related_parts(package: Package, main: str) -> dict[str, list[str]]:
    """Relationship kind ('styles', 'comments', 'header', ...) -> part names of the main part."""
    folder, name = posixpath.split(main)
    rels = package.xml(posixpath.join(folder, "_rels", name + ".rels"))
    related: dict[str, list[str]] = {}
    if rels is None:
        return related
    for rel in rels.iter(RELS + "Relationship"):
        target = rel.get("Target", "")
        if not target or rel.get("TargetMode") == "External":
            continue
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if target.startswith("/"):
            part = posixpath.normpath(target.lstrip("/"))
        else:
            part = posixpath.normpath(posixpath.join(folder, target))
        related.setdefault(kind, []).append(part)
    return related


def _bold_styles(styles: etree._Element | None) -> frozenset[str]:
    """The ids of the character styles that make a run bold (following ``w:basedOn``)."""
    if styles is None:
        return frozenset()
    own: dict[str, tuple[bool | None, str | None]] = {}
    for style in styles.iter(STYLE):
        if style.get(STYLE_TYPE) != "character" or style.get(STYLE_ID) is None:
            continue
        bold_el = style.find(f"{R_PR}/{B}")
        bold = None if bold_el is None else bold_el.get(VAL, "1") not in OFF
        based = style.find(BASED_ON)
        own[style.get(STYLE_ID, "")] = (bold, None if based is None else based.get(VAL))
    bold_ids: set[str] = set()
    for style_id in own:
        current: str | None = style_id
        for _ in range(_MAX_STYLE_DEPTH):  # a cycle of basedOn must not loop
            if current is None or current not in own:
                break
            bold, current = own[current]
            if bold is not None:
                if bold:
                    bold_ids.add(style_id)
                break
    return frozenset(bold_ids)


def _docx_left_out(
    package: Package, related: dict[str, list[str]], walker: Walker, styles: frozenset[str]
) -> list[str]:
    left_out: list[str] = []
    comments = len(walker.comment_ids)
    if not comments:
        part = package.xml(related.get("comments", ["word/comments.xml"])[0])
        comments = 0 if part is None else sum(1 for _ in part.iter(COMMENT))
    if comments:
        left_out.append(plural(comments, "comment"))
    if walker.footnotes:
        left_out.append(plural(walker.footnotes, "footnote"))
    if walker.endnotes:
        left_out.append(plural(walker.endnotes, "endnote"))
    seen = {
        kind: _parts_have_words(package, related.get(kind) or _default_parts(package, kind), styles)
        for kind in ("header", "footer")
    }
    phrase = header_footer_phrase(seen["header"], seen["footer"])
    if phrase:
        left_out.append(phrase)
    if walker.deletions:
        left_out.append(plural(walker.deletions, "tracked deletion") + " (left out as deleted)")
    if walker.alt_chunks:
        left_out.append(plural(walker.alt_chunks, "embedded document part") + " (altChunk)")
    return left_out


def _default_parts(package: Package, kind: str) -> list[str]:
    """word/header1.xml, ... when the relationships do not name them."""
    pattern = re.compile(rf"word/{kind}\d*\.xml", re.IGNORECASE)
    return [name for name in package.names() if pattern.fullmatch(name)]


def _parts_have_words(package: Package, parts: list[str], styles: frozenset[str]) -> bool:
    for name in parts:
        root = package.xml(name)
        if root is None:
            continue
        walker = Walker(styles, ignore_fields=True)
        walker.blocks(root)
        if any(has_words(line.text) for line in walker.lines):
            return True
    return False

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
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import RawText
from qualcope.ingest.office_layout import (
    Line,
    Paragraph,
    TableLines,
    assemble,
    has_words,
    header_footer_phrase,
    plural,
)
from qualcope.ingest.office_package import Package

WORD = "Word document (.docx)"

# ------------------------------------------------------------------ WordprocessingML
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

BODY, P, R, T, TBL, TR, TC = (_W + n for n in ("body", "p", "r", "t", "tbl", "tr", "tc"))
SDT, SDT_CONTENT, CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
HYPERLINK, SMART_TAG, FLD_SIMPLE = _W + "hyperlink", _W + "smartTag", _W + "fldSimple"
INS, MOVE_TO, DEL, MOVE_FROM = _W + "ins", _W + "moveTo", _W + "del", _W + "moveFrom"
DIR, BDO = _W + "dir", _W + "bdo"
TAB, PTAB, BR, CR = _W + "tab", _W + "ptab", _W + "br", _W + "cr"
NO_BREAK_HYPHEN, SOFT_HYPHEN, SYM = _W + "noBreakHyphen", _W + "softHyphen", _W + "sym"
FLD_CHAR, FLD_CHAR_TYPE = _W + "fldChar", _W + "fldCharType"
DRAWING, PICT, OBJECT, TXBX_CONTENT = _W + "drawing", _W + "pict", _W + "object", _W + "txbxContent"
RUBY, RUBY_BASE = _W + "ruby", _W + "rubyBase"
FOOTNOTE_REF, ENDNOTE_REF, COMMENT_REF = (
    _W + "footnoteReference",
    _W + "endnoteReference",
    _W + "commentReference",
)
ALT_CHUNK, COMMENT = _W + "altChunk", _W + "comment"
R_PR, B, R_STYLE, VAL, CHAR, ID = (
    _W + "rPr",
    _W + "b",
    _W + "rStyle",
    _W + "val",
    _W + "char",
    _W + "id",
)
TR_PR, TC_PR, GRID_SPAN, GRID_BEFORE = _W + "trPr", _W + "tcPr", _W + "gridSpan", _W + "gridBefore"
P_PR = _W + "pPr"
STYLE, STYLE_TYPE, STYLE_ID, BASED_ON = _W + "style", _W + "type", _W + "styleId", _W + "basedOn"
ALTERNATE_CONTENT, CHOICE, FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
O_MATH, O_MATH_PARA, M_T = _M + "oMath", _M + "oMathPara", _M + "t"

_OFF = frozenset({"0", "false", "off"})
# Inline elements whose children are runs a reader sees.
_INLINE_CONTAINERS = frozenset(
    {HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE, INS, MOVE_TO, DIR, BDO}
)
# Block elements whose children are blocks.
_BLOCK_CONTAINERS = frozenset({CUSTOM_XML, INS, MOVE_TO})
# Row- and cell-level wrappers whose children are rows or cells.
_WRAPPERS = frozenset({CUSTOM_XML, INS, MOVE_TO})
_MAX_STYLE_DEPTH = 32


def docx_raw_text(path: Path) -> RawText:
    """The text a reader of a .docx sees, paragraph by paragraph, with speaker hints.

    Raises ``ImportFileError`` naming the file when it is not a zip, has no main document
    part, or its XML is malformed or declares a DTD. The caller checks zip limits and
    encryption first.
    """
    with Package(path, WORD) as package:
        main = _main_part(package)
        root = package.main_xml(main)
        if root.tag.startswith(_W_STRICT):
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
            walker = _Walker(styles)
            walker.blocks(body)
            if walker.fields:
                # A field that never ends would hide everything after it: read again with the
                # field structure ignored (instruction text is still never shown).
                walker = _Walker(styles, ignore_fields=True)
                walker.blocks(body)
        except RecursionError as exc:
            raise package.error("the document is nested too deeply") from exc
        left_out = _docx_left_out(package, related, walker, styles)
    return assemble(walker.lines, left_out)


def _main_part(package: Package) -> str:
    """The main document part named by the package relationships (word/document.xml)."""
    rels = package.xml("_rels/.rels")
    if rels is not None:
        for rel in rels.iter(_RELS + "Relationship"):
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
    for rel in rels.iter(_RELS + "Relationship"):
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
        bold = None if bold_el is None else bold_el.get(VAL, "1") not in _OFF
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


def _choice(alternate: etree._Element) -> etree._Element | None:
    """The branch of ``mc:AlternateContent`` to read: the first Choice, else the Fallback."""
    choice = alternate.find(CHOICE)
    return choice if choice is not None else alternate.find(FALLBACK)


def _text_boxes(element: etree._Element) -> list[etree._Element]:
    """The outermost ``w:txbxContent`` below a drawing, picture or object, in document order.

    ``mc:AlternateContent`` inside a drawing group holds the same box twice: one branch is
    read. A box inside a box is found when the outer box's paragraphs are read.
    """
    found: list[etree._Element] = []
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == TXBX_CONTENT:
            found.append(child)
        elif child.tag == ALTERNATE_CONTENT:
            branch = _choice(child)
            if branch is not None:
                stack.append(iter(branch))
        else:
            stack.append(iter(child))
    return found


class _Cell:
    """The paragraphs of a table cell and the text boxes anchored in it (read after the row)."""

    __slots__ = ("texts", "boxes")

    def __init__(self, boxes: list[etree._Element]) -> None:
        self.texts: list[str] = []
        self.boxes = boxes


class _Walker:
    """Reads body content in document order into lines; counts what it leaves out."""

    def __init__(self, bold_styles: frozenset[str], *, ignore_fields: bool = False) -> None:
        self.lines: list[Line] = []
        self.bold_styles = bold_styles
        self.ignore_fields = ignore_fields
        # One entry per open complex field: False while its instruction is read, True once
        # its result begins. Text shows only when every open field is in its result.
        self.fields: list[bool] = []
        self.deletions = 0
        self.footnotes = 0
        self.endnotes = 0
        self.comment_ids: set[str] = set()
        self.alt_chunks = 0

    # ---------------------------------------------------------------- blocks
    def blocks(self, container: etree._Element, cell: _Cell | None = None) -> None:
        """Paragraphs and tables of a body, content control, text box or cell.

        With ``cell`` the paragraphs' texts go to the cell; otherwise each is a line, and the
        text boxes it anchors follow it.
        """
        for child in container:
            tag = child.tag
            if tag == P:
                self._paragraph(child, cell)
            elif tag == TBL:
                self._table(child, cell)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.blocks(content, cell)
            elif tag in _BLOCK_CONTAINERS:
                self.blocks(child, cell)
            elif tag == ALTERNATE_CONTENT:
                branch = _choice(child)
                if branch is not None:
                    self.blocks(branch, cell)
            elif tag == ALT_CHUNK:
                self.alt_chunks += 1  # an imported HTML/RTF part Word converts on opening

    def _paragraph(self, p: etree._Element, cell: _Cell | None) -> None:
        boxes: list[etree._Element] = [] if cell is None else cell.boxes
        para = Paragraph()
        self.inline(p, para, boxes)
        text = para.text()
        if cell is not None:
            cell.texts.append(text)
            return
        if not text and _mark_deleted(p):
            return  # a deleted paragraph is not in the final document
        self.lines.append(Line(text, para.bold_end))
        for box in boxes:
            self.blocks(box)

    def _table(self, tbl: etree._Element, cell: _Cell | None) -> None:
        table = TableLines(self.lines)
        for tr in self._rows(tbl):
            trpr = tr.find(TR_PR)
            if trpr is not None and trpr.find(DEL) is not None:
                self.deletions += 1  # a deleted row: its runs are deletions too, left out
                continue
            boxes: list[etree._Element] = [] if cell is None else cell.boxes
            texts = self._row_cells(tr, boxes)
            if cell is not None:
                # A nested table flattens into its cell, its cells like its paragraphs.
                cell.texts.extend(text for _, text in texts)
                continue
            table.add_row(texts)
            for box in boxes:
                self.blocks(box)
        table.finish()

    def _rows(self, container: etree._Element) -> Iterator[etree._Element]:
        for child in container:
            if child.tag == TR:
                yield child
            elif child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from self._rows(content)
            elif child.tag in _WRAPPERS:
                yield from self._rows(child)

    def _row_cells(self, tr: etree._Element, boxes: list[etree._Element]) -> list[tuple[int, str]]:
        """(grid column, text) of each cell: its paragraphs joined by a space, because a row
        is one line; empty paragraphs add nothing. A vertically merged continuation cell is
        read like any other (Word keeps it empty), so it gives an empty cell.
        """
        cells: list[tuple[int, str]] = []
        trpr = tr.find(TR_PR)
        column = _int_val(trpr.find(GRID_BEFORE) if trpr is not None else None, 0)
        for tc in self._cells(tr):
            holder = _Cell(boxes)
            self.blocks(tc, holder)
            cells.append((column, " ".join(text for text in holder.texts if text)))
            tcpr = tc.find(TC_PR)
            column += max(1, _int_val(tcpr.find(GRID_SPAN) if tcpr is not None else None, 1))
        return cells

    def _cells(self, container: etree._Element) -> Iterator[etree._Element]:
        for child in container:
            if child.tag == TC:
                yield child
            elif child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from self._cells(content)
            elif child.tag in _WRAPPERS:
                yield from self._cells(child)

    # ---------------------------------------------------------------- inline
    def _visible(self) -> bool:
        return self.ignore_fields or all(self.fields)

    def inline(
        self, container: etree._Element, para: Paragraph, boxes: list[etree._Element]
    ) -> None:
        """Runs of a paragraph (or of a hyperlink, content control, insertion, ...)."""
        for child in container:
            tag = child.tag
            if tag == R:
                self._run(child, para, boxes)
            elif tag in _INLINE_CONTAINERS:
                self.inline(child, para, boxes)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content, para, boxes)
            elif tag == DEL:
                if child.find(R) is not None:
                    self.deletions += 1
            elif tag == ALTERNATE_CONTENT:
                branch = _choice(child)
                if branch is not None:
                    self.inline(branch, para, boxes)
            elif tag == O_MATH or tag == O_MATH_PARA:
                start = para.length
                para.add("".join(t.text or "" for t in child.iter(M_T)))
                para.run_done(start, bold=False)
            # w:moveFrom (the moved text is read at its w:moveTo), w:pPr, bookmarks, proofing
            # and comment range marks hold no text a reader sees.

    def _run(self, r: etree._Element, para: Paragraph, boxes: list[etree._Element]) -> None:
        start = para.length
        self._run_content(r, para, boxes)
        if para.prefix_open and para.length != start:  # bold matters only for the prefix
            para.run_done(start, self._bold(r))

    def _run_content(self, r: etree._Element, para: Paragraph, boxes: list[etree._Element]) -> None:
        for child in r:
            tag = child.tag
            if tag == T:
                if self._visible():
                    para.add(child.text or "")
            elif tag == TAB or tag == PTAB:
                if self._visible():
                    para.add("\t")
            elif tag == BR or tag == CR:
                if self._visible():
                    para.add("\n")
            elif tag == NO_BREAK_HYPHEN:
                if self._visible():
                    para.add("\u2011")
            elif tag == SYM:
                if self._visible():
                    para.add(_symbol(child.get(CHAR)))
            elif tag == FLD_CHAR:
                self._field_char(child.get(FLD_CHAR_TYPE))
            elif tag == DRAWING or tag == PICT or tag == OBJECT:
                boxes.extend(_text_boxes(child))
            elif tag == ALTERNATE_CONTENT:
                branch = _choice(child)
                if branch is not None:
                    self._run_content(branch, para, boxes)
            elif tag == RUBY:
                base = child.find(RUBY_BASE)  # the base text; the small ruby text above it is
                if base is not None:  # an annotation, like a footnote
                    self.inline(base, para, boxes)
            elif tag == FOOTNOTE_REF:
                self.footnotes += 1
            elif tag == ENDNOTE_REF:
                self.endnotes += 1
            elif tag == COMMENT_REF:
                self.comment_ids.add(child.get(ID, str(len(self.comment_ids))))
            # w:instrText is a field's instruction, w:delText deleted text, w:softHyphen an
            # invisible break opportunity: none is text a reader sees.

    def _field_char(self, kind: str | None) -> None:
        if self.ignore_fields:
            return
        if kind == "begin":
            self.fields.append(False)
        elif kind == "separate" and self.fields:
            self.fields[-1] = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _bold(self, r: etree._Element) -> bool:
        rpr = r.find(R_PR)
        if rpr is None:
            return False
        bold = rpr.find(B)
        if bold is not None:
            return bold.get(VAL, "1") not in _OFF
        style = rpr.find(R_STYLE)
        return style is not None and style.get(VAL) in self.bold_styles


def _mark_deleted(p: etree._Element) -> bool:
    ppr = p.find(P_PR)
    return ppr is not None and ppr.find(f"{R_PR}/{DEL}") is not None


def _int_val(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(VAL, default))
    except ValueError:
        return default


def _symbol(code: str | None) -> str:
    """The character of a ``w:sym``; nothing for a symbol-font private code (U+F0xx)."""
    try:
        char = chr(int(code or "", 16))
    except (ValueError, OverflowError):
        return ""
    return "" if unicodedata.category(char) in ("Co", "Cs", "Cn", "Cc") else char


def _docx_left_out(
    package: Package, related: dict[str, list[str]], walker: _Walker, styles: frozenset[str]
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
        walker = _Walker(styles, ignore_fields=True)
        walker.blocks(root)
        if any(has_words(line.text) for line in walker.lines):
            return True
    return False

"""Walking WordprocessingML body content into lines (``docx_text`` reads the package and
hands each part to a ``Walker``): paragraphs in document order through content controls,
hyperlinks, smart tags, fields (results only), tracked insertions, tables and text boxes;
deletions, instruction text and notes counted and left out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from lxml import etree

from qualcope.ingest.office_layout import CellReading, Line, Paragraph, read_table

# ------------------------------------------------------------------ WordprocessingML
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

BODY, P, R, T, TBL, TR, TC = (W + n for n in ("body", "p", "r", "t", "tbl", "tr", "tc"))
SDT, SDT_CONTENT, CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
HYPERLINK, SMART_TAG, FLD_SIMPLE = W + "hyperlink", W + "smartTag", W + "fldSimple"
INS, MOVE_TO, DEL, MOVE_FROM = W + "ins", W + "moveTo", W + "del", W + "moveFrom"
DIR, BDO = W + "dir", W + "bdo"
TAB, PTAB, BR, CR = W + "tab", W + "ptab", W + "br", W + "cr"
NO_BREAK_HYPHEN, SOFT_HYPHEN, SYM = W + "noBreakHyphen", W + "softHyphen", W + "sym"
FLD_CHAR, FLD_CHAR_TYPE = W + "fldChar", W + "fldCharType"
DRAWING, PICT, OBJECT, TXBX_CONTENT = W + "drawing", W + "pict", W + "object", W + "txbxContent"
RUBY, RUBY_BASE = W + "ruby", W + "rubyBase"
FOOTNOTE_REF, ENDNOTE_REF, COMMENT_REF = (
    W + "footnoteReference",
    W + "endnoteReference",
    W + "commentReference",
)
ALT_CHUNK, COMMENT = W + "altChunk", W + "comment"
R_PR, B, R_STYLE, VAL, CHAR, ID = (
    W + "rPr",
    W + "b",
    W + "rStyle",
    W + "val",
    W + "char",
    W + "id",
)
TR_PR, TC_PR, GRID_SPAN, GRID_BEFORE = W + "trPr", W + "tcPr", W + "gridSpan", W + "gridBefore"
P_PR = W + "pPr"
STYLE, STYLE_TYPE, STYLE_ID, BASED_ON = W + "style", W + "type", W + "styleId", W + "basedOn"
ALTERNATE_CONTENT, CHOICE, FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
O_MATH, O_MATH_PARA, M_T = _M + "oMath", _M + "oMathPara", _M + "t"

OFF = frozenset({"0", "false", "off"})
# Inline elements whose children are runs a reader sees.
_INLINE_CONTAINERS = frozenset(
    {HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE, INS, MOVE_TO, DIR, BDO}
)
# Block elements whose children are blocks.
_BLOCK_CONTAINERS = frozenset({CUSTOM_XML, INS, MOVE_TO})
# Row- and cell-level wrappers whose children are rows or cells.
_WRAPPERS = frozenset({CUSTOM_XML, INS, MOVE_TO})


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


class Walker:
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
    def blocks(self, container: etree._Element, cell: CellReading | None = None) -> None:
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

    def _paragraph(self, p: etree._Element, cell: CellReading | None) -> None:
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

    def _table(self, tbl: etree._Element, cell: CellReading | None) -> None:
        read_table(self.lines, self._kept_rows(tbl), cell, self._row_cells, self.blocks)

    def _kept_rows(self, tbl: etree._Element) -> Iterator[etree._Element]:
        for tr in self._children(tbl, TR):
            trpr = tr.find(TR_PR)
            if trpr is not None and trpr.find(DEL) is not None:
                self.deletions += 1  # a deleted row: its runs are deletions too, left out
                continue
            yield tr

    def _children(self, container: etree._Element, tag: str) -> Iterator[etree._Element]:
        """The ``tag`` children (rows of a table, cells of a row), also those inside content
        controls and other wrappers."""
        for child in container:
            if child.tag == tag:
                yield child
            elif child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from self._children(content, tag)
            elif child.tag in _WRAPPERS:
                yield from self._children(child, tag)

    def _row_cells(self, tr: etree._Element, boxes: list[etree._Element]) -> list[tuple[int, str]]:
        """(grid column, text) of each cell: its paragraphs joined by a space, because a row
        is one line; empty paragraphs add nothing. A vertically merged continuation cell is
        read like any other (Word keeps it empty), so it gives an empty cell.
        """
        cells: list[tuple[int, str]] = []
        trpr = tr.find(TR_PR)
        column = _int_val(trpr.find(GRID_BEFORE) if trpr is not None else None, 0)
        for tc in self._children(tr, TC):
            holder = CellReading(boxes)
            self.blocks(tc, holder)
            cells.append((column, " ".join(text for text in holder.texts if text)))
            tcpr = tc.find(TC_PR)
            column += max(1, _int_val(tcpr.find(GRID_SPAN) if tcpr is not None else None, 1))
        return cells

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
            return bold.get(VAL, "1") not in OFF
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

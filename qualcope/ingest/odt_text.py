"""The complete text of an OpenDocument .odt, as a reader of the document sees it
(``odt_raw_text``).

This module owns reading ODF ``content.xml`` for import: paragraphs and headings in document
order (inside lists, sections, indexes, tables and text frames), with ODF's white-space
rules, and notes, comments (annotations), tracked deletions and page headers/footers left
out and reported in ``RawText.left_out``. Bold leading spans and speaker tables give
``LabelHint``s by the same rules as ``docx_text`` (``office_layout``).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import RawText
from qualcope.ingest.office_layout import (
    CellReading,
    Line,
    Paragraph,
    assemble,
    has_words,
    header_footer_phrase,
    read_table,
)
from qualcope.ingest.office_package import Package
from qualcope.wording import plural

ODT = "OpenDocument text (.odt)"

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"

BODY, OFFICE_TEXT = _OFFICE + "body", _OFFICE + "text"
ANNOTATION, ANNOTATION_END = _OFFICE + "annotation", _OFFICE + "annotation-end"
P, H, SPAN, S, TAB, LINE_BREAK = (_TEXT + n for n in ("p", "h", "span", "s", "tab", "line-break"))
LIST, SECTION, NOTE, NOTE_CLASS, C = (
    _TEXT + n for n in ("list", "section", "note", "note-class", "c")
)
TRACKED_CHANGES, DELETION = _TEXT + "tracked-changes", _TEXT + "deletion"
RUBY_TEXT, STYLE_NAME = _TEXT + "ruby-text", _TEXT + "style-name"
TABLE, TABLE_ROW, TABLE_CELL, COVERED_CELL = (
    _TABLE + n for n in ("table", "table-row", "table-cell", "covered-table-cell")
)
COLUMNS_REPEATED = _TABLE + "number-columns-repeated"
STYLE_STYLE, FAMILY, NAME, PARENT = (
    _STYLE + n for n in ("style", "family", "name", "parent-style-name")
)
TEXT_PROPERTIES, FONT_WEIGHT = _STYLE + "text-properties", _FO + "font-weight"
MASTER_PAGE = _STYLE + "master-page"

# Blocks: paragraphs and what holds paragraphs.
_BLOCKS = frozenset({P, H, LIST, SECTION, TABLE})
# Block containers read through: list items, indexes (a table of contents shows its text),
# numbered paragraphs. Their *-source and template children are settings, not text.
_BLOCK_CONTAINERS = frozenset(
    _TEXT + n
    for n in (
        "list",
        "list-item",
        "list-header",
        "section",
        "numbered-paragraph",
        "table-of-content",
        "illustration-index",
        "table-index",
        "object-index",
        "user-index",
        "alphabetical-index",
        "bibliography",
        "index-body",
        "index-title",
    )
)
# Table children that hold rows.
_ROW_GROUPS = frozenset(_TABLE + n for n in ("table-header-rows", "table-rows", "table-row-group"))
# Inline elements that hold nothing a reader sees as text of the paragraph.
_INLINE_SKIPPED = frozenset(
    {
        ANNOTATION_END,
        RUBY_TEXT,
        _TEXT + "soft-page-break",
        _TEXT + "change",
        _TEXT + "change-start",
        _TEXT + "change-end",
    }
)
# Drawing elements that hold another document (a chart, an OLE object), not text boxes.
_EMBEDDED = frozenset({_DRAW + "object", _DRAW + "object-ole", _DRAW + "image"})
_BOLD_WEIGHTS = frozenset({"bold", "600", "700", "800", "900"})
_MAX_SPACES = 10_000  # text:c of text:s: a hostile count must not build a huge string
_MAX_STYLE_DEPTH = 32
_WHITE = re.compile(r"[ \t\r\n]+")


def odt_raw_text(path: Path) -> RawText:
    """The text a reader of an .odt sees, paragraph by paragraph, with speaker hints.

    Raises ``ImportFileError`` naming the file when it is not a zip, has no content.xml, its
    XML is malformed or declares a DTD, or it is not a text document. The caller checks zip
    limits and encryption first.
    """
    with Package(path, ODT) as package:
        content = package.main_xml("content.xml")
        body = content.find(BODY)
        office_text = body.find(OFFICE_TEXT) if body is not None else None
        if office_text is None:
            kinds = [child.tag.rsplit("}", 1)[-1] for child in (body if body is not None else ())]
            if kinds and kinds[0] in ("spreadsheet", "presentation", "drawing"):
                raise ImportFileError(
                    f"is an OpenDocument {kinds[0]}, not a text document", path=path
                )
            raise package.error("content.xml has no text body")
        styles_root = package.xml("styles.xml")
        bold = _bold_styles(styles_root, content)
        try:
            walker = _Walker(bold)
            walker.blocks(office_text)
        except RecursionError as exc:
            raise package.error("the document is nested too deeply") from exc
        left_out = _odt_left_out(walker, styles_root, bold)
    return assemble(walker.lines, left_out)


def _bold_styles(*roots: etree._Element | None) -> dict[str, bool]:
    """Text style name -> whether it makes a span bold. A style without a font weight takes
    its parent's; one with no weight in its whole chain is absent (the span inherits).

    Common styles come from styles.xml, automatic styles from content.xml; a later root's
    style of the same name wins, as automatic styles are what the body refers to.
    """
    own: dict[str, tuple[bool | None, str | None]] = {}
    for root in roots:
        if root is None:
            continue
        for style in root.iter(STYLE_STYLE):
            if style.get(FAMILY) != "text" or style.get(NAME) is None:
                continue
            props = style.find(TEXT_PROPERTIES)
            weight = props.get(FONT_WEIGHT) if props is not None else None
            bold = None if weight is None else weight.strip().lower() in _BOLD_WEIGHTS
            own[style.get(NAME, "")] = (bold, style.get(PARENT))
    resolved: dict[str, bool] = {}
    for name in own:
        current: str | None = name
        for _ in range(_MAX_STYLE_DEPTH):  # a cycle of parents must not loop
            if current is None or current not in own:
                break
            weight, current = own[current]
            if weight is not None:
                resolved[name] = weight
                break
    return resolved


class _OdtParagraph(Paragraph):
    """A paragraph with ODF white-space handling (ODF 1.2 part 1, 6.1.2).

    In character data, tabs and line ends are spaces, a space after a space is dropped, and
    spaces at the start of the paragraph are dropped; ``text:s``, ``text:tab`` and
    ``text:line-break`` are the document's real white space and are kept as they are. As
    LibreOffice does, a trailing space is kept (it writes one literally and reads it back).
    """

    __slots__ = ("after_space",)

    def __init__(self) -> None:
        super().__init__()
        self.after_space = True  # at the start, leading white space is dropped

    def characters(self, data: str, bold: bool) -> None:
        text = _WHITE.sub(" ", data)
        if self.after_space:
            text = text.lstrip(" ")
        if not text:
            return
        self.after_space = text.endswith(" ")
        self.chunk(text, bold)

    def literal(self, text: str, bold: bool) -> None:
        self.after_space = False
        self.chunk(text, bold)

    def chunk(self, text: str, bold: bool) -> None:
        start = self.length
        self.add(text)
        self.run_done(start, bold)


class _Walker:
    """Reads office:text in document order into lines; counts what it leaves out."""

    def __init__(self, bold_styles: dict[str, bool]) -> None:
        self.lines: list[Line] = []
        self.bold_styles = bold_styles
        self.footnotes = 0
        self.endnotes = 0
        self.annotations = 0
        self.deletions = 0

    # ---------------------------------------------------------------- blocks
    def blocks(self, container: etree._Element, cell: CellReading | None = None) -> None:
        """Paragraphs, headings and tables of the body, a list, a section, a frame or a cell.

        With ``cell`` the paragraphs' texts go to the cell; otherwise each is a line, and the
        frames it anchors follow it.
        """
        for child in container:
            tag = child.tag
            if tag == P or tag == H:
                self._paragraph(child, cell)
            elif tag == TABLE:
                self._table(child, cell)
            elif tag in _BLOCK_CONTAINERS:
                self.blocks(child, cell)
            elif tag == TRACKED_CHANGES:
                # The deleted text is kept here, out of the body: not text a reader sees.
                self.deletions += sum(1 for _ in child.iter(DELETION))
            elif tag.startswith(_DRAW) and tag not in _EMBEDDED:
                # A frame anchored to the page sits between the paragraphs.
                for box in _frame_texts(child):
                    self.blocks(box, cell)
            # Declarations (sequence-decls, variable-decls, ...), forms and index sources
            # are settings, not text.

    def _paragraph(self, p: etree._Element, cell: CellReading | None) -> None:
        boxes: list[etree._Element] = [] if cell is None else cell.boxes
        para = _OdtParagraph()
        self.inline(p, para, boxes, bold=False)
        text = para.text()
        if cell is not None:
            cell.texts.append(text)
            return
        self.lines.append(Line(text, para.bold_end))
        for box in boxes:
            self.blocks(box)

    def _table(self, element: etree._Element, cell: CellReading | None) -> None:
        read_table(self.lines, _rows(element), cell, self._row_cells, self.blocks)

    def _row_cells(self, tr: etree._Element, boxes: list[etree._Element]) -> list[tuple[int, str]]:
        """(grid column, text) of each cell: its paragraphs joined by a space, because a row
        is one line; empty paragraphs add nothing. A covered cell (under a merged cell) is an
        empty cell; a repeated cell is read once.
        """
        cells: list[tuple[int, str]] = []
        column = 0
        for child in tr:
            if child.tag == TABLE_CELL:
                holder = CellReading(boxes)
                self.blocks(child, holder)
                cells.append((column, " ".join(text for text in holder.texts if text)))
            elif child.tag == COVERED_CELL:
                cells.append((column, ""))
            else:
                continue
            column += _repeat(child.get(COLUMNS_REPEATED))
        return cells

    # ---------------------------------------------------------------- inline
    def inline(
        self,
        element: etree._Element,
        para: _OdtParagraph,
        boxes: list[etree._Element],
        bold: bool,
    ) -> None:
        """The character content of a paragraph or of an element inside one.

        A child's tail is the paragraph's text after it, read even when the child is left out
        (the text after a footnote mark is still the sentence).
        """
        if element.text:
            para.characters(element.text, bold)
        for child in element:
            tag = child.tag
            if tag == SPAN:
                style = self.bold_styles.get(child.get(STYLE_NAME, ""))
                self.inline(child, para, boxes, bold if style is None else style)
            elif tag == S:
                para.literal(" " * min(_repeat(child.get(C)), _MAX_SPACES), bold)
            elif tag == TAB:
                para.literal("\t", bold)
            elif tag == LINE_BREAK:
                para.literal("\n", bold)
            elif tag == NOTE:
                if child.get(NOTE_CLASS) == "endnote":
                    self.endnotes += 1
                else:
                    self.footnotes += 1
            elif tag == ANNOTATION:
                self.annotations += 1
            elif tag in _INLINE_SKIPPED:
                pass
            elif tag.startswith(_DRAW):
                if tag not in _EMBEDDED:
                    boxes.extend(_frame_texts(child))
            elif tag.startswith(_TEXT):
                # Links, meta, fields (date, page number, cross-references), ruby base:
                # what they hold is what the reader sees.
                self.inline(child, para, boxes, bold)
            # Other namespaces (office:binary-data, svg:desc, ...) are not paragraph text.
            if child.tail:
                para.characters(child.tail, bold)


def _rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == TABLE_ROW:
            rows.append(child)  # a repeated row is read once
        elif child.tag in _ROW_GROUPS:
            rows.extend(_rows(child))
    return rows


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _frame_texts(element: etree._Element) -> list[etree._Element]:
    """The elements below a drawing element whose children are paragraphs (a frame's
    ``draw:text-box``, a shape's own text), outermost first, in document order.
    """
    found: list[etree._Element] = []
    stack = [element]
    while stack:
        current = stack.pop()
        if any(child.tag in _BLOCKS for child in current):
            found.append(current)  # its frames inside paragraphs are found when read
            continue
        stack.extend(
            child
            for child in reversed(current)
            if child.tag.startswith(_DRAW) and child.tag not in _EMBEDDED
        )
    return found


def _odt_left_out(
    walker: _Walker, styles_root: etree._Element | None, bold: dict[str, bool]
) -> list[str]:
    left_out: list[str] = []
    if walker.annotations:
        left_out.append(plural(walker.annotations, "comment"))
    if walker.footnotes:
        left_out.append(plural(walker.footnotes, "footnote"))
    if walker.endnotes:
        left_out.append(plural(walker.endnotes, "endnote"))
    header = footer = False
    if styles_root is not None:
        for page in styles_root.iter(MASTER_PAGE):
            for part in page:
                kind = part.tag.removeprefix(_STYLE)
                if not kind.startswith(("header", "footer")):
                    continue
                # Header paragraphs may sit in style:region-left/-center/-right.
                reader = _Walker(bold)
                texts = []
                for p in part.iter(P, H):
                    para = _OdtParagraph()
                    reader.inline(p, para, [], bold=False)
                    texts.append(para.text())
                if any(has_words(text) for text in texts):
                    header = header or kind.startswith("header")
                    footer = footer or kind.startswith("footer")
    phrase = header_footer_phrase(header, footer)
    if phrase:
        left_out.append(phrase)
    if walker.deletions:
        left_out.append(plural(walker.deletions, "tracked deletion") + " (left out as deleted)")
    return left_out

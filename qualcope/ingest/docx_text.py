"""The complete text of a Word .docx, as a reader of the document sees it (``docx_raw_text``).

This module owns reading WordprocessingML for import: every paragraph a reader sees, in
document order, including text that python-docx's ``paragraph.text`` does not reach (content
controls such as Google Docs' ``goog_rdk_*`` tags, hyperlinks, smart tags, fields, tracked
insertions, text boxes, tables), with tracked deletions, instruction text, comments, notes
and page headers/footers left out and the latter reported in ``RawText.left_out``.

It also owns the pieces that ``odt_text`` shares: the safe package/XML reading
(``Package``), the line model (``Line``), the bold-label and speaker-table rules that give
``LabelHint``s, and ``assemble`` that joins lines into a ``RawText``.

The XML is parsed by lxml with entity resolution, DTD loading and network access off, from
zip members read with a size cap; a document that declares a DTD is refused (Word never
writes one, and a DTD is how entity attacks start). The caller checks the zip limits and
encryption first (``sniff.check_archive``).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from lxml import etree

from qualcope.errors import ImportFileError
from qualcope.ingest.base import LabelHint, RawText
from qualcope.ingest.sniff import MAX_ZIP_TOTAL_BYTES
from qualcope.ingest.turns import seconds

WORD = "Word document (.docx)"

# ------------------------------------------------------------------ shared: package and XML
# One part is never larger than the whole archive may be; the cap is re-checked while
# reading because a zip header may lie about a member's size.
MAX_PART_BYTES = MAX_ZIP_TOTAL_BYTES
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile cannot read
    ValueError,
)


class Package:
    """A zip package (.docx, .odt) opened for reading its XML parts safely.

    Every failure becomes an ``ImportFileError`` "is not a valid <kind> (<reason>)" naming
    the file; ``with Package(...) as package`` closes the archive.
    """

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        try:
            self.archive = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise ImportFileError("file not found", path=path) from exc
        except zipfile.BadZipFile as exc:
            raise self.error("not a zip archive") from exc
        except _ZIP_READ_ERRORS as exc:
            raise self.error(f"cannot open the archive: {_first_line(exc)}") from exc
        infos = self.archive.infolist()
        self._members = {info.filename: info for info in infos}
        # Some generators write part names in another case; Office itself reads them
        # case-insensitively.
        self._folded = {info.filename.casefold(): info for info in infos}

    def __enter__(self) -> Package:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.archive.close()

    def error(self, reason: str) -> ImportFileError:
        return ImportFileError(f"is not a valid {self.kind} ({reason})", path=self.path)

    def names(self) -> list[str]:
        return list(self._members)

    def has(self, name: str) -> bool:
        return self._info(name) is not None

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        return self._members.get(name) or self._folded.get(name.casefold())

    def read(self, name: str) -> bytes | None:
        """The bytes of a member (None when there is none), never more than the part cap."""
        info = self._info(name)
        if info is None:
            return None
        try:
            with self.archive.open(info) as member:
                data = member.read(MAX_PART_BYTES + 1)
        except _ZIP_READ_ERRORS as exc:
            raise self.error(f"cannot read {name}: {_first_line(exc)}") from exc
        if len(data) > MAX_PART_BYTES:
            raise self.error(f"{name} is larger than {MAX_PART_BYTES // 2**20} MB")
        return data

    def xml(self, name: str) -> etree._Element | None:
        """A side part parsed safely; None when it is missing or malformed (a broken side
        part, such as comments, must not stop the import of the text).
        """
        return self._parse(name, required=False)

    def main_xml(self, name: str) -> etree._Element:
        """The main part parsed safely; missing or malformed, it is an ``ImportFileError``."""
        root = self._parse(name, required=True)
        if root is None:  # _parse raises instead; this satisfies the type
            raise self.error(f"no {name} in the archive")
        return root

    def _parse(self, name: str, *, required: bool) -> etree._Element | None:
        # Any part that declares a DTD is refused: office formats never use one.
        data = self.read(name)
        if data is None:
            if required:
                raise self.error(f"no {name} in the archive")
            return None
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            if required:
                raise self.error(f"{name} is not well-formed XML: {_first_line(exc)}") from exc
            return None
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
            raise self.error(f"{name} declares a DTD, which is refused for safety")
        return root


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD loading, no network, libxml2's default size/depth limits.
    # Comments and processing instructions are dropped so that every child has a str tag.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]


# ------------------------------------------------------------------ shared: lines and hints
@dataclass(slots=True)
class Line:
    """One line of the raw text: a paragraph or a table row.

    ``bold_end`` is the length of the bold prefix a paragraph starts with (0: none);
    ``hints`` are a table row's speaker hints with offsets into this line.
    """

    text: str
    bold_end: int = 0
    hints: list[LabelHint] = field(default_factory=list)


class Paragraph:
    """A paragraph's text as it is built, and the bold prefix it starts with.

    The prefix follows office.py's rule: runs without text are skipped, bold runs extend
    the prefix, the first run with text that is not bold ends it.
    """

    __slots__ = ("parts", "length", "bold_end", "prefix_open")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.bold_end = 0
        self.prefix_open = True

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def run_done(self, start: int, bold: bool) -> None:
        """A run that began at ``start`` is complete: extend or close the bold prefix."""
        if self.length == start or not self.prefix_open:
            return
        if bold:
            self.bold_end = self.length
        else:
            self.prefix_open = False

    def text(self) -> str:
        return "".join(self.parts)


MAX_LABEL_CHARS = 60
MAX_LABEL_WORDS = 8
# Letters, digits, spaces and . ' ’ - & / , ( ); combining accents for decomposed letters.
_LABEL_CHARS = re.compile(r"[^\W\d_](?:[^\W_]|[ .'’\-&/,()\u0300-\u036f])*")
_COLON_AFTER = re.compile(r"[ \t]*:")
_TIMESTAMP_CELL = re.compile(r"\s*[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?\s*")


def plausible_label(label: str) -> bool:
    """Short, starts with a letter, made of name characters."""
    return (
        0 < len(label) <= MAX_LABEL_CHARS
        and len(label.split()) <= MAX_LABEL_WORDS
        and _LABEL_CHARS.fullmatch(label) is not None
    )


def label_key(label: str) -> str:
    """The comparison key of a label: case-folded, runs of white space made single spaces."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True, slots=True)
class BoldLabel:
    """A bold label at the start of a line: offsets into the line."""

    label: str
    start: int
    content: int
    colon: bool


def bold_label(text: str, bold_end: int) -> BoldLabel | None:
    """The label a bold prefix of ``bold_end`` characters gives a paragraph, if plausible.

    A bold prefix that is the whole paragraph (a bold heading, or a label alone on its line)
    gives none: there are no words after it for a turn, and a plain ``Name:`` line is still
    found by the caller's text rules.
    """
    prefix = text[:bold_end]
    stripped = prefix.strip()
    if not stripped:
        return None
    start = len(prefix) - len(prefix.lstrip())
    if stripped.endswith(":"):
        label, colon, after = stripped[:-1].rstrip(), True, start + len(stripped)
    else:
        match = _COLON_AFTER.match(text, bold_end)
        if match:
            label, colon, after = stripped, True, match.end()
        else:
            label, colon, after = stripped, False, start + len(stripped)
    # The turn starts at its first word: spaces and tabs are skipped, and a line break
    # inside the paragraph (a label on a line of its own, the words below it) too.
    content = after
    while content < len(text) and text[content].isspace():
        content += 1
    if content >= len(text) or not plausible_label(label):
        return None
    return BoldLabel(label, start, content, colon)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell in its row line: grid column, offset of its text in the line, text."""

    column: int
    start: int
    text: str


# Header words of speaker tables (English and Dutch, the project's languages), by role.
_HEADER_ROLES: dict[str, str] = {
    **dict.fromkeys(("speaker", "speakers", "spreker", "sprekers", "name", "naam"), "speaker"),
    **dict.fromkeys(
        ("time", "tijd", "timestamp", "time stamp", "tijdstip", "start", "begin", "timecode"),
        "time",
    ),
    **dict.fromkeys(
        ("text", "transcript", "transcription", "tekst", "transcriptie", "utterance"), "text"
    ),
}


def _header_roles(row: Sequence[Cell]) -> dict[str, int] | None:
    """Role -> grid column when every non-empty cell of the row is a header word."""
    roles: dict[str, int] = {}
    filled = 0
    for cell in row:
        word = " ".join(cell.text.strip().rstrip(":").split()).casefold()
        if not word:
            continue
        filled += 1
        role = _HEADER_ROLES.get(word)
        if role is None:
            return None
        roles.setdefault(role, cell.column)
    return roles if filled >= 2 else None


def speaker_table_hints(rows: Sequence[Sequence[Cell]]) -> list[list[LabelHint]]:
    """Speaker hints of a table's rows (offsets into each row's line), [] for each row of a
    table that is not a speaker table.

    A speaker table has at least two columns and either a header row naming a speaker and a
    text column ("Speaker | Time | Text") or first-column values that are plausible labels,
    one of them repeating. A data row with a speaker cell and a text cell gives a hint from
    the speaker cell to the text cell, with the seconds of a time cell.
    """
    hints: list[list[LabelHint]] = [[] for _ in rows]
    if not rows or max(len(row) for row in rows) < 2:
        return hints
    roles = _header_roles(rows[0])
    first = 1 if roles is not None else 0
    data = rows[first:]
    speaker_col: int
    text_col: int | None = None
    time_col: int | None = None
    if roles is not None and "speaker" in roles and "text" in roles:
        speaker_col, text_col, time_col = roles["speaker"], roles["text"], roles.get("time")
    else:
        # No header to go by: the speaker column is the first, or the second when the first
        # holds only time stamps ("Time | Speaker | Text").
        first_cells = [_cell_at(row, 0) for row in data]
        stamps = [c for c in first_cells if c is not None and c.text.strip()]
        all_stamps = bool(stamps) and all(_TIMESTAMP_CELL.fullmatch(c.text) for c in stamps)
        speaker_col = 1 if all_stamps else 0
        labels = [_speaker_text(c) for row in data if (c := _cell_at(row, speaker_col))]
        labels = [label for label in labels if label]
        if not labels or not all(plausible_label(label) for label in labels):
            return hints
        if max(Counter(label_key(label) for label in labels).values()) < 2:
            return hints
    for index, row in enumerate(data, start=first):
        hint = _row_hint(row, speaker_col, text_col, time_col)
        if hint is not None:
            hints[index].append(hint)
    return hints


def _cell_at(row: Sequence[Cell], column: int) -> Cell | None:
    for cell in row:
        if cell.column == column:
            return cell
    return None


def _speaker_text(cell: Cell) -> str:
    return cell.text.strip().rstrip(":").strip()


def _row_hint(
    row: Sequence[Cell], speaker_col: int, text_col: int | None, time_col: int | None
) -> LabelHint | None:
    speaker = _cell_at(row, speaker_col)
    if speaker is None:
        return None
    label = _speaker_text(speaker)
    if not label or not plausible_label(label):
        return None
    stamp: re.Match[str] | None = None
    if time_col is not None and (time_cell := _cell_at(row, time_col)) is not None:
        stamp = _TIMESTAMP_CELL.fullmatch(time_cell.text)
    text_cell: Cell | None = None
    if text_col is not None:
        text_cell = _cell_at(row, text_col)
    else:
        for cell in row:
            if cell.column <= speaker_col or not cell.text.strip():
                continue
            match = _TIMESTAMP_CELL.fullmatch(cell.text)
            if match:
                stamp = stamp or match
                continue
            text_cell = cell
            break
    if text_cell is None or not text_cell.text.strip():
        return None
    start = speaker.start + len(speaker.text) - len(speaker.text.lstrip())
    content = text_cell.start + len(text_cell.text) - len(text_cell.text.lstrip())
    if content <= start:
        return None
    timestamp = seconds(stamp.group(1)) if stamp else None
    return LabelHint(start=start, content=content, label=label, timestamp=timestamp)


def row_line(cells: Sequence[tuple[int, str]]) -> tuple[str, list[Cell]]:
    """A table row's line (cells joined by tabs) and its cells with their offsets."""
    placed: list[Cell] = []
    offset = 0
    for column, text in cells:
        placed.append(Cell(column, offset, text))
        offset += len(text) + 1
    return "\t".join(text for _, text in cells), placed


def assemble(lines: Sequence[Line], left_out: Sequence[str] = ()) -> RawText:
    """Lines joined by ``\\n`` with their hints at text offsets.

    A bold label with a colon always counts; one without a colon only when the same label
    (case-folded, spaces collapsed) starts at least two paragraphs: a lone bold first word is
    emphasis, not a speaker.
    """
    found: list[BoldLabel | None] = [
        bold_label(line.text, line.bold_end) if line.bold_end else None for line in lines
    ]
    uses = Counter(label_key(label.label) for label in found if label is not None)
    hints: list[LabelHint] = []
    offset = 0
    for line, label in zip(lines, found, strict=True):
        if label is not None and (label.colon or uses[label_key(label.label)] >= 2):
            hints.append(LabelHint(offset + label.start, offset + label.content, label.label))
        for hint in line.hints:
            hints.append(
                LabelHint(offset + hint.start, offset + hint.content, hint.label, hint.timestamp)
            )
        offset += len(line.text) + 1
    hints.sort(key=lambda hint: hint.start)
    return RawText("\n".join(line.text for line in lines), tuple(hints), tuple(left_out))


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 comment', '2 comments'."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def header_footer_phrase(header: bool, footer: bool) -> str | None:
    """The left-out phrase for text in page headers and footers."""
    if header and footer:
        return "page header and footer text"
    if header:
        return "page header text"
    if footer:
        return "page footer text"
    return None


def has_words(text: str) -> bool:
    # A header or footer holding only a page number is not text anyone would miss.
    return any(ch.isalpha() for ch in text)


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
        rows: list[list[Cell]] = []
        lines: list[Line] = []
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
            text, placed = row_line(texts)
            line = Line(text)
            self.lines.append(line)
            rows.append(placed)
            lines.append(line)
            for box in boxes:
                self.blocks(box)
        for line, hints in zip(lines, speaker_table_hints(rows), strict=True):
            line.hints = hints

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

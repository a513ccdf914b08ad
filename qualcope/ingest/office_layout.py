"""The lines of an office document and the speaker labels its structure shows.

A document becomes lines (a paragraph, or a table row with its cells joined by tabs) and then
one text (``assemble``). Two structures show speakers: a bold run a paragraph starts with
(``bold_label``: with a colon always, without one only when the label recurs), and a speaker
table, ``Speaker | Time | Text`` (``speaker_table_hints``). Both give ``LabelHint``s that turn
detection takes as sure labels; the label rules themselves are ``labels``'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcope.ingest.base import LabelHint, RawText
from qualcope.ingest.labels import known_role, label_key, plausible
from qualcope.ingest.turns import seconds


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


_COLON_AFTER = re.compile(r"[ \t]*:")
_TIMESTAMP_CELL = re.compile(r"\s*[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?\s*")


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
    if content >= len(text) or not plausible(label):
        return None
    return BoldLabel(label, start, content, colon)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell in its row line: grid column, offset of its text in the line, text."""

    column: int
    start: int
    text: str


class CellReading:
    """A table cell while it is read: its paragraphs' texts, and the text boxes (Word) or
    frames (ODT) anchored in it, read after the row."""

    __slots__ = ("texts", "boxes")

    def __init__(self, boxes: list[Any]) -> None:
        self.texts: list[str] = []
        self.boxes = boxes


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
    with one of them repeating, or all of them role words, or a time stamp in every row. A
    data row with a speaker cell and a text cell gives a hint from the speaker cell to the
    text cell, with the seconds of a time cell.
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
        if not labels or not all(plausible(label) for label in labels):
            return hints
        repeated = max(Counter(label_key(label) for label in labels).values()) >= 2
        roles = all(known_role(label) for label in labels)
        timed = all(
            any(_TIMESTAMP_CELL.fullmatch(cell.text) for cell in row) for row in data if row
        )
        if not (repeated or roles or timed):  # a data table, not a transcript
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
    if not label or not plausible(label):
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


class TableLines:
    """The lines of one table as a reader walks it: each row one line (appended to the
    document's lines at once, so text boxes anchored in a row follow it), and the rows'
    speaker hints once the whole table is known (``finish``)."""

    def __init__(self, document: list[Line]) -> None:
        self.document = document
        self.rows: list[list[Cell]] = []
        self.lines: list[Line] = []

    def add_row(self, cells: Sequence[tuple[int, str]]) -> None:
        text, placed = row_line(cells)
        line = Line(text)
        self.document.append(line)
        self.rows.append(placed)
        self.lines.append(line)

    def finish(self) -> None:
        for line, hints in zip(self.lines, speaker_table_hints(self.rows), strict=True):
            line.hints = hints


def read_table(
    document: list[Line],
    rows: Iterable[Any],
    cell: CellReading | None,
    row_cells: Callable[[Any, list[Any]], list[tuple[int, str]]],
    blocks: Callable[[Any], None],
) -> None:
    """A table as both office walkers read it: each row one line of ``document`` (the text
    boxes or frames anchored in a row read right after it), or, for a table nested in the
    cell being read (``cell``), its cells' texts flattened into that cell like paragraphs.

    ``row_cells(row, boxes)`` gives a row's (grid column, text) pairs and collects its boxes;
    ``blocks(box)`` reads a box's paragraphs."""
    table = TableLines(document)
    for row in rows:
        boxes: list[Any] = [] if cell is None else cell.boxes
        texts = row_cells(row, boxes)
        if cell is not None:
            cell.texts.extend(text for _, text in texts)
            continue
        table.add_row(texts)
        for box in boxes:
            blocks(box)
    table.finish()


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

"""Reading a turn table: a spreadsheet (.csv, .xlsx) with one row per speaker turn.

This module owns the pure reading layer for ``qualcope import turns.csv|turns.xlsx
--document-column ...``: it finds the named columns in the header, groups the rows into
documents and parses their cells (speaker, text, time, interviewer flag, case, role,
participant). It touches no database and does not normalise text; the caller builds the
canonical transcript from the turns. Reading the file into rows of cells, and parsing each
cell (text, times, the interviewer flag), is ``ingest.turn_table_cells``.

Rules a caller can rely on:

* The header is the first non-empty row. Column names match case-insensitively, after
  stripping white space. A named column that is missing, or that the header has twice, is an
  error; other columns (even unnamed or duplicated ones) are ignored.
* Row numbers are spreadsheet row numbers (1-based, blank rows counted), so that a message
  points at the row a researcher sees in Excel or LibreOffice; for a CSV file they equal the
  record number, which differs from the physical line only after cells with line breaks.
* Documents come in the order of their first row. A document's rows keep their order even
  when they are interleaved with other documents' rows: rows are grouped, never sorted.
* A row with empty text (white space only) is not a turn; it is counted in its document's
  ``skipped_rows``. A document whose rows all have empty text is still returned (no turns),
  so that the caller can say so. A row whose named columns are all empty is ignored.
* Text cells come through exactly as stored (no trimming, no line-ending changes, formula
  look-alikes, markup, ``[REDACTED]`` and emoji untouched). Speaker, document, case, role and
  participant values are stripped.
* Numbers become text without a ``.0`` for whole values; Excel dates and times become ISO
  text (a midnight date-time only its date), except in the time column, which gives seconds.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.metadata_cells import checked_cell
from qualcope.ingest.turn_table_cells import (
    Rows,
    cell_seconds,
    cell_text,
    interviewer_flag,
    parse_clock,
    read_table,
    shown,
)

MAX_LISTED_COLUMNS = 30  # a 200-column export would drown the message otherwise


@dataclass(frozen=True, slots=True)
class TurnColumns:
    """The header names of the columns to read (``None``: the table has no such column)."""

    document: str
    speaker: str
    text: str
    time: str | None = None
    interviewer: str | None = None  # a column saying who is the interviewer
    case: str | None = None
    role: str | None = None
    participant: str | None = None


@dataclass(frozen=True, slots=True)
class TableTurn:
    """One row with text: a speaker turn."""

    row: int  # the spreadsheet row number (1-based, header = row 1) for messages
    speaker: str | None  # None when the speaker cell is empty
    text: str  # the cell's text exactly as stored
    interviewer: bool | None  # from the interviewer column; None without one or when empty
    start: float | None  # seconds, from the time column


@dataclass(frozen=True, slots=True)
class TableDocument:
    """The rows sharing one document-column value, in table order."""

    name: str  # the document column's value
    first_row: int
    turns: tuple[TableTurn, ...]
    case: str | None
    role: str | None
    participant: str | None
    skipped_rows: int = 0  # rows of this document whose text is empty
    encoding: str = ""  # the CSV file's encoding ("" for a workbook)
    encoding_detected: bool = False  # guessed (cp1252) rather than given or announced


@dataclass(slots=True)
class _Building:
    name: str
    first_row: int
    turns: list[TableTurn] = field(default_factory=list)
    skipped: int = 0
    # attribute column -> (value, the row it was first seen on)
    attributes: dict[str, tuple[str, int]] = field(default_factory=dict)


def read_turn_table(
    path: Path,
    columns: TurnColumns,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> list[TableDocument]:
    """The documents of a turn table (.csv/.tsv/.txt or .xlsx/.xlsm), in first-row order.

    ``encoding`` applies to a CSV file (default: BOM, else UTF-8, else confident cp1252);
    ``sheet`` names a worksheet of a workbook (default: the first). Every problem with the
    file or its cells raises ``ImportFileError`` naming the row.
    """
    path = Path(path)
    return read_table(
        path,
        lambda rows, used, detected: _collect(rows, columns, path, used, detected),
        encoding=encoding,
        sheet=sheet,
        what="a turn table",
    )


# ------------------------------------------------------------------ rows to documents
def _collect(
    rows: Rows, columns: TurnColumns, path: Path, encoding: str, detected: bool
) -> list[TableDocument]:
    header_row, names = header_of(rows, path)
    at = _locate(names, columns, header_row, path)
    doc_i, speaker_i, text_i = at["document"], at["speaker"], at["text"]
    time_i = at.get("time", -1)
    flag_i = at.get("interviewer", -1)
    attribute_at = [(name, at[name]) for name in ("case", "role", "participant") if name in at]
    width = max(at.values()) + 1
    flags: dict[object, bool | None] = {}  # an interviewer column has a handful of values
    documents: dict[str, _Building] = {}
    for number, cells in enumerate(rows, header_row + 1):
        if len(cells) < width:  # CSV rows and sparse worksheet rows can be short
            cells = list(cells) + [None] * (width - len(cells))
        # `type(...) is str` before cell_text(): every CSV cell is a str; this loop is the hot path
        value = cells[doc_i]
        name = (value if type(value) is str else cell_text(value)).strip()
        if not name:
            if all(not cell_text(cells[i]).strip() for i in at.values()):
                continue
            raise ImportFileError(f"the {names[doc_i]!r} value is empty", path=path, line=number)
        building = documents.get(name)
        if building is None:
            building = documents[name] = _Building(name, number)
        for attribute, index in attribute_at:
            _check_attribute(
                building, attribute, names[index], cells[index], number, names[doc_i], path
            )
        value = cells[text_i]
        text = value if type(value) is str else cell_text(value)
        if not text.strip():
            building.skipped += 1
            continue
        value = cells[speaker_i]
        speaker = (value if type(value) is str else cell_text(value)).strip() or None
        flag: bool | None = None
        if flag_i >= 0:
            value = cells[flag_i]
            try:
                flag = flags[value]
            except KeyError:
                flag = flags[value] = interviewer_flag(value)
            except TypeError:  # an unhashable cell value cannot occur, but never crash on one
                flag = interviewer_flag(value)
        start = None
        if time_i >= 0:
            value = cells[time_i]
            if type(value) is str:
                start = parse_clock(value) if value else None
                if start is None and value.strip():
                    start = cell_seconds(value, names[time_i], number, path)  # raises the error
            elif value is not None:
                start = cell_seconds(value, names[time_i], number, path)
        building.turns.append(TableTurn(number, speaker, text, flag, start))
    if not documents:
        raise ImportFileError("no rows below the header", path=path, line=header_row)
    return [
        TableDocument(
            name=b.name,
            first_row=b.first_row,
            turns=tuple(b.turns),
            case=_attribute(b, "case"),
            role=_attribute(b, "role"),
            participant=_attribute(b, "participant"),
            skipped_rows=b.skipped,
            encoding=encoding,
            encoding_detected=detected,
        )
        for b in documents.values()
    ]


def header_of(rows: Rows, path: Path) -> tuple[int, list[str]]:
    for number, cells in enumerate(rows, 1):
        names = [cell_text(cell).strip() for cell in cells]
        if any(names):
            return number, names
    raise ImportFileError("no header row (the table is empty)", path=path)


def _locate(names: list[str], columns: TurnColumns, row: int, path: Path) -> dict[str, int]:
    """Column field -> index in the row, for every column the caller named."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name:
            positions.setdefault(name.casefold(), []).append(index)
    found: dict[str, int] = {}
    for column in fields(TurnColumns):
        wanted: str | None = getattr(columns, column.name)
        if wanted is None:
            continue
        key = wanted.strip().casefold()
        hits = positions.get(key, [])
        if not hits:
            raise ImportFileError(missing_column(wanted, names), path=path, line=row)
        if len(hits) > 1:
            letters = " and ".join(_letter(i) for i in hits)
            raise ImportFileError(
                f"the column {names[hits[0]]!r} appears {len(hits)} times in the header "
                f"(columns {letters}); rename all but one",
                path=path,
                line=row,
            )
        found[column.name] = hits[0]
    return found


def missing_column(wanted: str, names: list[str]) -> str:
    present = [name for name in names if name]
    shown = ", ".join(present[:MAX_LISTED_COLUMNS])
    if len(present) > MAX_LISTED_COLUMNS:
        shown += f", ... ({len(present)} in all)"
    message = f"no column {wanted.strip()!r} (columns: {shown})"
    by_key = {name.casefold(): name for name in present}
    close = difflib.get_close_matches(wanted.strip().casefold(), list(by_key), n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {by_key[close[0]]!r}?"
    return message


def _letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA': the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_attribute(
    building: _Building,
    attribute: str,
    column: str,
    value: object,
    row: int,
    document_column: str,
    path: Path,
) -> None:
    text = checked_cell(cell_text(value).strip(), column, path, row)
    if not text:
        return
    seen = building.attributes.get(attribute)
    if seen is None:
        building.attributes[attribute] = (text, row)
    elif seen[0] != text:
        raise ImportFileError(
            f"the {column!r} value {shown(text)!r} differs from {shown(seen[0])!r} "
            f"(row {seen[1]}) for {document_column} {shown(building.name)!r}; "
            "a document has one value",
            path=path,
            line=row,
        )


def _attribute(building: _Building, attribute: str) -> str | None:
    seen = building.attributes.get(attribute)
    return seen[0] if seen is not None else None

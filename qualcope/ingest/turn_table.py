"""Reading a turn table: a spreadsheet (.csv, .xlsx) with one row per speaker turn.

This module owns the pure reading layer for ``qualcope import turns.csv|turns.xlsx
--document-column ...``: it finds the named columns in the header, groups the rows into
documents and parses their cells (speaker, text, time, interviewer flag, case, role,
participant). It touches no database and does not normalise text; the caller builds the
canonical transcript from the turns.

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

import csv
import datetime
import difflib
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qualcope.errors import ImportFileError
from qualcope.ingest.decode import bom_encoding, decode, is_wide
from qualcope.ingest.sniff import (
    check_archive,
    check_size,
    looks_like,
    read_capped,
    refuse_binary,
    suffix_of,
)

EXCEL = "Excel workbook (.xlsx)"
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
DELIMITERS = ("\t", ";", ",")  # on a tie the earlier one wins: a comma also occurs in names
# First word (case-folded) of an interviewer-column cell that marks the interviewer's rows.
INTERVIEWER_WORDS = frozenset(
    {
        "interviewer",
        "interviewers",
        "int",
        "i",
        "q",
        "moderator",
        "facilitator",
        "researcher",
        "onderzoeker",
        "interviewster",
        "yes",
        "y",
        "true",
        "1",
        "x",
    }
)
MAX_LISTED_COLUMNS = 30  # a 200-column export would drown the message otherwise
MAX_SHOWN_VALUE = 60

_FIRST_WORD = re.compile(r"\s*([^\W\d_]+|\d+)")  # "Interviewer (Ana)" -> "Interviewer"
# 00:01:12, 1:12, 00:01:12.5, 00:01:12,500 or 72.5, optionally in brackets: one regex, because
# the time column is parsed on every row and dominates the reading time of a CSV file.
_CLOCK = re.compile(
    r"\s*[\[(]?\s*(?:(?:(\d+):)?(\d+):(\d\d)(?:[.,](\d+))?|(\d+(?:\.\d+)?))\s*[\])]?\s*"
)
_QUOTED = re.compile(r'"[^"]*"')
_WORD = re.compile(r"\w")
_MIDNIGHT = datetime.time(0, 0)


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


# The cells of each row, every row in order (blank ones too), so that counting them gives
# the spreadsheet row number.
_Rows = Iterator[Sequence[object]]


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
    suffix = suffix_of(path)
    if suffix in EXCEL_SUFFIXES:
        if check_size(path) == 0:
            raise ImportFileError("the file is empty", path=path)
        rows = _excel_rows(path, sheet)
        try:
            # openpyxl warns about workbook features it drops (data validation, extensions);
            # they do not matter for reading values and would only clutter the terminal.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", module="openpyxl")
                return _collect(rows, columns, path, "", False)
        finally:
            rows.close()  # closes the workbook now, even when a row was refused
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise ImportFileError("only an Excel workbook has sheets to choose from", path=path)
        data = read_capped(path)
        if not data:
            raise ImportFileError("the file is empty", path=path)
        _refuse_binary(data, path, suffix, encoding)
        text, used, detected = decode(data, path, encoding)
        delimiter = _delimiter(text)
        try:
            # the bare C reader, not a wrapping generator: it is twice as fast per row
            return _collect(_csv_reader(text, delimiter), columns, path, used, detected)
        except csv.Error as exc:
            raise _csv_problem(text, delimiter, path) from exc
    if suffix == ".xls":
        raise ImportFileError(
            "old Excel (.xls) files cannot be read; save it as .xlsx or .csv", path=path
        )
    known = ", ".join(TEXT_SUFFIXES + EXCEL_SUFFIXES)
    raise ImportFileError(
        f"unsupported file type {suffix or '(no extension)'} for a turn table; "
        f"qualcope reads {known}",
        path=path,
    )


def _refuse_binary(data: bytes, path: Path, suffix: str, encoding: str | None) -> None:
    wide = is_wide(encoding) or is_wide(bom_encoding(data))
    refuse_binary(data, path, suffix, wide_text=wide)


# ------------------------------------------------------------------ sources
def _csv_reader(text: str, delimiter: str) -> Any:
    """The records of a delimited text; a blank line is an (empty) record, like a blank row."""
    # strict: a cell like `"Yes" she said` is refused rather than silently losing its quotes
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _csv_problem(text: str, delimiter: str, path: Path) -> ImportFileError:
    """The error for a text the csv module refused, at the physical line where it happened."""
    # Found again by a second pass, so that the normal pass needs no per-row line tracking.
    reader = _csv_reader(text, delimiter)
    done = 0  # the last physical line of the previous record
    try:
        for _cells in reader:
            done = reader.line_num
    except csv.Error as exc:
        reason = str(exc)
        if "end of data" in reason or "field larger" in reason:
            # an unclosed quote swallows the rest of the file; its start is the useful place
            return ImportFileError(
                "a quoted cell in the row starting on this line is never closed "
                f"(or a cell is longer than {csv.field_size_limit()} characters)",
                path=path,
                line=done + 1,
            )
        return ImportFileError(
            f"is not valid CSV ({reason}); a cell that starts with a quote must end with one",
            path=path,
            line=reader.line_num,
        )
    return ImportFileError("is not valid CSV", path=path)  # not reached: the same text fails


def _delimiter(text: str) -> str:
    """The delimiter the header line uses most (outside quotes): tab, semicolon or comma."""
    found = _WORD.search(text)
    if found is None:
        return ","
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    line = _QUOTED.sub("", text[start : end if end >= 0 else len(text)])
    counts = [(line.count(d), -rank, d) for rank, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] else ","


def _excel_rows(path: Path, sheet: str | None) -> _Rows:
    """The cell values of a worksheet's rows, every row (a missing one comes empty)."""
    check_archive(path, EXCEL)
    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="openpyxl")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, lxml/zip errors, ...
        raise ImportFileError(f"is not a valid {EXCEL} ({_reason(exc, path)})", path=path) from exc
    try:
        if sheet is None:
            if not book.worksheets:
                raise ImportFileError("the workbook has no worksheet", path=path)
            worksheet = book.worksheets[0]
        else:
            worksheet = _named_sheet(book, sheet, path)
        try:
            # The stored dimensions can be wrong (some writers say A1); read_only mode would
            # then stop early and silently drop rows, so read up to the real last row.
            worksheet.reset_dimensions()
            yield from worksheet.iter_rows(values_only=True)
        except Exception as exc:  # only openpyxl's: the consumer's errors are raised there
            raise ImportFileError(
                f"is not a valid {EXCEL} ({_reason(exc, path)})", path=path
            ) from exc
    finally:
        book.close()


def _named_sheet(book: Any, sheet: str, path: Path) -> Any:
    names: list[str] = list(book.sheetnames)
    wanted = sheet.strip().casefold()
    for name in names:
        if name.strip().casefold() == wanted:
            found = book[name]
            if not hasattr(found, "iter_rows"):
                raise ImportFileError(f"the sheet {name!r} is a chart, not a table", path=path)
            return found
    raise ImportFileError(f"no sheet {sheet!r} (sheets: {', '.join(names)})", path=path)


def _reason(exc: Exception, path: Path) -> str:
    try:
        kind = looks_like(read_capped(path))
    except ImportFileError:
        kind = None
    if kind is not None and kind != f"an {EXCEL}":
        return f"it looks like {kind}"
    if isinstance(exc, KeyError):
        return "a part of the workbook is missing"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


# ------------------------------------------------------------------ rows to documents
def _collect(
    rows: _Rows, columns: TurnColumns, path: Path, encoding: str, detected: bool
) -> list[TableDocument]:
    header_row, names = _header(rows, path)
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
        # `type(...) is str` before _text: every CSV cell is a str, and this loop is the hot path
        value = cells[doc_i]
        name = (value if type(value) is str else _text(value)).strip()
        if not name:
            if all(not _text(cells[i]).strip() for i in at.values()):
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
        text = value if type(value) is str else _text(value)
        if not text.strip():
            building.skipped += 1
            continue
        value = cells[speaker_i]
        speaker = (value if type(value) is str else _text(value)).strip() or None
        flag: bool | None = None
        if flag_i >= 0:
            value = cells[flag_i]
            try:
                flag = flags[value]
            except KeyError:
                flag = flags[value] = _interviewer(value)
            except TypeError:  # an unhashable cell value cannot occur, but never crash on one
                flag = _interviewer(value)
        start = None
        if time_i >= 0:
            value = cells[time_i]
            if type(value) is str:
                start = _parse_clock(value) if value else None
                if start is None and value.strip():
                    start = _seconds(value, names[time_i], number, path)  # raises the error
            elif value is not None:
                start = _seconds(value, names[time_i], number, path)
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


def _header(rows: _Rows, path: Path) -> tuple[int, list[str]]:
    for number, cells in enumerate(rows, 1):
        names = [_text(cell).strip() for cell in cells]
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
            raise ImportFileError(_missing(wanted, names), path=path, line=row)
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


def _missing(wanted: str, names: list[str]) -> str:
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
    text = _text(value).strip()
    if not text:
        return
    seen = building.attributes.get(attribute)
    if seen is None:
        building.attributes[attribute] = (text, row)
    elif seen[0] != text:
        raise ImportFileError(
            f"the {column!r} value {_shown(text)!r} differs from {_shown(seen[0])!r} "
            f"(row {seen[1]}) for {document_column} {_shown(building.name)!r}; "
            "a document has one value",
            path=path,
            line=row,
        )


def _attribute(building: _Building, attribute: str) -> str | None:
    seen = building.attributes.get(attribute)
    return seen[0] if seen is not None else None


# ------------------------------------------------------------------ cells
def _text(value: object) -> str:
    """A cell as text: numbers without a spurious '.0', dates and times as ISO text."""
    if type(value) is str:  # the common case first: every CSV cell, most worksheet cells
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as a spreadsheet shows it
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel stores every number as a float; interview 3 must not become '3.0'
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date().isoformat()  # a date cell comes as a midnight datetime
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _clock(value.total_seconds())
    return str(value)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    text = f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    fraction = round(seconds - whole, 3)
    return text + f"{fraction:.3f}"[1:].rstrip("0") if fraction else text


def _interviewer(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = _text(value)
    if not text.strip():
        return None
    first = _FIRST_WORD.match(text)
    return first is not None and first.group(1).casefold() in INTERVIEWER_WORDS


def _seconds(value: object, column: str, row: int, path: Path) -> float | None:
    """A time cell as seconds from the start of the recording; refuses anything else."""
    if isinstance(value, bool):
        pass  # a TRUE/FALSE cell is a mistake, not 1 or 0 seconds
    elif isinstance(value, int | float):
        if value >= 0 and value == value and value != float("inf"):
            return round(float(value), 3)
    elif isinstance(value, datetime.time):  # a time-formatted cell under one day
        return round(
            value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6, 3
        )
    elif isinstance(value, datetime.timedelta):  # a [h]:mm:ss cell
        if value.total_seconds() >= 0:
            return round(value.total_seconds(), 3)
    elif isinstance(value, str):
        parsed = _parse_clock(value)
        if parsed is not None:
            return parsed
        if not value.strip():
            return None
    raise ImportFileError(
        f"the {column!r} value {_shown(_text(value))!r} is not a time "
        "(write 00:01:12, 1:12, 00:01:12.5 or a number of seconds)",
        path=path,
        line=row,
    )


def _parse_clock(raw: str) -> float | None:
    clock = _CLOCK.fullmatch(raw)
    if clock is None:
        return None
    hours, minutes, secs, fraction, plain = clock.groups()
    if plain is not None:
        return round(float(plain), 3)
    whole_minutes, whole_seconds = int(minutes), int(secs)
    if whole_seconds >= 60:
        return None
    total = whole_minutes * 60 + whole_seconds  # 75:12 is fine without hours
    if hours is not None:
        if whole_minutes >= 60 or len(minutes) != 2:
            return None
        total += int(hours) * 3600
    return round(total + float("0." + fraction), 3) if fraction else float(total)


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"

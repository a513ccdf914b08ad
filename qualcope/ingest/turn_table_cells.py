"""Turn-table cells: from a .csv or .xlsx file to rows of cell values, and each value parsed.

This module owns the layer below ``ingest.turn_table``: reading a delimited text (the
delimiter the header line uses, strict quoting, the physical line of a CSV error) or a
worksheet (the sheet chosen by name, every row up to the real last one, why a workbook is
not valid), and turning one cell value into what a turn needs: text (numbers without a
spurious ``.0``, dates and times as ISO text), seconds from a time cell, and the
interviewer flag from an interviewer-column cell. Pure functions; no database.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

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

T = TypeVar("T")

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

# The cells of each row, every row in order (blank ones too), so that counting them gives
# the spreadsheet row number.
Rows = Iterator[Sequence[object]]


def refuse_binary_table(data: bytes, path: Path, suffix: str, encoding: str | None) -> None:
    """Refuse a file that is not text; UTF-16/32 (given or announced by a BOM) is text."""
    wide = is_wide(encoding) or is_wide(bom_encoding(data))
    refuse_binary(data, path, suffix, wide_text=wide)


# ------------------------------------------------------------------ sources
def read_table(
    path: Path,
    consume: Callable[[Rows, str, bool], T],
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    what: str = "a table",
) -> T:
    """What ``consume`` makes of a spreadsheet's rows (.csv/.tsv/.txt or .xlsx/.xlsm), given
    with the text encoding used ('' for a workbook) and whether it was detected.

    ``encoding`` applies to a CSV file (default: BOM, else UTF-8, else confident cp1252);
    ``sheet`` names a worksheet of a workbook (default: the first). A file that is not such
    a table raises ``ImportFileError``; so does a CSV error, at its physical line.
    """
    suffix = suffix_of(path)
    if suffix in EXCEL_SUFFIXES:
        if check_size(path) == 0:
            raise ImportFileError("the file is empty", path=path)
        rows = excel_rows(path, sheet)
        try:
            # openpyxl warns about workbook features it drops (data validation, extensions);
            # they do not matter for reading values and would only clutter the terminal.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", module="openpyxl")
                return consume(rows, "", False)
        finally:
            rows.close()  # closes the workbook now, even when a row was refused
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise ImportFileError("only an Excel workbook has sheets to choose from", path=path)
        data = read_capped(path)
        if not data:
            raise ImportFileError("the file is empty", path=path)
        refuse_binary_table(data, path, suffix, encoding)
        text, used, detected = decode(data, path, encoding)
        delimiter = delimiter_of(text)
        try:
            # the bare C reader, not a wrapping generator: it is twice as fast per row
            return consume(csv_reader(text, delimiter), used, detected)
        except csv.Error as exc:
            raise csv_problem(text, delimiter, path) from exc
    if suffix == ".xls":
        raise ImportFileError(
            "old Excel (.xls) files cannot be read; save it as .xlsx or .csv", path=path
        )
    known = ", ".join(TEXT_SUFFIXES + EXCEL_SUFFIXES)
    raise ImportFileError(
        f"unsupported file type {suffix or '(no extension)'} for {what}; qualcope reads {known}",
        path=path,
    )


def csv_reader(text: str, delimiter: str) -> Any:
    """The records of a delimited text; a blank line is an (empty) record, like a blank row."""
    # strict: a cell like `"Yes" she said` is refused rather than silently losing its quotes
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def csv_problem(text: str, delimiter: str, path: Path) -> ImportFileError:
    """The error for a text the csv module refused, at the physical line where it happened."""
    # Found again by a second pass, so that the normal pass needs no per-row line tracking.
    reader = csv_reader(text, delimiter)
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


def delimiter_of(text: str) -> str:
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


def excel_rows(path: Path, sheet: str | None) -> Rows:
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


# ------------------------------------------------------------------ cells
def cell_text(value: object) -> str:
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


def interviewer_flag(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if not text.strip():
        return None
    first = _FIRST_WORD.match(text)
    return first is not None and first.group(1).casefold() in INTERVIEWER_WORDS


def cell_seconds(value: object, column: str, row: int, path: Path) -> float | None:
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
        parsed = parse_clock(value)
        if parsed is not None:
            return parsed
        if not value.strip():
            return None
    raise ImportFileError(
        f"the {column!r} value {shown(cell_text(value))!r} is not a time "
        "(write 00:01:12, 1:12, 00:01:12.5 or a number of seconds)",
        path=path,
        line=row,
    )


def parse_clock(raw: str) -> float | None:
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


def shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"

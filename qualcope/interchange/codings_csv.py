"""The codings CSV format: its columns, reading its rows and writing them.

Columns: guid, file, start, end, positions, code, coder, memo, copes_with, favoured_value,
quote (``file``, ``start``, ``end`` and ``code`` required); list cells (``copes_with``,
``favoured_value``) are ``;``-separated. Reading checks the encoding (UTF-8, with or without
a BOM), the CSV syntax and the required columns, and gives each record's line; writing
neutralises cells a spreadsheet would run as formulas and replaces the file atomically.
What the rows mean for a project is ``services.coding_exchange``. No database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.sniff import read_capped
from qualcope.interchange.atomic import write_text_atomic
from qualcope.interchange.safe_csv import neutralise

COLUMNS = (
    "guid",
    "file",
    "start",
    "end",
    "positions",
    "code",
    "coder",
    "memo",
    "copes_with",
    "favoured_value",
    "quote",
)
REQUIRED = ("file", "start", "end", "code")
LIST_SEPARATOR = ";"


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (lower-cased) and (line number, cells) of each non-empty record."""
    data = read_capped(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"is not UTF-8 (byte offset {exc.start}); save it as UTF-8 CSV", path=path
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"is not a valid CSV file ({exc})", path=path, line=line) from exc
    if not records:
        raise ImportFileError("the file is empty", path=path)
    header = [cell.strip().lower() for cell in records[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})",
            path=path,
            line=1,
        )
    return header, records[1:]


def write_rows(path: Path, rows: Sequence[Mapping[str, str | int]]) -> None:
    """Write the header and ``rows`` (column -> value) atomically, formula cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
    write_text_atomic(path, buffer.getvalue())

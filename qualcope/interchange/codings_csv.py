"""The codings CSV format: its columns, reading its rows and writing them.

Columns: guid, file, start, end, positions, code, coder, memo, copes_with, favoured_value,
quote (``file`` and ``code`` required, and ``start`` and ``end`` or else ``quote``); list cells
(``copes_with``, ``favoured_value``) are ``;``-separated. Other tools' exports of coded
segments name these columns their own way (Taguette: ``document``, ``tag``, ``content``): a
missing column is taken from its known other names, and the reader says which it took.
Reading checks the encoding (UTF-8, with or without a BOM), the CSV syntax and the required
columns, and gives each record's line; writing neutralises cells a spreadsheet would run as
formulas and replaces the file atomically.
What the rows mean for a project is ``services.coding_exchange`` (import) and
``services.coding_export``. No database.
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
REQUIRED = ("file", "code")
LIST_SEPARATOR = ";"
# Other names of a column in other tools' exports of coded segments, tried in this order.
ALIASES = {
    "file": ("document", "document name", "interview", "source"),
    "code": ("tag", "code name", "node"),
    "quote": ("content", "segment", "excerpt", "quotation", "text"),
}


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    """Header (lower-cased, other tools' names taken as ours), (line number, cells) of each
    non-empty record, and a note for each column name taken."""
    header, records = _records(path)
    notes = []
    for column, others in ALIASES.items():
        if column in header:
            continue
        found = next((other for other in others if other in header), None)
        if found is not None:
            header[header.index(found)] = column
            notes.append(f"column {found!r} read as {column!r}")
    missing = [c for c in REQUIRED if c not in header]
    if "quote" not in header:
        missing += [c for c in ("start", "end") if c not in header]
    if missing:
        raise ImportFileError(
            f"missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)}; without "
            "start and end, a quote column places each coding by its text)",
            path=path,
            line=1,
        )
    return header, records, notes


def _records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
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
    return [cell.strip().lower() for cell in records[0][1]], records[1:]


def write_rows(path: Path, rows: Sequence[Mapping[str, str | int]]) -> None:
    """Write the header and ``rows`` (column -> value) atomically, formula cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
    write_text_atomic(path, buffer.getvalue())

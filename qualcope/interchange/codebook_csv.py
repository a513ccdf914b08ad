"""The codebook as CSV: one row per code, a 'path' column for the hierarchy.

Cue phrases go in one column per language (``cues_en``, ``cues_nl``),
separated by '; '. Cells that a spreadsheet would run as formulas are
prefixed with a quote on export and the prefix removed on import (C5-1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcope.domain import PATH_SEPARATOR, CodebookSpec, split_path
from qualcope.errors import CodebookError
from qualcope.interchange import code_lists
from qualcope.interchange import codebook_rules as rules
from qualcope.interchange.safe_csv import neutralise, unneutralise

BASE_COLUMNS = (
    "path",
    "kind",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "colour",
    "shortcut",
)
CUE_PREFIX = "cues_"
CUE_SEPARATOR = ";"


def codebook_to_csv(spec: CodebookSpec) -> str:
    langs = sorted({lang for _, code in spec.walk() for lang in code.cues})
    columns = [*BASE_COLUMNS, *(f"{CUE_PREFIX}{lang}" for lang in langs)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for path, code in spec.walk():
        row = [
            path,
            code.kind,
            code.definition,
            code.inclusion,
            code.exclusion,
            code.example,
            code.colour or "",
            code.shortcut or "",
        ]
        row += [f"{CUE_SEPARATOR} ".join(code.cues.get(lang, ())) for lang in langs]
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def read_codebook_csv(path: Path) -> CodebookSpec:
    return read_codebook_csv_with_notes(path)[0]


def read_codebook_csv_with_notes(path: Path) -> tuple[CodebookSpec, list[str]]:
    """qualcope's CSV, or another tool's list of codes (``code_lists``) with notes on it."""
    text = rules.read_codebook_text(path)
    header = [column.strip().lower() for column in next(csv.reader(io.StringIO(text)), [])]
    if code_lists.is_code_list(header):
        return code_lists.parse_code_list_csv(text, path, header)
    return parse_codebook_csv(text, path), []


def parse_codebook_csv(text: str, path: Path | str = "<codebook.csv>") -> CodebookSpec:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CodebookError("the file is empty", path=path) from None
    header = [column.strip().lower() for column in header]
    if "path" not in header:
        delimiter_hint = " (is it separated by ';' or tabs? use commas)" if len(header) == 1 else ""
        raise CodebookError(
            "no 'path' column (qualcope's codebook CSV) and no 'code', 'name' or 'tag' column "
            f"(another tool's list of codes) in the header{delimiter_hint}",
            path=path,
            line=1,
        )
    unknown = [c for c in header if c not in BASE_COLUMNS and not c.startswith(CUE_PREFIX)]
    if unknown:
        raise CodebookError(f"unknown column(s): {', '.join(unknown)}", path=path, line=1)
    nodes: dict[tuple[str, ...], dict[str, object]] = {}
    order: list[tuple[str, ...]] = []
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CodebookError(
                f"expected {len(header)} cells, found {len(row)}", path=path, line=line_no
            )
        cells = {column: unneutralise(value) for column, value in zip(header, row, strict=True)}
        try:
            names = tuple(rules.check_name(name) for name in split_path(cells["path"]))
            if not names:
                raise ValueError("empty path")
            cues = {
                column[len(CUE_PREFIX) :]: [
                    p for p in (x.strip() for x in value.split(CUE_SEPARATOR)) if p
                ]
                for column, value in cells.items()
                if column.startswith(CUE_PREFIX) and value.strip()
            }
            fields: dict[str, object] = {
                "name": names[-1],
                "kind": rules.check_kind(cells.get("kind") or None),
                "definition": rules.check_text(cells.get("definition"), "definition"),
                "inclusion": rules.check_text(cells.get("inclusion"), "inclusion"),
                "exclusion": rules.check_text(cells.get("exclusion"), "exclusion"),
                "example": rules.check_text(cells.get("example"), "example"),
                "colour": rules.check_colour(cells.get("colour")),
                "shortcut": rules.check_shortcut(cells.get("shortcut")),
                "cues": rules.check_cues(cues),
            }
        except ValueError as exc:
            raise CodebookError(str(exc), path=path, line=line_no) from exc
        if names in nodes:
            raise CodebookError(
                f"duplicate code {PATH_SEPARATOR.join(names)!r}", path=path, line=line_no
            )
        if len(names) > 1 and names[:-1] not in nodes:
            raise CodebookError(
                f"parent {PATH_SEPARATOR.join(names[:-1])!r} must come before this row",
                path=path,
                line=line_no,
            )
        nodes[names] = fields
        order.append(names)
    return rules.tree_spec(Path(str(path)).stem, nodes, order, path)

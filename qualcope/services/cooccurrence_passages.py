"""The coded passages behind one cell of a co-occurrence table (Enter on the report screen).

A cell counts the segments (turns) that hold a coding of its row code and one of its column
code, the pairs of such codings whose spans overlap, or the coding links joining them
(``report.cooccurrence``; a group stands for its descendants). Its passages are those codings,
of either code, where they meet: a researcher reads what was coded together before quoting it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from qualcope.db.models import Coding
from qualcope.report.model import CooccurrenceRequest, Quote, ReportTable
from qualcope.services import reports
from qualcope.services.project import Project
from qualcope.services.report_queries import (
    Scope,
    code_items,
    codings_query,
    resolve,
    resolve_segments,
    segment_parts,
    turn_key,
)


def cell_passages(
    project: Project, request: CooccurrenceRequest, table: ReportTable, row: int, col: int
) -> list[Quote]:
    """The passages of the row code and the column code that meet in the cell's units, in
    the order of ``reports.quotes`` (case, document, position)."""
    row_path, col_path = table.row_keys[row]["code"], table.column_keys[col]["code"]
    with project.read() as session:
        row_codes, col_codes = _members(session, row_path), _members(session, col_path)
        scope = resolve(session, request.filters)
        scope = Scope(scope.filters, scope.items, row_codes | col_codes, scope.coder_ids)
        if request.within in ("segment", "turn"):
            met = _met_in_units(_unit_rows(session, scope, request.within), row_codes, col_codes)
        else:
            pairs = reports.cooccurrence_rows(session, scope, request.within)
            met = _met_in_pairs(pairs, row_codes, col_codes)
    filters = replace(request.filters, codes=tuple(dict.fromkeys((row_path, col_path))))
    return [quote for quote in reports.quotes(project, filters) if quote.coding_id in met]


def _members(session: Session, path: str) -> frozenset[int]:
    """The code's id and its descendants' (a group gives its children and theirs)."""
    items, _ = code_items(session, (path,))
    return frozenset().union(*(item.members for item in items))


def _unit_rows(session: Session, scope: Scope, within: str) -> list[tuple[Any, ...]]:
    """(coding id, code id, unit key) of every coding in scope, keyed as the table counts."""
    if within == "segment":
        columns = {"id": Coding.id, "code_id": Coding.code_id, **segment_parts()}
        rows = [
            tuple(r) for r in session.execute(codings_query(scope, columns, set(), group=False))
        ]
        return resolve_segments(session, rows, 2, counted=False)
    key = turn_key()
    columns = {"id": Coding.id, "code_id": Coding.code_id, "key": key}
    return [tuple(r) for r in session.execute(codings_query(scope, columns, set(), group=False))]


def _met_in_units(
    rows: list[tuple[Any, ...]], row_codes: frozenset[int], col_codes: frozenset[int]
) -> set[int]:
    """The codings of either code in the units that hold both."""
    of_row: dict[Any, set[int]] = defaultdict(set)
    of_col: dict[Any, set[int]] = defaultdict(set)
    for coding_id, code_id, key in rows:
        if code_id in row_codes:
            of_row[key].add(coding_id)
        if code_id in col_codes:
            of_col[key].add(coding_id)
    met: set[int] = set()
    for key in of_row.keys() & of_col.keys():
        met |= of_row[key] | of_col[key]
    return met


def _met_in_pairs(
    pairs: list[tuple[Any, ...]], row_codes: frozenset[int], col_codes: frozenset[int]
) -> set[int]:
    """Both codings of each overlapping pair (or link) joining the two codes, either way."""
    met: set[int] = set()
    for first, code_a, second, code_b in pairs:
        if (code_a in row_codes and code_b in col_codes) or (
            code_a in col_codes and code_b in row_codes
        ):
            met.update((first, second))
    return met

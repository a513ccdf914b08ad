"""Reading a survey's open answers: a spreadsheet (.csv, .xlsx) with one row a respondent.

``qualcope import survey.csv --respondent-column ID --answer-column Q1 --answer-column Q2``
(the shape QualCoder's survey import takes): each row is one respondent, named in the
respondent column; each answer column holds what they wrote to one open question (its
header is the question); every other column is a fact about them (age, gender), kept as an
attribute. A case and a role column may be named too. Pure reading, no database.

Rules a caller can rely on: the header is the first non-empty row and columns match
case-insensitively (``turn_table``'s rules); an answer is kept exactly as written, an empty
one is no answer; a row with answers but no respondent, or a respondent on two rows, is an
error naming the row; a respondent with no answer at all is returned with none, so the
caller can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcope.errors import ImportFileError
from qualcope.ingest.metadata_cells import checked_cell
from qualcope.ingest.turn_table import header_of, missing_column
from qualcope.ingest.turn_table_cells import Rows, cell_text, read_table


@dataclass(frozen=True)
class SurveyColumns:
    respondent: str
    answers: tuple[str, ...]
    case: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Respondent:
    """One row: who answered, their answers (question, text) in column order, the rest."""

    row: int
    label: str
    answers: tuple[tuple[str, str], ...]
    attributes: dict[str, str]
    case: str | None
    role: str | None


@dataclass(frozen=True)
class Survey:
    respondents: tuple[Respondent, ...]
    encoding: str = ""
    encoding_detected: bool = False


def read_survey(
    path: Path, columns: SurveyColumns, *, encoding: str | None = None, sheet: str | None = None
) -> Survey:
    """The respondents of a survey table, in row order (see the module docstring)."""
    path = Path(path)
    return read_table(
        path,
        lambda rows, used, detected: _collect(rows, columns, path, used, detected),
        encoding=encoding,
        sheet=sheet,
        what="a survey",
    )


def _collect(
    rows: Rows, columns: SurveyColumns, path: Path, encoding: str, detected: bool
) -> Survey:
    header_row, names = header_of(rows, path)
    respondent = _find(names, columns.respondent, header_row, path)
    answers = [_find(names, name, header_row, path) for name in columns.answers]
    case = _find(names, columns.case, header_row, path) if columns.case else None
    role = _find(names, columns.role, header_row, path) if columns.role else None
    taken = {respondent, *answers, case, role}
    facts = [(i, name) for i, name in enumerate(names) if i not in taken and name]
    seen: dict[str, int] = {}
    found: list[Respondent] = []
    for number, cells in enumerate(rows, header_row + 1):
        values = [cell_text(cell) for cell in cells]
        values += [""] * (len(names) - len(values))
        if not any(value.strip() for value in values):
            continue
        for i in (respondent, case, role, *(i for i, _ in facts)):
            if i is not None:
                checked_cell(values[i], names[i], path, number)
        label = values[respondent].strip()
        given = tuple((names[i], values[i]) for i in answers if values[i].strip())
        if not label:
            if given:
                raise ImportFileError(
                    f"answers but no respondent in column {names[respondent]!r}",
                    path=path,
                    line=number,
                )
            continue
        if label.casefold() in seen:
            raise ImportFileError(
                f"respondent {label!r} is on two rows (also row {seen[label.casefold()]})",
                path=path,
                line=number,
            )
        seen[label.casefold()] = number
        found.append(
            Respondent(
                row=number,
                label=label,
                answers=given,
                attributes={name: values[i].strip() for i, name in facts if values[i].strip()},
                case=values[case].strip() or None if case is not None else None,
                role=values[role].strip() or None if role is not None else None,
            )
        )
    if not found:
        raise ImportFileError("no respondents below the header", path=path, line=header_row)
    return Survey(tuple(found), encoding, detected)


def _find(names: Sequence[str], wanted: str, row: int, path: Path) -> int:
    key = wanted.strip().casefold()
    hits = [i for i, name in enumerate(names) if name and name.casefold() == key]
    if not hits:
        raise ImportFileError(missing_column(wanted, list(names)), path=path, line=row)
    if len(hits) > 1:
        raise ImportFileError(
            f"the column {names[hits[0]]!r} appears {len(hits)} times in the header",
            path=path,
            line=row,
        )
    return hits[0]

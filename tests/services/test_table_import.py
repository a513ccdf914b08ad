"""Transcripts kept as a spreadsheet: one document per interview, turns from rows."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from qualcope.db.models import Document
from qualcope.errors import ImportFileError
from qualcope.ingest.turn_table import TurnColumns
from qualcope.services.documents import list_documents, list_segments
from qualcope.services.project import Project
from qualcope.services.table_import import import_turn_table

HEADER = ["interview", "page", "block", "speaker", "text", "timestamp", "speaker_type", "site"]
ROWS = [
    ["INT-01", 1, 1, "Anna", "How did you join the panel?", "00:00:05", "interviewer", "North"],
    ["INT-02", 1, 1, "Anna", "Tell me about the school.", "00:00:03", "interviewer", "South"],
    [
        "INT-01",
        1,
        2,
        "Bert",
        "A letter came. [REDACTED] asked me.",
        "00:00:09",
        "interviewee",
        "North",
    ],
    ["INT-01", 1, 3, "Anna", "And then?", "00:00:30", "interviewer", "North"],
    ["INT-02", 1, 2, "Carla", "It is empty since 2019.", "00:00:08", "interviewee", "South"],
    [
        "INT-01",
        2,
        4,
        "Bert",
        "We met twice.\nThen I stopped going.",
        "00:00:34",
        "interviewee",
        "North",
    ],
    ["INT-02", 1, 3, "Carla", "", "", "interviewee", "South"],  # an empty row
]
COLUMNS = TurnColumns(
    document="interview",
    speaker="speaker",
    text="text",
    time="timestamp",
    interviewer="speaker_type",
    case="site",
)


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_one_document_per_interview_with_turns_from_rows(
    project: Project, tmp_path: Path, writer: object
) -> None:
    suffix = ".csv" if writer is write_csv else ".xlsx"
    path = writer(tmp_path / f"turns{suffix}", ROWS)  # type: ignore[operator]
    report = import_turn_table(project, path, COLUMNS, role="citizen co-producer", lang="en")
    assert [o.name for o in report.imported] == ["INT-01", "INT-02"]
    assert report.new_values == {"case": ("North", "South")}
    assert report.imported[1].message.endswith("1 row without text left out")
    refs = {ref.name: ref for ref in list_documents(project)}
    assert (refs["INT-01"].case, refs["INT-01"].participant) == ("North", "INT-01")
    assert (refs["INT-01"].respondent_turns, refs["INT-01"].interviewer_turns) == (2, 2)
    turns = list_segments(project, refs["INT-01"].id, "turn")
    assert [(t.speaker, t.is_interviewer, t.text) for t in turns] == [
        ("Anna", True, "How did you join the panel?"),
        ("Bert", False, "A letter came. [REDACTED] asked me."),
        ("Anna", True, "And then?"),
        ("Bert", False, "We met twice.\nThen I stopped going."),
    ]
    with project.read() as session:
        text = session.scalar(select(Document.text).where(Document.name == "INT-01"))
    assert text == (
        "Anna: How did you join the panel?\n\nBert: A letter came. [REDACTED] asked me.\n\n"
        "Anna: And then?\n\nBert: We met twice.\nThen I stopped going."
    )
    again = import_turn_table(project, path, COLUMNS, role="citizen co-producer")
    assert [o.status for o in again.outcomes] == ["skipped", "skipped"]


def test_without_an_interviewer_column_a_name_marks_the_interviewer(
    project: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "t.csv", ROWS)
    columns = TurnColumns(document="interview", speaker="speaker", text="text")
    import_turn_table(project, path, columns, interviewers=["Anna"])
    refs = {ref.name: ref for ref in list_documents(project)}
    assert (refs["INT-01"].respondent_turns, refs["INT-01"].interviewer_turns) == (2, 2)


def test_a_bad_column_or_a_near_duplicate_case_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "t.csv", ROWS)
    with pytest.raises(ImportFileError, match="no column 'speker'.*did you mean 'speaker'"):
        import_turn_table(project, path, TurnColumns("interview", "speker", "text"))
    import_turn_table(project, path, COLUMNS)
    rows = [["INT-03", 1, 1, "Dirk", "Hello.", "", "interviewee", "north"]]
    other = write_csv(tmp_path / "u.csv", rows)
    with project.read() as session:
        before = session.scalar(select(func.count()).select_from(Document))
    with pytest.raises(ImportFileError, match="line 2: case 'north'.*did you mean 'North'"):
        import_turn_table(project, other, COLUMNS)
    with project.read() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == before


@pytest.mark.slow
def test_thousands_of_rows_import_in_seconds(project: Project, tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for interview in range(40):
        for block in range(100):
            speaker = "Anna" if block % 2 == 0 else f"R{interview}"
            kind = "interviewer" if block % 2 == 0 else "interviewee"
            rows.append(
                [
                    f"I{interview:02}",
                    1,
                    block,
                    speaker,
                    f"Turn {block} of a long talk.",
                    "",
                    kind,
                    "S",
                ]
            )
    path = write_csv(tmp_path / "big.csv", rows)
    report = import_turn_table(project, path, COLUMNS, lang="en")
    assert len(report.imported) == 40 and sum(o.turns for o in report.imported) == 4000

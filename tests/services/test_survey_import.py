"""A survey's open answers: one document a respondent, questions the interviewer's turns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcope.db.models import Participant
from qualcope.errors import ImportFileError
from qualcope.ingest.survey_table import SurveyColumns
from qualcope.services.documents import list_documents, list_segments
from qualcope.services.project import Project
from qualcope.services.survey_import import import_survey
from tests.conftest import shared_file

MakeFile = Callable[[bytes | str, str], Path]


def shared(name: str) -> Path:
    return shared_file(f"qualcoder-examples/{name}")


def test_qualcoders_survey_workbook_gives_each_respondent_their_answers(project: Project) -> None:
    path = shared("survey789.xlsx")
    columns = SurveyColumns("case", ("Qual_hobby_opinions", "Qual_pet_opinions"))
    report = import_survey(project, path, columns)
    assert [o.name for o in report.imported] == ["survey789 ID7", "survey789 ID8", "survey789 ID9"]
    assert report.new_values == {"attribute": ("Age", "Gender", "Interest")}
    documents = {d.name: d for d in list_documents(project)}
    turns = list_segments(project, documents["survey789 ID8"].id, kind="turn")
    assert [(t.speaker, t.is_interviewer, t.text) for t in turns] == [
        ("Question", True, "Qual_hobby_opinions"),
        ("ID8", False, "I like tv programs, and my favourites are morning shows and the news"),
        ("Question", True, "Qual_pet_opinions"),
        ("ID8", False, "A fish"),
    ]
    with project.read() as session:
        people = dict(session.execute(select(Participant.label, Participant.attributes)).all())
    # An empty cell is no value: ID8's age is not recorded as ''.
    assert people["ID8"] == {"Gender": "f", "Interest": "television"}
    assert people["ID7"]["Age"] == "33"  # a number cell, written as a spreadsheet shows it


def test_the_csv_survey_and_a_respondent_without_answers_is_listed(
    project: Project, make_file: MakeFile
) -> None:
    report = import_survey(
        project, shared("survey456.csv"), SurveyColumns("Case", ("freetext",)), role="citizen"
    )
    assert len(report.imported) == 3 and report.ok
    sheet = "id,q1,q2,site\nA,,,north\nB,yes,,south\n"
    again = import_survey(project, make_file(sheet, "s.csv"), SurveyColumns("id", ("q1", "q2")))
    assert [o.name for o in again.imported] == ["s B"]
    assert again.ignored == ("1 respondent(s) with no answer in q1, q2: A",)


BAD = [
    ("id,q1\n,an answer\n", "line 2: answers but no respondent in column 'id'"),
    ("id,q1\nA,x\na,y\n", "line 3: respondent 'a' is on two rows (also row 2)"),
    ("id,q2\nA,x\n", "line 1: no column 'q1' (columns: id, q2)"),
    ("id,q1\n", "no respondents below the header"),
]


@pytest.mark.parametrize("sheet, message", BAD)
def test_a_bad_survey_is_one_error_and_imports_nothing(
    project: Project, make_file: MakeFile, sheet: str, message: str
) -> None:
    path = make_file(sheet, "bad.csv")
    with pytest.raises(ImportFileError) as raised:
        import_survey(project, path, SurveyColumns("id", ("q1",)))
    assert str(raised.value).startswith(str(path)) and message in str(raised.value)
    assert list_documents(project) == []

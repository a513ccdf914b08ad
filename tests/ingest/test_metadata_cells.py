"""Control characters in metadata cells (C1-8): refused with the file, line and column.

An escape sequence in an attribute, a participant, a case or a role would run in the terminal
of whoever lists the documents; every sheet that brings metadata refuses it instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcope.errors import ImportFileError
from qualcope.ingest.manifest import ImportItem, read_manifest
from qualcope.ingest.survey_table import SurveyColumns, read_survey
from qualcope.ingest.turn_table import TurnColumns, read_turn_table
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.services.attribute_sheet import import_attributes
from qualcope.services.project import Project

MakeFile = Callable[[bytes | str, str], Path]
ESC = "\x1b[2J"


def test_a_manifest_cell_with_an_escape_sequence_is_refused(make_file: MakeFile) -> None:
    make_file("Interviewer: Why?\n\nRespondent: Because.\n", "a.txt")
    manifest = make_file(f"file,participant,site\na.txt,P1,north{ESC}\n", "manifest.csv")
    with pytest.raises(ImportFileError) as raised:
        read_manifest(manifest, Vocabulary(), ImportItem(path=manifest.parent))
    assert raised.value.line == 2
    assert "the 'site' cell holds a control character (U+001B)" in str(raised.value)


def test_a_survey_fact_is_refused_but_an_answer_is_text(make_file: MakeFile) -> None:
    answer = make_file(f"id,q1\nA,we{ESC} waited\n", "ok.csv")
    [respondent] = read_survey(answer, SurveyColumns("id", ("q1",))).respondents
    assert respondent.answers == (("q1", f"we{ESC} waited"),)  # normalised later, and counted
    fact = make_file(f"id,q1,age\nA,yes,3{ESC}\n", "bad.csv")
    with pytest.raises(ImportFileError, match="line 2: the 'age' cell holds a control"):
        read_survey(fact, SurveyColumns("id", ("q1",)))


def test_a_turn_tables_case_cell_is_refused(make_file: MakeFile) -> None:
    sheet = make_file("doc,who,text,site\nd1,R,hello,north\u202e\n", "turns.csv")
    columns = TurnColumns(document="doc", speaker="who", text="text", case="site")
    with pytest.raises(ImportFileError, match="line 2: the 'site' cell holds a control .*U\\+202E"):
        read_turn_table(sheet, columns)


def test_an_attribute_sheet_with_an_escape_changes_nothing(
    project: Project, make_file: MakeFile
) -> None:
    sheet = make_file(f"p,note\nP1,{ESC}boom\n", "sheet.csv")
    with pytest.raises(ImportFileError, match="line 2: the 'note' cell holds a control"):
        import_attributes(project, sheet)
    header = make_file(f"p,no{ESC}te\nP1,x\n", "header.csv")
    with pytest.raises(ImportFileError, match="line 1: the 'no\\\\x1b\\[2Jte' cell"):
        import_attributes(project, header)

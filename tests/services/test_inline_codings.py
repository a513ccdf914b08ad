"""Importing a transcript with qcoder marks: its codings land with it, or nothing does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcope.interchange.codebook_yaml import parse_codebook_yaml
from qualcope.services import codebook
from qualcope.services.codings import codings_for_document
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from tests.services.test_importing import counts

MakeFile = Callable[[bytes | str, str], Path]
BOOK = """\
codes:
  - name: Coping
    kind: group
    children:
      - name: Avoidance
  - name: Trust
"""
MARKED = (
    "Interviewer: And then?\n\n"
    "Respondent: (QCODE)We (QCODE)stayed away(/QCODE){#avoidance} and waited"
    "(/QCODE){#Trust, #patience}.\n"
)


def with_book(project: Project) -> Project:
    codebook.import_codebook(project, parse_codebook_yaml(BOOK))
    return project


def test_marked_passages_become_the_importers_codings_of_codes_found_by_name(
    project: Project, make_file: MakeFile
) -> None:
    with_book(project)
    report = import_paths(project, [make_file(MARKED, "marked.txt")])
    [outcome] = report.imported
    assert outcome.marked.codings == 3 and outcome.marked.coder == project.coder
    assert outcome.marked.new_codes == ("patience",)
    assert "4 qcoder coding marks taken out (now codings)" in outcome.changes
    found = [
        (c.snippet, c.code_path, c.coder, c.origin)
        for c in codings_for_document(project, outcome.document_id or 0)
    ]
    assert sorted(found) == sorted(
        [
            ("We stayed away and waited", "Trust", project.coder, "import"),
            ("We stayed away and waited", "patience", project.coder, "import"),
            ("stayed away", "Coping/Avoidance", project.coder, "import"),
        ]
    )
    assert [n.path for n in codebook.tree(project)][-1] == "patience"  # added at the top


def test_a_mark_naming_a_group_imports_nothing_not_even_new_codes(
    project: Project, make_file: MakeFile
) -> None:
    with_book(project)
    before = counts(project), [n.path for n in codebook.tree(project)]
    raw = "R: (QCODE)a(/QCODE){#newcode}\n(QCODE)b(/QCODE){#coping}\n"
    report = import_paths(project, [make_file(raw, "group.txt")])
    [failed] = report.failed
    assert failed.line == 2
    assert "'Coping' is a group in the codebook" in failed.message
    assert (counts(project), [n.path for n in codebook.tree(project)]) == before


def test_a_name_in_two_places_is_refused_with_both_paths(
    project: Project, make_file: MakeFile
) -> None:
    with_book(project)
    codebook.import_codebook(
        project,
        parse_codebook_yaml(
            BOOK + "  - name: Other\n    kind: group\n    children:\n      - name: avoidance\n"
        ),
    )
    report = import_paths(project, [make_file("R: (QCODE)a(/QCODE){#Avoidance}\n", "two.txt")])
    [failed] = report.failed
    assert "in 2 places in the codebook (Coping/Avoidance, Other/avoidance)" in failed.message


def test_the_same_passage_and_code_marked_twice_is_stored_once_and_said(
    project: Project, make_file: MakeFile
) -> None:
    with_book(project)
    raw = "R: (QCODE)(QCODE)same(/QCODE){#Trust}(/QCODE){#trust}\n"
    [outcome] = import_paths(project, [make_file(raw, "twice.txt")]).imported
    assert (outcome.marked.codings, outcome.marked.duplicates) == (1, 1)


def test_a_marked_file_already_in_the_project_says_its_codings_were_not_imported(
    project: Project, make_file: MakeFile
) -> None:
    with_book(project)
    import_paths(project, [make_file("R: We stayed away.\n", "plain.txt")])
    report = import_paths(
        project, [make_file("R: We (QCODE)stayed(/QCODE){#Trust} away.\n", "m.txt")]
    )
    [skipped] = report.skipped
    assert skipped.message.endswith(
        "not imported again; nor the codings of its 1 qcoder-marked passage"
    )

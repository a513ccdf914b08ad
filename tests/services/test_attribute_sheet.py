"""Attributes from a sheet: set, changed and removed as the sheet says, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcope.db.models import Case, Document, Participant
from qualcope.errors import ImportFileError
from qualcope.services.attribute_sheet import export_attributes, import_attributes
from qualcope.services.history import undo
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from tests.conftest import shared_file

MakeFile = Callable[[bytes | str, str], Path]


@pytest.fixture
def three(project: Project, make_file: MakeFile) -> Project:
    """Three interviews with participants ID1-ID3; ID1 and ID2 in case alpha."""
    manifest = "file,participant,case,role\nt1.txt,ID1,alpha,citizen\nt2.txt,ID2,alpha,\n"
    manifest += "t3.txt,ID3,,\n"
    folder = make_file(manifest, "manifest.csv").parent
    for n in (1, 2, 3):
        make_file(f"Interviewer: Why?\n\nRespondent: Because {n}.\n", f"t{n}.txt")
    report = import_paths(project, [folder])
    assert len(report.imported) == 3
    return project


def state(project: Project) -> dict[str, tuple[str | None, str | None, dict[str, object]]]:
    with project.read() as session:
        rows = session.execute(
            select(
                Participant.label, Participant.role, Case.name, Participant.attributes
            ).outerjoin(Case, Case.id == Participant.case_id)
        ).all()
    return {label: (role, case, dict(attributes or {})) for label, role, case, attributes in rows}


def test_qualcoders_attribute_table_sets_every_value_and_again_changes_nothing(
    three: Project,
) -> None:
    path = shared_file("qualcoder-examples/cases123.csv")
    done = import_attributes(three, path)
    assert (done.kind, done.key, done.rows, len(done.changes)) == ("participant", "case", 3, 9)
    assert done.new == {"attribute": ("Age", "gender", "interest")}
    assert state(three)["ID2"] == (
        None,
        "alpha",
        {"Age": "22", "gender": "m", "interest": "performing arts"},
    )
    assert import_attributes(three, path).changes == ()


def test_a_value_changes_an_empty_cell_removes_and_role_and_case_are_set(
    three: Project, make_file: MakeFile
) -> None:
    import_attributes(three, make_file("id,age,site\nID1,30,north\nID2,41,south\n", "a.csv"))
    sheet = "participant,age,site,role,case\nid1,31,,public servant,beta\nID2,41,south,,\n"
    done = import_attributes(three, make_file(sheet, "b.csv"))
    assert {(c.who, c.name, c.before, c.after) for c in done.changes} == {
        ("ID1", "age", "30", "31"),
        ("ID1", "site", "north", None),
        ("ID1", "role", "citizen", "public servant"),
        ("ID1", "case", "alpha", "beta"),
        ("ID2", "case", "alpha", None),
        # The documents held a copy of their participant's case (the manifest gave both).
        ("t1.txt", "case", "alpha", "beta"),
        ("t2.txt", "case", "alpha", None),
    }
    assert done.new == {"case": ("beta",)}
    assert state(three)["ID1"] == ("public servant", "beta", {"age": "31"})
    undo(three)  # one action: all of it comes back
    assert state(three)["ID1"] == ("citizen", "alpha", {"age": "30", "site": "north"})


def test_export_then_import_is_a_round_trip_with_no_change(
    three: Project, make_file: MakeFile, tmp_path: Path
) -> None:
    import_attributes(three, make_file('p,note,=x\nID1,"a, b",=1+1\nID3,x,\n', "a.csv"))
    before = state(three)
    out = tmp_path / "sheet.csv"
    assert export_attributes(three, out) == 3
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "participant,role,case,'=x,note"
    assert import_attributes(three, out).changes == ()
    assert state(three) == before and before["ID1"][2] == {"note": "a, b", "=x": "=1+1"}


def test_documents_take_attributes_by_name_with_or_without_extension(
    three: Project, make_file: MakeFile
) -> None:
    done = import_attributes(
        three,
        make_file("document,mode,case\nt1,video,gamma\nT2.TXT,phone,\n", "d.csv"),
        documents=True,
    )
    assert len(done.changes) == 4 and done.kind == "document"
    with three.read() as session:
        found = dict(session.execute(select(Document.name, Document.attributes)).all())
    assert found == {"t1.txt": {"mode": "video"}, "t2.txt": {"mode": "phone"}, "t3.txt": {}}


BAD = [
    (
        "p,age\nID1,3\nID9,4\nID8,5\n",
        "2 row(s) name no participant of the project: line 3 'ID9', line 4 'ID8'",
    ),
    ("p,age\nID1,3\nid1,4\n", "line 3: 'id1' is given twice (also line 2)"),
    ("p,age,Age\nID1,3,4\n", "line 1: the header names 'Age' twice"),
    ("p,,age\nID1,3,4\n", "line 1: column 2 of the header has no name"),
    ("p\nID1\n", "line 1: the header has one column"),
    ("p,age\nID1,3,4\n", "line 2: this row has 3 cells, the header 2"),
    ("p,age\n", "the sheet has a header but no rows"),
]


@pytest.mark.parametrize("sheet, message", BAD)
def test_a_bad_sheet_is_one_error_and_changes_nothing(
    three: Project, make_file: MakeFile, sheet: str, message: str
) -> None:
    before = state(three)
    path = make_file(sheet, "bad.csv")
    with pytest.raises(ImportFileError) as raised:
        import_attributes(three, path)
    assert str(raised.value).startswith(str(path)) and message in str(raised.value)
    assert state(three) == before


def test_an_attribute_one_typo_from_a_known_one_is_refused_unless_allowed(
    three: Project, make_file: MakeFile
) -> None:
    import_attributes(three, make_file("p,organisation\nID1,city\n", "a.csv"))
    typo = make_file("p,organsation\nID2,city\n", "b.csv")
    with pytest.raises(ImportFileError, match="close to the known attribute 'organisation'"):
        import_attributes(three, typo)
    assert import_attributes(three, typo, allow_similar=True).new == {"attribute": ("organsation",)}


def test_a_participants_change_reaches_the_copy_its_manifest_gave_the_document(
    project: Project, make_file: MakeFile
) -> None:
    """A manifest gives its attributes and case to the document and the participant alike, and
    a document's value wins in reports: the copy must follow, or tables keep the old value."""
    folder = make_file(
        "file,participant,case,age\na.txt,P1,alpha,30\nb.txt,P2,alpha,40\n", "manifest.csv"
    ).parent
    make_file("Interviewer: Why?\n\nRespondent: One.\n", "a.txt")
    make_file("Interviewer: Why?\n\nRespondent: Two.\n", "b.txt")
    import_paths(project, [folder])
    with project.write("b has its own age") as session:  # as `document set --attribute` does
        b = session.scalar(select(Document).where(Document.name == "b.txt"))
        b.attributes = {"age": "41"}
    done = import_attributes(project, make_file("p,age,case\nP1,31,beta\nP2,50,alpha\n", "s.csv"))
    assert {(c.who, c.name, c.before, c.after) for c in done.changes} == {
        ("P1", "age", "30", "31"),
        ("P1", "case", "alpha", "beta"),
        ("a.txt", "age", "30", "31"),
        ("a.txt", "case", "alpha", "beta"),
        ("P2", "age", "40", "50"),
    }
    assert done.notes == ("b.txt keeps its own age '41', which reports use for its codings",)
    with project.read() as session:
        rows = session.execute(
            select(Document.name, Document.attributes, Case.name).outerjoin(
                Case, Case.id == Document.case_id
            )
        ).all()
    assert {name: (attributes, case) for name, attributes, case in rows} == {
        "a.txt": ({"age": "31"}, "beta"),
        "b.txt": ({"age": "41"}, "alpha"),
    }

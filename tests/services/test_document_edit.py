"""Fixing documents after import: `set`, `resegment`, finished marks; undo of each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from qualcope.db.models import (
    Action,
    Case,
    Coding,
    Document,
    DocumentStatus,
    Participant,
    Segment,
    Suggestion,
)
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services import codebook, codings, doctor, history
from qualcope.services.document_edit import (
    document_attributes,
    parse_attribute,
    set_document,
    set_finished_many,
)
from qualcope.services.documents import find_document, list_documents, list_segments
from qualcope.services.importing import import_paths
from qualcope.services.project import Project
from qualcope.services.resegment import resegment
from tests.conftest import SAMPLE_CORPUS

MakeFile = Callable[[bytes | str, str], Path]
ANNA = "Anna: How did it start?\n\nPiet: With a letter.\n\nAnna: And then?\n\nPiet: Nothing at all."
OTTER = "Interviewer  0:04\nHow?\n\nMaria Jansen  0:15\nWell.\n\nPeter Smit\nI disagree.\n"


def state(project: Project) -> dict[str, Any]:
    """Everything an edit may touch, to compare before and after."""
    with project.read() as session:
        return {
            "documents": [
                tuple(row)
                for row in session.execute(
                    select(
                        Document.id,
                        Document.name,
                        Document.case_id,
                        Document.participant_id,
                        Document.language,
                        Document.word_count,
                        Document.attributes,
                        Document.import_report,
                        Document.sentence_bounds,
                        Document.text,
                    ).order_by(Document.id)
                )
            ],
            "segments": [
                tuple(row)
                for row in session.execute(
                    select(
                        Segment.id,
                        Segment.document_id,
                        Segment.kind,
                        Segment.start,
                        Segment.end,
                        Segment.speaker,
                        Segment.is_interviewer,
                        Segment.turn_index,
                        Segment.meta,
                    ).order_by(Segment.id)
                )
            ],
            "cases": session.execute(select(Case.id, Case.name).order_by(Case.id)).all(),
            "participants": session.execute(
                select(Participant.id, Participant.label, Participant.role, Participant.case_id)
            ).all(),
            "suggestions": session.execute(
                select(Suggestion.id, Suggestion.segment_id).order_by(Suggestion.id)
            ).all(),
            "codings": session.execute(
                select(Coding.id, Coding.start, Coding.end, Coding.snippet).order_by(Coding.id)
            ).all(),
            "statuses": session.execute(
                select(DocumentStatus.document_id, DocumentStatus.finished)
            ).all(),
        }


def actions(project: Project) -> int:
    with project.read() as session:
        return int(session.scalar(select(func.count()).select_from(Action)) or 0)


def imported(project: Project, make_file: MakeFile, text: str, name: str, **kw: Any) -> int:
    report = import_paths(project, [make_file(text, name)], **kw)
    assert report.ok and report.imported, report.outcomes
    return find_document(project, name)


def ref(project: Project, document_id: int) -> Any:
    return list_documents(project, document_id=document_id)[0]


def test_set_changes_each_fact_in_one_undoable_action(
    project: Project, make_file: MakeFile
) -> None:
    doc = imported(project, make_file, ANNA, "anna.txt", case="Urban mobility", role="citizen")
    other = imported(project, make_file, ANNA + " Really.", "b.txt", participant="anna")
    before = state(project)
    edit = set_document(
        project,
        doc,
        name="Anna interview",
        case="urban MOBILITY",  # the same case: matched without regard to capitals
        participant="MO-C9",
        role="public servant",
        language="NL",
        attributes={"gender": "f", "age": "45"},
        speakers=["Peter Smit"],
    )
    assert edit.changes == (
        "name: anna.txt -> Anna interview",
        "participant: anna -> MO-C9 (new)",
        "role of participant MO-C9: (none) -> public servant",
        "language: en -> nl",
        "attribute gender: (none) -> f",
        "attribute age: (none) -> 45",
        "speakers to take: (none) -> Peter Smit",
    )
    assert any("resegment" in note for note in edit.notes)
    now = ref(project, doc)
    assert (now.name, now.case, now.participant, now.role, now.language) == (
        "Anna interview",
        "Urban mobility",
        "MO-C9",
        "public servant",
        "nl",
    )
    assert ref(project, other).role == "citizen"  # b.txt stays with anna
    with project.read() as session:
        stored = session.get(Document, doc)
        assert stored is not None
        assert stored.attributes == {"gender": "f", "age": "45"}
        assert stored.import_report["settings"]["speakers"] == ["Peter Smit"]
    assert history.undo(project).label == "edit document anna.txt"
    assert state(project) == before
    history.redo(project)
    assert ref(project, doc).participant == "MO-C9"


def test_role_of_a_shared_participant_says_which_documents_change_too(
    project: Project, make_file: MakeFile
) -> None:
    doc = imported(project, make_file, ANNA, "anna.txt", participant="EC-C1", role="citizen")
    imported(project, make_file, ANNA + " Yes.", "second.txt", participant="EC-C1")
    edit = set_document(project, doc, role="Public Servant", case="elderly care")
    assert edit.changes == (
        "case: (none) -> elderly care (new)",
        "role of participant EC-C1: citizen -> public servant",  # the known role's spelling
    )
    assert edit.notes == ("the role of EC-C1's other documents changes too: second.txt",)
    assert {r.role for r in list_documents(project)} == {"public servant"}


def test_role_without_a_participant_makes_one_named_after_the_document(
    project: Project, make_file: MakeFile
) -> None:
    doc = imported(project, make_file, ANNA, "anna.txt")
    edit = set_document(project, doc, role="citizen co-producer")
    assert edit.changes == (
        "participant: (none) -> anna (new)",
        "role of participant anna: (none) -> citizen co-producer",
    )
    assert set_document(project, doc, role="citizen co-producer").changes == ()


def test_attributes_set_remove_and_did_you_mean(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "a.txt").write_text(ANNA, encoding="utf-8")
    (folder / "b.txt").write_text(ANNA + " Fine.", encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,participant,age_group,site\na.txt,P1,45-54,north\nb.txt,P2,,\n", encoding="utf-8"
    )
    assert import_paths(project, [folder]).ok
    a, b = find_document(project, "a.txt"), find_document(project, "b.txt")
    assert parse_attribute("site = south ") == ("site", "south")
    assert parse_attribute("site=") == ("site", None)
    with pytest.raises(QualcopeError, match="write KEY=VALUE"):
        parse_attribute("site")
    before = state(project)
    with pytest.raises(QualcopeError, match="'Age Group' differs .* did you mean 'age_group'"):
        set_document(project, b, attributes={"site": "east", "Age Group": "25-34"})
    assert state(project) == before
    edit = set_document(project, b, attributes={"age_group": "25-34", "note": "x"})
    assert edit.changes == (
        "attribute age_group: (none) -> 25-34",
        "attribute note: (none) -> x",
    )
    edit = set_document(project, a, attributes={"site": None, "missing": None})
    assert edit.changes == ("attribute site: north -> (removed)",)
    keys, values = document_attributes(project)
    assert keys == ["age_group", "note", "site"]
    # a's participant still has site=north: the document's own attribute is gone, not its
    # participant's.
    assert values[a] == {"age_group": "45-54", "site": "north"}
    assert values[b] == {"age_group": "25-34", "note": "x"}


def test_mistakes_leave_the_project_as_it_was(project: Project, make_file: MakeFile) -> None:
    doc = imported(project, make_file, ANNA, "anna.txt")
    imported(project, make_file, ANNA + " Next.", "next.txt", participant="P1")
    before, logged = state(project), actions(project)
    attempts: list[tuple[type[Exception], str, dict[str, Any]]] = [
        (QualcopeError, "unknown language 'qq'", {"language": "qq", "case": "New case"}),
        (QualcopeError, "already called 'next.txt'", {"case": "New case", "name": "next.txt"}),
        (QualcopeError, "a role cannot be empty", {"participant": "P1", "role": " "}),
        (QualcopeError, "a case name cannot be empty", {"case": ""}),
        (QualcopeError, "did you mean 'public servant'", {"role": "public servnt"}),
        (QualcopeError, "did you mean 'P1'", {"participant": "p 1", "case": "x"}),
    ]
    for error, message, options in attempts:
        with pytest.raises(error, match=message):
            set_document(project, doc, **options)
    with pytest.raises(NotFoundError, match="no document 99"):
        set_document(project, 99, case="x")
    with pytest.raises(NotFoundError, match="no document 99"):
        resegment(project, 99)
    with pytest.raises(NotFoundError, match="no document 'nothing.txt'"):
        find_document(project, "nothing.txt")
    assert state(project) == before and actions(project) == logged
    assert set_document(project, doc, name="anna.txt", interviewers=[]).changes == ()
    assert actions(project) == logged  # nothing changed: nothing logged
    edit = set_document(project, doc, role="public servnt", allow_similar=True)
    assert edit.changes[-1] == "role of participant anna: (none) -> public servnt"


def test_interviewer_names_re_mark_the_turns_at_once(project: Project, make_file: MakeFile) -> None:
    doc = imported(project, make_file, ANNA, "anna.txt")
    assert (ref(project, doc).respondent_turns, ref(project, doc).interviewer_turns) == (4, 0)
    before = state(project)
    edit = set_document(project, doc, interviewers=["Anna", "Ana"])
    assert edit.changes == ("interviewers: (none) -> Anna, Ana", "interviewer turns: 0 -> 2")
    assert len(edit.notes) == 1 and "no turn is labelled 'Ana'" in edit.notes[0]
    assert (ref(project, doc).respondent_turns, ref(project, doc).interviewer_turns) == (2, 2)
    with project.read() as session:
        report = session.scalar(select(Document.import_report).where(Document.id == doc))
    assert report["speakers"] == [["Anna", 2, True], ["Piet", 2, False]]
    assert report["settings"]["interviewers"] == ["Anna", "Ana"]
    assert [s.is_interviewer for s in list_segments(project, doc, "sentence")] == [
        True,
        False,
        True,
        False,
    ]
    history.undo(project)
    assert state(project) == before
    history.redo(project)
    assert ref(project, doc).interviewer_turns == 2
    edit = set_document(project, doc, interviewers=[])
    assert edit.changes == ("interviewers: Anna, Ana -> (none)", "interviewer turns: 2 -> 0")


def test_resegment_takes_a_bare_speaker_line_and_keeps_codings_exact(
    icvc_project: Project, make_file: MakeFile
) -> None:
    project = icvc_project
    doc = imported(project, make_file, OTTER, "otter.txt")
    turns = list_segments(project, doc, "turn")
    maria = next(t for t in turns if t.speaker == "Maria Jansen")
    assert maria.text == "Well.\n\nPeter Smit\nI disagree."  # Peter's words in Maria's turn
    start = OTTER.index("I disagree")
    code = next(n for n in codebook.tree(project) if not n.is_group)
    coding = codings.add_coding(project, doc, start, start + len("I disagree."), code.id)
    with project.write("test suggestions", undoable=False) as session:
        coder = project.coder_id(session)
        for at, status in ((start, "pending"), (OTTER.index("Well"), "pending")):
            session.add(
                Suggestion(
                    document_id=doc,
                    segment_id=maria.id,
                    code_id=code.id,
                    coder_id=coder,
                    start=at,
                    end=at + 5,
                    status=status,
                )
            )
    before = state(project)

    done = resegment(project, doc, speakers=["Peter Smit"])
    assert done.changed and done.changes == ("speakers to take: (none) -> Peter Smit",)
    assert done.speakers[0] == (("Interviewer", 1, True), ("Maria Jansen", 1, False))
    assert done.speakers[1][-1] == ("Peter Smit", 1, False)
    assert done.counts["turns"] == (2, 3) and done.counts["words"] == (6, 4)
    assert done.label_notes == () and done.repointed == 1
    after = {t.speaker: t for t in list_segments(project, doc, "turn")}
    assert after["Peter Smit"].text == "I disagree." and after["Maria Jansen"].text == "Well."
    assert after["Maria Jansen"].id == maria.id  # an unchanged turn keeps its row
    sentences = list_segments(project, doc, "sentence")
    assert [(s.speaker, s.text) for s in sentences][-1] == ("Peter Smit", "I disagree.")
    with project.read() as session:
        pointers = dict(session.execute(select(Suggestion.start, Suggestion.segment_id)).all())
        stored = session.get(Coding, coding.id)
        assert stored is not None and stored.snippet == OTTER[stored.start : stored.end]
        report = session.scalar(select(Document.import_report).where(Document.id == doc))
    assert pointers == {start: after["Peter Smit"].id, OTTER.index("Well"): maria.id}
    assert report["turns"] == 3 and report["label_notes"] == []
    assert report["speakers"][-1] == ["Peter Smit", 1, False]
    assert ref(project, doc).words == 4 and ref(project, doc).respondent_turns == 2
    assert doctor.check(project) == []
    resegmented = state(project)

    assert history.undo(project).label == "resegment otter.txt"
    assert state(project) == before
    assert doctor.check(project) == []
    history.redo(project)
    redone = state(project)
    assert redone == resegmented
    # Doing it again changes nothing and logs nothing.
    logged = actions(project)
    again = resegment(project, doc)
    assert not again.changed and again.repointed == 0 and actions(project) == logged


def test_resegment_of_imported_documents_changes_nothing(project: Project) -> None:
    assert import_paths(project, [SAMPLE_CORPUS]).ok
    for found in list_documents(project):
        if found.source_format in ("vtt", "srt"):
            with pytest.raises(QualcopeError, match="cannot be re-detected"):
                resegment(project, found.id)
            continue
        done = resegment(project, found.id)
        assert not done.changed, found.name
        assert done.speakers[0] == done.speakers[1]


def test_finish_and_unfinish_several_documents_in_one_action(
    project: Project, make_file: MakeFile
) -> None:
    a = imported(project, make_file, ANNA, "a.txt")
    b = imported(project, make_file, ANNA + " More.", "b.txt")
    marks = set_finished_many(project, [a, b, a])
    assert [(m.name, m.changed) for m in marks] == [("a.txt", True), ("b.txt", True)]
    assert all(r.finished for r in list_documents(project))
    assert [m.changed for m in set_finished_many(project, [a])] == [False]
    assert history.undo(project).label == "mark 2 documents finished"
    assert not any(r.finished for r in list_documents(project))
    history.redo(project)
    marks = set_finished_many(project, [a, b], finished=False)
    assert [m.changed for m in marks] == [True, True]
    assert not any(r.finished for r in list_documents(project))
    before = state(project)
    with pytest.raises(NotFoundError, match="no document 42"):
        set_finished_many(project, [a, 42])
    assert state(project) == before

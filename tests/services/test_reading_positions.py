"""Where a coder left a document (remembered outside the undo history), and the progress of
every coder beside the coder's own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qualcope.db.models import Action, Event
from qualcope.errors import NotFoundError, QualcopeError
from qualcope.services import codebook, codings, documents, history, reading_positions
from qualcope.services.project import Project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript


def log_size(project: Project) -> tuple[int, int]:
    with project.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Action)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
        )


def avoidance(project: Project) -> int:
    return next(n.id for n in codebook.tree(project) if n.name == "Avoidance")


def test_a_position_is_remembered_per_coder_and_document(icvc_project: Project) -> None:
    first = store_transcript(icvc_project, SMALL_INTERVIEW, name="a.txt")
    second = store_transcript(icvc_project, SMALL_INTERVIEW[:4], name="b.txt")
    other = Project(icvc_project.engine, icvc_project.url, "bea")
    assert reading_positions.remembered_position(icvc_project, first) is None
    reading_positions.remember_position(icvc_project, first, 10, 40)
    reading_positions.remember_position(icvc_project, second, 50, 60)
    reading_positions.remember_position(other, first, 0, 5)
    reading_positions.remember_position(icvc_project, first, 12, 42)  # moved on
    assert reading_positions.remembered_position(icvc_project, first) == (12, 42)
    assert reading_positions.remembered_position(icvc_project, second) == (50, 60)
    assert reading_positions.remembered_position(other, first) == (0, 5)
    assert reading_positions.remembered_position(other, second) is None


def test_remembering_is_not_an_action_and_leaves_undo_and_redo_alone(
    icvc_project: Project,
) -> None:
    document = store_transcript(icvc_project, SMALL_INTERVIEW)
    coding = codings.add_coding(icvc_project, document, 20, 40, avoidance(icvc_project))
    documents.set_finished(icvc_project, document, True)
    before = log_size(icvc_project)
    reading_positions.remember_position(icvc_project, document, 20, 40)
    reading_positions.remember_position(icvc_project, document, 41, 60)
    assert log_size(icvc_project) == before  # no action, no event: nothing for u to undo
    assert history.can_undo(icvc_project) == "mark finished"
    # The finished mark's undo is not blocked by a position written since.
    history.undo(icvc_project)
    assert not documents.get_document(icvc_project, document).ref.finished
    reading_positions.remember_position(icvc_project, document, 0, 10)
    assert history.can_redo(icvc_project) == "mark finished"  # redo survives a move
    assert history.undo(icvc_project).label == "apply code"
    assert codings.codings_for_document(icvc_project, document) == []
    history.redo(icvc_project)
    assert [c.id for c in codings.codings_for_document(icvc_project, document)] == [coding.id]
    assert reading_positions.remembered_position(icvc_project, document) == (0, 10)


def test_a_position_outside_the_document_is_refused(icvc_project: Project) -> None:
    document = store_transcript(icvc_project, SMALL_INTERVIEW)
    length = len(documents.get_document(icvc_project, document).text)
    reading_positions.remember_position(icvc_project, document, length - 3, length)
    with pytest.raises(QualcopeError, match="ends after the document"):
        reading_positions.remember_position(icvc_project, document, 0, length + 1)
    with pytest.raises(QualcopeError, match="not a span"):
        reading_positions.remember_position(icvc_project, document, 9, 3)
    with pytest.raises(NotFoundError):
        reading_positions.remember_position(icvc_project, document + 1, 0, 1)
    assert reading_positions.remembered_position(icvc_project, document) == (length - 3, length)


def test_progress_of_all_coders_counts_a_colleagues_codings(icvc_project: Project) -> None:
    document = store_transcript(icvc_project, SMALL_INTERVIEW)
    text = documents.get_document(icvc_project, document).text
    colleague = Project(icvc_project.engine, icvc_project.url, "bea")
    code = avoidance(icvc_project)
    codings.add_coding(colleague, document, text.index("I coordinate"), text.index(" The"), code)
    codings.add_coding(colleague, document, text.index("All the time"), len(text) - 3, code)
    codings.add_coding(icvc_project, document, text.index("All the time"), len(text) - 3, code)
    [mine] = documents.list_documents(icvc_project)
    assert (mine.respondent_turns, mine.coded_turns, mine.coded_turns_all) == (3, 1, 2)
    assert mine.progress == pytest.approx(1 / 3) and mine.progress_all == pytest.approx(2 / 3)
    newcomer = Project(icvc_project.engine, icvc_project.url, "carl")  # has coded nothing
    [theirs] = documents.list_documents(newcomer)
    assert (theirs.coded_turns, theirs.coded_turns_all) == (0, 2)

"""Undo and redo from the event log, across a restart."""

from __future__ import annotations

import pytest

from qualcope.errors import NothingToDoError
from qualcope.services import codebook, codings, history
from qualcope.services.project import Project
from tests.services.test_codebook_service import add_document


def test_undo_redo_of_codings_survives_a_restart(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    first = codings.add_coding(icvc_project, doc, 12, 33, nodes["Coping strategies/Avoidance"].id)
    codings.set_memo(icvc_project, first.id, "dropped out")
    location = icvc_project.url.render_as_string(hide_password=False)
    coder = icvc_project.coder
    icvc_project.close()

    with Project.open(location, coder) as reopened:
        assert history.undo(reopened).label == "edit memo"
        assert codings.codings_for_document(reopened, doc)[0].memo == ""
        assert history.undo(reopened).label == "apply code"
        assert codings.codings_for_document(reopened, doc) == []
        assert (history.can_undo(reopened) or "").startswith("import codebook")
        history.redo(reopened)
        restored = codings.codings_for_document(reopened, doc)
        assert [(c.id, c.guid, c.start, c.end) for c in restored] == [
            (first.id, first.guid, 12, 33)
        ]
        history.redo(reopened)
        assert codings.codings_for_document(reopened, doc)[0].memo == "dropped out"
        with pytest.raises(NothingToDoError):
            history.redo(reopened)
        history.undo(reopened)
        assert codings.codings_for_document(reopened, doc)[0].memo == ""


def test_a_new_action_clears_redo(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    codings.add_coding(icvc_project, doc, 12, 33, nodes["Coping strategies/Avoidance"].id)
    history.undo(icvc_project)
    codings.add_coding(icvc_project, doc, 0, 10, nodes["Coping strategies/Escalation"].id)
    with pytest.raises(NothingToDoError):
        history.redo(icvc_project)


def test_undo_is_per_coder(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    codings.add_coding(icvc_project, doc, 12, 33, nodes["Coping strategies/Avoidance"].id)
    other = Project(icvc_project.engine, icvc_project.url, "someone else")
    codings.add_coding(other, doc, 0, 10, nodes["Coping strategies/Escalation"].id)
    history.undo(icvc_project)
    remaining = codings.codings_for_document(icvc_project, doc)
    assert [(c.coder, c.code_path) for c in remaining] == [
        ("someone else", "Coping strategies/Escalation")
    ]

"""Blind double coding in the services: the setting, what a blind coder reads, changes and
learns from; the other coder's work is still there for everyone else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from qualcope.db.models import Action, ModelArtifact
from qualcope.errors import NotFoundError, NothingToDoError
from qualcope.services import blind, codebook, codings, documents, history
from qualcope.services import suggestions as service
from qualcope.services.project import Project
from tests.nlp.synthetic import labelled
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

SENTENCE = "The city pays us, but we serve the process."


def as_coder(project: Project, name: str, *, blind: bool) -> Project:
    """Another coder on the same open project (the way two sessions share a file)."""
    return Project(project.engine, project.url, name, blind=blind)


def sentence_span(project: Project, document_id: int, text: str) -> tuple[int, int]:
    for segment in documents.list_segments(project, document_id, kind="sentence"):
        if segment.text == text:
            return segment.start, segment.end
    raise AssertionError(f"no sentence {text!r}")


def code_id(project: Project, name: str) -> int:
    return next(node.id for node in codebook.tree(project) if node.name == name)


@pytest.fixture
def coded_by_a(icvc_project: Project) -> tuple[Project, int, tuple[int, int]]:
    """Coder A ('tester') coded one sentence of a small interview Avoidance."""
    doc = store_transcript(icvc_project, SMALL_INTERVIEW, name="panel.txt")
    span = sentence_span(icvc_project, doc, SENTENCE)
    codings.add_coding(icvc_project, doc, *span, code_id(icvc_project, "Avoidance"))
    return icvc_project, doc, span


# ------------------------------------------------------------------ the setting
def test_the_setting_is_off_until_turned_on_and_undo_never_lifts_it(project: Project) -> None:
    assert not blind.is_blind_project(project)
    assert blind.set_blind(project, True) is True
    assert blind.set_blind(project, True) is False  # already on: nothing written
    assert blind.is_blind_project(project)
    with pytest.raises(NothingToDoError):
        history.undo(project)  # a study-design setting, not a coding step
    assert blind.is_blind_project(project)
    with project.read() as session:
        labels = list(session.scalars(select(Action.label).order_by(Action.id)))
    assert labels.count("blind coding on") == 1  # logged once, for the record
    assert blind.set_blind(project, False) is True
    assert not blind.is_blind_project(project)


def test_visible_coder_is_the_coder_only_when_blind(project: Project) -> None:
    assert project.visible_coder is None
    assert as_coder(project, "B", blind=True).visible_coder == "B"


# --------------------------------------------------------------------- codings
def test_a_blind_coder_reads_only_their_own_codings_and_can_code_the_same_span(
    coded_by_a: tuple[Project, int, tuple[int, int]],
) -> None:
    a, doc, span = coded_by_a
    b = as_coder(a, "B", blind=True)
    assert codings.codings_at(b, doc, *span, b.visible_coder) == []
    assert codings.codings_for_document(b, doc, b.visible_coder) == []
    mine = codings.add_coding(b, doc, *span, code_id(a, "Avoidance"))  # the same code, too
    assert [c.id for c in codings.codings_at(b, doc, *span, b.visible_coder)] == [mine.id]
    # Not blind, everyone's codings are there, as before.
    assert {c.coder for c in codings.codings_at(a, doc, *span, a.visible_coder)} == {"tester", "B"}


def test_a_blind_coder_cannot_change_or_link_to_another_coders_coding(
    coded_by_a: tuple[Project, int, tuple[int, int]],
) -> None:
    a, doc, span = coded_by_a
    (theirs,) = codings.codings_for_document(a, doc)
    b = as_coder(a, "B", blind=True)
    mine = codings.add_coding(b, doc, *span, code_id(a, "Trade-off"))
    for attempt in (
        lambda: codings.remove_coding(b, theirs.id),
        lambda: codings.recode(b, theirs.id, code_id(a, "Escalation")),
        lambda: codings.set_memo(b, theirs.id, "peeked"),
        lambda: codings.link(b, mine.id, theirs.id),
    ):
        with pytest.raises(NotFoundError, match="coding blind"):
            attempt()
    (still,) = [c for c in codings.codings_for_document(a, doc) if c.coder == "tester"]
    assert (still.code_id, still.memo, still.version) == (theirs.code_id, "", theirs.version)
    assert codings.codings_for_document(a, doc, "B")[0].links == ()


# ------------------------------------------------------------------ suggestions
def _coded_finished(project: Project, name: str) -> tuple[int, int]:
    """Two cue-less codes, one labelled document coded by the project's coder and finished."""
    spec = codebook.CodebookSpec(
        "Tiny", codes=(codebook.CodeSpec("Escalating"), codebook.CodeSpec("Balancing"))
    )
    codebook.import_codebook(project, spec)
    rows = labelled(n_pos=10, n_neg=40, seed=3)
    doc = store_transcript(project, [("Respondent", False, t) for t, _ in rows], name=name)
    ids = {1: code_id(project, "Escalating"), 2: code_id(project, "Balancing")}
    sentences = documents.list_segments(project, doc, kind="sentence")
    for segment, (_, known) in zip(sentences, rows, strict=True):
        for code, value in known.items():
            if value:
                codings.add_coding(project, doc, segment.start, segment.end, ids[code])
    documents.set_finished(project, doc)
    return doc, ids[1]


def test_a_blind_corpus_holds_only_the_coders_own_labels(project: Project) -> None:
    doc, _ = _coded_finished(project, "x.txt")
    with project.read() as session:
        everyone = service.read_corpus(session)
        own = service.read_corpus(session, coder="tester")
        other = service.read_corpus(session, coder="B")  # B has not coded anything
    assert len(everyone.codings) == 20 and everyone.finished == {doc}
    assert own.codings == everyone.codings and own.finished == {doc}
    assert other.codings == [] and other.rejections == [] and other.finished == set()
    assert other.units == everyone.units  # the text is everyone's; the labels are not
    assert other.labelled("en", [1, 2]).units == []  # no positive, no negative from A


def test_blind_suggestions_neither_learn_from_nor_touch_the_shared_model(
    project: Project,
) -> None:
    doc, escalating = _coded_finished(project, "x.txt")
    service.retrain(project)  # A's shared model, learnt from A's codings
    with project.read() as session:
        (shared,) = session.scalars(select(ModelArtifact)).all()
        shared_id, shared_meta = shared.id, dict(shared.meta)

    b = as_coder(project, "B", blind=True)
    run = service.suggest(b)
    assert run.models == () and run.created == 0  # nothing of A's is learnt or loaded
    assert run.message == service.NOTHING_TO_LEARN
    assert service.list_suggestions(b) == []

    # B codes Escalating only: B's classifier learns that code alone (A's ten Balancing
    # codings teach it nothing) and is not stored.
    rows = labelled(n_pos=10, n_neg=40, seed=3)
    sentences = documents.list_segments(b, doc, kind="sentence")
    for segment, (_, known) in zip(sentences, rows, strict=True):
        if known[1]:
            codings.add_coding(b, doc, segment.start, segment.end, escalating)
    documents.set_finished(b, doc)
    (info,) = service.retrain(b)
    assert info.model_id is None and info.labels == (escalating,)
    assert info.positives == {escalating: 10}
    run = service.suggest(b)
    assert [(m.model_id, m.labels) for m in run.models] == [(None, (escalating,))]
    with project.read() as session:
        (still,) = session.scalars(select(ModelArtifact)).all()
    assert (still.id, still.meta) == (shared_id, shared_meta)


def test_another_coders_rejections_do_not_teach_a_blind_coders_cues(
    icvc_project: Project,
) -> None:
    turns = [("Interviewer", True, "Why?")] + [
        ("Respondent", False, f"The budget was decided higher up in week {i}.") for i in range(12)
    ]
    store_transcript(icvc_project, turns, name="budget.txt")
    service.suggest(icvc_project)
    for view in service.list_suggestions(icvc_project):
        service.reject(icvc_project, view.id)  # A: "higher up" is never right

    seeing = as_coder(icvc_project, "B", blind=False)
    service.suggest(seeing)
    assert service.list_suggestions(seeing) == []  # learnt from A's rejections
    blind_c = as_coder(icvc_project, "C", blind=True)
    service.suggest(blind_c)
    assert len(service.list_suggestions(blind_c)) == 12  # C judges the cue afresh

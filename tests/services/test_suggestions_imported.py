"""Suggestions on a project coded elsewhere: codings without finished marks teach the
classifier, trivial sentences are never suggested, and an older stored model is replaced."""

from __future__ import annotations

from sqlalchemy import select

from qualcope.db.models import Code, ModelArtifact
from qualcope.services import codebook, documents
from qualcope.services import suggestions as service
from qualcope.services.codings import add_coding
from qualcope.services.project import Project
from tests.nlp.synthetic import labelled
from tests.tui.transcripts import store_transcript


def _coded_but_not_finished(project: Project, documents_count: int = 3) -> tuple[int, int]:
    """Documents of labelled sentences, every topic sentence coded, none marked finished."""
    spec = codebook.CodebookSpec(
        "Tiny", codes=(codebook.CodeSpec("Escalating"), codebook.CodeSpec("Balancing"))
    )
    codebook.import_codebook(project, spec)
    with project.read() as session:
        ids = {
            1: int(session.scalar(select(Code.id).where(Code.name == "Escalating"))),
            2: int(session.scalar(select(Code.id).where(Code.name == "Balancing"))),
        }
    for number in range(documents_count):
        rows = labelled(n_pos=4, n_neg=16, seed=20 + number)
        doc = store_transcript(
            project,
            [("Respondent", False, t) for t, _ in rows],
            name=f"imported{number}.txt",
            participant=f"P{number:02}",
        )
        sentences = [s for s in documents.list_segments(project, doc) if s.kind == "sentence"]
        for segment, (_, known) in zip(sentences, rows, strict=True):
            for code, value in known.items():
                if value:
                    add_coding(project, doc, segment.start, segment.end, ids[code])
    return ids[1], ids[2]


def _add_uncoded_document(project: Project) -> None:
    """A new interview nobody has coded: where suggestions are expected."""
    store_transcript(
        project,
        [("Respondent", False, t) for t, _ in labelled(n_pos=3, n_neg=3, seed=9)],
        name="new.txt",
        participant="P99",
    )


def test_codings_without_finished_marks_train_the_classifier(project: Project) -> None:
    first, second = _coded_but_not_finished(project)
    _add_uncoded_document(project)
    run = service.suggest(project)
    (info,) = run.models
    assert set(info.labels) == {first, second}
    assert info.negatives[first] >= 20  # uncoded sentences of the coded-through documents
    assert any("3 coded from start to end" in note for note in run.notes)
    assert any("by classifier" in note for note in run.notes)
    assert service.list_suggestions(project)


def test_finished_marks_only_is_a_choice_and_then_nothing_is_learnt(project: Project) -> None:
    _coded_but_not_finished(project)
    run = service.suggest(project, negatives="finished")
    assert not run.models
    assert any("0 marked finished" in note for note in run.notes)
    assert any("2 not suggested" in note for note in run.notes)


def test_a_lone_short_sentence_is_never_suggested(icvc_project: Project) -> None:
    said = (
        "Stop going. And. Yes, we stopped going. "
        "After the third meeting I just stopped going to the meetings."
    )
    store_transcript(icvc_project, [("Respondent", False, said)], name="short.txt")
    service.suggest(icvc_project)
    texts = [v.text for v in service.list_suggestions(icvc_project)]
    assert texts == ["After the third meeting I just stopped going to the meetings."]


def test_a_model_stored_by_an_earlier_qualcope_is_retrained_with_a_message(
    project: Project,
) -> None:
    _coded_but_not_finished(project)
    service.retrain(project)
    with project.write("an older model", undoable=False) as session:
        model = session.scalars(select(ModelArtifact)).one()
        model.config = "[nlp]\nlang = 'en'\npipeline = ['textcat_multilabel']\n"
        model.meta = {key: value for key, value in model.meta.items() if key != "sha256"}
    run = service.suggest(project)
    assert any("earlier qualcope" in w for w in run.warnings)
    assert run.models and run.models[0].model_id is not None


def test_the_review_queue_says_how_well_each_code_is_suggested(project: Project) -> None:
    from qualcope.tui.widgets.suggestion_detail import detail_text

    first, _second = _coded_but_not_finished(project)
    _add_uncoded_document(project)
    run = service.suggest(project)
    coded, suggested, right = run.models[0].held_out[first]
    assert coded == 12 and right <= suggested  # 4 coded sentences in each of 3 documents
    view = next(v for v in service.list_suggestions(project) if v.code_id == first)
    assert view.code_figure.startswith(
        f"classifier on unseen documents: {right} of {suggested} suggestions right, "
        f"{right} of {coded} codings found"
    )
    assert "classifier on unseen documents" in detail_text(view).plain

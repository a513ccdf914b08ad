"""Suggestions as a user meets them: compute, review, learn, evaluate, and the bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select, text

from qualcope.cli import cli
from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Code, Coding, ModelArtifact
from qualcope.db.models import Suggestion as Row
from qualcope.errors import ConflictError, NotFoundError, QualcopeError, SuggestionError
from qualcope.services import codebook, documents, history
from qualcope.services import suggestions as service
from qualcope.services.project import Project
from tests.nlp.synthetic import labelled
from tests.tui.transcripts import store_transcript

INTERVIEW = [
    ("Interviewer", True, "What did you do when nothing changed?"),
    (
        "Respondent",
        False,
        "After the third meeting I just stopped going to the meetings. "
        "Later we went to the mayor about the plan. "
        "In the end we found a compromise with the city. "
        "The coffee was always cold.",
    ),
    ("Interviewer", True, "Did you stop going to the meetings too?"),  # questions are not coded
]


def code_id(project: Project, name: str) -> int:
    with project.read() as session:
        return int(session.scalar(select(Code.id).where(Code.name == name)))


def open_views(project: Project, **kwargs: object) -> list:
    return service.list_suggestions(project, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def interview(icvc_project: Project) -> tuple[Project, int]:
    return icvc_project, store_transcript(icvc_project, INTERVIEW, name="interview.txt")


def test_suggestions_have_exact_spans_scores_and_reasons(interview: tuple[Project, int]) -> None:
    project, doc = interview
    run = service.suggest(project)
    assert run.created == 3 and run.documents == 1 and not run.models  # nothing to learn yet
    text = documents.get_document(project, doc).text
    views = {v.code_path.rsplit("/", 1)[-1]: v for v in open_views(project)}
    assert set(views) == {"Avoidance", "Escalation", "Balancing"}
    for view in views.values():
        assert text[view.start : view.end] == view.text
        assert view.status == "pending" and 0 < view.score <= 1
    assert (
        views["Avoidance"].text == "After the third meeting I just stopped going to the meetings."
    )
    assert views["Avoidance"].reason == 'cue "stop going" (as "stopped going")'
    assert views["Escalation"].reason == 'cue "go to the mayor" (as "went to the mayor")'


def test_one_code_or_one_document_only(interview: tuple[Project, int]) -> None:
    project, doc = interview
    other = store_transcript(project, INTERVIEW[:2], name="second.txt", participant="P02")
    service.suggest(project, code="Coping strategies/Avoidance", document_id=other)
    views = open_views(project)
    assert [(v.document_id, v.code_path) for v in views] == [(other, "Coping strategies/Avoidance")]
    service.suggest(project, code="Coping strategies")  # a group: every code inside it
    assert len(open_views(project, document_id=doc)) == 3


def test_accept_codes_the_span_and_undo_takes_both_back(interview: tuple[Project, int]) -> None:
    project, doc = interview
    service.suggest(project)
    view = next(v for v in open_views(project) if v.code_path.endswith("Avoidance"))
    coding = service.accept(project, view.id)
    assert (coding.start, coding.end, coding.code_id) == (view.start, view.end, view.code_id)
    assert coding.origin == "suggestion" and coding.coder == "tester"
    assert service.get_suggestion(project, view.id).status == "accepted"
    assert view.id not in {v.id for v in open_views(project)}

    history.undo(project)
    assert service.get_suggestion(project, view.id).status == "pending"
    with project.read() as session:
        assert session.scalar(select(Coding).where(Coding.suggestion_id == view.id)) is None
    history.redo(project)
    assert service.get_suggestion(project, view.id).status == "accepted"


def test_coded_or_decided_spans_are_not_suggested_again(interview: tuple[Project, int]) -> None:
    project, doc = interview
    service.suggest(project)
    views = {v.code_path.rsplit("/", 1)[-1]: v for v in open_views(project)}
    service.accept(project, views["Avoidance"].id)
    service.reject(project, views["Escalation"].id)
    service.skip(project, views["Balancing"].id)
    run = service.suggest(project)
    assert run.created == 0
    shown = open_views(project)
    assert [v.id for v in shown] == [views["Balancing"].id]  # skipped stays open
    # Another coder has coded nothing: the same spans are suggested to them.
    other = Project(project.engine, project.url, "ana")
    assert service.suggest(other).created == 3


def test_a_span_coded_by_hand_is_not_suggested_for_that_code(
    interview: tuple[Project, int],
) -> None:
    from qualcope.services.codings import add_coding

    project, doc = interview
    text = documents.get_document(project, doc).text
    start = text.index("I just stopped")
    add_coding(project, doc, start, start + 28, code_id(project, "Avoidance"))
    service.suggest(project)
    assert not any(v.code_path.endswith("Avoidance") for v in open_views(project))


def test_accept_under_another_code(interview: tuple[Project, int]) -> None:
    project, _ = interview
    service.suggest(project)
    view = next(v for v in open_views(project) if v.code_path.endswith("Balancing"))
    coding = service.accept(project, view.id, code_id(project, "Trade-off"))
    assert coding.code_path == "Coping strategies/Trade-off"
    with project.read() as session:
        row = session.get(Row, view.id)
        assert row.status == "accepted" and row.decided_code_id == code_id(project, "Trade-off")


def test_queue_orders_by_score_or_by_uncertainty(icvc_project: Project) -> None:
    store_transcript(icvc_project, INTERVIEW, name="a.txt")
    service.suggest(icvc_project)
    with icvc_project.write("set scores", undoable=False) as session:
        for row, score in zip(
            session.scalars(select(Row).order_by(Row.id)), (0.9, 0.55, 0.2), strict=True
        ):
            row.score = score
    by_score = [v.score for v in open_views(icvc_project, order="score")]
    by_doubt = [v.score for v in open_views(icvc_project, order="uncertainty")]
    assert by_score == [0.9, 0.55, 0.2]
    assert by_doubt == [0.55, 0.2, 0.9]


def test_rejections_teach_the_cues(icvc_project: Project) -> None:
    turns = [("Interviewer", True, "Why?")] + [
        ("Respondent", False, f"The budget was decided higher up in week {i}.") for i in range(12)
    ]
    store_transcript(icvc_project, turns, name="budget.txt")
    service.suggest(icvc_project)
    assert len(open_views(icvc_project)) == 12
    for view in open_views(icvc_project)[:4]:
        service.reject(icvc_project, view.id)
    service.suggest(icvc_project)
    assert len(open_views(icvc_project)) == 8  # a few rejections: the cue is still trusted
    for view in open_views(icvc_project)[:6]:
        service.reject(icvc_project, view.id)
    service.suggest(icvc_project)
    assert open_views(icvc_project) == []  # "higher up" is rejected too often to suggest


def _labelled_project(project: Project) -> tuple[int, int]:
    """A codebook of two cue-less codes and a finished document coded with them."""
    spec = codebook.CodebookSpec(
        "Tiny",
        codes=(
            codebook.CodeSpec("Escalating", example="We wrote to the alderman."),
            codebook.CodeSpec("Balancing"),
        ),
    )
    codebook.import_codebook(project, spec)
    rows = labelled(n_pos=10, n_neg=40, seed=3)
    doc = store_transcript(project, [("Respondent", False, t) for t, _ in rows], name="x.txt")
    ids = {1: code_id(project, "Escalating"), 2: code_id(project, "Balancing")}
    from qualcope.services.codings import add_coding

    sentences = [s for s in documents.list_segments(project, doc) if s.kind == "sentence"]
    for segment, (_, known) in zip(sentences, rows, strict=True):
        for code, value in known.items():
            if value:
                add_coding(project, doc, segment.start, segment.end, ids[code])
    documents.set_finished(project, doc)
    return ids[1], ids[2]


def test_the_classifier_is_trained_stored_and_used(project: Project) -> None:
    first, second = _labelled_project(project)
    unseen = [("Respondent", False, t) for t, _ in labelled(n_pos=3, n_neg=3, seed=9)]
    store_transcript(project, unseen, name="new.txt", participant="P02")
    run = service.suggest(project)
    (info,) = run.models
    assert set(info.labels) == {first, second}
    assert info.positives == {first: 10, second: 10} and info.negatives[first] == 50
    with project.read() as session:
        (stored,) = session.scalars(select(ModelArtifact)).all()
        assert stored.lang == "en" and stored.meta["sha256"]
    views = open_views(project)
    assert views and all("classifier" in v.reason for v in views)
    assert {v.code_id for v in views} == {first, second}


def test_a_damaged_stored_model_is_discarded_with_a_warning(project: Project) -> None:
    _labelled_project(project)
    service.retrain(project)
    with project.write("damage", undoable=False) as session:
        model = session.scalars(select(ModelArtifact)).one()
        model.data = model.data[:100] + b"\x00" * 50 + model.data[150:]
        damaged_id = model.id
    run = service.suggest(project)
    assert any("discarded" in w and "checksum" in w for w in run.warnings)
    with project.read() as session:
        (fresh,) = session.scalars(select(ModelArtifact)).all()
    assert fresh.id != damaged_id and run.models[0].model_id == fresh.id


def test_evaluation_reports_each_method(project: Project) -> None:
    first, second = _labelled_project(project)
    result = service.evaluate(project, folds=3)
    assert result is not None and not result.message
    assert result.split == "unit"  # one document, three folds: folds split sentences
    assert {c.code_id for c in result.codes} == {first, second}
    for code in result.codes:
        assert code.positives == 10
        assert set(code.by_method) == {"cue", "classifier", "combined"}
        assert code.by_method["cue"].predicted == 0  # these codes have no cues
        assert code.by_method["classifier"].f1 > 0.3
    assert result.macro["combined"].f1 >= result.macro["cue"].f1


def test_evaluation_says_when_coders_are_pooled_and_can_take_one(project: Project) -> None:
    first, _ = _labelled_project(project)
    before = service.evaluate(project, folds=3)
    assert before is not None and not any("pooled" in n for n in before.notes)
    # A second coder codes one more sentence of the same document as Escalating.
    [document] = documents.list_documents(project)
    sentences = [s for s in documents.list_segments(project, document.id) if s.kind == "sentence"]
    with Project.open(project.url.render_as_string(hide_password=False), "second") as second:
        from qualcope.services.codings import add_coding

        add_coding(second, document.id, sentences[-1].start, sentences[-1].end, first)
    pooled = service.evaluate(project, folds=3)
    assert pooled is not None
    assert any("pooled as labels" in n and "--only-coder" in n for n in pooled.notes)
    assert next(c for c in pooled.codes if c.code_id == first).positives == 11
    alone = service.evaluate(project, folds=3, only_coder="tester")
    assert alone is not None and not any("pooled" in n for n in alone.notes)
    assert next(c for c in alone.codes if c.code_id == first).positives == 10
    with pytest.raises(service.SuggestionError, match="no coder 'nobody'"):
        service.evaluate(project, only_coder="nobody")


def test_nothing_to_learn_is_a_message_not_an_error(project: Project) -> None:
    codebook.import_codebook(
        project, codebook.CodebookSpec("Bare", codes=(codebook.CodeSpec("A"),))
    )
    store_transcript(project, INTERVIEW, name="a.txt")
    run = service.suggest(project)
    assert run.created == 0 and "nothing to learn from yet" in run.message
    evaluation = service.evaluate(project)
    assert evaluation is not None and "nothing to learn from yet" in evaluation.message


def test_bad_requests_are_refused_and_change_nothing(interview: tuple[Project, int]) -> None:
    project, doc = interview
    service.suggest(project)
    view = open_views(project)[0]
    with pytest.raises(NotFoundError):
        service.suggest(project, code="No such code")
    with pytest.raises(NotFoundError):
        service.suggest(project, document_id=999)
    with pytest.raises(SuggestionError, match="at least 2"):
        service.evaluate(project, folds=1)
    with pytest.raises(SuggestionError, match="unknown order"):
        service.list_suggestions(project, order="random")
    with pytest.raises(QualcopeError, match="group"):
        service.accept(project, view.id, code_id(project, "Coping strategies"))
    with pytest.raises(SuggestionError, match="another coder"):
        service.reject(Project(project.engine, project.url, "ana"), view.id)
    service.reject(project, view.id)
    with pytest.raises(ConflictError, match="already rejected"):
        service.accept(project, view.id)
    with pytest.raises(NotFoundError):
        service.skip(project, 12345)
    with project.read() as session:
        assert session.scalar(select(Coding)) is None
        assert {r.status for r in session.scalars(select(Row))} == {"pending", "rejected"}


def test_cli_suggest_list_and_one_line_errors(interview: tuple[Project, int]) -> None:
    project, _ = interview
    db = ["--db", project.url.render_as_string(hide_password=False)]
    runner = CliRunner()
    result = runner.invoke(cli, [*db, "suggest"])
    assert result.exit_code == 0, result.output
    assert "3 new suggestions" in result.stderr
    listed = runner.invoke(cli, [*db, "suggestions", "--format", "csv"])
    assert listed.exit_code == 0 and listed.stdout.count("\n") == 4  # header + 3
    assert "stopped going to the meetings" in listed.stdout
    bad = runner.invoke(cli, [*db, "suggest", "--code", "Nope"])
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1 and "no code" in bad.stderr
    folds = runner.invoke(cli, [*db, "suggest", "evaluate", "--folds", "1"])
    assert folds.exit_code == 1 and "at least 2" in folds.stderr


def test_a_project_at_revision_0001_opens_with_suggestion_tables(tmp_path: Path) -> None:
    url = engines.to_url(tmp_path / "old.db")
    old = lifecycle.create_project(url, revision="0001")
    with old.begin() as conn:
        conn.execute(
            text("INSERT INTO coders (guid, name, created_at) VALUES ('c', 'ana', '2024-01-01')")
        )
        conn.execute(
            text(
                "INSERT INTO codes (guid, name, name_key, kind, definition, inclusion,"
                " exclusion, example, cues, sort_order, version) VALUES ('k', 'Avoidance',"
                " 'avoidance', 'code', '', '', '', '', '{\"en\": [\"stop going\"]}', 0, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO documents (guid, name, original_filename, source_format, content_hash,"
                " text, language, encoding, word_count, attributes, import_report, imported_at)"
                " VALUES ('d', 'a.txt', 'a.txt', 'txt', 'h', 'I stopped going.', 'en', 'utf-8', 3,"
                " '{}', '{}', '2024-01-01')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO codings (guid, document_id, start, "end", snippet, code_id, coder_id,'
                " created_at, memo, origin, version) VALUES ('g', 1, 2, 15, 'stopped going', 1, 1,"
                " '2024-01-01', '', 'manual', 1)"
            )
        )
    old.dispose()
    with Project.open(tmp_path / "old.db", "ana") as project:
        tables = set(inspect(project.engine).get_table_names())
        assert {"suggestions", "model_artifacts"} <= tables
        with project.read() as session:
            (coding,) = session.scalars(select(Coding)).all()
            assert (coding.snippet, coding.start, coding.end) == ("stopped going", 2, 15)
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
        assert service.suggest(project).documents == 1  # the upgraded project works
    assert list(tmp_path.glob("old.db.0001-*.bak"))  # the old file was backed up first


def test_a_project_without_documents_says_so(icvc_project: Project) -> None:
    run = service.suggest(icvc_project)
    assert run.created == 0 and "no documents yet" in run.message


def test_segments_too_short_to_suggest_are_counted_not_dropped_silently(
    icvc_project: Project,
) -> None:
    turns = [
        ("Interviewer", True, "And then?"),
        ("Respondent", False, "Stopped going. After the third meeting I just stopped going."),
    ]
    doc = store_transcript(icvc_project, turns, name="short.txt")
    run = service.suggest(icvc_project)
    text = documents.get_document(icvc_project, doc).text
    shown = {text[v.start : v.end] for v in open_views(icvc_project)}
    assert "After the third meeting I just stopped going." in shown
    assert "Stopped going." not in shown  # two content words: never a suggestion
    assert run.held_back == 1
    if icvc_project.path is not None:  # the command line says so too
        result = CliRunner().invoke(cli, ["--db", str(icvc_project.path), "suggest"])
        assert "1 segments scored for a code but were not suggested" in result.output

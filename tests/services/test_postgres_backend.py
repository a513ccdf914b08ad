"""The service layer on PostgreSQL: a representative set of operations on a server database.

Each test gets a new database on the server of $QUALCOPE_TEST_PG_URL (``pg_url`` in
tests/conftest.py) and is skipped, saying why, without one. The whole service suite also runs
on PostgreSQL with ``pytest --backend postgresql tests/services``.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Code, Document
from qualcope.errors import ConflictError, ProjectError
from qualcope.report.model import CrosstabRequest, Filters
from qualcope.services import codebook, codings, documents, history, reports
from qualcope.services.agreement import POOLED, agreement
from qualcope.services.project import Project
from tests.report.builder import STRATEGIES, build_project
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

ESCALATION = "Coping strategies/Escalation"
TRADE_OFF = "Coping strategies/Trade-off"


def _code_id(project: Project, path: str) -> int:
    return next(n.id for n in codebook.tree(project) if n.path == path)


def _span(document_text: str, phrase: str) -> tuple[int, int]:
    start = document_text.index(phrase)
    return start, start + len(phrase)


def test_a_project_is_created_on_the_server_at_the_newest_schema(pg_project: Project) -> None:
    assert pg_project.engine.dialect.name == "postgresql"
    assert pg_project.path is None
    assert lifecycle.current_revision(pg_project.engine) == lifecycle.head_revision()
    with Project.open(pg_project.url.render_as_string(hide_password=False)) as reopened:
        assert reopened.engine.dialect.name == "postgresql"


def test_postgresql_urls_use_psycopg() -> None:
    assert engines.to_url("postgresql://a:b@host/db").drivername == "postgresql+psycopg"
    assert engines.to_url("postgresql+psycopg://a@host/db").drivername == "postgresql+psycopg"


def test_migrations_run_from_an_empty_database_to_head(pg_url: str) -> None:
    url = engines.to_url(pg_url)
    first = min(lifecycle.known_revisions())
    engine = lifecycle.create_project(url, revision=first)
    try:
        assert lifecycle.current_revision(engine) == first
    finally:
        engine.dispose()
    for revision in sorted(lifecycle.known_revisions())[1:]:
        engine = engines.make_engine(url)
        try:
            lifecycle.upgrade(engine, revision)
            assert lifecycle.current_revision(engine) == revision
        finally:
            engine.dispose()


def test_a_server_database_behind_is_refused_until_db_upgrade(pg_url: str) -> None:
    from qualcope.cli import cli

    url = engines.to_url(pg_url)
    lifecycle.create_project(url, revision="0006").dispose()
    with pytest.raises(ProjectError) as refused:
        Project.open(pg_url)
    head = lifecycle.head_revision()
    assert (
        f"this project database is at revision 0006, qualcope needs {head}: "
        "run `qualcope db upgrade`" in str(refused.value)
    )
    assert "qualcope:qualcope@" not in str(refused.value)  # no password in the message

    runner = CliRunner()
    behind = runner.invoke(cli, ["--db", pg_url, "documents"])
    assert behind.exit_code != 0
    assert "run `qualcope db upgrade`" in behind.stderr
    upgraded = runner.invoke(cli, ["--db", pg_url, "db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from revision 0006 to {head}" in upgraded.stderr
    again = runner.invoke(cli, ["--db", pg_url, "db", "upgrade"])
    assert again.exit_code == 0 and "nothing to do" in again.stderr
    with Project.open(pg_url) as opened:
        assert lifecycle.current_revision(opened.engine) == head


def test_coding_memo_link_undo_redo(pg_icvc_project: Project) -> None:
    project = pg_icvc_project
    document_id = store_transcript(project, SMALL_INTERVIEW)
    with project.read() as session:
        document_text = session.get_one(Document, document_id).text
    escalation, trade_off = _code_id(project, ESCALATION), _code_id(project, TRADE_OFF)
    first = codings.add_coding(
        project, document_id, *_span(document_text, "wrote to the alderman"), escalation
    )
    second = codings.add_coding(
        project, document_id, *_span(document_text, "We split it up"), trade_off
    )
    with pytest.raises(ConflictError):
        codings.add_coding(
            project, document_id, *_span(document_text, "wrote to the alderman"), escalation
        )
    assert codings.count_codings(project) == 2

    recoded = codings.recode(project, first.id, trade_off)
    assert recoded.code_id == trade_off
    codings.set_memo(project, second.id, "  a compromise  ")
    linked = codings.link(project, first.id, second.id, favoured_code_id=escalation)
    assert linked.id
    views = {v.id: v for v in codings.codings_for_document(project, document_id)}
    assert views[second.id].memo == "a compromise"

    codings.remove_coding(project, first.id)
    assert codings.count_codings(project) == 1
    assert history.undo(project).label == "remove coding"
    assert codings.count_codings(project) == 2
    assert history.redo(project).label == "remove coding"
    assert codings.count_codings(project) == 1
    history.undo(project)
    ids = {v.id for v in codings.codings_for_document(project, document_id)}
    assert ids == {first.id, second.id}
    # A new coding after undo still gets a fresh id (the sequences were not disturbed).
    third = codings.add_coding(
        project, document_id, *_span(document_text, "The city pays us"), escalation
    )
    assert third.id not in ids


def test_sentences_are_stored_and_read_back(pg_icvc_project: Project) -> None:
    document_id = store_transcript(pg_icvc_project, SMALL_INTERVIEW)
    with pg_icvc_project.read() as session:
        bounds = session.scalar(select(Document.sentence_bounds).where(Document.id == document_id))
    assert isinstance(bounds, bytes) and bounds


def test_a_crosstab_report(pg_project: Project) -> None:
    build_project(pg_project)
    tables = reports.crosstab(
        pg_project, CrosstabRequest(rows="code", cols="role", filters=Filters(codes=(STRATEGIES,)))
    )
    assert tables and tables[0].rows


def test_agreement_of_two_coders(pg_url: str, pg_icvc_project: Project) -> None:
    document_id = store_transcript(pg_icvc_project, SMALL_INTERVIEW)
    with pg_icvc_project.read() as session:
        document_text = session.get_one(Document, document_id).text
    phrases = {
        "A": [(ESCALATION, "wrote to the alderman"), (TRADE_OFF, "We split it up")],
        "B": [(ESCALATION, "wrote to the alderman")],
    }
    for coder, items in phrases.items():
        with Project.open(pg_url, coder) as as_coder:
            for path, phrase in items:
                codings.add_coding(
                    as_coder, document_id, *_span(document_text, phrase), _code_id(as_coder, path)
                )
            documents.set_finished(as_coder, document_id)
    result = agreement(pg_icvc_project, coders=("A", "B"), draws=50)
    assert any(row.label == POOLED for row in result.rows)


def test_the_database_refuses_a_cycle_in_the_code_tree(pg_icvc_project: Project) -> None:
    project = pg_icvc_project
    with project.read() as session:
        parent, child = session.execute(
            select(Code.parent_id, Code.id).where(Code.parent_id.is_not(None)).limit(1)
        ).one()
    assert parent is not None
    for moved in (child, parent):  # the child under itself; its parent under the child
        with pytest.raises(ConflictError, match="cannot be placed under itself"):
            with project.write("sneak a cycle in") as session:
                session.execute(update(Code).where(Code.id == moved).values(parent_id=child))
    with project.read() as session:
        assert session.scalar(select(Code.parent_id).where(Code.id == child)) == parent
        names = session.execute(
            text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'codes_no_cycle%'")
        ).scalars()
        assert set(names) == {"codes_no_cycle_insert", "codes_no_cycle_update"}

"""Shared fixtures: every test gets its own project in tmp_path and never touches $HOME."""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings

from qualcope.services.project import Project

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ICVC = REPO / "codebooks" / "icvc.yaml"
SAMPLE_CORPUS = REPO / "sample_corpus"
PG_URL_ENV = "QUALCOPE_TEST_PG_URL"
PG_SKIP = "PostgreSQL tests NOT RUN"


# Hypothesis explains a failure by tracing every line the failing example runs again; on
# Python 3.11 that makes a project's migrations take minutes, so a failing property test
# ended in pytest-timeout's message instead of its own. The falsifying example is still
# shown, shrunk.
settings.register_profile("qualcope", phases=[p for p in Phase if p is not Phase.explain])
settings.load_profile("qualcope")


def shared_file(relative: str) -> Path:
    """A reference file of ../shared/external; missing, the test is skipped loudly."""
    path = SHARED / "external" / relative
    if not path.exists():
        warnings.warn(f"REFERENCE FILE MISSING, test not run: {path}", stacklevel=2)
        pytest.skip(f"REFERENCE FILE MISSING, test not run: {path}")
    return path


def fastest(runs: int, *steps: Callable[[], object]) -> list[float]:
    """The best time of each step over ``runs`` rounds, the steps interleaved: load that comes
    and goes on a shared machine weighs on all of them alike, so their ratio holds (a speed
    test compares with a baseline measured in the same run, never with seconds)."""
    best = [float("inf")] * len(steps)
    for _ in range(runs):
        for index, step in enumerate(steps):
            started = time.perf_counter()
            step()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="the database of the `project` fixture: a SQLite file (default) or a new "
        f"database on the PostgreSQL server of ${PG_URL_ENV}",
    )


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("QUALCOPE_CODER", "tester")
    monkeypatch.delenv("QUALCOPE_DB", raising=False)


@pytest.fixture
def project_path(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """Where the `project` fixture lives: a file in tmp_path, or with --backend postgresql the
    URL of a new database (a str: tests that reopen the project by it work on both)."""
    if request.config.getoption("--backend") == "postgresql":
        # A SQLite-only test that reopens `project.path` (None here) would open or build
        # ./qualcope.db: let that be in tmp_path, never in the checkout.
        request.getfixturevalue("monkeypatch").chdir(tmp_path)
        return request.getfixturevalue("pg_url")
    return tmp_path / "project.db"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """An empty project (no codebook, no documents)."""
    with Project.create(project_path, "tester") as created:
        yield created


@pytest.fixture
def icvc_project(project: Project) -> Project:
    """A project with the ICVC codebook."""
    from qualcope.services import codebook

    codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
    return project


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[[bytes | str, str], Path]:
    def make(content: bytes | str, name: str) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return make


# ------------------------------------------------------------------ PostgreSQL
# Each test gets a database of its own on the server named by $QUALCOPE_TEST_PG_URL (created
# with CREATE DATABASE over a maintenance connection to that URL's database, dropped after the
# test), so parallel xdist workers never meet. Without the variable or the server, every test
# that needs it is skipped with the reason, which `-rs` prints in the summary.


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One banner line when PostgreSQL tests were skipped, with the reason (also with xdist)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if PG_SKIP in str(reason):
            reason = str(reason).removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_sep("!", f"{count} tests skipped: {reason}", yellow=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A maintenance engine on the test PostgreSQL server (AUTOCOMMIT, for CREATE DATABASE)."""
    raw = os.environ.get(PG_URL_ENV, "").strip()
    if not raw:
        pytest.skip(f"{PG_SKIP}: ${PG_URL_ENV} is unset (.ci/run starts a server and sets it)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    from qualcope.db import engine as engines

    url = engines.to_url(raw)
    try:
        engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        pytest.skip(
            f"{PG_SKIP}: cannot reach {url.render_as_string(hide_password=True)} ({reason})"
        )
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(pg_server: object) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    from sqlalchemy import Engine

    assert isinstance(pg_server, Engine)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"qualcope_t_{worker}_{uuid.uuid4().hex[:12]}"
    with pg_server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = pg_server.url.set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        _drop_database(pg_server, name)


def _drop_database(server: Any, name: str) -> None:
    """Drop a test database. A plain DROP first: it stops an autovacuum worker there by itself
    (FORCE would refuse to, lacking the right to signal it); FORCE for a connection a test
    left open."""
    from sqlalchemy.exc import SQLAlchemyError

    for attempt in range(3):  # a connection closing or an autovacuum ending takes a moment
        if attempt:
            time.sleep(0.5 * attempt)
        for statement in (
            f'DROP DATABASE IF EXISTS "{name}"',
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        ):
            try:
                with server.connect() as conn:
                    conn.exec_driver_sql(statement)
                return
            except SQLAlchemyError as exc:
                failure = exc
    warnings.warn(f"test database {name} left on the server: {failure}", stacklevel=1)


@pytest.fixture
def pg_project(pg_url: str) -> Iterator[Project]:
    """An empty project in a new PostgreSQL database."""
    with Project.create(pg_url, "tester") as created:
        yield created


@pytest.fixture
def pg_icvc_project(pg_project: Project) -> Project:
    """A PostgreSQL project with the ICVC codebook."""
    from qualcope.services import codebook

    codebook.import_codebook(pg_project, codebook.read_codebook_file(ICVC))
    return pg_project

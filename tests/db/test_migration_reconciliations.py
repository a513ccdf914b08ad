"""Migration 0006: a project from before reconciliation opens with an empty decisions table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Reconciliation
from qualcope.services.project import Project


def test_an_older_project_gains_the_reconciliation_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    lifecycle.create_project(engines.to_url(path), revision="0005").dispose()
    with Project.open(path, "ana") as project:
        assert lifecycle.current_revision(project.engine) == lifecycle.head_revision()
        assert "reconciliations" in inspect(project.engine).get_table_names()
        with project.read() as session:
            assert session.scalar(select(func.count()).select_from(Reconciliation)) == 0
    assert list(tmp_path.glob("old.db.0005-*.bak"))

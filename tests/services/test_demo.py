"""The demo project: ICVC codebook, the sample corpus and its reference coding, with progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.domain import ProgressUpdate
from qualcope.errors import ProjectError
from qualcope.services import codings, demo
from qualcope.services.documents import list_documents
from qualcope.services.project import Project
from tests.conftest import SAMPLE_CORPUS


@pytest.mark.slow
def test_demo_no_tui_builds_the_demo_project(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "demo", "--no-tui"])
    assert result.exit_code == 0, result.output
    assert f"built demo project {target}" in result.stderr
    with Project.open(target, "tester") as project:
        assert demo.is_demo(project)
        refs = list_documents(project, coder="Reference coder")
        manifest_rows = (SAMPLE_CORPUS / "manifest.csv").read_text(encoding="utf-8").splitlines()
        assert len(refs) == len(manifest_rows) - 1 >= 9
        assert codings.count_codings(project) >= 150
        assert all(ref.coded_turns > 0 for ref in refs)  # every transcript has reference codings
    again = CliRunner().invoke(cli, ["--db", str(target), "demo", "--no-tui"])
    assert again.exit_code == 0 and "opened demo project" in again.stderr


@pytest.mark.slow
def test_building_the_demo_reports_progress(tmp_path: Path) -> None:
    seen: list[ProgressUpdate] = []
    project = demo.build_demo(tmp_path / "demo.db", "tester", seen.append)
    project.close()
    messages = [update.message for update in seen]
    assert messages[0] == "codebook"
    assert any(m.endswith(".docx: imported") for m in messages)
    assert max(update.words for update in seen) > 12_000
    codings_done = [u for u in seen if u.message == "reference codings"]
    assert codings_done[-1].done >= 150
    assert "reference coding marked finished" in messages
    assert messages[-1] == "second coder's coding marked finished"


def test_demo_refuses_to_overwrite_another_project(project: Project) -> None:
    location = project.path or project.url.render_as_string(hide_password=False)
    project.close()
    with pytest.raises(ProjectError, match="not the demo is here; refusing to overwrite"):
        demo.open_or_build_demo(location, "tester")


def test_demo_reference_coding_is_marked_finished(tmp_path: Path) -> None:
    """The reference coder's documents are finished, so suggestions can learn negatives."""
    with demo.build_demo(tmp_path / "demo.db", "ana") as built:
        refs = list_documents(built, coder=demo.REFERENCE_CODER)
        assert refs and all(ref.finished for ref in refs)
        assert not any(ref.finished for ref in list_documents(built))  # ana's own marks


def test_demo_is_double_coded_for_agreement(tmp_path: Path) -> None:
    """Three documents carry a second coder's finished coding, with real disagreements."""
    from qualcope.services.agreement import POOLED, agreement

    with demo.build_demo(tmp_path / "demo.db", "ana") as built:
        second = list_documents(built, coder=demo.SECOND_CODER)
        assert sum(ref.finished for ref in second) == 3
        result = agreement(built)
    assert result.coders == (demo.REFERENCE_CODER, demo.SECOND_CODER)
    assert len(result.documents) == 3
    pooled = next(row for row in result.rows if row.label == POOLED)
    values = {v.metric: v.value for v in pooled.values}
    assert values["percent"] is not None and 0.9 < values["percent"] < 1.0
    assert values["krippendorff"] is not None and 0.5 < values["krippendorff"] < 0.95


@pytest.mark.postgresql
def test_the_demo_on_a_server_is_built_once_then_opened(pg_url: str) -> None:
    first, built = demo.open_or_build_demo(pg_url, "tester")
    first.close()
    again, built_again = demo.open_or_build_demo(pg_url, "tester")
    again.close()
    assert built and not built_again

"""`qualcope blind` and `--blind`: the setting, and how a session opened from the CLI
becomes blind (the flag, $QUALCOPE_BLIND, or the project's setting)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcope.cli import cli
from qualcope.services import blind
from qualcope.services.project import Project


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(coder, blind) of every project the CLI opens the workspace on (no terminal UI)."""
    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        "qualcope.tui.launch.launch", lambda project: seen.append((project.coder, project.blind))
    )
    return seen


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_blind_on_off_and_status(project_path: Path) -> None:
    Project.create(project_path).close()
    db = ["--db", str(project_path)]
    assert invoke(*db, "blind") == "blind coding: off\n"
    assert invoke(*db, "blind", "on").endswith("blind coding: on\n")
    assert "already on" in invoke(*db, "blind", "on")
    with Project.open(project_path) as project:
        assert blind.is_blind_project(project)
    assert invoke(*db, "blind", "off").endswith("blind coding: off\n")
    assert invoke(*db, "blind", "status") == "blind coding: off\n"


@pytest.mark.parametrize(
    "args, env, expected",
    [
        ([], None, False),
        (["--blind"], None, True),
        (["--blind", "tui"], None, True),
        (["tui", "--blind"], None, True),
        ([], "1", True),
        ([], "0", False),
    ],
)
def test_the_flag_or_the_environment_opens_the_workspace_blind(
    project_path: Path,
    opened: list[tuple[str, bool]],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: str | None,
    expected: bool,
) -> None:
    Project.create(project_path).close()
    if env is not None:
        monkeypatch.setenv("QUALCOPE_BLIND", env)
    invoke("--db", str(project_path), "--coder", "B", *args)
    assert opened == [("B", expected)]


def test_the_project_setting_makes_every_session_blind_without_the_flag(
    project_path: Path, opened: list[tuple[str, bool]]
) -> None:
    with Project.create(project_path) as project:
        blind.set_blind(project, True)
    invoke("--db", str(project_path), "--coder", "A")
    invoke("--db", str(project_path), "--coder", "B", "tui")
    assert opened == [("A", True), ("B", True)]


def test_blind_suggest_says_it_learns_from_your_work_only(project_path: Path) -> None:
    Project.create(project_path).close()
    result = CliRunner().invoke(cli, ["--db", str(project_path), "--blind", "suggest"])
    assert result.exit_code == 0, result.output
    assert "blind: learning from your own codings and decisions only" in result.output

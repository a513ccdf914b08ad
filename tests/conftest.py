"""Shared fixtures: every test gets its own project in tmp_path and never touches $HOME."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qualcope.services.project import Project

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ICVC = REPO / "codebooks" / "icvc.yaml"
SAMPLE_CORPUS = REPO / "sample_corpus"


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
def project_path(tmp_path: Path) -> Path:
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

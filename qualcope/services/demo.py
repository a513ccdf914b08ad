"""Build the demo project: the ICVC codebook, the sample corpus and its reference coding."""

from __future__ import annotations

from pathlib import Path

from qualcope import paths
from qualcope.db.models import ProjectInfo
from qualcope.domain import ProgressCallback, no_progress
from qualcope.errors import ProjectError
from qualcope.services import codebook
from qualcope.services.project import Project

DEMO_MARK = "demo"


def is_demo(project: Project) -> bool:
    with project.read() as session:
        row = session.get(ProjectInfo, DEMO_MARK)
        return row is not None and row.value == "yes"


def open_or_build_demo(
    location: str | Path | None, coder: str | None, on_progress: ProgressCallback = no_progress
) -> tuple[Project, bool]:
    """Open the demo project at location, building it first when there is none.

    Refuses to touch a project that is not a demo. Returns (project, built).
    """
    from qualcope.config import project_location
    from qualcope.db import engine as engines

    target = engines.sqlite_path(
        engines.to_url(project_location(str(location) if location else None))
    )
    if target is None or not target.exists() or target.stat().st_size == 0:
        return build_demo(location, coder, on_progress), True
    project = Project.open(location, coder)
    if not is_demo(project):
        project.close()
        raise ProjectError(
            "a project that is not the demo is here; refusing to overwrite it "
            "(use --db to choose another file)",
            path=target,
        )
    return project, False


def build_demo(
    location: str | Path | None, coder: str | None, on_progress: ProgressCallback = no_progress
) -> Project:
    """Create a new demo project; on any failure no file is left behind."""
    project = Project.create(location, coder)
    try:
        spec = codebook.read_codebook_file(paths.default_codebook())
        codebook.import_codebook(project, spec, source="codebooks/icvc.yaml")
        for step in DEMO_STEPS:
            step(project, on_progress)
        with project.write("mark demo", undoable=False) as session:
            session.add(ProjectInfo(key=DEMO_MARK, value="yes"))
    except BaseException:
        project.close()
        if project.path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{project.path}{suffix}").unlink(missing_ok=True)
        raise
    return project


# Later steps (corpus import, reference codings) register themselves here.
DEMO_STEPS: list = []

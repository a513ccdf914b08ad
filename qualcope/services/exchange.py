"""Exchange with other QDA tools: import a whole project (REFI-QDA ``.qdpx``, a QualCoder
``.qda`` project, a Taguette ``.sqlite3`` export) and export one (``.qdpx``).

The file formats are read and written in ``interchange`` (pure, over ``ExchangeProject``);
``exchange_import`` and ``exchange_export`` move a project between those values and the
database. An import goes into an empty project, or into a new one (``--into NEW.db``),
which is removed again when the import fails, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from qualcope.errors import ImportFileError, QualcopeError
from qualcope.ingest.base import PROJECT_SUFFIXES
from qualcope.interchange.project_snapshot import ExchangeProject
from qualcope.services.exchange_export import ExportSummary, export_project
from qualcope.services.exchange_import import ExchangeImport, import_snapshot
from qualcope.services.project import Project

__all__ = [
    "ExchangeImport",
    "ExportSummary",
    "export_project",
    "import_project_file",
    "is_project_file",
    "read_project_file",
]


def is_project_file(path: Path) -> bool:
    """Whether a path is another tool's whole project (not a transcript)."""
    return path.suffix.lower() in PROJECT_SUFFIXES or (path / "data.qda").is_file()


def read_project_file(path: Path, *, lenient: bool = False) -> ExchangeProject:
    """The project in a ``.qdpx`` file, a QualCoder project folder or ``data.qda``, or a
    Taguette export."""
    path = Path(path)
    if path.suffix.lower() == ".qdpx":
        from qualcope.interchange.refi_read import read_qdpx

        return read_qdpx(path, lenient=lenient)
    if path.suffix.lower() == ".qda" or path.name == "data.qda" or (path / "data.qda").exists():
        from qualcope.interchange.qualcoder import read_qualcoder

        return read_qualcoder(path)
    if path.suffix.lower() in (".sqlite3", ".sqlite"):
        from qualcope.interchange.taguette import read_taguette

        return read_taguette(path)
    raise ImportFileError(
        "is not a project of another tool (qualcope imports .qdpx files, QualCoder .qda "
        "projects and Taguette .sqlite3 exports)",
        path=path,
    )


def import_project_file(
    project: Project, path: Path, *, lenient: bool = False
) -> tuple[ExchangeProject, ExchangeImport]:
    """Read another tool's project and store it in ``project`` (empty), in one transaction."""
    snapshot = read_project_file(path, lenient=lenient)
    return snapshot, import_snapshot(project, snapshot, source=Path(path), lenient=lenient)


def import_into_new(
    location: Path, path: Path, coder: str | None, *, lenient: bool = False
) -> tuple[ExchangeProject, ExchangeImport]:
    """Create a project at ``location`` and import into it; on failure it is removed."""
    location = Path(location)
    if location.exists():
        raise ImportFileError("exists already: --into makes a new project", path=location)
    snapshot = read_project_file(path, lenient=lenient)  # before anything is created
    project = Project.create(location, coder)
    try:
        report = import_snapshot(project, snapshot, source=Path(path), lenient=lenient)
    except QualcopeError:
        project.close()
        for leftover in (location, *location.parent.glob(location.name + "-*")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    project.close()
    return snapshot, report

"""Build the demo project: the ICVC codebook, the sample corpus and its reference coding."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from qualcope import paths
from qualcope.db.models import ProjectInfo
from qualcope.domain import ProgressCallback, ProgressUpdate, no_progress
from qualcope.errors import ProjectError, QualcopeError
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
    from qualcope.db import lifecycle

    url = engines.to_url(project_location(str(location) if location else None))
    target = engines.sqlite_path(url)
    if target is None and not engines.is_sqlite(url):  # a server: open the demo made before
        if lifecycle.server_database_is_empty(url):
            return build_demo(location, coder, on_progress), True
    elif target is None or not target.exists() or target.stat().st_size == 0:
        return build_demo(location, coder, on_progress), True
    project = Project.open(location, coder)
    if not is_demo(project):
        project.close()
        raise ProjectError(
            "a project that is not the demo is here; refusing to overwrite it "
            "(use --db to choose another file)",
            path=target or lifecycle.describe(url),
        )
    return project, False


def build_demo(
    location: str | Path | None, coder: str | None, on_progress: ProgressCallback = no_progress
) -> Project:
    """Create a new demo project; on any failure no file is left behind."""
    project = Project.create(location, coder)
    try:
        on_progress(ProgressUpdate(0, None, "codebook"))
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


def import_sample_corpus(project: Project, on_progress: ProgressCallback) -> None:
    """The nine transcripts of ``sample_corpus/``, with the metadata of its manifest."""
    from qualcope.services.importing import import_paths

    report = import_paths(project, [paths.sample_corpus()], on_progress=on_progress)
    if report.failed:  # a shipped file that does not import is a bug, not a user's mistake
        problems = "; ".join(f"{Path(o.path).name}: {o.message}" for o in report.failed)
        raise QualcopeError(f"the sample corpus did not import: {problems}")


def import_reference_codings(project: Project, on_progress: ProgressCallback) -> None:
    """The reference coding of the corpus (``sample_corpus/codings.csv``)."""
    from qualcope.services.coding_exchange import import_codings

    on_progress(ProgressUpdate(0, None, "reference codings"))
    report = import_codings(
        project, paths.sample_corpus() / "codings.csv", on_progress=on_progress, undoable=False
    )
    on_progress(ProgressUpdate(report.added, report.added, "reference codings"))


REFERENCE_CODER = "Reference coder"


def mark_reference_coding_finished(project: Project, on_progress: ProgressCallback) -> None:
    """The reference coder coded every document completely: say so.

    Finished documents tell the suggestion classifier that an uncoded sentence is a
    negative example, so the demo's first `qualcope suggest` can learn straight away.
    """
    from qualcope.services.documents import list_documents, set_finished

    reference = Project(project.engine, project.url, REFERENCE_CODER)
    for ref in list_documents(reference):
        set_finished(reference, ref.id, True)
    on_progress(ProgressUpdate(1, 1, "reference coding marked finished"))


SECOND_CODER = "Second coder"


def import_second_coding(project: Project, on_progress: ProgressCallback) -> None:
    """A second coder's blind coding of three documents (``sample_corpus/second_coder.csv``),
    marked finished, so the demo shows agreement and reconciliation."""
    from qualcope.services.coding_exchange import import_codings
    from qualcope.services.documents import find_document, set_finished

    on_progress(ProgressUpdate(0, None, "second coder"))
    source = paths.sample_corpus() / "second_coder.csv"
    import_codings(project, source, on_progress=on_progress, undoable=False)
    with source.open(encoding="utf-8", newline="") as handle:
        names = sorted({row["file"] for row in csv.DictReader(handle)})
    second = Project(project.engine, project.url, SECOND_CODER)
    for name in names:
        set_finished(second, find_document(second, name), True)
    on_progress(ProgressUpdate(1, 1, "second coder's coding marked finished"))


DemoStep = Callable[[Project, ProgressCallback], None]
# Run in order after the codebook import; later features may append their own steps.
DEMO_STEPS: list[DemoStep] = [
    import_sample_corpus,
    import_reference_codings,
    mark_reference_coding_finished,
    import_second_coding,
]

"""Importing transcripts: files and folders (with ``manifest.csv``), one transaction per file.

Owns the batch: planning what to import (flags, manifest, the project's vocabulary of
roles, cases and attribute names), storing each prepared file in its own unit of work on
one connection, progress and stopping, and the report. A batch never half-imports a file:
each file is read, checked and segmented first, then stored (``services.import_store``:
document, case and participant created on demand, turns with one Core bulk insert). A bad
file is reported and the others still land; a file whose canonical text is already in the
project is skipped. A bad manifest stops the batch before anything is imported
(``ingest.manifest``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from qualcope.db import engine as engines
from qualcope.db.models import Case, Document, Participant
from qualcope.domain import (
    DEFAULT_ROLES,
    ProgressCallback,
    ProgressUpdate,
    StopCallback,
    never_stop,
    no_progress,
)
from qualcope.errors import ImportFileError
from qualcope.ingest import SUPPORTED_SUFFIXES
from qualcope.ingest.manifest import ImportItem, folder_hint, plan
from qualcope.ingest.prepare import Prepared, prepare_all
from qualcope.ingest.vocabulary import Vocabulary
from qualcope.services.import_store import FileOutcome, source_of, store_prepared
from qualcope.services.project import Project

__all__ = [
    "FileOutcome",
    "ImportReport",
    "import_paths",
    "known_roles",
    "landed",
    "project_vocabulary",
    "source_of",
    "store_batch",
    "store_prepared",
]


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import command."""

    outcomes: tuple[FileOutcome, ...]
    seconds: float
    ignored: tuple[str, ...] = ()
    stopped: bool = False
    # Roles, cases and attribute names the import brought (kind -> values), if any landed.
    new_values: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self._with("imported")

    @property
    def skipped(self) -> list[FileOutcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    @property
    def words(self) -> int:
        return sum(o.words for o in self.imported)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped


def known_roles(project: Project) -> list[str]:
    """The default roles and every role participants of the project already have."""
    with project.read() as session:
        used = session.scalars(select(Participant.role).where(Participant.role.is_not(None)))
        roles = list(DEFAULT_ROLES)
        roles.extend(r for r in sorted(set(used)) if r and r not in roles)
    return roles


def project_vocabulary(project: Project, *, allow_similar: bool = False) -> Vocabulary:
    """The roles, cases and attribute names a project knows (see ``ingest.vocabulary``)."""
    roles = known_roles(project)
    with project.read() as session:
        cases = sorted(session.scalars(select(Case.name)))
        keys: set[str] = set()
        for attributes in session.scalars(select(Document.attributes)):
            keys.update(attributes or {})
        for attributes in session.scalars(select(Participant.attributes)):
            keys.update(attributes or {})
    return Vocabulary.of(allow_similar, role=roles, case=cases, attribute=sorted(keys))


# ----------------------------------------------------------------- importing
def import_paths(
    project: Project,
    paths: Sequence[Path | str],
    *,
    case: str | None = None,
    role: str | None = None,
    participant: str | None = None,
    lang: str | None = None,
    encoding: str | None = None,
    interviewers: Sequence[str] = (),
    speakers: Sequence[str] = (),
    allow_similar: bool = False,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> ImportReport:
    """Import files and folders; each file is its own transaction (see the module docstring).

    New roles, cases and attribute names (from the flags or a manifest) are created; one that
    is a near-duplicate of a known one is refused before anything is imported, unless
    ``allow_similar`` (typos only; case and spacing variants are always refused).
    """
    from qualcope.nlp.sentences import check_language

    began = time.perf_counter()
    if lang:
        lang = check_language(lang)
    vocabulary = project_vocabulary(project, allow_similar=allow_similar)
    role = vocabulary.check("role", role) if role and role.strip() else None
    case = vocabulary.check("case", case) if case and case.strip() else None
    defaults = ImportItem(
        Path("."),
        case=case,
        role=role,
        participant=participant,
        lang=lang,
        encoding=encoding,
        interviewers=tuple(interviewers),
        speakers=tuple(speakers),
    )
    items, ignored = plan(
        [Path(p) for p in paths],
        vocabulary=vocabulary,
        defaults=defaults,
        language_check=check_language,
    )
    if not items:
        known_types = " ".join(SUPPORTED_SUFFIXES)
        where = ", ".join(str(p) for p in paths)
        from qualcope.services.exchange import is_project_file

        hint = folder_hint([Path(p) for p in paths], is_project_file)
        raise ImportFileError(
            f"{where}: no transcripts to import (qualcope reads {known_types})"
            + (f"; {hint}" if hint else "")
        )
    outcomes, stopped = store_batch(
        project,
        items,
        lambda known: prepare_all(items, known),
        on_progress=on_progress,
        should_stop=should_stop,
    )
    return ImportReport(
        outcomes=tuple(outcomes),
        seconds=time.perf_counter() - began,
        ignored=tuple(ignored),
        stopped=stopped,
        new_values=landed(vocabulary, items, outcomes),
    )


def store_batch(
    project: Project,
    items: Sequence[ImportItem],
    prepared: Callable[[set[str]], Iterable[Prepared]],
    *,
    on_progress: ProgressCallback = no_progress,
    should_stop: StopCallback = never_stop,
) -> tuple[list[FileOutcome], bool]:
    """Store what ``prepared(known hashes)`` yields, one transaction per document, in order;
    (outcomes, whether it stopped early)."""
    outcomes: list[FileOutcome] = []
    words = 0
    on_progress(ProgressUpdate(0, len(items), "reading", 0))
    with _batch(project) as batch:
        known, names = _known_documents(batch)
        for done, ready in enumerate(prepared(set(known)), start=1):
            if should_stop():
                outcomes.extend(FileOutcome(source_of(i), "stopped") for i in items[done - 1 :])
                return outcomes, True
            outcome = store_prepared(batch, ready, known, names)
            outcomes.append(outcome)
            if outcome.status == "imported":
                words += outcome.words
            message = f"{ready.item.name or ready.item.path.name}: {outcome.status}"
            on_progress(ProgressUpdate(done, len(items), message, words))
    return outcomes, False


def landed(
    vocabulary: Vocabulary, items: Sequence[ImportItem], outcomes: Sequence[FileOutcome]
) -> dict[str, tuple[str, ...]]:
    """The new roles, cases and attribute names of the files that were imported."""
    imported = {o.path for o in outcomes if o.status == "imported"}
    used: dict[str, set[str]] = {"role": set(), "case": set(), "attribute": set()}
    for item in items:
        if source_of(item) in imported:
            used["role"].add(item.role or "")
            used["case"].add(item.case or "")
            used["attribute"].update(item.attributes)
    found = {kind: tuple(v for v in vocabulary.new[kind] if v in used[kind]) for kind in used}
    return {kind: values for kind, values in found.items() if values}


@contextmanager
def _batch(project: Project) -> Iterator[Project]:
    """The project on one SQLite connection for a whole batch (still a transaction per file).

    Each unit of work otherwise opens a connection (a schema parse) and closing the last
    one checkpoints the WAL: a few ms per file that a 500-file import does not need to pay.
    """
    if engines.sqlite_path(project.url) is None:  # in-memory or a server database
        yield project
        return
    engine = engines.make_engine(project.url, one_connection=True)
    batch = Project(engine, project.url, project.coder)
    try:
        yield batch
    finally:
        batch.close()


def _known_documents(project: Project) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """Content hash -> (document id, name), and the names, of the project's documents."""
    with project.read() as session:
        rows = session.execute(select(Document.content_hash, Document.id, Document.name)).all()
    return {digest: (int(doc_id), str(name)) for digest, doc_id, name in rows}, {
        str(name) for _, _, name in rows
    }

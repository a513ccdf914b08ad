"""`qualcope documents` read with sqlite3 alone (issue 16): the same listing as through
SQLAlchemy, on a connection that only reads, and only for a current SQLite project."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.sqlite_file import connect_current
from qualcope.services import demo
from qualcope.services.document_edit import document_attributes, set_document, set_finished_many
from qualcope.services.document_listing import DocumentListing, quick_document_listing
from qualcope.services.documents import list_documents
from qualcope.services.project import Project

CODERS = ("Reference coder", "Second coder", "nobody yet", "")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("listing") / "demo.db"
    demo.build_demo(target, "Reference coder").close()
    return target


def through_sqlalchemy(
    location: Path, coder: str, case: str | None, role: str | None
) -> DocumentListing:
    with Project.open(location, coder) as project:
        keys, attributes = document_attributes(project)
        return DocumentListing(list_documents(project, case=case, role=role), keys, attributes)


def quick(
    location: Path, coder: str, case: str | None = None, role: str | None = None
) -> DocumentListing | None:
    return quick_document_listing(str(location), coder, case=case, role=role, with_attributes=True)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize(
    ("case", "role"),
    [
        (None, None),
        ("social elderly care", None),
        (None, "public servant"),
        ("", ""),
        ("no such case", None),
    ],
)
def test_the_quick_listing_equals_the_listing_through_the_project(
    demo_file: Path, coder: str, case: str | None, role: str | None
) -> None:
    found = quick(demo_file, coder, case, role)
    assert found is not None, "a current SQLite project is read the quick way"
    assert found == through_sqlalchemy(demo_file, coder, case, role)
    if coder == "Reference coder" and not case and not role:
        # Not two empty listings: the demo's reference coding shows in both.
        assert len(found.refs) == 9
        assert sum(ref.finished for ref in found.refs) >= 1
        assert all(ref.coded_turns > 0 for ref in found.refs)
        assert found.attribute_keys


def test_finished_marks_attributes_and_documents_without_a_case_agree(
    demo_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "edited.db"
    shutil.copyfile(demo_file, copy)
    with Project.open(copy, "Second coder") as project:
        refs = list_documents(project)
        set_finished_many(project, [refs[0].id, refs[3].id])
        set_finished_many(project, [refs[3].id], finished=False)
        # The document's own value wins over its participant's of the same key.
        set_document(project, refs[1].id, attributes={"age_group": "75+", "site": "north"})
        set_document(project, refs[2].id, attributes={"age_group": None})
    for coder in CODERS:
        found = quick(copy, coder)
        assert found is not None
        assert found == through_sqlalchemy(copy, coder, None, None)
    second = quick(copy, "Second coder")
    assert second is not None
    marked = {ref.id for ref in second.refs if ref.finished}
    assert refs[0].id in marked and refs[3].id not in marked
    assert second.attributes[refs[1].id]["age_group"] == "75+"


def test_an_empty_project_lists_nothing_both_ways(project: Project, project_path: Path) -> None:
    found = quick(project_path, "tester")
    if project.path is None:  # a server database is never read the quick way
        assert found is None
        return
    assert found == DocumentListing([], [], {})
    assert list_documents(project) == []


def test_reading_the_quick_way_leaves_the_project_file_as_it_was(
    demo_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "untouched.db"
    shutil.copyfile(demo_file, copy)

    def state() -> list[tuple[str, str]]:
        return sorted(
            (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in tmp_path.iterdir()
        )

    before = state()
    assert quick(copy, "Reference coder") is not None
    assert state() == before
    conn = connect_current(copy)
    assert conn is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM documents")
    conn.close()
    assert state() == before


def test_anything_but_a_current_sqlite_project_goes_the_ordinary_way(tmp_path: Path) -> None:
    older = tmp_path / "old.db"
    revision = sorted(lifecycle.known_revisions())[-2]
    lifecycle.create_project(engines.to_url(older), revision=revision).dispose()
    assert quick(older, "ana") is None  # to be backed up and upgraded by Project.open

    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE documents (id INTEGER)")
    assert quick(foreign, "ana") is None

    empty = tmp_path / "empty.db"
    empty.touch()
    assert quick(empty, "ana") is None
    assert quick(tmp_path / "missing.db", "ana") is None
    assert not (tmp_path / "missing.db").exists()
    assert quick(tmp_path, "ana") is None  # a directory
    url = "postgresql://nobody@localhost/none"
    assert quick_document_listing(url, "ana") is None

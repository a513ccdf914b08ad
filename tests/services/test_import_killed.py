"""reliability.md C7-1: ``kill -9`` during a bulk import (with its worker process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcope import sentence_bounds
from qualcope.db import engine as engines
from qualcope.db.models import Document, Segment
from qualcope.services.project import Project

ROOT = Path(__file__).resolve().parents[2]
DRIVER = """
import sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {benchmarks!r})
from qualcope.services.importing import import_paths
from qualcope.services.project import Project

def said(update):
    print(update.done, flush=True)

with Project.open({db!r}, "tester") as project:
    import_paths(project, [{folder!r}], lang="en", on_progress=said)
print("finished", flush=True)
"""


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" in status.read_text()  # exited, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and fork")
def test_a_killed_import_keeps_whole_files_and_leaves_no_worker(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import generate

    folder = tmp_path / "corpus"
    folder.mkdir()
    generate(folder, 400_000, 200)
    db = tmp_path / "project.db"
    Project.create(db, "tester").close()
    script = DRIVER.format(
        root=str(ROOT), benchmarks=str(ROOT / "benchmarks"), db=str(db), folder=str(folder)
    )
    environment = {**os.environ, "QUALCOPE_IMPORT_WORKERS": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=environment
    )
    assert child.stdout is not None
    while int(child.stdout.readline() or "-1") < 20:  # a few files stored, more on the way
        assert child.poll() is None, "the import ended before it could be killed"
    workers = children_of(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert workers, "the import ran without its worker process"
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in workers), "a worker outlived the killed import"

    engine = engines.make_engine(engines.to_url(db))
    assert engines.integrity_problems(engine) == []
    engine.dispose()
    with Project.open(db, "tester") as project, project.read() as session:
        rows = session.execute(
            select(Document.id, Document.import_report, Document.sentence_bounds)
        ).all()
        turns = dict(
            session.execute(
                select(Segment.document_id, func.count()).group_by(Segment.document_id)
            ).all()
        )
    assert 20 <= len(rows) < 200
    for document_id, report, bounds in rows:  # every stored file is whole
        assert turns[document_id] == report["turns"] > 0
        assert sentence_bounds.count(bounds) == report["sentences"] > 0

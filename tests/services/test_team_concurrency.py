"""Several coders at once, in separate processes, on one project: nothing lost, nothing doubled.

Each worker is a process of its own (multiprocessing, 'spawn': a fresh interpreter, as a second
qualcope would be) that opens the project by its location with its own coder name; the workers
start together at a ``Barrier``. Two workers share the coder name "ana" (one coder in two
windows), so they race to add, and to remove, the very same codings.

- Coding: every worker applies the same plan of (document, span, code) codings in its own order,
  then (once all have added) removes every fifth. The final codings are exactly the plan minus
  the removed ones, once per coder: the two "ana" windows never make a duplicate (the loser of
  a race is told the span is already coded, or that the coding is gone).
- No lost update: every worker appends its own marks to one code's definition and to one
  coding's memo, each time from what it read, with ``expected_version`` (overwrite=False);
  on ``StaleEditError`` it reads again and retries. Every mark of every worker is in the end.

On a SQLite file and (marked ``postgresql``) on the server of $QUALCOPE_TEST_PG_URL.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from qualcope.db.models import Code, Coder, Coding
from qualcope.errors import ConflictError, NotFoundError, StaleEditError
from qualcope.services import codebook, codebook_edit, codings, documents
from qualcope.services.project import Project
from tests.conftest import ICVC
from tests.tui.transcripts import SMALL_INTERVIEW, store_transcript

CODERS = ("ana", "ana", "ben", "cleo")
DOCUMENTS = 3
SPANS_PER_DOCUMENT = 20  # x 3 documents x 2 codes = 120 planned codings per worker
EDITS = 8  # marks per worker on the shared definition and on the shared memo
TIMEOUT = 120


def _plan(location: str) -> dict[str, Any]:
    """Build the project: the ICVC codebook, three documents, one coding to annotate."""
    with Project.create(location, "setup") as project:
        codebook.import_codebook(project, codebook.read_codebook_file(ICVC))
        codes = [n.id for n in codebook.tree(project) if not n.is_group][:2]
        items: list[tuple[int, int, int, int]] = []
        for index in range(DOCUMENTS):
            doc = store_transcript(
                project,
                [*SMALL_INTERVIEW, ("Interviewer", True, f"Thank you, interview {index}.")],
                name=f"interview{index}.txt",
            )
            text = documents.get_document(project, doc).text
            words = [i for i in range(1, len(text) - 12) if text[i - 1] == " " and text[i] != " "]
            for start in words[:SPANS_PER_DOCUMENT]:
                for code in codes:
                    items.append((doc, start, start + 10, code))
        shared = codings.add_coding(project, items[0][0], 0, 5, codes[0])
        definition = next(n.definition for n in codebook.tree(project) if n.id == codes[0])
        return {"items": items, "code": codes[0], "coding": shared.id, "definition": definition}


def _code_worker(
    location: str, coder: str, seed: int, plan: dict[str, Any], barrier: Any, out: Any
) -> None:
    result = {"coder": coder, "added": 0, "already": 0, "removed": 0, "gone": 0, "error": ""}
    try:
        with Project.open(location, coder) as project:
            items = list(plan["items"])
            random.Random(seed).shuffle(items)
            barrier.wait(TIMEOUT)
            for doc, start, end, code in items:
                try:
                    codings.add_coding(project, doc, start, end, code)
                    result["added"] += 1
                except ConflictError:
                    result["already"] += 1
            barrier.wait(TIMEOUT)  # everyone has added before anyone removes
            doomed = {tuple(item) for i, item in enumerate(plan["items"]) if i % 5 == 0}
            for doc in sorted({item[0] for item in doomed}):
                for view in codings.codings_for_document(project, doc, coder):
                    if (view.document_id, view.start, view.end, view.code_id) in doomed:
                        try:
                            codings.remove_coding(project, view.id)
                            result["removed"] += 1
                        except NotFoundError:
                            result["gone"] += 1
    except Exception as exc:  # reported to the test, which fails with it
        result["error"] = f"{type(exc).__name__}: {exc}"
    out.put(result)


def _edit_worker(
    location: str, coder: str, seed: int, plan: dict[str, Any], barrier: Any, out: Any
) -> None:
    result = {"coder": coder, "stale": 0, "error": ""}
    rng = random.Random(seed)
    try:
        with Project.open(location, coder) as project:
            barrier.wait(TIMEOUT)
            for index in range(EDITS):
                mark = f"[{coder}{seed}:{index}]"
                while True:  # the definition of the shared code
                    with project.read() as session:
                        code = session.get(Code, plan["code"])
                        assert code is not None
                        text, version = code.definition, code.version
                    time.sleep(rng.random() * 0.002)  # the coder typing
                    try:
                        codebook_edit.update_code(
                            project,
                            plan["code"],
                            {"definition": text + mark},
                            expected_version=version,
                        )
                        break
                    except StaleEditError:
                        result["stale"] += 1
                while True:  # the memo of the shared coding
                    with project.read() as session:
                        coding = session.get(Coding, plan["coding"])
                        assert coding is not None
                        memo, version = coding.memo, coding.version
                    time.sleep(rng.random() * 0.002)
                    try:
                        codings.set_memo(project, plan["coding"], memo + mark, version)
                        break
                    except StaleEditError:
                        result["stale"] += 1
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    out.put(result)


def _run(worker: Any, location: str, plan: dict[str, Any]) -> list[dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(CODERS))
    out = context.Queue()
    processes = [
        context.Process(target=worker, args=(location, coder, seed, plan, barrier, out))
        for seed, coder in enumerate(CODERS)
    ]
    for process in processes:
        process.start()
    results = [out.get(timeout=TIMEOUT) for _ in processes]
    for process in processes:
        process.join(TIMEOUT)
        assert process.exitcode == 0
    errors = [r["error"] for r in results if r["error"]]
    assert not errors, errors
    return results


def _check_codings(location: str, plan: dict[str, Any], results: list[dict[str, Any]]) -> None:
    items = [tuple(item) for item in plan["items"]]
    kept = {item for i, item in enumerate(items) if i % 5 != 0}
    with Project.open(location, "checker") as project, project.read() as session:
        rows = session.execute(
            select(Coder.name, Coding.document_id, Coding.start, Coding.end, Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name != "setup")
        ).all()
        duplicates = session.execute(
            select(func.count())
            .select_from(Coding)
            .group_by(Coding.document_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id)
            .having(func.count() > 1)
        ).all()
    assert not duplicates
    coders = sorted(set(CODERS))
    assert len(rows) == len(kept) * len(coders)
    for coder in coders:
        assert {tuple(r[1:]) for r in rows if r[0] == coder} == kept
    # Every planned coding was added once per coder; the second "ana" window was told.
    added = sum(r["added"] for r in results)
    assert added == len(items) * len(coders)
    assert sum(r["already"] for r in results) == len(items) * (len(CODERS) - len(coders))
    assert sum(r["removed"] for r in results) == (len(items) - len(kept)) * len(coders)


def _check_edits(location: str, plan: dict[str, Any]) -> None:
    with Project.open(location, "checker") as project, project.read() as session:
        definition = session.get(Code, plan["code"]).definition  # type: ignore[union-attr]
        memo = session.get(Coding, plan["coding"]).memo  # type: ignore[union-attr]
    for seed, coder in enumerate(CODERS):
        for index in range(EDITS):
            mark = f"[{coder}{seed}:{index}]"
            assert definition.count(mark) == 1, (mark, definition)
            assert memo.count(mark) == 1, (mark, memo)
    marks = sum(len(f"[{c}{seed}:{i}]") for seed, c in enumerate(CODERS) for i in range(EDITS))
    assert definition.startswith(plan["definition"])
    assert len(definition) == len(plan["definition"]) + marks
    assert len(memo) == marks


def _scenario(location: str) -> None:
    plan = _plan(location)
    _check_codings(location, plan, _run(_code_worker, location, plan))
    _run(_edit_worker, location, plan)
    _check_edits(location, plan)


@pytest.mark.slow
def test_coders_at_once_on_sqlite_lose_and_double_nothing(tmp_path: Path) -> None:
    _scenario(str(tmp_path / "team.db"))


@pytest.mark.slow
@pytest.mark.postgresql
def test_coders_at_once_on_postgresql_lose_and_double_nothing(pg_url: str) -> None:
    _scenario(pg_url)

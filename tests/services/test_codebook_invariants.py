"""Random codebook edits and undos never break the tree or lose a coding (C3-3, C3-4, C7-14).

A hypothesis state machine adds, renames, moves, reorders, merges and deletes codes,
applies codings, and undoes and redoes, on a small project with codings of two coders
and a link. After every step the tree must have unique names per parent (after NFC and
case folding), no cycle and no orphan, every coding and link must point at existing
rows, and ``PRAGMA foreign_key_check`` must be empty. At the end, undoing every step
must give back the starting codebook and codings row for row.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from qualcope.db.models import Code, Coding, CodingLink, Document
from qualcope.domain import name_key
from qualcope.errors import QualcopeError
from qualcope.services import codebook_edit, codings, history
from qualcope.services.project import Project
from tests.services.test_codebook_edit import dump, foreign_key_problems

# Hundreds of small transactions per run: on tmpfs when there is one (a disk fsync each).
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
TEXT = "We stopped going. Then we wrote to the mayor. Nobody answered us at all."
SPANS = ((0, 17), (18, 45), (0, 45), (46, 72))
NAMES = ("Avoidance", "avoidance", "Caf\u00e9", "CAFE\u0301", "Trust", "New")
# (name, kind, parent index or None); parents come before their children.
SEED = (
    ("Coping", "group", None),
    ("Avoidance", "code", 0),
    ("Escalation", "code", 0),
    ("Trade-off", "code", 0),
    ("Conflicts", "group", None),
    ("Equity vs efficiency", "code", 4),
    ("Caf\u00e9", "code", 5),
    ("Trust", "code", None),
)


def seed(project: Project, other: Project) -> None:
    """Codes, one document, codings of two coders (with duplicates across codes) and a link."""
    with project.write("seed", undoable=False) as session:
        ids: list[int] = []
        for index, (name, kind, parent) in enumerate(SEED):
            code = Code(
                name=name,
                name_key=name_key(name),
                kind=kind,
                sort_order=index,
                parent_id=ids[parent] if parent is not None else None,
                cues={},
            )
            session.add(code)
            session.flush()
            ids.append(code.id)
        session.add(Document(name="d.txt", content_hash="seed", text=TEXT))
    avoid, escalate, conflict = ids[1], ids[2], ids[5]
    first = codings.add_coding(project, 1, *SPANS[0], avoid).id
    codings.add_coding(project, 1, *SPANS[0], escalate, memo="same span")
    codings.add_coding(other, 1, *SPANS[0], avoid)
    codings.add_coding(other, 1, *SPANS[1], ids[6])
    target = codings.add_coding(project, 1, *SPANS[2], conflict).id
    codings.link(project, first, target, favoured_code_id=ids[6])


_TEMPLATE: list[Path] = []  # the seeded project, made once per process


def seeded_project(folder: Path) -> Project:
    """A copy of the seeded project in ``folder``: every example starts from the same rows
    without migrating and seeding a new project (some 40% of this test's time)."""
    if not _TEMPLATE:
        made = Path(tempfile.mkdtemp(prefix="qualcope-invariants-seed-", dir=FAST_TMP))
        atexit.register(shutil.rmtree, made, True)
        project = Project.create(made / "p.db", "tester")
        seed(project, Project(project.engine, project.url, "other"))
        project.close()
        _TEMPLATE.append(made / "p.db")
    source, target = sqlite3.connect(_TEMPLATE[0]), sqlite3.connect(folder / "p.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return Project.open(folder / "p.db", "tester")


class CodebookMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="qualcope-invariants-", dir=FAST_TMP))
        self.project = seeded_project(self.folder)
        # An idle connection held open: closing the last one would checkpoint the WAL each time.
        self.keeper = sqlite3.connect(self.folder / "p.db")
        self.start = dump(self.project)
        self.known = self.ids()  # the codes now (refreshed after every step)
        self.undoable = 0  # this machine's actions not undone yet
        self.redoable = 0

    # --------------------------------------------------------------- helpers
    def ids(self) -> list[int]:
        with self.project.engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT id FROM codes ORDER BY id"))]

    def code_id(self, data: st.DataObject) -> int:
        return data.draw(st.sampled_from(self.known), label="code")

    def parent_id(self, data: st.DataObject) -> int | None:
        return data.draw(st.none() | st.sampled_from(self.known), label="parent")

    def attempt(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one edit; a refusal must leave everything as it was."""
        before = dump(self.project)
        self.project.last_action_id = None
        try:
            result = action(self.project, *args, **kwargs)
        except QualcopeError:
            assert dump(self.project) == before
            return None
        if self.project.last_action_id is not None:
            self.undoable += 1
            self.redoable = 0
        return result

    # ----------------------------------------------------------------- rules
    @rule(data=st.data(), name=st.sampled_from(NAMES), kind=st.sampled_from(("code", "group")))
    def add(self, data: st.DataObject, name: str, kind: str) -> None:
        self.attempt(codebook_edit.add_code, name, self.parent_id(data), kind)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def rename(self, data: st.DataObject, name: str) -> None:
        self.attempt(codebook_edit.rename_code, self.code_id(data), name)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), position=st.none() | st.integers(0, 3))
    def move(self, data: st.DataObject, position: int | None) -> None:
        self.attempt(codebook_edit.move_code, self.code_id(data), self.parent_id(data), position)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), how=st.sampled_from(("up", "down", "in", "out")))
    def shift(self, data: st.DataObject, how: str) -> None:
        code_id = self.code_id(data)
        if how in ("up", "down"):
            self.attempt(codebook_edit.reorder_code, code_id, -1 if how == "up" else 1)
        else:
            action = codebook_edit.indent_code if how == "in" else codebook_edit.outdent_code
            self.attempt(action, code_id)

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        source, target = self.code_id(data), self.code_id(data)
        count = codings.count_codings(self.project)
        summary = self.attempt(codebook_edit.merge_codes, source, target)
        if summary is not None:
            assert codings.count_codings(self.project) == count - summary.collapsed

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), mode=st.sampled_from(("refuse", "merge_into", "delete_codings")))
    def delete(self, data: st.DataObject, mode: str) -> None:
        code_id = self.code_id(data)
        target = self.code_id(data) if mode == "merge_into" else None
        preview = codebook_edit.delete_preview(self.project, code_id)
        count = codings.count_codings(self.project)
        summary = self.attempt(codebook_edit.delete_code, code_id, mode, target)
        if summary is None:
            return
        assert summary.codes_deleted == preview.codes
        if mode == "refuse":
            assert preview.codings == 0 and codings.count_codings(self.project) == count
        elif mode == "delete_codings":
            assert codings.count_codings(self.project) == count - preview.codings

    @precondition(lambda self: bool(self.known))
    @rule(data=st.data(), span=st.sampled_from(SPANS))
    def apply_code(self, data: st.DataObject, span: tuple[int, int]) -> None:
        self.attempt(codings.add_coding, 1, span[0], span[1], self.code_id(data))

    @precondition(lambda self: self.undoable > 0)
    @rule()
    def undo(self) -> None:
        history.undo(self.project)
        self.undoable -= 1
        self.redoable += 1

    @precondition(lambda self: self.redoable > 0)
    @rule()
    def redo(self) -> None:
        history.redo(self.project)
        self.undoable += 1
        self.redoable -= 1

    # ------------------------------------------------------------ invariants
    @invariant()
    def tree_and_codings_are_sound(self) -> None:
        with self.project.read() as session:
            codes = {c.id: c for c in session.query(Code)}
            keys = [(c.parent_id, name_key(c.name)) for c in codes.values()]
            assert len(keys) == len(set(keys)), "two codes share a name under one parent"
            assert all(c.name_key == name_key(c.name) for c in codes.values())
            for code in codes.values():
                parent, steps = code.parent_id, 0
                while parent is not None:
                    assert parent in codes, "orphan code"
                    parent, steps = codes[parent].parent_id, steps + 1
                    assert steps <= len(codes), "cycle in the code tree"
            coding_ids = set()
            for coding in session.query(Coding):
                assert coding.code_id in codes and codes[coding.code_id].kind == "code"
                coding_ids.add(coding.id)
            for link in session.query(CodingLink):
                assert {link.source_coding_id, link.target_coding_id} <= coding_ids
                assert link.favoured_code_id is None or link.favoured_code_id in codes
        assert foreign_key_problems(self.project) == []
        self.known = sorted(codes)

    def teardown(self) -> None:
        try:
            for _ in range(self.undoable):
                history.undo(self.project)
            assert dump(self.project) == self.start, "undoing every step did not restore the start"
        finally:
            self.keeper.close()
            self.project.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def test_random_edits_keep_the_invariants_and_undo_restores_the_start() -> None:
    run_state_machine_as_test(
        CodebookMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

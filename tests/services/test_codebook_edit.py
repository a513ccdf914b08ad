"""Editing the codebook: each edit, merge and delete edge cases, failures that change nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, select, text, update

from qualcope.db import engine as engines
from qualcope.db import lifecycle
from qualcope.db.models import Code, Coder, Coding, CodingLink, Memo
from qualcope.errors import (
    CodebookError,
    ConflictError,
    NothingToDoError,
    QualcopeError,
)
from qualcope.services import codebook, codebook_edit, codings, history
from qualcope.services.project import Project
from tests.services.test_codebook_service import add_document

TEXT = "Respondent: we just stopped going. Then we wrote to the mayor about it all."
DUMPED = ("codes", "codings", "coding_links", "memos")


def dump(project: Project) -> dict[str, list[dict[str, Any]]]:
    """Every row of the codebook and coding tables, without version numbers."""
    out: dict[str, list[dict[str, Any]]] = {}
    with project.engine.connect() as conn:
        for table in DUMPED:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()
            out[table] = [{k: _plain(v) for k, v in row.items() if k != "version"} for row in rows]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None).isoformat()
        except ValueError:
            return value
    return value


def foreign_key_problems(project: Project) -> list[Any]:
    """Rows that reference a missing parent: SQLite's ``PRAGMA foreign_key_check``, elsewhere
    (PostgreSQL) the same check as a LEFT JOIN per foreign key of every table."""
    with project.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
        problems: list[Any] = []
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                parent = fk["referred_table"]
                pairs = list(zip(fk["constrained_columns"], fk["referred_columns"], strict=True))
                joined = " AND ".join(f'c."{col}" = p."{ref}"' for col, ref in pairs)
                present = " AND ".join(f'c."{col}" IS NOT NULL' for col, _ in pairs)
                sql = (
                    f"SELECT '{table}', '{parent}', c.* FROM \"{table}\" c "
                    f'LEFT JOIN "{parent}" p ON {joined} '
                    f'WHERE {present} AND p."{pairs[0][1]}" IS NULL'
                )
                problems.extend(conn.exec_driver_sql(sql))
        return problems


@dataclass
class Study:
    """The ICVC project with codings by two coders on Avoidance and Escalation."""

    project: Project
    other: Project
    doc: int
    ids: dict[str, int]

    def node(self, path: str) -> Any:
        return {n.path: n for n in codebook.tree(self.project)}[path]


def _id(project: Project, path: str) -> int:
    return {n.path: n.id for n in codebook.tree(project)}[path]


@pytest.fixture
def study(icvc_project: Project) -> Study:
    project = icvc_project
    other = Project(project.engine, project.url, "other")
    doc = add_document(project, TEXT)
    ids = {
        name: _id(project, path)
        for name, path in {
            "avoid": "Coping strategies/Avoidance",
            "escalate": "Coping strategies/Escalation",
            "tradeoff": "Coping strategies/Trade-off",
            "coping": "Coping strategies",
            "conflict": "Value conflicts/Equity vs efficiency",
            "efficiency": "Expectations/Public values in the process/Efficiency",
        }.items()
    }
    return Study(project, other, doc, ids)


def code(project: Project, doc: int, span: tuple[int, int], code_id: int, memo: str = "") -> int:
    return codings.add_coding(project, doc, span[0], span[1], code_id, memo=memo).id


# ------------------------------------------------------------ add / rename
def test_add_code_and_group_land_last_under_their_parent(study: Study) -> None:
    project, coping = study.project, study.ids["coping"]
    added = codebook_edit.add_code(project, "  Humour ", coping)
    group = codebook_edit.add_code(project, "Other strategies", None, kind="group")
    assert added.path == "Coping strategies/Humour" and added.kind == "code"
    assert group.is_group and group.parent_id is None
    children = [n.name for n in codebook.tree(project) if n.parent_id == coping]
    assert children == ["Avoidance", "Escalation", "Trade-off", "Balancing", "Humour"]
    assert history.undo(project).label == "codebook: add group Other strategies"
    assert "Other strategies" not in {n.path for n in codebook.tree(project)}


@pytest.mark.parametrize(
    "name", ["avoidance", " AVOIDANCE ", "Avoidance\u200b", "Avo/idance", "Avoid\nance", ""]
)
def test_add_refuses_a_taken_or_bad_name_and_changes_nothing(study: Study, name: str) -> None:
    before = dump(study.project)
    with pytest.raises(CodebookError):
        codebook_edit.add_code(study.project, name, study.ids["coping"])
    assert dump(study.project) == before


def test_names_compare_after_nfc_and_casefold(study: Study) -> None:
    codebook_edit.add_code(study.project, "Caf\u00e9", study.ids["coping"])
    with pytest.raises(CodebookError, match="already a code 'Caf"):
        codebook_edit.add_code(study.project, "CAFE\u0301", study.ids["coping"])
    with pytest.raises(CodebookError, match="already"):
        codebook_edit.add_code(study.project, "expectations")  # a root name, any case


def test_rename_checks_siblings_but_allows_a_new_spelling(study: Study) -> None:
    project, avoid = study.project, study.ids["avoid"]
    with pytest.raises(CodebookError, match="already a code 'Escalation'"):
        codebook_edit.rename_code(project, avoid, "escalation")
    renamed = codebook_edit.rename_code(project, avoid, "AVOIDANCE")
    assert renamed.path == "Coping strategies/AVOIDANCE"
    renamed = codebook_edit.rename_code(project, avoid, "Withdrawal")
    assert renamed.shortcut == "a" and renamed.id == avoid
    history.undo(project)
    assert study.node("Coping strategies/AVOIDANCE").id == avoid


def test_rename_refuses_a_stale_version(study: Study) -> None:
    shown = study.node("Coping strategies/Avoidance")
    codebook_edit.update_code(study.other, shown.id, {"definition": "changed by other"})
    with pytest.raises(ConflictError):
        codebook_edit.rename_code(
            study.project, shown.id, "Withdrawal", expected_version=shown.version
        )


# ---------------------------------------------------------------- moving
def test_reorder_indent_and_outdent(study: Study) -> None:
    project, ids = study.project, study.ids

    def order() -> list[str]:
        return [n.path for n in codebook.tree(project) if n.path.startswith("Coping")]

    codebook_edit.reorder_code(project, ids["escalate"], -1)
    assert order()[1:3] == ["Coping strategies/Escalation", "Coping strategies/Avoidance"]
    with pytest.raises(NothingToDoError):
        codebook_edit.reorder_code(project, ids["escalate"], -1)
    moved = codebook_edit.indent_code(project, ids["avoid"])
    assert moved.path == "Coping strategies/Escalation/Avoidance" and moved.depth == 2
    back = codebook_edit.outdent_code(project, ids["avoid"])
    assert back.path == "Coping strategies/Avoidance"
    assert order()[1:3] == ["Coping strategies/Escalation", "Coping strategies/Avoidance"]
    out = codebook_edit.outdent_code(project, ids["avoid"])
    top = [n.name for n in codebook.tree(project) if n.parent_id is None]
    assert out.path == "Avoidance" and top.index("Avoidance") == top.index("Coping strategies") + 1
    with pytest.raises(NothingToDoError):
        codebook_edit.outdent_code(project, ids["avoid"])
    for _ in range(4):
        history.undo(project)
    assert order()[1:3] == ["Coping strategies/Avoidance", "Coping strategies/Escalation"]


def test_move_re_parents_and_keeps_codings(study: Study) -> None:
    project = study.project
    coding = code(project, study.doc, (12, 33), study.ids["avoid"])
    moved = codebook_edit.move_code(project, study.ids["avoid"], study.ids["conflict"], 0)
    assert moved.path == "Value conflicts/Equity vs efficiency/Avoidance"
    assert codings.codings_for_document(project, study.doc)[0].code_path == moved.path
    assert codings.codings_for_document(project, study.doc)[0].id == coding


def test_move_refuses_cycles_in_the_service_and_in_the_database(study: Study) -> None:
    project, ids = study.project, study.ids
    inner = codebook_edit.add_code(project, "Inner", ids["avoid"])
    before = dump(project)
    for parent in (ids["avoid"], inner.id):
        with pytest.raises(CodebookError, match="under itself"):
            codebook_edit.move_code(project, ids["avoid"], parent)
    with pytest.raises(ConflictError, match="under itself"):
        with project.write("bypass the service") as session:
            session.execute(update(Code).where(Code.id == ids["avoid"]).values(parent_id=inner.id))
    assert dump(project) == before


def test_a_project_from_the_first_release_gets_the_cycle_guard(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    lifecycle.create_project(engines.to_url(path), revision="0001").dispose()
    with Project.open(path, "tester") as upgraded:
        parent = codebook_edit.add_code(upgraded, "Parent")
        child = codebook_edit.add_code(upgraded, "Child", parent.id)
        with pytest.raises(ConflictError, match="under itself"):
            with upgraded.write("bypass the service") as session:
                session.execute(update(Code).where(Code.id == parent.id).values(parent_id=child.id))


def test_move_refuses_a_name_taken_under_the_new_parent(study: Study) -> None:
    project = study.project
    codebook_edit.add_code(project, "avoidance", study.ids["conflict"])
    before = dump(project)
    with pytest.raises(CodebookError, match="already a code 'avoidance'"):
        codebook_edit.move_code(project, study.ids["avoid"], study.ids["conflict"])
    assert dump(project) == before


# ----------------------------------------------------------------- merge
def test_merge_moves_codings_collapses_duplicates_and_keeps_links(study: Study) -> None:
    project, other, doc, ids = study.project, study.other, study.doc, study.ids
    a_dup = code(project, doc, (12, 33), ids["avoid"], memo="from A")
    a_own = code(project, doc, (35, 60), ids["avoid"])
    b_dup = code(project, doc, (12, 33), ids["escalate"], memo="from B")
    other_a = code(other, doc, (12, 33), ids["avoid"])  # same span, another coder: kept apart
    conflict = code(project, doc, (0, 33), ids["conflict"])
    codings.link(project, a_dup, conflict, ids["efficiency"])
    codings.link(project, b_dup, conflict)  # the duplicate's link already exists on B
    codings.link(project, conflict, a_dup)  # a link pointing at A's coding
    codings.link(project, a_own, conflict, favoured_code_id=ids["avoid"])
    before = dump(project)

    summary = codebook_edit.merge_codes(project, ids["avoid"], ids["escalate"])

    assert (summary.moved, summary.collapsed) == (2, 1)
    assert summary.source_path == "Coping strategies/Avoidance"
    assert "2 codings moved, 1 duplicates collapsed" in summary.message()
    rows = codings.codings_for_document(project, doc)
    assert {(c.coder, c.start, c.code_path) for c in rows} == {
        ("tester", 12, "Coping strategies/Escalation"),
        ("tester", 35, "Coping strategies/Escalation"),
        ("other", 12, "Coping strategies/Escalation"),
        ("tester", 0, "Value conflicts/Equity vs efficiency"),
    }
    assert {c.id for c in rows} == {b_dup, a_own, other_a, conflict}
    by_id = {c.id: c for c in rows}
    assert by_id[b_dup].memo == "from B\nfrom A"
    assert [(lk.target_coding_id) for lk in by_id[b_dup].links] == [conflict]
    assert [(lk.target_coding_id) for lk in by_id[conflict].links] == [b_dup]
    assert by_id[a_own].links[0].favoured_code_path == "Coping strategies/Escalation"
    assert "Coping strategies/Avoidance" not in {n.path for n in codebook.tree(project)}
    assert foreign_key_problems(project) == []

    assert history.undo(project).label == "codebook: merge Avoidance into Escalation"
    assert dump(project) == before
    history.redo(project)
    assert codings.count_codings(project) == 4


def test_merge_moves_children_and_memos_under_the_target(study: Study) -> None:
    project, ids = study.project, study.ids
    child = codebook_edit.add_code(project, "Dropping out", ids["avoid"])
    namesake = codebook_edit.add_code(project, "Avoidance", ids["avoid"])  # same name as its parent
    code(project, study.doc, (12, 33), child.id)
    with project.write("memo on a code") as session:
        session.add(Memo(code_id=ids["avoid"], coder_id=project.coder_id(session), text="note"))
    before = dump(project)

    summary = codebook_edit.merge_codes(project, ids["avoid"], ids["coping"])  # into its parent

    assert (summary.children_moved, summary.moved) == (2, 0)
    paths = {n.path for n in codebook.tree(project)}
    assert {"Coping strategies/Dropping out", "Coping strategies/Avoidance"} <= paths
    assert study.node("Coping strategies/Avoidance").id == namesake.id
    with project.read() as session:
        assert session.scalar(select(Memo.code_id)) == ids["coping"]
    history.undo(project)
    assert dump(project) == before


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("avoid", "avoid", "into itself"),
        ("coping", "avoid", "its own sub-code"),
        ("avoid", "coping", "is a group"),  # A has codings; a group cannot hold them
        ("tradeoff", "escalate", "both have a sub-code 'Sub'"),  # children with the same name
    ],
)
def test_merge_refusals_change_nothing(
    study: Study, source: str, target: str, message: str
) -> None:
    project, ids = study.project, study.ids
    code(project, study.doc, (12, 33), ids["avoid"])
    codebook_edit.add_code(project, "Sub", ids["tradeoff"])
    codebook_edit.add_code(project, "sub", ids["escalate"])
    before = dump(project)
    with pytest.raises(CodebookError, match=message):
        codebook_edit.merge_codes(project, ids[source], ids[target])
    assert dump(project) == before


# ---------------------------------------------------------------- delete
def test_delete_is_refused_while_codings_exist_and_the_preview_counts_them(study: Study) -> None:
    project, other, doc, ids = study.project, study.other, study.doc, study.ids
    child = codebook_edit.add_code(project, "Dropping out", ids["avoid"])
    first = code(project, doc, (12, 33), ids["avoid"])
    code(project, doc, (35, 60), child.id)
    code(other, doc, (12, 33), child.id)
    conflict = code(project, doc, (0, 33), ids["conflict"])
    codings.link(project, first, conflict)
    preview = codebook_edit.delete_preview(project, ids["avoid"])
    assert (preview.codes, preview.codings, preview.my_codings, preview.links) == (2, 3, 2, 1)
    assert preview.coders == (("tester", 2), ("other", 1))
    assert "3 codings (tester: 2, other: 1; 2 yours), 1 links" in preview.message()
    before = dump(project)
    with pytest.raises(CodebookError, match="has 3 codings"):
        codebook_edit.delete_code(project, ids["avoid"])
    with pytest.raises(CodebookError, match="receives the codings"):
        codebook_edit.delete_code(project, ids["avoid"], mode="merge_into")
    with pytest.raises(CodebookError, match="code being deleted"):
        codebook_edit.delete_code(project, ids["avoid"], "merge_into", child.id)
    assert dump(project) == before


def test_delete_codings_removes_them_with_their_links(study: Study) -> None:
    project, doc, ids = study.project, study.doc, study.ids
    first = code(project, doc, (12, 33), ids["avoid"])
    conflict = code(project, doc, (0, 33), ids["conflict"])
    codings.link(project, first, conflict, favoured_code_id=ids["efficiency"])
    codings.link(project, conflict, first)
    kept = code(project, doc, (35, 60), ids["escalate"])
    codings.link(project, kept, conflict, favoured_code_id=ids["avoid"])
    before = dump(project)

    summary = codebook_edit.delete_code(project, ids["avoid"], mode="delete_codings")

    assert (summary.codes_deleted, summary.codings_deleted) == (1, 1)
    rows = {c.id: c for c in codings.codings_for_document(project, doc)}
    assert set(rows) == {conflict, kept}
    assert rows[conflict].links == ()
    assert rows[kept].links[0].favoured_code_id is None  # the favoured value was deleted
    assert foreign_key_problems(project) == []
    history.undo(project)
    assert dump(project) == before


def test_delete_merge_into_moves_codings_of_the_whole_subtree(study: Study) -> None:
    project, other, doc, ids = study.project, study.other, study.doc, study.ids
    child = codebook_edit.add_code(project, "Dropping out", ids["avoid"])
    code(project, doc, (12, 33), ids["avoid"])
    code(project, doc, (12, 33), child.id)  # collapses with the one above on the target
    code(other, doc, (35, 60), child.id)
    before = dump(project)

    summary = codebook_edit.delete_code(project, ids["avoid"], "merge_into", ids["tradeoff"])

    assert summary.codes_deleted == 2 and summary.merge is not None
    assert (summary.merge.moved, summary.merge.collapsed) == (2, 1)
    assert {c.code_path for c in codings.codings_for_document(project, doc)} == {
        "Coping strategies/Trade-off"
    }
    history.undo(project)
    assert dump(project) == before


def test_delete_a_group_without_codings_removes_its_subtree(study: Study) -> None:
    project = study.project
    group = _id(project, "Explanatory factors")
    summary = codebook_edit.delete_code(project, group)
    assert summary.codes_deleted == 11
    assert not any(n.path.startswith("Explanatory") for n in codebook.tree(project))
    history.undo(project)
    assert len(codebook.tree(project)) == 48


def test_undo_and_redo_of_deleting_a_coded_subtree(study: Study) -> None:
    """Redo deletes codings before the sub-codes they point to (the event log's order)."""
    project, doc, ids = study.project, study.doc, study.ids
    child = codebook_edit.add_code(project, "Dropping out", ids["avoid"])
    code(project, doc, (12, 33), child.id)
    code(project, doc, (35, 60), ids["avoid"])
    before = dump(project)
    codebook_edit.delete_code(project, ids["coping"], mode="delete_codings")
    after = dump(project)
    history.undo(project)
    assert dump(project) == before
    history.redo(project)
    assert dump(project) == after
    assert foreign_key_problems(project) == []


# ---------------------------------------------------------------- fields
def test_update_fields_colour_shortcut_and_cues(study: Study) -> None:
    project, avoid = study.project, study.ids["avoid"]
    node = codebook_edit.update_code(
        project,
        avoid,
        {
            "definition": "  Staying away. ",
            "example": "I stopped going.",
            "colour": "#AABBCC",
            "shortcut": "w",
        },
    )
    assert (node.definition, node.colour, node.shortcut) == ("Staying away.", "#aabbcc", "w")
    node = codebook_edit.set_cues(project, avoid, "nl", ["  afhaken ", "afhaken", "wegblijven"])
    assert node.cues["nl"] == ("afhaken", "wegblijven") and "en" in node.cues
    node = codebook_edit.set_cues(project, avoid, "en", [])
    assert "en" not in node.cues
    assert history.undo(project).label == "codebook: edit cues of Avoidance"
    assert "en" in study.node("Coping strategies/Avoidance").cues


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "hex colour"),
        ({"shortcut": "e"}, "already used by 'Coping strategies/Escalation'"),
        ({"shortcut": "j"}, "app key"),
        ({"shortcut": "ab"}, "single printable key"),
        (
            {
                "cues": {"english": ["x"]},
            },
            "language code",
        ),
        ({"cues": {"en": ["..."]}}, "only punctuation"),
        ({"kind": "group"}, "cannot become a group"),
        ({"definition": "x" * 20_001}, "longer than"),
        ({"name": "x"}, "unknown code field"),
    ],
)
def test_update_refusals_change_nothing(
    study: Study, changes: dict[str, object], message: str
) -> None:
    code(study.project, study.doc, (12, 33), study.ids["avoid"])
    before = dump(study.project)
    with pytest.raises(CodebookError, match=message):
        codebook_edit.update_code(study.project, study.ids["avoid"], changes)
    assert dump(study.project) == before


def test_reserved_keys_do_not_clash_with_the_icvc_shortcuts() -> None:
    assert not codebook_edit.RESERVED_KEYS & {"a", "e", "t", "b"}
    assert not any(key.isdigit() for key in codebook_edit.RESERVED_KEYS)


def test_a_group_takes_no_shortcut(study: Study) -> None:
    with pytest.raises(CodebookError, match="only codes take a shortcut"):
        codebook_edit.update_code(study.project, study.ids["coping"], {"shortcut": "z"})


# ------------------------------------------------------- fault injection (C7-3)
@contextmanager
def fail_on_statement(project: Project, n: int) -> Iterator[None]:
    """Make the n-th SQL statement from now on fail, as a full disk or I/O error would."""
    seen = 0

    def before(*_: object) -> None:
        nonlocal seen
        seen += 1
        if seen == n:
            raise RuntimeError("injected fault")

    event.listen(project.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(project.engine, "before_cursor_execute", before)


@pytest.mark.parametrize("operation", ["merge", "delete_merge_into", "delete_codings"])
def test_merge_and_delete_are_all_or_nothing_whichever_statement_fails(
    study: Study, operation: str
) -> None:
    project, doc, ids = study.project, study.doc, study.ids
    child = codebook_edit.add_code(project, "Dropping out", ids["avoid"])
    a = code(project, doc, (12, 33), ids["avoid"])
    code(project, doc, (12, 33), ids["escalate"])
    code(study.other, doc, (35, 60), child.id)
    codings.link(project, a, code(project, doc, (0, 33), ids["conflict"]), ids["avoid"])
    run: Callable[[], object] = {
        "merge": lambda: codebook_edit.merge_codes(project, ids["avoid"], ids["escalate"]),
        "delete_merge_into": lambda: codebook_edit.delete_code(
            project, ids["avoid"], "merge_into", ids["escalate"]
        ),
        "delete_codings": lambda: codebook_edit.delete_code(
            project, ids["avoid"], "delete_codings"
        ),
    }[operation]
    before = dump(project)
    for n in range(1, 500):
        with fail_on_statement(project, n):
            try:
                run()
            except (RuntimeError, QualcopeError):
                assert dump(project) == before, f"statement {n} left a partial change"
                continue
        break
    else:
        pytest.fail("the operation never succeeded")
    assert n > 5 and dump(project) != before
    assert foreign_key_problems(project) == []
    with project.read() as session:
        assert session.scalar(select(Coder.id).where(Coder.name == "tester"))
        assert session.scalar(select(Coding.id).where(Coding.code_id == ids["avoid"])) is None
        assert (
            session.scalar(select(CodingLink.id).where(CodingLink.favoured_code_id == ids["avoid"]))
            is None
        )

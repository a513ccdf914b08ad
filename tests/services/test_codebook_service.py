"""Importing a codebook into a project: merge by path, never lose a coded code."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcope.db.models import Code, Document
from qualcope.errors import CodebookError
from qualcope.interchange.codebook_yaml import parse_codebook_yaml, read_codebook_yaml
from qualcope.services import codebook, codings
from qualcope.services.project import Project
from tests.conftest import ICVC


def add_document(project: Project, text: str = "Respondent: we just stopped going.") -> int:
    with project.write("test document", undoable=False) as session:
        doc = Document(name="d.txt", content_hash=str(hash(text)), text=text)
        session.add(doc)
        session.flush()
        return doc.id


def test_import_then_export_gives_the_same_file(icvc_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    codebook.export_codebook(icvc_project, out)
    assert out.read_text(encoding="utf-8") == ICVC.read_text(encoding="utf-8")


def test_merge_adds_updates_and_keeps(icvc_project: Project) -> None:
    spec = parse_codebook_yaml(
        "name: Individual Coping with Value Conflicts (ICVC)\n"
        "codes:\n"
        "  - name: Coping strategies\n    kind: group\n    children:\n"
        "      - name: avoidance\n        definition: Withdrawing from the conflict.\n"
        "      - name: Humour\n        definition: Laughing it off.\n"
    )
    changes = codebook.import_codebook(icvc_project, spec)
    by_action = {(c.action, c.path) for c in changes}
    assert ("added", "Coping strategies/Humour") in by_action
    assert ("updated", "Coping strategies/avoidance") in by_action
    assert any(c.action == "kept" for c in changes)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    assert nodes["Coping strategies/avoidance"].definition == "Withdrawing from the conflict."
    assert "Expectations/Public values in the process/Equity" in nodes


def test_prune_never_deletes_a_code_with_codings(icvc_project: Project) -> None:
    doc = add_document(icvc_project)
    nodes = {n.path: n for n in codebook.tree(icvc_project)}
    codings.add_coding(icvc_project, doc, 12, 33, nodes["Coping strategies/Avoidance"].id)
    spec = parse_codebook_yaml("codes:\n  - name: Other\n")
    changes = codebook.import_codebook(icvc_project, spec, prune=True)
    paths = {n.path for n in codebook.tree(icvc_project)}
    assert "Coping strategies/Avoidance" in paths
    assert "Expectations/Public values in the process/Equity" not in paths
    assert any(c.action == "kept" and "1 codings" in c.detail for c in changes)


def test_failed_import_leaves_the_codebook_unchanged(icvc_project: Project) -> None:
    before = codebook.tree(icvc_project)
    spec = parse_codebook_yaml(
        "codes:\n  - name: Coping strategies\n    kind: group\n"
        "    children:\n      - name: New\n        shortcut: e\n"
    )
    with pytest.raises(CodebookError, match="shortcut 'e'"):
        codebook.import_codebook(icvc_project, spec)
    assert codebook.tree(icvc_project) == before


def test_names_are_unique_per_parent_in_the_database(icvc_project: Project) -> None:
    from qualcope.errors import ConflictError

    with pytest.raises(ConflictError):
        with icvc_project.write("dup") as session:
            session.add(
                Code(
                    name="AVOIDANCE",
                    name_key="avoidance",
                    parent_id=session.scalar(
                        select(Code.id).where(Code.name == "Coping strategies")
                    ),
                )
            )
    with pytest.raises(ConflictError):
        with icvc_project.write("dup root") as session:
            session.add(Code(name="expectations", name_key="expectations"))
    with icvc_project.read() as session:
        assert session.scalar(select(func.count()).select_from(Code)) == len(
            read_codebook_yaml(ICVC).walk()
        )
